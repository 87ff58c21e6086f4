"""Speech synthesis for fixtures and benchmarks: Piper and espeak-ng, 16 kHz int16 out.

Piper comes from the bundled voice (glasses.models.resolve_tts); espeak-ng is
the Debian program (``apt-get install espeak-ng``), needed only to regenerate
fixtures, never by the tests.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from glasses.audio.wav import RATE, read_wav, resample, to_int16


class SynthError(RuntimeError):
    """A synthesiser is missing or failed."""


class PiperSynth:
    """The bundled Piper voice; ``speed`` > 1 speaks faster (length_scale = 1/speed)."""

    def __init__(self, model_path: Path | None = None) -> None:
        from piper import PiperVoice

        from glasses.models import resolve_tts

        self._voice: Any = PiperVoice.load(str(model_path or resolve_tts()))
        self.name = "piper:" + Path(str(model_path or resolve_tts())).stem

    def synth(self, text: str, speed: float = 1.0) -> np.ndarray:
        from piper import SynthesisConfig

        cfg = SynthesisConfig(length_scale=1.0 / speed)
        parts = [c.audio_float_array for c in self._voice.synthesize(text, cfg)]
        if not parts:
            raise SynthError(f"Piper produced no audio for {text!r}")
        audio = np.concatenate(parts)
        return to_int16(resample(audio, self._voice.config.sample_rate, RATE))


class EspeakSynth:
    """espeak-ng; ``speed`` 1.0 = 165 words per minute."""

    def __init__(self, voice: str = "en-us") -> None:
        exe = shutil.which("espeak-ng")
        if exe is None:
            raise SynthError("espeak-ng is not installed (apt-get install espeak-ng)")
        self._exe: str = exe
        self.voice = voice
        self.name = f"espeak-ng:{voice}"

    def synth(self, text: str, speed: float = 1.0) -> np.ndarray:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "say.wav"
            cmd = [self._exe, "-v", self.voice, "-s", str(round(165 * speed)), "-w", str(out), text]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0 or not out.exists():
                raise SynthError(f"espeak-ng failed for {text!r}: {proc.stderr.strip()}")
            samples, rate = read_wav(out)
        return to_int16(resample(samples, rate, RATE))


def speech_bounds(pcm: np.ndarray, rel_db: float = -40.0, frame: int = 160) -> tuple[int, int]:
    """First and last sample of the 10 ms frames within ``rel_db`` of the loudest frame."""
    x = pcm.astype(np.float64)
    n = len(x) // frame
    if n == 0:
        return 0, len(x)
    rms = np.sqrt(np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1))
    loud = np.nonzero(rms >= rms.max() * 10 ** (rel_db / 20.0))[0]
    return int(loud[0] * frame), int((loud[-1] + 1) * frame)
