"""The gateway's side: what a request plans (safety first, from offsets), refusals of bad
requests, the bandwidth cap's pacing, and the pack contents derived from the site."""

from __future__ import annotations

import asyncio
import json

import pytest

from gateway.packs.config import PacksConfig
from gateway.packs.sender import Pacer, PackRequestError, PackSender
from gateway.packs.serve import PackServer
from protocol import (
    ErrorMessage,
    Message,
    PackAck,
    PackChunk,
    PackComplete,
    PackManifest,
    PackRequest,
    PackWant,
)
from protocol.procedure import load_documents
from tests.packs.packkit import SAMPLE_SITE

ORDER = ["safety", "procedure", "reference"]


def test_plan_sends_safety_first_from_the_requested_offsets(pack_v1):
    sender = PackSender(pack_v1, 4096)
    plan = sender.plan(PackRequest(pack_v1.version))
    assert len(plan) == len(pack_v1.manifest.files)
    ranks = [ORDER.index(w.file.priority) for w in plan]
    assert ranks == sorted(ranks)
    ref = next(f for f in pack_v1.manifest.files if f.priority == "reference" and f.size > 5000)
    safety = next(f for f in pack_v1.manifest.files if f.priority == "safety")
    wants = (PackWant(ref.path, 4096), PackWant(safety.path, 0))
    plan = sender.plan(PackRequest(pack_v1.version, wants))
    assert [(w.file.path, w.offset) for w in plan] == [(safety.path, 0), (ref.path, 4096)]
    reader = sender.reader(plan[1:])
    first = reader.read_next()
    reader.close()
    assert first is not None and first.offset == 4096 and first.total_size == ref.size
    assert first.payload == (pack_v1.file_path(ref.path).read_bytes()[4096 : 4096 + 4096])


@pytest.mark.parametrize(
    "wants",
    [(PackWant("docs/nope.md"),), (PackWant("site.toml", 10**8),)],
    ids=["unknown-file", "offset-past-end"],
)
def test_bad_requests_are_refused(pack_v1, wants):
    with pytest.raises(PackRequestError):
        PackSender(pack_v1).plan(PackRequest(pack_v1.version, wants))
    with pytest.raises(PackRequestError, match="serves"):
        PackSender(pack_v1).plan(PackRequest("0.0.1+000000000000"))


async def test_stream_answers_a_stale_request_with_an_error_and_the_manifest(pack_v1):
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    stream = PackServer(pack_v1, PacksConfig()).stream(send)
    assert stream.on_message(PackRequest("0.0.1+000000000000"))
    await stream.wait()
    await stream.close()
    assert isinstance(sent[0], ErrorMessage) and sent[0].code == "not_found"
    assert isinstance(sent[1], PackManifest) and sent[1].pack_version == pack_v1.version


def test_pacer_holds_the_average_rate():
    pacer = Pacer(1000, burst=250)
    now = 0.0
    for _ in range(10):
        now += pacer.delay(500, now)
    assert now == pytest.approx((10 * 500 - 250) / 1000)  # all but the burst, at 1000 B/s
    assert Pacer(0).delay(10**9, 0.0) == 0.0


def test_pack_holds_the_site_and_what_the_glasses_derive(pack_v1):
    paths = {f.path for f in pack_v1.manifest.files}
    docs = load_documents(SAMPLE_SITE / "docs")
    assert {"equipment.toml", "site.toml", "procedures.json", "search.json"} <= paths
    assert "points.toml" not in paths
    assert sum(p.startswith("docs/") for p in paths) == len(docs)
    priority = {f.path: f.priority for f in pack_v1.manifest.files}
    for doc in docs:
        path = "docs/" + doc.path.split("/docs/", 1)[1]
        if doc.kind == "SAFETY" or doc.safety_level == "high":
            assert priority[path] == "safety"
        elif doc.is_procedure:
            assert priority[path] == "procedure"
        else:
            assert priority[path] == "reference"
    listed = json.loads(pack_v1.file_path("procedures.json").read_text())
    assert {p["id"] for p in listed["procedures"]} == {d.id for d in docs if d.is_procedure}
    assert pack_v1.version.startswith("2025.1.0+")


def test_read_batch_groups_small_files_and_keeps_chunks_whole(pack_v1):
    sender = PackSender(pack_v1, 4096)
    plan = sender.plan(PackRequest(pack_v1.version))
    one_by_one = sender.reader(plan)
    expected = list(iter(one_by_one.read_next, None))
    one_by_one.close()
    batched = sender.reader(plan)
    batches = list(iter(lambda: batched.read_batch(4096, 3), []))
    batched.close()
    assert [c for b in batches for c in b] == expected
    assert all(1 <= len(b) <= 3 for b in batches)
    assert any(len(b) > 1 for b in batches)  # small files share a thread hop
    assert all(sum(len(c.payload) for c in b[:-1]) < 4096 for b in batches)


async def test_window_counts_bytes_so_small_files_fly_together(pack_v1):
    """At most ``window_chunks * chunk_size`` bytes go unacknowledged (a chunk alone
    always fits); small files' chunks share that budget instead of a round trip each.
    One ack frees every chunk sent before the acked one, whatever its file."""
    sent: list[PackChunk | PackComplete] = []

    async def send(message: Message) -> None:
        assert isinstance(message, PackChunk | PackComplete)
        sent.append(message)

    budget = 16 * 1024
    stream = PackServer(pack_v1, PacksConfig(chunk_size=8 * 1024, window_chunks=2)).stream(send)
    stream.on_message(PackRequest(pack_v1.version))
    acked, most_at_once = 0, 0
    async with asyncio.timeout(60):  # a stream that never resumes fails, not hangs
        while not (sent and isinstance(sent[-1], PackComplete)):
            await asyncio.sleep(0.005)  # until the stream waits for acks, or is done
            if not stream.waiting_for_acks:
                continue
            chunks = [m for m in sent if isinstance(m, PackChunk)]
            unacked = chunks[acked:]
            assert sum(len(c.payload) for c in unacked) <= budget or len(unacked) == 1
            most_at_once = max(most_at_once, len(unacked))
            end = unacked[-1].offset + len(unacked[-1].payload)
            stream.on_message(PackAck(pack_v1.version, unacked[-1].path, end))  # the last only
            acked = len(chunks)
    await stream.close()
    assert most_at_once > 2  # more small files than the two chunks of the window
    assert sum(len(c.payload) for c in sent if isinstance(c, PackChunk)) == pack_v1.total_bytes
