"""Wake-word detection with openWakeWord (pyopen-wakeword, TFLite).

Audio -> mel features -> embeddings (one per 80 ms) -> per-model probability.
openWakeWord's score depends on where its 80 ms grid falls in the word (we
measured 0.62 vs 0.95 for the same clip), so ``phases`` scorers run on grids
offset by 80/phases ms and the best score counts. The detector is fed only
while the speech gate is open; it is not thread-safe, so the pipeline calls it
from one worker thread.
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


class _Scorer:
    """One feature extractor + wake model pair, fed with a fixed sample offset."""

    def __init__(self, features: Any, model: Any, offset: int) -> None:
        self.features = features
        self.model = model
        self.offset = offset

    def start(self) -> None:
        """Clear the model's window and align the 80 ms grid to the next audio."""
        self.model.reset()
        self.features.new_audio_samples = 0  # public state of OpenWakeWordFeatures
        if self.offset:
            self.scores(bytes(2 * self.offset))

    def scores(self, pcm: bytes) -> list[float]:
        return [
            float(p)
            for emb in self.features.process_streaming(pcm)
            for p in self.model.process_streaming(emb)
        ]

    def close(self) -> None:
        for part in (self.model, self.features):
            close = getattr(part, "close", None)
            if close is not None:
                close()


class WakeDetector:
    """Streaming wake-word scorer with a threshold and a refractory period."""

    def __init__(self, scorers: list[_Scorer], name: str, cfg: WakeConfig) -> None:
        self._scorers = scorers
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
        phases = max(1, cfg.phases)
        scorers = [
            _Scorer(
                OpenWakeWordFeatures.from_builtin(),
                OpenWakeWord.from_model(path),
                i * CHUNK_SAMPLES // phases,
            )
            for i in range(phases)
        ]
        detector = cls(scorers, Path(path).stem, cfg)
        for scorer in scorers:  # run the extractor over its initial buffer now
            scorer.scores(np.zeros(CHUNK_SAMPLES, np.int16).tobytes())
        log.info("wake model %s loaded from %s (%d phases)", detector.name, path, phases)
        return detector

    def rearm(self) -> None:
        """Forget the refractory period (a new stream starts its clock at zero)."""
        self._blocked_until = float("-inf")

    def start(self, preroll: bytes, t_end: float) -> WakeHit | None:
        """Begin a new stretch of speech: clear the models' windows, feed the pre-roll.

        A pre-roll shorter than ``MIN_PREROLL_S`` is padded in front with silence,
        as openWakeWord itself does at start-up, so nothing heard before (such as the
        wake word of the previous command) can trigger again.
        """
        for scorer in self._scorers:
            scorer.start()
        missing = int(MIN_PREROLL_S * RATE) - len(preroll) // 2
        if missing > 0:
            preroll = bytes(2 * missing) + preroll
        return self.process(preroll, t_end)

    def process(self, pcm: bytes, t_end: float) -> WakeHit | None:
        """Feed int16 mono audio ending at stream time ``t_end``; return a hit if any."""
        if not pcm:
            return None
        self.fed_seconds += len(pcm) / 2 / RATE
        best: tuple[float, float] | None = None
        for scorer in self._scorers:
            scores = scorer.scores(pcm)
            for i, score in enumerate(scores):
                self.max_score = max(self.max_score, score)
                t = t_end - (len(scores) - 1 - i) * CHUNK_SAMPLES / RATE
                if score >= self.cfg.threshold and t >= self._blocked_until:
                    if best is None or t < best[1]:
                        best = (score, t)
                    break
        if best is None:
            return None
        self._blocked_until = best[1] + self.cfg.refractory_ms / 1000
        return WakeHit(self.name, best[0], best[1])

    def close(self) -> None:
        for scorer in self._scorers:
            scorer.close()
