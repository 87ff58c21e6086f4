"""The gateway's TLS identity: a self-signed EC P-256 certificate made on first start.

Glasses do not trust any CA: they pin the SHA-256 fingerprint of the certificate's
DER encoding, learned at pairing time. The private key never leaves ``data_dir``
and is written with mode 0600.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import socket
import ssl
from pathlib import Path
from typing import NamedTuple

TLS_DIR = "tls"
CERT_NAME = "gateway.crt"
KEY_NAME = "gateway.key"
VALID_DAYS = 3650


class TlsError(Exception):
    """The TLS identity on disk is unusable (half missing, mismatched, unreadable)."""


class TlsIdentity(NamedTuple):
    cert_path: Path
    key_path: Path
    fingerprint: str
    """SHA-256 hex of the certificate's DER encoding (what glasses pin)."""


def fingerprint_der(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def cert_fingerprint(cert_path: Path) -> str:
    """Fingerprint of a PEM certificate file."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError) as exc:
        raise TlsError(f"cannot read certificate {cert_path}: {exc}") from exc
    return fingerprint_der(cert.public_bytes(Encoding.DER))


def peer_fingerprint(ssl_object: ssl.SSLObject | ssl.SSLSocket | None) -> str:
    """Fingerprint of the certificate the other side presented ("" if none)."""
    if ssl_object is None:
        return ""
    der = ssl_object.getpeercert(binary_form=True)
    return fingerprint_der(der) if der else ""


def pin_matches(fingerprint: str, pinned: str) -> bool:
    """True when ``pinned`` (full hex or a prefix of at least 16 hex digits) matches."""
    pinned = normalize_fingerprint(pinned)
    return len(pinned) >= 16 and fingerprint.lower().startswith(pinned)


def normalize_fingerprint(text: str) -> str:
    """Accept ``AB:CD…``, ``abcd …`` or plain hex; return lowercase hex."""
    return "".join(ch for ch in text.lower() if ch in "0123456789abcdef")


def format_fingerprint(fingerprint: str) -> str:
    """Groups of four hex digits, easier to read aloud and compare."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


def _write_private(path: Path, data: bytes) -> None:
    """Write atomically with mode 0600 from the first byte."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _alt_names() -> list[object]:
    from cryptography import x509

    names: list[object] = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]
    host = socket.gethostname()
    if host and host != "localhost":
        names.append(x509.DNSName(host))
    return names


def _create(cert_path: Path, key_path: Path, common_name: str) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(_alt_names()), critical=False)  # type: ignore[arg-type]
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_private(key_path, key_pem)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _check_pair(cert_path: Path, key_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise TlsError(f"cannot load TLS identity in {cert_path.parent}: {exc}") from exc
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if cert.public_key().public_bytes(*spki) != key.public_key().public_bytes(*spki):
        raise TlsError(f"{key_path} does not match {cert_path}")
    if key_path.stat().st_mode & 0o077:
        os.chmod(key_path, 0o600)


def load_or_create_identity(data_dir: Path, common_name: str = "gateway") -> TlsIdentity:
    """The gateway's certificate and key under ``data_dir/tls``; created on first use."""
    folder = Path(data_dir) / TLS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    have_cert, have_key = cert_path.exists(), key_path.exists()
    if not have_cert and not have_key:
        _create(cert_path, key_path, common_name)
    elif have_cert != have_key:
        missing = key_path if have_cert else cert_path
        raise TlsError(
            f"TLS identity is incomplete: {missing} is missing; restore it from backup, or "
            f"delete {folder} to make a new one (every pair of glasses must then pair again)"
        )
    _check_pair(cert_path, key_path)
    return TlsIdentity(cert_path, key_path, cert_fingerprint(cert_path))


def server_ssl_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    """TLS 1.2+ server context for the gateway's port (wss and https)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        ctx.load_cert_chain(str(cert_path), str(key_path))
    except (OSError, ssl.SSLError) as exc:
        raise TlsError(f"cannot load TLS identity {cert_path}: {exc}") from exc
    return ctx


def pinning_client_context() -> ssl.SSLContext:
    """Client context that skips CA checks: trust comes from the pinned fingerprint,
    which the caller must check on the connected socket before sending anything."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx
