"""Pairing the glasses with a gateway: read the QR payload, spend the code over HTTPS
with the gateway's certificate pinned, keep the result in ``data_dir/pairing.json``.

``pairing.json`` (mode 0600) holds one entry per gateway: its URI, the pinned
SHA-256 fingerprint of its certificate, and this device's token.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import ssl
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from glasses.link.manager import Identity

PAIRING_FILE = "pairing.json"


class PairingFailed(Exception):
    """Pairing did not happen; the message says why (shown to the wearer)."""


class GatewayUnreachable(PairingFailed):
    """No TLS connection to the gateway could be made."""


@dataclass(frozen=True)
class PairingPayload:
    uri: str
    fingerprint: str
    code: str


@dataclass(frozen=True)
class Pairing:
    uri: str
    fingerprint: str
    """Full SHA-256 hex of the gateway certificate (DER)."""
    token: str
    device_id: str
    gateway_id: str = ""
    gateway_name: str = ""
    paired_at: float = 0.0
    pack_key: str = ""
    """The gateway's knowledge-pack signing key (raw Ed25519, hex), learnt over pinned TLS."""


def normalize_fingerprint(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch in "0123456789abcdef")


def parse_payload(text: str) -> PairingPayload:
    """The JSON ``{"uri":…, "fp":…, "code":…}`` that ``gateway pair`` puts in its QR code."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PairingFailed(f"not a pairing QR code (not JSON): {text[:40]!r}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), str) for k in ("uri", "fp", "code")
    ):
        raise PairingFailed("not a pairing QR code: it needs uri, fp and code")
    return PairingPayload(data["uri"], normalize_fingerprint(data["fp"]), data["code"])


def decode_qr(image_path: Path) -> str:
    """The text of the QR code in a photo or PNG."""
    import cv2

    image = cv2.imread(str(image_path))
    if image is None:
        raise PairingFailed(f"cannot read image {image_path}")
    for detector in (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector()):
        text, _, _ = detector.detectAndDecode(image)
        if text:
            return str(text)
    raise PairingFailed(f"no QR code found in {image_path}")


def _endpoint(uri: str) -> tuple[str, int]:
    parts = urlsplit(uri)
    if parts.scheme != "wss":
        raise PairingFailed(f"pairing needs a wss:// gateway URI, got {uri!r}")
    if not parts.hostname:
        raise PairingFailed(f"no host in gateway URI {uri!r}")
    try:
        return parts.hostname, parts.port or 443
    except ValueError as exc:
        raise PairingFailed(f"bad port in gateway URI {uri!r}") from exc


def _client_context() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # trust is the pinned fingerprint, checked before sending
    return ctx


def _pinned_connection(
    host: str, port: int, pinned: str, timeout: float
) -> tuple[http.client.HTTPSConnection, str]:
    if len(pinned) < 16:
        raise PairingFailed("the gateway fingerprint needs at least 16 hex digits")
    conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=_client_context())
    try:
        conn.connect()
        der = conn.sock.getpeercert(binary_form=True) or b""
    except (OSError, ssl.SSLError) as exc:
        conn.close()
        raise GatewayUnreachable(f"cannot reach gateway {host}:{port}: {exc}") from exc
    seen = hashlib.sha256(der).hexdigest()
    if not seen.startswith(pinned):
        conn.close()
        raise PairingFailed(
            f"gateway certificate {seen[:16]}… is not the expected {pinned[:16]}…: not pairing"
        )
    return conn, seen


def pair_with_gateway(
    uri: str, code: str, fingerprint: str, device_id: str, device_name: str, timeout: float = 10.0
) -> Pairing:
    """Spend ``code`` at the gateway (blocking); refuse a gateway whose certificate does
    not match ``fingerprint`` (full hex, or a prefix of at least 16 hex digits)."""
    host, port = _endpoint(uri)
    conn, seen = _pinned_connection(host, port, normalize_fingerprint(fingerprint), timeout)
    query = urlencode({"code": code, "device": device_id, "name": device_name})
    try:
        conn.request("GET", f"/pair?{query}", headers={"Cache-Control": "no-store"})
        response = conn.getresponse()
        raw = response.read(65536)
    except (OSError, http.client.HTTPException) as exc:
        raise PairingFailed(f"gateway {host}:{port} dropped the pairing request: {exc}") from exc
    finally:
        conn.close()
    try:
        body = json.loads(raw)
    except json.JSONDecodeError:
        body = {}
    if response.status != 200 or not isinstance(body.get("token"), str):
        reason = body.get("error") if isinstance(body, dict) else None
        raise PairingFailed(f"gateway refused pairing: {reason or f'HTTP {response.status}'}")
    return Pairing(uri, seen, body["token"], device_id, str(body.get("gateway_id", "")),
                   str(body.get("gateway_name", "")), round(time.time(), 3),
                   str(body.get("pack_key", "")))  # fmt: skip


def load_pairings(data_dir: Path) -> list[Pairing]:
    """Every gateway these glasses are paired with (empty if none or unreadable)."""
    path = Path(data_dir) / PAIRING_FILE
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get("pairings", [])
        return [Pairing(**entry) for entry in entries]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise PairingFailed(f"pairing file {path} is unreadable: {exc}") from exc


def save_pairing(data_dir: Path, pairing: Pairing) -> Path:
    """Add or replace (same gateway URI or fingerprint) one pairing; atomic, mode 0600."""
    path = Path(data_dir) / PAIRING_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = [p for p in load_pairings(data_dir)
            if p.uri != pairing.uri and p.fingerprint != pairing.fingerprint]  # fmt: skip
    text = json.dumps({"pairings": [asdict(p) for p in [*kept, pairing]]}, indent=2)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def pinned_fingerprints(pairings: list[Pairing]) -> frozenset[str]:
    """What the link manager's ``Identity.pinned`` should hold."""
    return frozenset(p.fingerprint for p in pairings)


def link_identity(device_id: str, device_name: str, pairings: list[Pairing]) -> Identity:
    """The link manager's identity: every paired gateway pinned, each presented the token
    it issued (by its certificate's fingerprint), the newest pairing's token for any other
    (gateways sharing a registry). No pairings: no token and nothing pinned (lab)."""
    if not pairings:
        return Identity(device_id, device_name)
    by_age = sorted(pairings, key=lambda p: p.paired_at)
    tokens = tuple((p.fingerprint, p.token) for p in by_age)
    return Identity(device_id, device_name, by_age[-1].token, pinned_fingerprints(pairings),
                    tokens)  # fmt: skip
