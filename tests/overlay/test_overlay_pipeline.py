"""The frame pipeline and the ``glasses render`` command, end to end on generated scenes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glasses.overlay.camera import Frame, ImageFolderSource
from glasses.overlay.geometry import Rect
from glasses.overlay.pipeline import OverlayConfig, OverlayPipeline
from glasses.overlay.sinks import PngFolderSink
from glasses.overlay.synth import SceneSpec, make_scene, pan_series
from glasses.overlay.tags import Tag
from protocol.cli import build_parser, run
from protocol.configtree import build

from .helpers import step_only


def test_pipeline_streams_a_folder_into_png_frames(tmp_path: Path) -> None:
    import cv2

    src = tmp_path / "in"
    src.mkdir()
    for i, spec in enumerate(pan_series(6, size=(640, 360))):
        cv2.imwrite(str(src / f"f{i:02d}.png"), make_scene(spec).image)
    seen: list[Tag | None] = []
    pipeline = OverlayPipeline(on_primary=seen.append)
    pipeline.submit(step_only(2, 4))
    with ImageFolderSource(src) as source, PngFolderSink(tmp_path / "out") as sink:
        assert pipeline.run(source, sink) == 6
    assert len(list((tmp_path / "out").iterdir())) == 6
    assert seen and seen[0] is not None  # the hook heard about the tag once it was seen
    assert len(seen) <= 3  # and not again for every frame of the same tag


def test_primary_hook_errors_do_not_stop_frames() -> None:
    def broken(tag: Tag | None) -> None:
        raise RuntimeError("lookup failed")

    pipeline = OverlayPipeline(on_primary=broken)
    scene = make_scene(SceneSpec(seed=3))
    result = pipeline.process(Frame(scene.image, 0.0, 0))
    assert result.primary is not None


def test_overlay_config_builds_from_toml_shaped_values() -> None:
    config = build(OverlayConfig, {"render": {"opacity": 0.6, "anchor": {"dock": "bottom-left",
                                                                          "sides": ["left"]}},
                                   "tracker": {"fallback_every": 3}})
    assert config.render.opacity == 0.6
    assert config.render.anchor.dock.value == "bottom-left"
    assert [s.value for s in config.render.anchor.sides] == ["left"]


def _render(*args: str) -> int:
    parser = build_parser("glasses", "test", "glasses", ("render",))
    return run(parser, list(args))


@pytest.fixture(scope="module")
def scene_png(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    import cv2

    scene = make_scene(SceneSpec(seed=11, rotation_deg=25.0, perspective=0.05, blur_sigma=1.0,
                                 brightness=0.4))
    path = tmp_path_factory.mktemp("render") / "in.png"
    cv2.imwrite(str(path), scene.image)
    return path, scene


def test_render_command_anchors_the_card_beside_the_tag(scene_png, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    import cv2

    image, scene = scene_png
    out = tmp_path / "out.png"
    code = _render("render", "--image", str(image), "--procedure", "crac-hp-trip-recovery",
                   "--step", "3", "--out", str(out), "--json")
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert {t["kind"] for t in report["tags"]} == {"aruco", "qr"}
    card = Rect(**report["card"])
    h, w = scene.image.shape[:2]
    assert Rect(0, 0, w, h).contains(card)
    for tag in report["tags"]:
        assert not card.intersects(Rect(**tag["bbox"]))
    assert report["anchored_to"] is not None
    assert report["anchored_to"] in report["tags"]
    written = cv2.imread(str(out))
    assert written is not None and written.shape == scene.image.shape


def test_render_command_errors(scene_png, tmp_path: Path,  # type: ignore[no-untyped-def]
                               capsys: pytest.CaptureFixture[str]) -> None:
    image, _ = scene_png
    out = str(tmp_path / "o.png")
    assert _render("render", "--image", str(image), "--procedure", "no-such-thing",
                   "--out", out) == 2
    assert "no procedure 'no-such-thing'" in capsys.readouterr().err
    assert _render("render", "--image", str(image), "--procedure", "crac-hp-trip-recovery",
                   "--step", "99", "--out", out) == 2
    assert "not 99" in capsys.readouterr().err
    assert _render("render", "--image", str(tmp_path / "none.png"), "--procedure",
                   "crac-hp-trip-recovery", "--out", out) == 1
    assert "no such image file" in capsys.readouterr().err
    assert _render("render", "--image", str(image), "--procedure", "crac-hp-trip-recovery",
                   "--docs", str(tmp_path / "nodocs"), "--out", out) == 1
    assert "not a directory" in capsys.readouterr().err


def test_render_command_without_tags_docks_the_card(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import cv2
    import numpy as np

    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((720, 1280, 3), 90, np.uint8))
    assert _render("render", "--image", str(blank), "--procedure", "crac-hp-trip-recovery",
                   "--out", str(tmp_path / "o.png"), "--gateway", "gw-a") == 0
    assert "docked to a corner" in capsys.readouterr().out


def test_render_command_streams_a_folder_into_an_mp4(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import cv2

    src = tmp_path / "frames"
    src.mkdir()
    for i, spec in enumerate(pan_series(8, size=(640, 360))):
        cv2.imwrite(str(src / f"f{i:02d}.png"), make_scene(spec).image)
    out = tmp_path / "walk.mp4"
    assert _render("render", "--source", str(src), "--procedure", "crac-hp-trip-recovery",
                   "--step", "2", "--out", str(out), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["frames"] == 8 and report["frames_with_card_beside_a_tag"] >= 7
    assert out.stat().st_size > 0
    assert _render("render", "--source", str(tmp_path / "nothing"), "--procedure",
                   "crac-hp-trip-recovery", "--out", str(out)) == 1
    assert "not a camera index" in capsys.readouterr().err


def test_primary_hook_ignores_a_tag_missed_for_a_frame() -> None:
    import numpy as np

    seen: list[Tag | None] = []
    pipeline = OverlayPipeline(on_primary=seen.append)
    scene = make_scene(SceneSpec(seed=3))
    blank = np.full_like(scene.image, 80)
    frames = [scene.image, blank, scene.image, scene.image, blank, blank]
    times = [0.0, 0.1, 0.2, 0.3, 0.4, 2.0]
    for i, (image, t) in enumerate(zip(frames, times, strict=True)):
        pipeline.process(Frame(image.copy(), t, i))
    assert [tag is None for tag in seen] == [False, True]  # found once, lost once (at 2.0 s)
