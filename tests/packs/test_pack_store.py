"""The glasses' pack store (rollback, status, damaged packs), the signing key, and
export/import for air-gapped sites through the real CLI commands."""

from __future__ import annotations

import stat
import tarfile
from pathlib import Path

from gateway.packs.build import build_pack
from gateway.packs.signing import load_or_create_signing_key, public_key_hex
from glasses.pack.store import PackStore, last_sync_time
from protocol.cli import ExitCode, build_parser, run
from tests.packs.conftest import install
from tests.packs.packkit import SAMPLE_SITE, make_site


def gateway_cli(*argv: str) -> int:
    return run(build_parser("gateway", "test", "gateway", ["pack"]), list(argv))


def glasses_cli(*argv: str) -> int:
    return run(build_parser("glasses", "test", "glasses", ["pack"]), list(argv))


def test_rollback_restores_the_previous_pack(store_v1, pack_v1, pack_v2, trusted):
    install(store_v1, pack_v2, trusted)
    assert store_v1.active_version() == pack_v2.version
    assert store_v1.previous_version() == pack_v1.version
    result = store_v1.rollback(trusted)
    assert result.ok and result.version == pack_v1.version
    assert store_v1.previous_version() == pack_v2.version
    loaded = store_v1.load_active(trusted)
    assert loaded is not None and loaded.version == pack_v1.version
    assert len(loaded.documents) == len(list((SAMPLE_SITE / "docs").rglob("*.md")))
    assert store_v1.rollback(trusted).version == pack_v2.version  # and forward again


def test_installing_the_active_pack_again_keeps_the_previous_one(
    store_v1, pack_v1, pack_v2, trusted
):
    install(store_v1, pack_v2, trusted)
    install(store_v1, pack_v2, trusted)
    assert store_v1.active_version() == pack_v2.version
    assert store_v1.previous_version() == pack_v1.version


def test_rollback_without_previous_pack_says_so(store_v1, pack_v1):
    result = store_v1.rollback()
    assert not result.ok and "no previous pack" in (result.error or "")
    assert store_v1.active_version() == pack_v1.version


def test_damaged_active_pack_falls_back_to_previous(store_v1, pack_v1, pack_v2, trusted):
    install(store_v1, pack_v2, trusted)
    victim = store_v1.active_dir() / "procedures.json"
    victim.unlink()
    victim.write_text("{}")  # a new inode: the previous pack's hard link is untouched
    loaded = store_v1.load_active(trusted)
    assert loaded is not None and loaded.version == pack_v1.version
    assert store_v1.active_version() == pack_v1.version


def test_loaded_pack_gives_the_intent_grammar_its_procedures(store_v1, trusted):
    loaded = store_v1.load_active(trusted)
    assert loaded is not None and loaded.registry is not None
    ids = {pid for pid, _, _ in loaded.procedures}
    assert "crac-hp-trip-recovery" in ids
    assert all(title for _, title, _ in loaded.procedures)
    chunks = loaded.search_chunks()
    assert any(c["doc_id"] == "crac-alarm-codes" and "search_text" in c for c in chunks)


def test_signing_key_is_private_and_stable(tmp_path):
    path = tmp_path / "data" / "pack_signing_key.pem"
    first = load_or_create_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert public_key_hex(load_or_create_signing_key(path)) == public_key_hex(first)


def test_same_site_builds_the_same_version(tmp_path, signing_key, pack_v1):
    again = build_pack(SAMPLE_SITE, tmp_path / "packs", signing_key)
    assert again.version == pack_v1.version
    assert again.manifest.files == pack_v1.manifest.files


def _gateway(tmp_path: Path, site: Path) -> tuple[Path, str]:
    """A gateway data dir with an exported pack of ``site``; returns (file, public key)."""
    data = tmp_path / "gateway"
    export = tmp_path / "usb" / "pack.tar"
    export.parent.mkdir(parents=True, exist_ok=True)
    assert (
        gateway_cli("--set", f"data_dir={data}", "pack", "export", str(export), "--site", str(site))
        == ExitCode.OK
    )
    key = load_or_create_signing_key(data / "pack_signing_key.pem")
    return export, public_key_hex(key)


def test_export_then_import_offline(tmp_path, capsys):
    export, _ = _gateway(tmp_path, make_site(tmp_path / "site", edit="Air-gapped edition."))
    assert gateway_cli("--set", f"data_dir={tmp_path / 'gateway'}", "pack", "key") == ExitCode.OK
    pem = tmp_path / "gateway" / "pack_signing_key.pub.pem"  # handed over at pairing
    glasses = tmp_path / "glasses"
    assert (
        glasses_cli(
            "--set", f"data_dir={glasses}", "pack", "import", str(export), "--trusted-key", str(pem)
        )
        == ExitCode.OK
    )
    store = PackStore(glasses / "pack")
    with tarfile.open(export) as tar:
        assert tar.getnames()[0] == "manifest.json"
    assert store.active_version() is not None and store.active_version().startswith("2025.1.0+")
    assert last_sync_time(glasses) is not None
    capsys.readouterr()
    assert glasses_cli("--set", f"data_dir={glasses}", "pack", "status", "--json") == ExitCode.OK
    assert store.active_version() in capsys.readouterr().out


def test_import_refuses_tampered_or_untrusted_exports(tmp_path, capsys):
    export, key = _gateway(tmp_path, SAMPLE_SITE)
    glasses = tmp_path / "glasses"
    assert (
        glasses_cli(
            "--set", f"data_dir={glasses}", "pack", "import", str(export), "--trusted-key", key
        )
        == ExitCode.OK
    )
    good = PackStore(glasses / "pack").active_version()
    other, other_key = _gateway(tmp_path / "b", make_site(tmp_path / "site-b", edit="B."))
    # a pack signed by a gateway these glasses do not trust
    assert (
        glasses_cli(
            "--set", f"data_dir={glasses}", "pack", "import", str(other), "--trusted-key", key
        )
        == ExitCode.FAILED
    )
    assert "trusted key" in capsys.readouterr().out
    # the trusted gateway's export with one byte changed inside a document
    data = bytearray(export.read_bytes())
    at = data.index(b"## ", 2048)
    data[at + 3] ^= 0x20
    tampered = tmp_path / "tampered.tar"
    tampered.write_bytes(bytes(data))
    assert (
        glasses_cli(
            "--set", f"data_dir={glasses}", "pack", "import", str(tampered), "--trusted-key", key
        )
        == ExitCode.FAILED
    )
    assert "SHA-256" in capsys.readouterr().out
    assert PackStore(glasses / "pack").active_version() == good
    assert other_key != key


def test_cli_rollback_and_status(tmp_path, pack_v1, pack_v2, trusted, capsys):
    store = PackStore(tmp_path / "glasses" / "pack")
    install(store, pack_v1, trusted)
    install(store, pack_v2, trusted)
    argv = ("--set", f"data_dir={tmp_path / 'glasses'}", "pack")
    assert glasses_cli(*argv, "rollback") == ExitCode.OK
    assert store.active_version() == pack_v1.version
    capsys.readouterr()
    assert glasses_cli(*argv, "status") == ExitCode.OK
    out = capsys.readouterr().out
    assert pack_v1.version in out and pack_v2.version in out


def test_cli_usage_errors(tmp_path):
    argv = ("--set", f"data_dir={tmp_path}", "pack")
    assert glasses_cli(*argv, "import") == ExitCode.USAGE
    assert (
        glasses_cli(*argv, "import", str(tmp_path / "nope.tar"), "--trusted-key", "0" * 64)
        == ExitCode.USAGE
    )
    assert glasses_cli(*argv, "status", "--trusted-key", "not-a-key") == ExitCode.USAGE
    assert gateway_cli(*argv, "export") == ExitCode.USAGE
