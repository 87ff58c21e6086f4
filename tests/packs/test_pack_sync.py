"""Pack sync between a gateway stream and the glasses' receiver, over an in-memory
link with real frames (cuts, corrupt chunks, bad signatures) and over a real websocket."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import shutil

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

from gateway.packs.build import BuiltPack, PackBuildError
from gateway.packs.config import PacksConfig
from gateway.packs.serve import PackServer, serve_pack
from gateway.packs.signing import sign_manifest
from glasses.pack.check import load_pack
from glasses.pack.outcome import SyncResult, SyncState
from glasses.pack.receiver import PackReceiver
from glasses.pack.store import PackStore, last_sync_time
from glasses.pack.sync import PackClient, merge_acks, sync_pack
from protocol import (
    Message,
    PackAck,
    PackFile,
    PackManifest,
    PackRequest,
    ProtocolError,
    decode,
    encode,
    sha256_hex,
)
from tests.packs.packkit import (
    LinkCut,
    MemoryLink,
    attempt_sync,
    copy_pack,
    flip_last_byte,
)


def wanted_bytes(store_had: BuiltPack | None, pack: BuiltPack) -> int:
    """Bytes a glasses store holding ``store_had`` must fetch to get ``pack``."""
    have = {f.sha256 for f in store_had.manifest.files} if store_had else set()
    unique = {f.sha256: f.size for f in pack.manifest.files if f.sha256 not in have}
    return sum(unique.values())


def wanted_chunks(store_had: BuiltPack, pack: BuiltPack, chunk: int = 16 * 1024) -> int:
    have = {f.sha256 for f in store_had.manifest.files}
    unique = {f.sha256: f.size for f in pack.manifest.files if f.sha256 not in have}
    return sum(-(-size // chunk) for size in unique.values())


def assert_active(store: PackStore, pack: BuiltPack, trusted) -> None:
    loaded = load_pack(store.root / "current", trusted)  # signature + every hash + parse
    assert loaded.version == pack.version
    assert loaded.manifest.files == pack.manifest.files


async def test_fetches_only_changed_files_and_activates(store_v1, pack_v1, pack_v2, trusted):
    attempt = await attempt_sync(pack_v2, store_v1, trusted, MemoryLink())
    assert attempt.result is not None and attempt.result.state is SyncState.ACTIVATED
    assert_active(store_v1, pack_v2, trusted)
    assert store_v1.previous_version() == pack_v1.version
    assert attempt.result.stats.bytes == wanted_bytes(pack_v1, pack_v2) < pack_v2.total_bytes
    first = next(iter(attempt.stream.stats.sent))[0]
    priority = {f.path: f.priority for f in pack_v2.manifest.files}
    assert priority[first] == min(
        (priority[p] for p, _ in attempt.stream.stats.sent),
        key=["safety", "procedure", "reference"].index,
    )
    assert last_sync_time(store_v1.root.parent, str(store_v1.root)) is not None


@pytest.mark.parametrize("window", [1, 4])
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_cut_resumes_with_another_gateway(
    tmp_path, store_v1, pack_v1, pack_v2, trusted, window, seed
):
    rng = random.Random(seed)
    cut = rng.randint(2, wanted_chunks(pack_v1, pack_v2) - 1)
    first = await attempt_sync(
        pack_v2,
        store_v1,
        trusted,
        MemoryLink(cut_at_chunk=cut, deliver_cut_chunk=bool(seed % 2)),
        window=window,
    )
    assert first.result is None
    assert store_v1.active_version() == pack_v1.version  # nothing switched mid-transfer
    other_gateway = copy_pack(pack_v2, tmp_path / "gateway-b")
    restarted = PackStore(store_v1.root)  # as after a reboot of the glasses
    second = await attempt_sync(other_gateway, restarted, trusted, MemoryLink(), window=window)
    assert second.result is not None and second.result.state is SyncState.ACTIVATED
    assert_active(restarted, pack_v2, trusted)
    sent = first.stream.stats.sent + second.stream.stats.sent
    resent = sum(n - 1 for n in sent.values() if n > 1)
    assert resent <= window  # only chunks in flight at the cut (1 with stop-and-wait)
    stored = first.receiver.stats.bytes + second.receiver.stats.bytes
    assert stored == wanted_bytes(pack_v1, pack_v2)  # no byte stored twice


@pytest.mark.parametrize("which", ["first", "middle", "last"])
async def test_corrupt_chunk_is_refused_and_fetched_again(
    store_v1, pack_v1, pack_v2, trusted, which
):
    count = wanted_chunks(pack_v1, pack_v2)
    index = {"first": 1, "middle": count // 2, "last": count}[which]
    link = MemoryLink(tamper={index: flip_last_byte})
    attempt = await attempt_sync(pack_v2, store_v1, trusted, link)
    assert attempt.result is not None and attempt.result.state is SyncState.ACTIVATED
    assert attempt.receiver.stats.refused >= 1
    assert attempt.stream.stats.resent_chunks >= 1  # the refused chunk came again
    assert_active(store_v1, pack_v2, trusted)


async def test_damaged_staged_part_is_fetched_again(store_v1, pack_v1, pack_v2, trusted):
    first = await attempt_sync(pack_v2, store_v1, trusted, MemoryLink(cut_at_chunk=5))
    assert first.result is None
    part = next((store_v1.staging_dir / "parts").glob("*.part"))
    data = bytearray(part.read_bytes())
    data[0] ^= 0xFF  # bit rot in what was already staged
    part.write_bytes(bytes(data))
    second = await attempt_sync(pack_v2, PackStore(store_v1.root), trusted, MemoryLink())
    assert second.result is not None and second.result.state is SyncState.ACTIVATED
    assert second.receiver.stats.files_restarted == 1
    assert_active(store_v1, pack_v2, trusted)


def _resigned(pack: BuiltPack, key: Ed25519PrivateKey, **changes) -> BuiltPack:
    manifest = sign_manifest(dataclasses.replace(pack.manifest, **changes), key)
    return BuiltPack(pack.directory, manifest)


@pytest.mark.parametrize("case", ["other_key", "unsigned", "tampered"])
async def test_bad_signature_is_refused_and_old_pack_stays(
    store_v1, pack_v1, pack_v2, trusted, case
):
    if case == "other_key":
        bad = _resigned(pack_v2, Ed25519PrivateKey.generate())
    elif case == "unsigned":
        bad = BuiltPack(pack_v2.directory, dataclasses.replace(pack_v2.manifest, signature="00"))
    else:  # signed, then a file hash swapped in transit
        files = list(pack_v2.manifest.files)
        files[0] = dataclasses.replace(files[0], sha256=sha256_hex(b"evil"))
        tampered = dataclasses.replace(pack_v2.manifest, files=tuple(files))
        bad = BuiltPack(pack_v2.directory, tampered)
    attempt = await attempt_sync(bad, store_v1, trusted, MemoryLink())
    assert attempt.result is not None and attempt.result.state is SyncState.REFUSED
    assert "trusted key" in (attempt.result.error or "")
    assert attempt.stream.stats.requests == 0  # nothing was even asked for
    assert store_v1.active_version() == pack_v1.version
    assert store_v1.status().last_result == "refused"


async def test_pack_that_does_not_load_is_rolled_back(
    tmp_path, store_v1, pack_v1, pack_v2, signing_key, trusted
):
    broken_dir = copy_pack(pack_v2, tmp_path / "broken").directory
    doc = broken_dir / "docs" / "reference" / "crac-reference.md"
    doc.write_text(doc.read_text("utf-8").replace('kind = "REF"', 'kind = "NOPE"'), "utf-8")
    files = tuple(
        PackFile(
            f.path,
            sha256_hex((broken_dir / f.path).read_bytes()),
            (broken_dir / f.path).stat().st_size,
            f.priority,
        )
        for f in pack_v2.manifest.files
    )
    manifest = sign_manifest(PackManifest("broken+1", 1.0, files, "00"), signing_key)
    (broken_dir / "manifest.json").write_text(str(encode(manifest)))
    attempt = await attempt_sync(BuiltPack(broken_dir, manifest), store_v1, trusted, MemoryLink())
    assert attempt.result is not None and attempt.result.state is SyncState.FAILED
    activation = attempt.result.activation
    assert activation is not None and activation.rolled_back and not activation.ok
    assert "crac-reference.md" in (activation.error or "")
    assert store_v1.active_version() == pack_v1.version
    assert store_v1.status().last_result == "failed"
    again = await attempt_sync(BuiltPack(broken_dir, manifest), store_v1, trusted, MemoryLink())
    assert again.result is not None and again.result.state is SyncState.DECLINED
    assert again.stream.stats.requests == 0  # not fetched again on every connection


async def test_version_rolled_back_from_is_not_synced_back(store_v1, pack_v1, pack_v2, trusted):
    first = await attempt_sync(pack_v2, store_v1, trusted, MemoryLink())
    assert first.result is not None and first.result.state is SyncState.ACTIVATED
    assert store_v1.rollback(trusted).ok
    again = await attempt_sync(pack_v2, store_v1, trusted, MemoryLink())
    assert again.result is not None and again.result.state is SyncState.DECLINED
    assert store_v1.active_version() == pack_v1.version
    assert store_v1.status().declined == pack_v2.version


async def test_up_to_date_asks_for_nothing(store_v1, pack_v1, trusted):
    attempt = await attempt_sync(pack_v1, store_v1, trusted, MemoryLink())
    assert attempt.result is not None and attempt.result.state is SyncState.UP_TO_DATE
    assert attempt.stream.stats.requests == 0
    assert store_v1.status().last_result == "up_to_date"


async def test_sync_over_a_real_websocket(tmp_path, pack_v2, trusted):
    server = PackServer(pack_v2, PacksConfig(chunk_size=64 * 1024))

    async def handler(ws) -> None:
        async def send(message) -> None:
            await ws.send(encode(message))

        stream = server.stream(send)
        await stream.offer()
        try:
            async for frame in ws:
                stream.on_message(decode(frame))
        finally:
            await stream.close()

    store = PackStore(tmp_path / "pack")
    async with serve(handler, "127.0.0.1", 0) as gateway:
        port = gateway.sockets[0].getsockname()[1]
        async with connect(f"ws://127.0.0.1:{port}", max_size=2**21) as ws:

            async def send(message) -> None:
                await ws.send(encode(message))

            async def recv():
                return decode(await ws.recv())

            result = await asyncio.wait_for(sync_pack(PackReceiver(store, trusted), send, recv), 60)
    assert result.state is SyncState.ACTIVATED
    assert result.stats.bytes == pack_v2.total_bytes - 0  # a fresh store fetches everything
    assert_active(store, pack_v2, trusted)


async def test_pack_client_for_the_link_resumes_after_a_disconnect(
    store_v1, pack_v1, pack_v2, trusted
):
    """The link feeds PackClient from its receive callback and tells it of disconnects."""
    links = [MemoryLink(cut_at_chunk=6, tamper={3: flip_last_byte}), MemoryLink()]
    results: list[SyncResult] = []

    def finished(result: SyncResult) -> None:
        results.append(result)
        links[-1].cut()  # end the test's connection

    async def send(message: Message) -> None:  # the link's send, whatever the connection
        await current.glasses_send(message)

    client = PackClient(store_v1, trusted, send, on_result=finished)
    for current in links:
        stream = PackServer(pack_v2, PacksConfig(chunk_size=16 * 1024)).stream(current.gateway_send)
        gateway = asyncio.create_task(serve_pack(stream, current.gateway_recv))
        while True:  # the link's receive loop
            try:
                message = await asyncio.wait_for(current.glasses_recv(), 30)
            except ProtocolError as exc:
                client.on_corrupt_frame(str(exc))
                continue
            except LinkCut:
                client.connection_lost()
                break
            assert client.on_message(message)
        await asyncio.gather(gateway, return_exceptions=True)
        if current is links[0]:
            assert not results and store_v1.active_version() != pack_v2.version
    await client.close()
    assert [r.state for r in results] == [SyncState.ACTIVATED]
    assert client.last_result is results[0]
    assert results[0].stats.bytes < wanted_bytes(pack_v1, pack_v2)  # resumed, not restarted
    assert_active(store_v1, pack_v2, trusted)


async def test_gateway_serving_a_damaged_file_fails_the_sync(
    tmp_path, store_v1, pack_v1, pack_v2, trusted, gateway_dir
):
    damaged = copy_pack(pack_v2, tmp_path / "damaged")
    have = {f.sha256 for f in pack_v1.manifest.files}
    victim = next(f for f in pack_v2.manifest.files if f.sha256 not in have)
    path = damaged.file_path(victim.path)
    path.write_bytes(path.read_bytes()[:-1] + b"?")  # changed on disk after it was signed
    attempt = await attempt_sync(damaged, store_v1, trusted, MemoryLink())
    assert attempt.result is not None and attempt.result.state is SyncState.FAILED
    assert victim.path in (attempt.result.error or "")
    assert store_v1.active_version() == pack_v1.version
    (gateway_dir / "packs-damaged").mkdir()
    shutil.copytree(damaged.directory, gateway_dir / "packs-damaged" / damaged.version)
    (gateway_dir / "packs-damaged" / "latest").write_text(damaged.version)
    config = PacksConfig(packs_dir=str(gateway_dir / "packs-damaged"))
    with pytest.raises(PackBuildError, match="differ"):
        PackServer.latest(config, gateway_dir)


def test_a_batch_sends_only_its_last_ack():
    a1, b1, a2 = PackAck("1", "a", 10), PackAck("1", "b", 5), PackAck("1", "a", 20)
    request = PackRequest("1")
    assert merge_acks([a1, b1, request, a2]) == [request, a2]
    assert merge_acks([a1, request]) == [a1, request]
    assert merge_acks([a1, b1]) == [b1]
