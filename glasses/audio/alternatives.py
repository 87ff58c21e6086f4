"""Whisper's next-best readings of a short utterance, to rescue a misheard command.

In fan noise Whisper tiny.en hears "Stop." as "It's time." or "Help." as "Tailed.",
yet its beam search still ranks the command close behind. When the greedy
transcript of a short utterance is not a command, :class:`Alternatives` decodes
the same audio again with beam search and returns the best-scoring hypothesis
that *is* a command, if it scores within ``margin`` (mean log-probability per
token) of the best hypothesis. Questions and notes are left alone: they are
either long (not rescored) or have no command among their close readings.

Blocking (encoder + beam search, ~0.4 s for tiny.en on 2 cores); the ASR worker
thread calls it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

IsCommand = Callable[[str], bool]
"""True if a transcript is an exact command of the grammar (wake phrase allowed)."""


@dataclass(frozen=True)
class Hypothesis:
    """One beam-search reading and its mean log-probability per token."""

    text: str
    score: float


class Alternatives:
    """Beam-search n-best decoding with the same prompt as the main transcription."""

    def __init__(self, whisper: Any, prompt: str, hotwords: str | None = None) -> None:
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self._whisper = whisper
        self._tokenizer = Tokenizer(
            whisper.hf_tokenizer, whisper.model.is_multilingual, task="transcribe", language="en"
        )
        previous = self._tokenizer.encode(" " + prompt.strip()) if prompt.strip() else []
        self._prompt = whisper.get_prompt(
            self._tokenizer, previous, without_timestamps=True, hotwords=hotwords
        )
        self._suppress = get_suppressed_tokens(self._tokenizer, (-1,))

    def hypotheses(self, audio: np.ndarray, n: int) -> list[Hypothesis]:
        """The ``n`` best readings of float32 16 kHz ``audio`` (at most 30 s), best first."""
        from faster_whisper.audio import pad_or_trim

        features = pad_or_trim(self._whisper.feature_extractor(audio)[..., :-1])
        encoded = self._whisper.encode(features)
        result = self._whisper.model.generate(
            encoded,
            [self._prompt],
            beam_size=n,
            num_hypotheses=n,
            max_length=self._whisper.max_length,
            return_scores=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
        )[0]
        return [
            Hypothesis(self._tokenizer.decode(ids).strip(), float(score))
            for ids, score in zip(result.sequences_ids, result.scores, strict=True)
        ]

    def best_command(
        self, audio: np.ndarray, is_command: IsCommand, n: int, margin: float
    ) -> str | None:
        """The best reading that is a command, if within ``margin`` of the best reading."""
        found = self.hypotheses(audio, n)
        return pick_command(found, is_command, margin)


def pick_command(found: Sequence[Hypothesis], is_command: IsCommand, margin: float) -> str | None:
    """The first (best) hypothesis that is a command and scores within ``margin`` of the top."""
    if not found:
        return None
    top = max(h.score for h in found)
    for hyp in sorted(found, key=lambda h: -h.score):
        if hyp.score < top - margin:
            break
        if hyp.text and is_command(hyp.text):
            log.debug("command %r chosen among %s", hyp.text, [h.text for h in found])
            return hyp.text
    return None
