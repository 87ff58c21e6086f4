"""Trusted gateway keys, manifest signatures and manifest files.

A manifest is trusted when its ``signature`` (hex) is a valid Ed25519 signature,
by one of the configured public keys, over
``protocol.canonical_bytes(manifest, exclude=("signature",))``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from glasses.pack.errors import PackInvalid, SignatureError, TrustedKeyError
from protocol import PackManifest, ProtocolError, canonical_bytes, decode, encode

_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")


def load_public_key(entry: str) -> Ed25519PublicKey:
    """One trusted key: 64 hex digits (raw public key) or the path of a public-key PEM."""
    text = entry.strip()
    if _HEX_KEY.fullmatch(text):
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(text))
    path = Path(text).expanduser()
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except OSError as exc:
        raise TrustedKeyError(
            f"trusted key {entry!r}: not 64 hex digits and not readable ({exc})"
        ) from None
    except ValueError as exc:
        raise TrustedKeyError(f"trusted key {path}: not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise TrustedKeyError(f"trusted key {path}: not an Ed25519 key ({type(key).__name__})")
    return key


def load_trusted_keys(entries: Iterable[str]) -> tuple[Ed25519PublicKey, ...]:
    return tuple(load_public_key(e) for e in entries)


def verify_manifest(manifest: PackManifest, keys: Iterable[Ed25519PublicKey]) -> None:
    """Raise :class:`SignatureError` unless a trusted key signed ``manifest``."""
    keys = tuple(keys)
    if not keys:
        raise SignatureError(f"pack {manifest.pack_version}: no trusted keys configured")
    try:
        signature = bytes.fromhex(manifest.signature)
    except ValueError:
        raise SignatureError(f"pack {manifest.pack_version}: signature is not hex") from None
    signed = canonical_bytes(manifest, exclude=("signature",))
    for key in keys:
        try:
            key.verify(signature, signed)
            return
        except InvalidSignature:
            continue
    raise SignatureError(f"pack {manifest.pack_version}: not signed by a trusted key")


def parse_manifest(text: str, where: str) -> PackManifest:
    try:
        message = decode(text)
    except ProtocolError as exc:
        raise PackInvalid(f"{where}: not a valid pack manifest ({exc})") from None
    if not isinstance(message, PackManifest):
        raise PackInvalid(f"{where}: holds a {message.TYPE}, not a pack_manifest")
    return message


def read_manifest(path: Path) -> PackManifest:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackInvalid(f"{path}: cannot read the manifest ({exc})") from None
    return parse_manifest(text, str(path))


def write_manifest(path: Path, manifest: PackManifest) -> None:
    """Write the manifest durably and atomically."""
    write_atomic(path, str(encode(manifest)).encode("utf-8"))


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
