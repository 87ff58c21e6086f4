"""The pairing payload (gateway URI, certificate fingerprint, one-time code) and its QR PNG."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def pairing_payload(uri: str, fingerprint: str, code: str) -> str:
    """Compact JSON the glasses decode: ``{"uri":…, "fp":…, "code":…}``."""
    return json.dumps({"uri": uri, "fp": fingerprint, "code": code}, separators=(",", ":"))


def _render(text: str, scale: int, mask: int | None) -> Any:
    import numpy as np
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(border=4, error_correction=ERROR_CORRECT_M, mask_pattern=mask)
    qr.add_data(text)
    qr.make(fit=True)
    dark = np.array(qr.get_matrix(), dtype=bool)
    return np.kron(np.where(dark, 0, 255).astype(np.uint8), np.ones((scale, scale), np.uint8))


def _decodes(image: Any, text: str) -> bool:
    import cv2

    return any(d.detectAndDecode(image)[0] == text
               for d in (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector()))  # fmt: skip


def write_qr_png(text: str, path: Path, scale: int = 8) -> Path:
    """Render ``text`` as a QR code PNG (black on white, quiet zone included).

    The image is read back with OpenCV's detectors (what ``glasses pair`` uses);
    if they cannot decode it, the other QR mask patterns are tried.
    """
    import cv2

    for mask in (None, *range(8)):
        image = _render(text, scale, mask)
        if _decodes(image, text):
            break
    else:
        raise ValueError("cannot render a QR code that OpenCV decodes back")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), image):
        raise OSError(f"cannot write QR image {path}")
    os.chmod(path, 0o600)  # it holds a live pairing code
    return path
