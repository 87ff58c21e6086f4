#!/usr/bin/env python
"""Write generated equipment scenes (PNG) and where their tags are (JSON) for demos.

Each scene is a grey cabinet with a label carrying an ArUco marker (DICT_4X4_50)
and/or a QR code, rotated up to 45°, warped, blurred and dimmed to as little as
40 %. ``--pan N`` instead writes N frames of one label panning across the view
(a folder usable as ``glasses render --source DIR``).

Usage: python scripts/make_scenes.py OUT_DIR [--count 20] [--seed 0] [--pan 0]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from glasses.overlay.synth import make_scene, pan_series, scene_series


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder to write into (created)")
    ap.add_argument("--count", type=int, default=20, help="number of varied scenes")
    ap.add_argument("--seed", type=int, default=0, help="first seed")
    ap.add_argument("--pan", type=int, default=0, metavar="N",
                    help="write N frames of a panning label instead")
    args = ap.parse_args()
    import cv2

    args.out.mkdir(parents=True, exist_ok=True)
    specs = pan_series(args.pan) if args.pan > 0 else scene_series(args.count, args.seed)
    index = []
    for i, spec in enumerate(specs):
        scene = make_scene(spec)
        name = f"scene_{i:04d}.png"
        cv2.imwrite(str(args.out / name), scene.image)
        index.append({
            "file": name,
            "seed": spec.seed,
            "rotation_deg": round(spec.rotation_deg, 1),
            "blur_sigma": round(spec.blur_sigma, 2),
            "brightness": spec.brightness,
            "tags": [{"kind": t.kind.value, "id": t.id,
                      "corners": [[round(x, 1), round(y, 1)] for x, y in t.corners]}
                     for t in scene.truths],
        })
    (args.out / "scenes.json").write_text(json.dumps(index, indent=1))
    print(f"wrote {len(index)} scenes and scenes.json to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
