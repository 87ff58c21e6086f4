"""Shared pack fixtures: one signing key, two versions of the sample site's pack."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gateway.packs.build import BuiltPack, build_pack
from gateway.packs.signing import load_or_create_signing_key, public_key_hex
from glasses.pack.store import PackStore
from glasses.pack.verify import load_trusted_keys
from tests.packs.packkit import SAMPLE_SITE, make_site


@pytest.fixture(scope="session")
def gateway_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gateway")


@pytest.fixture(scope="session")
def signing_key(gateway_dir: Path) -> Ed25519PrivateKey:
    return load_or_create_signing_key(gateway_dir / "pack_signing_key.pem")


@pytest.fixture(scope="session")
def trusted(signing_key: Ed25519PrivateKey) -> tuple[Ed25519PublicKey, ...]:
    return load_trusted_keys([public_key_hex(signing_key)])


@pytest.fixture(scope="session")
def pack_v1(gateway_dir: Path, signing_key: Ed25519PrivateKey) -> BuiltPack:
    return build_pack(SAMPLE_SITE, gateway_dir / "packs", signing_key, keep=10)


@pytest.fixture(scope="session")
def pack_v2(gateway_dir: Path, signing_key: Ed25519PrivateKey) -> BuiltPack:
    site = make_site(gateway_dir / "site-v2", extra_kib=120, edit="Filters changed monthly.")
    return build_pack(site, gateway_dir / "packs", signing_key, keep=10)


def install(store: PackStore, pack: BuiltPack, keys: tuple[Ed25519PublicKey, ...]) -> None:
    sources = {f.sha256: pack.file_path(f.path) for f in pack.manifest.files}
    assert store.install(pack.manifest, sources, keys).ok


@pytest.fixture
def store_v1(
    tmp_path: Path, pack_v1: BuiltPack, trusted: tuple[Ed25519PublicKey, ...]
) -> PackStore:
    """Glasses whose active pack is v1."""
    store = PackStore(tmp_path / "glasses" / "pack")
    install(store, pack_v1, trusted)
    return store
