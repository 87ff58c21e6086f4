"""The gateway's pack signing key (Ed25519) and manifest signatures.

The key file is created on first use with mode 0600. The glasses trust the
public key (PEM file or 64 hex characters) given to them at pairing.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from protocol import PackManifest, canonical_bytes

log = logging.getLogger(__name__)


class SigningKeyError(ValueError):
    """The key file exists but is not an Ed25519 private key in PEM."""


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """The key in ``path``; a new one is written there (mode 0600) when there is none."""
    if not path.exists():
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s: signing key readable by others (mode %o); chmod 600 it", path, mode)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise SigningKeyError(f"{path}: not a PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path}: not an Ed25519 key ({type(key).__name__})")
    return key


def _create(path: Path) -> None:
    """Write a new key without ever exposing a partial or world-readable file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if another process created it meanwhile: keep theirs
        log.info("created pack signing key %s", path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_hex(key: Ed25519PrivateKey) -> str:
    """The 32-byte public key as hex: what the glasses list in ``trusted_keys``."""
    return public_key_bytes(key).hex()


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def sign_manifest(manifest: PackManifest, key: Ed25519PrivateKey) -> PackManifest:
    """``manifest`` with its signature over the canonical bytes of every other field."""
    signature = key.sign(canonical_bytes(manifest, exclude=("signature",)))
    return dataclasses.replace(manifest, signature=signature.hex())


def verify_signature(manifest: PackManifest, key: Ed25519PrivateKey) -> bool:
    """True when ``manifest`` carries a valid signature of ``key``."""
    from cryptography.exceptions import InvalidSignature

    try:
        key.public_key().verify(
            bytes.fromhex(manifest.signature), canonical_bytes(manifest, exclude=("signature",))
        )
    except (InvalidSignature, ValueError):
        return False
    return True
