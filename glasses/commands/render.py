"""``glasses render``: draw one procedure step next to the tag in a still image."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from protocol.cli import ExitCode


def default_docs() -> Path:
    """The sample site's documents, shipped inside the installed gateway package."""
    import gateway

    return Path(gateway.__file__).parent / "sample_site" / "docs"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "render",
        help="render a procedure step card anchored to the tag in an image",
        description="Detect the ArUco/QR tags in IMAGE, anchor the step card of the given "
        "procedure beside the primary tag (never over it), and write the annotated frame. "
        "With --json, print the tags found and where the card went.",
        epilog="Example: glasses render --image label.jpg --procedure crac-hp-trip-recovery "
        "--step 3 --out card.png --json",
    )
    p.add_argument("--image", required=True, metavar="IN", help="camera image (PNG/JPEG)")
    p.add_argument("--procedure", required=True, metavar="ID", help="procedure document id")
    p.add_argument("--step", type=int, default=1, metavar="N", help="step number (default 1)")
    p.add_argument("--docs", type=Path, default=None, metavar="DIR",
                   help="documents folder (default: the sample site shipped with the gateway)")
    p.add_argument("--out", required=True, type=Path, metavar="OUT.png", help="output image")
    p.add_argument("--gateway", metavar="NAME", default=None,
                   help="show ONLINE with this gateway name (default: offline mode)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def _fail(message: str, code: ExitCode) -> int:
    print(f"glasses render: {message}", file=sys.stderr)
    return int(code)


def _overlay_config(args: argparse.Namespace) -> Any:
    """The overlay section of the glasses config when the tree has one, else defaults."""
    from glasses.config import from_args
    from glasses.overlay.pipeline import OverlayConfig

    config, _ = from_args(args)
    return getattr(config, "overlay", None) or OverlayConfig()


def run(args: argparse.Namespace) -> int:
    import cv2

    from glasses.overlay.camera import CameraError, read_image
    from glasses.overlay.from_document import step_view
    from glasses.overlay.renderer import OverlayRenderer
    from glasses.overlay.tags import TagDetector
    from glasses.overlay.view import Offline, Online, OverlayView
    from protocol.configtree import ConfigError
    from protocol.procedure import DocumentError, load_documents

    try:
        config = _overlay_config(args)
    except ConfigError as exc:
        return _fail(f"config error: {exc}", ExitCode.USAGE)
    docs_dir = args.docs or default_docs()
    try:
        documents = {d.id: d for d in load_documents(docs_dir)}
    except (OSError, DocumentError) as exc:
        return _fail(str(exc), ExitCode.FAILED)
    doc = documents.get(args.procedure)
    if doc is None or not doc.steps:
        known = ", ".join(sorted(i for i, d in documents.items() if d.steps))
        return _fail(f"no procedure {args.procedure!r} in {docs_dir}; known: {known}",
                     ExitCode.USAGE)
    connectivity = Online(args.gateway) if args.gateway else Offline()
    try:
        view = step_view(doc, args.step, OverlayView(connectivity=connectivity))
    except ValueError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    try:
        image = read_image(args.image)
    except CameraError as exc:
        return _fail(str(exc), ExitCode.FAILED)
    tags = TagDetector(config.detector).detect(image)
    result = OverlayRenderer(config.render).render(image, tags, 0.0, view)
    if not cv2.imwrite(str(args.out), image):
        return _fail(f"{args.out}: cannot write the image", ExitCode.FAILED)
    placement = result.placement
    anchored = placement.tag if placement is not None else None
    report = {
        "tags": [t.to_json() for t in tags],
        "card": placement.rect.as_dict() if placement is not None else None,
        "anchored_to": anchored.to_json() if anchored is not None else None,
        "side": placement.side.value if placement is not None else None,
        "scale": placement.scale if placement is not None else None,
        "procedure": doc.id,
        "step": args.step,
        "out": str(args.out),
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        where = (f"beside {anchored.kind.value} {anchored.id} ({placement.side.value})"
                 if anchored is not None and placement is not None else "docked to a corner")
        print(f"{len(tags)} tag(s) found; step {args.step} card {where}; wrote {args.out}")
    return int(ExitCode.OK)
