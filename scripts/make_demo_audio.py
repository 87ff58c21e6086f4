"""Regenerate audio_fixtures/demo/*.wav: the technician's lines of the demo, spoken by Piper.

    python scripts/make_demo_audio.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from glasses.audio.synth import PiperSynth  # noqa: E402
from glasses.audio.wav import write_wav  # noqa: E402
from glasses.demo.story import utterances  # noqa: E402


def main() -> int:
    out = ROOT / "audio_fixtures" / "demo"
    out.mkdir(parents=True, exist_ok=True)
    synth = PiperSynth()
    for stem, text in utterances().items():
        samples = synth.synth(text, speed=1.0)
        write_wav(out / f"{stem}.wav", samples)
        print(f"{stem}.wav  {len(samples) / 16000:.1f} s  {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
