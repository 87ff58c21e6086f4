"""The QR payload: what `gateway pair` writes, the glasses read, even from a tilted photo."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import pytest

from gateway.security.qr import pairing_payload, write_qr_png
from glasses.link.manager import Identity
from glasses.pairing import (
    Pairing,
    PairingFailed,
    decode_qr,
    link_identity,
    load_pairings,
    parse_payload,
    save_pairing,
)

FP = "3f2a9c0d11e4b7a8" * 4


def test_qr_png_round_trips_through_a_tilted_noisy_photo(tmp_path: Path) -> None:
    import cv2

    text = pairing_payload("wss://10.0.4.20:8765", FP, "12345678")
    png = write_qr_png(text, tmp_path / "qr.png")
    assert stat.S_IMODE(png.stat().st_mode) == 0o600
    image = cv2.imread(str(png))
    h, w = image.shape[:2]
    canvas = np.full((h * 2, w * 2, 3), 200, np.uint8)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32(
        [[w * 0.4, h * 0.3], [w * 1.5, h * 0.45], [w * 1.45, h * 1.6], [w * 0.35, h * 1.5]]
    )
    warp = cv2.warpPerspective(image, cv2.getPerspectiveTransform(src, dst), (w * 2, h * 2),
                               borderValue=(200, 200, 200))  # fmt: skip
    mask = warp.sum(axis=2) > 0
    canvas[mask] = warp[mask]
    noisy = np.clip(
        canvas.astype(np.int16) + np.random.default_rng(1).normal(0, 12, canvas.shape), 0, 255
    )
    photo = tmp_path / "photo.jpg"
    cv2.imwrite(str(photo), cv2.GaussianBlur(noisy.astype(np.uint8), (3, 3), 0))
    payload = parse_payload(decode_qr(photo))
    assert (payload.uri, payload.fingerprint, payload.code) == (
        "wss://10.0.4.20:8765",
        FP,
        "12345678",
    )


def test_unusable_images_and_payloads_are_clear_errors(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    import cv2

    cv2.imwrite(str(blank), np.full((200, 200), 255, np.uint8))
    with pytest.raises(PairingFailed, match="no QR code found"):
        decode_qr(blank)
    with pytest.raises(PairingFailed, match="cannot read image"):
        decode_qr(tmp_path / "missing.png")
    with pytest.raises(PairingFailed, match="not JSON"):
        parse_payload("https://example.com")
    with pytest.raises(PairingFailed, match="needs uri, fp and code"):
        parse_payload(json.dumps({"uri": "wss://x:1", "code": "1"}))


def test_pairings_are_kept_per_gateway_in_a_private_file(tmp_path: Path) -> None:
    assert load_pairings(tmp_path) == []
    a = Pairing("wss://a:8765", "aa" * 32, "tok-a", "glasses-01")
    b = Pairing("wss://b:8765", "bb" * 32, "tok-b", "glasses-01")
    save_pairing(tmp_path, a)
    save_pairing(tmp_path, b)
    a2 = Pairing("wss://a:8765", "aa" * 32, "tok-a2", "glasses-01")
    path = save_pairing(tmp_path, a2)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_pairings(tmp_path) == [b, a2]
    path.write_text("{not json")
    with pytest.raises(PairingFailed, match="unreadable"):
        load_pairings(tmp_path)


def test_link_identity_pins_every_gateway_and_uses_the_newest_token() -> None:
    assert link_identity("g1", "G", []) == Identity("g1", "G")
    a = Pairing("wss://a:8765", "aa" * 32, "tok-a", "g1", paired_at=1.0)
    b = Pairing("wss://b:8765", "bb" * 32, "tok-b", "g1", paired_at=2.0)
    ident = link_identity("g1", "G", [b, a])
    assert ident.token == "tok-b" and ident.pinned == frozenset({"aa" * 32, "bb" * 32})
