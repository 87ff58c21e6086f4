"""``glasses render``: draw a procedure step next to the tag in an image or a stream."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from protocol.cli import ExitCode


class _Usage(Exception):
    """Bad arguments: exit code 2 with this message."""


class _Failed(Exception):
    """The work failed: exit code 1 with this message."""


def default_docs() -> Path:
    """The sample site's documents, shipped inside the installed gateway package."""
    import gateway

    return Path(gateway.__file__).parent / "sample_site" / "docs"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "render",
        help="render a procedure step card anchored to the tag in an image or a stream",
        description="Detect the ArUco/QR tags, anchor the step card of the given procedure "
        "beside the primary tag (never over it) and write the annotated frame(s). With "
        "--image: one still, --out a PNG, --json prints the tags and where the card went. "
        "With --source (camera index, video file or image folder): every frame, --out an "
        ".mp4, a folder for PNG frames, or 'window' (falls back to PNG frames without a GUI).",
        epilog="Example: glasses render --image label.jpg --procedure crac-hp-trip-recovery "
        "--step 3 --out card.png --json",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--image", metavar="IN", help="camera image (PNG/JPEG)")
    src.add_argument("--source", metavar="SRC",
                     help="camera index (0), video file or folder of images")
    p.add_argument("--procedure", required=True, metavar="ID", help="procedure document id")
    p.add_argument("--step", type=int, default=1, metavar="N", help="step number (default 1)")
    p.add_argument("--docs", type=Path, default=None, metavar="DIR",
                   help="documents folder (default: the sample site shipped with the gateway)")
    p.add_argument("--out", required=True, metavar="OUT",
                   help="output: PNG for --image; .mp4, folder or 'window' for --source")
    p.add_argument("--frames", type=int, default=None, metavar="N",
                   help="with --source: stop after N frames (default: until the source ends)")
    p.add_argument("--gateway", metavar="NAME", default=None,
                   help="show ONLINE with this gateway name (default: offline mode)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def _overlay_config(args: argparse.Namespace) -> Any:
    """The overlay section of the glasses config when the tree has one, else defaults."""
    from glasses.config import from_args
    from glasses.overlay.pipeline import OverlayConfig
    from protocol.configtree import ConfigError

    try:
        config, _ = from_args(args)
    except ConfigError as exc:
        raise _Usage(f"config error: {exc}") from None
    return getattr(config, "overlay", None) or OverlayConfig()


def _view(args: argparse.Namespace) -> Any:
    """The step card's view, from the procedure in the documents folder."""
    from glasses.overlay.from_document import step_view
    from glasses.overlay.view import Offline, Online, OverlayView
    from protocol.procedure import DocumentError, load_documents

    docs_dir = args.docs or default_docs()
    try:
        documents = {d.id: d for d in load_documents(docs_dir)}
    except (OSError, DocumentError) as exc:
        raise _Failed(str(exc)) from None
    doc = documents.get(args.procedure)
    if doc is None or not doc.steps:
        known = ", ".join(sorted(i for i, d in documents.items() if d.steps))
        raise _Usage(f"no procedure {args.procedure!r} in {docs_dir}; known: {known}")
    connectivity = Online(args.gateway) if args.gateway else Offline()
    try:
        return step_view(doc, args.step, OverlayView(connectivity=connectivity))
    except ValueError as exc:
        raise _Usage(str(exc)) from None


def _still(args: argparse.Namespace, config: Any, view: Any) -> dict[str, Any]:
    import cv2

    from glasses.overlay.camera import CameraError, read_image
    from glasses.overlay.renderer import OverlayRenderer
    from glasses.overlay.tags import TagDetector

    try:
        image = read_image(args.image)
    except CameraError as exc:
        raise _Failed(str(exc)) from None
    tags = TagDetector(config.detector).detect(image)
    result = OverlayRenderer(config.render).render(image, tags, 0.0, view)
    if not cv2.imwrite(str(args.out), image):
        raise _Failed(f"{args.out}: cannot write the image")
    placement = result.placement
    anchored = placement.tag if placement is not None else None
    return {
        "tags": [t.to_json() for t in tags],
        "card": placement.rect.as_dict() if placement is not None else None,
        "anchored_to": anchored.to_json() if anchored is not None else None,
        "side": placement.side.value if placement is not None else None,
        "scale": placement.scale if placement is not None else None,
    }


def _stream(args: argparse.Namespace, config: Any, view: Any) -> dict[str, Any]:
    from glasses.overlay.camera import CameraError, open_source
    from glasses.overlay.pipeline import OverlayPipeline
    from glasses.overlay.sinks import SinkError, open_sink

    pipeline = OverlayPipeline(config)
    pipeline.submit(view)
    frames = anchored = 0
    try:
        with open_source(args.source, count=args.frames or 1) as source, \
                open_sink(args.out, fallback_dir=Path("overlay_frames")) as sink:
            for frame in source:
                result = pipeline.process(frame)
                sink.write(frame.image)
                frames += 1
                placement = result.placement
                anchored += placement is not None and placement.tag is not None
                if args.frames is not None and frames >= args.frames:
                    break
            written = str(getattr(sink, "folder", getattr(sink, "path", args.out)))
    except (CameraError, SinkError) as exc:
        raise _Failed(str(exc)) from None
    return {"frames": frames, "frames_with_card_beside_a_tag": anchored, "written_to": written}


def run(args: argparse.Namespace) -> int:
    try:
        config = _overlay_config(args)
        view = _view(args)
        report = _still(args, config, view) if args.image else _stream(args, config, view)
    except _Usage as exc:
        print(f"glasses render: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    except _Failed as exc:
        print(f"glasses render: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    report = {**report, "procedure": args.procedure, "step": args.step, "out": str(args.out)}
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    elif args.image:
        tag = report["anchored_to"]
        where = (f"beside {tag['kind']} {tag.get('id', tag.get('payload'))} ({report['side']})"
                 if tag is not None else "docked to a corner")
        print(f"{len(report['tags'])} tag(s) found; step {args.step} card {where}; "
              f"wrote {args.out}")
    else:
        print(f"{report['frames']} frame(s), {report['frames_with_card_beside_a_tag']} with "
              f"the card beside a tag; wrote {report['written_to']}")
    return int(ExitCode.OK)
