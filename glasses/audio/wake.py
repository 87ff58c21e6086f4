"""Wake-word detection with openWakeWord (pyopen-wakeword, TFLite).

Audio -> mel features -> embeddings (one per 80 ms) -> per-model probability.
The detector is fed only while the speech gate is open; it is not thread-safe,
so the pipeline calls it from one worker thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from glasses.audio.config import WakeConfig

log = logging.getLogger(__name__)

RATE = 16000
CHUNK_SAMPLES = 1280
"""openWakeWord produces one probability per 80 ms (1280 samples)."""
MIN_PREROLL_S = 1.6
"""Audio (at least) fed when a stretch of speech starts: fills the mel window
(0.76 s) and the wake model's window of 16 embeddings (1.28 s) with fresh audio."""


@dataclass(frozen=True)
class WakeHit:
    """The wake word was heard: which model, its probability, stream time (s)."""

    model: str
    score: float
    t: float


class WakeDetector:
    """Streaming wake-word scorer with a threshold and a refractory period."""

    def __init__(self, features: Any, model: Any, name: str, cfg: WakeConfig) -> None:
        self._features = features
        self._model = model
        self.name = name
        self.cfg = cfg
        self._blocked_until = float("-inf")
        self.max_score = 0.0
        self.fed_seconds = 0.0

    @classmethod
    def load(cls, cfg: WakeConfig | None = None) -> WakeDetector:
        """Load the feature models and the wake model named in ``cfg.model``."""
        cfg = cfg or WakeConfig()
        try:
            from pyopen_wakeword import OpenWakeWord, OpenWakeWordFeatures
        except ImportError as exc:
            raise ImportError(
                "wake word detection needs the 'pyopen-wakeword' package "
                "(pip install pyopen-wakeword)"
            ) from exc
        from glasses.models import resolve_wake

        path = resolve_wake(cfg.model)
        features = OpenWakeWordFeatures.from_builtin()
        model = OpenWakeWord.from_model(path)
        detector = cls(features, model, Path(path).stem, cfg)
        detector._prime()
        log.info("wake model %s loaded from %s", detector.name, path)
        return detector

    def _prime(self) -> None:
        """Run the feature extractor over its initial buffer now, not at the first word."""
        for emb in self._features.process_streaming(np.zeros(CHUNK_SAMPLES, np.int16).tobytes()):
            for _ in self._model.process_streaming(emb):
                pass

    def rearm(self) -> None:
        """Forget the refractory period (a new stream starts its clock at zero)."""
        self._blocked_until = float("-inf")

    def start(self, preroll: bytes, t_end: float) -> WakeHit | None:
        """Begin a new stretch of speech: clear the model's window, feed the pre-roll.

        A pre-roll shorter than ``MIN_PREROLL_S`` is padded in front with silence,
        as openWakeWord itself does at start-up, so nothing heard before (such as the
        wake word of the previous command) can trigger again.
        """
        self._model.reset()
        missing = int(MIN_PREROLL_S * RATE) - len(preroll) // 2
        if missing > 0:
            preroll = bytes(2 * missing) + preroll
        return self.process(preroll, t_end)

    def process(self, pcm: bytes, t_end: float) -> WakeHit | None:
        """Feed int16 mono audio ending at stream time ``t_end``; return a hit if any."""
        if not pcm:
            return None
        self.fed_seconds += len(pcm) / 2 / RATE
        scores = [
            float(p)
            for emb in self._features.process_streaming(pcm)
            for p in self._model.process_streaming(emb)
        ]
        hit: WakeHit | None = None
        for i, score in enumerate(scores):
            self.max_score = max(self.max_score, score)
            t = t_end - (len(scores) - 1 - i) * CHUNK_SAMPLES / RATE
            if hit is None and score >= self.cfg.threshold and t >= self._blocked_until:
                hit = WakeHit(self.name, score, t)
                self._blocked_until = t + self.cfg.refractory_ms / 1000
        return hit

    def close(self) -> None:
        for part in (self._model, self._features):
            close = getattr(part, "close", None)
            if close is not None:
                close()
