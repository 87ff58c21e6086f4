"""Speech recognition with faster-whisper, biased to the domain, guarded against noise.

Whisper invents text from noise ("Thank you.", "you") and sometimes repeats its
prompt; segments whose no-speech probability, log-probability or compression
ratio say "not speech", and known noise phrases, are dropped. ``transcribe`` is
blocking: the pipeline calls it from a worker thread.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from glasses.audio.alternatives import Alternatives, IsCommand
from glasses.audio.config import AsrConfig

log = logging.getLogger(__name__)

_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Segment:
    """One Whisper segment with the scores the guard looked at."""

    text: str
    no_speech_prob: float
    avg_logprob: float
    compression_ratio: float
    kept: bool


@dataclass(frozen=True)
class AsrResult:
    """Accepted text (empty if nothing was speech) and how long inference took."""

    text: str
    asr_ms: float
    segments: tuple[Segment, ...]
    heard_as: str = ""
    """The greedy transcript when a close command reading replaced it (else empty)."""


def words(text: str) -> list[str]:
    """Lower-case words without punctuation."""
    return _WORD.findall(text.lower().replace("’", "'"))


def build_prompt(
    vocabulary: Sequence[str], titles: Sequence[str], commands: Sequence[str] = ()
) -> str:
    """An initial prompt naming the domain words, procedure titles and commands."""
    seen: list[str] = []
    for item in (*vocabulary, *titles):
        item = item.strip()
        if item and item not in seen:
            seen.append(item)
    parts = []
    if seen:
        parts.append("Data center maintenance: " + ", ".join(seen) + ".")
    parts.extend(c.strip() for c in commands if c.strip())
    return " ".join(parts)


class WhisperAsr:
    """faster-whisper with an initial prompt (and optional hotwords) and a hallucination guard."""

    def __init__(self, model: Any, cfg: AsrConfig, titles: Sequence[str] = ()) -> None:
        self._model = model
        self.cfg = cfg
        self.prompt = build_prompt(cfg.vocabulary, titles, cfg.commands)
        self._prompt_words = set(words(build_prompt(cfg.vocabulary, titles)))
        self._noise = {" ".join(words(p)) for p in cfg.noise_phrases}
        self._is_command: IsCommand | None = None
        self._alternatives: Alternatives | None = None

    def set_command_test(self, is_command: IsCommand | None) -> None:
        """Tell the ASR which transcripts are commands, so that a short transcript that is
        not one can be replaced by a close beam-search reading that is."""
        self._is_command = is_command

    @classmethod
    def load(cls, cfg: AsrConfig | None = None, titles: Sequence[str] = ()) -> WhisperAsr:
        """Load the model (``cfg.model`` or the bundled tiny.en)."""
        cfg = cfg or AsrConfig()
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise ImportError(
                "speech recognition needs the 'faster-whisper' package (pip install faster-whisper)"
            ) from exc
        from glasses.models import resolve_asr

        path = resolve_asr(cfg.model or None)
        model = WhisperModel(
            str(path), device="cpu", compute_type=cfg.compute_type, cpu_threads=cfg.cpu_threads
        )
        log.info("ASR model loaded from %s", path)
        return cls(model, cfg, titles)

    @property
    def model(self) -> Any:
        """The underlying ``faster_whisper.WhisperModel``."""
        return self._model

    def transcribe_kwargs(self) -> dict[str, Any]:
        """The options passed to ``WhisperModel.transcribe`` (also used by the benchmark)."""
        kwargs: dict[str, Any] = {
            "language": self.cfg.language,
            "beam_size": self.cfg.beam_size,
            "vad_filter": False,
            "condition_on_previous_text": False,
            "without_timestamps": True,
            "temperature": 0.0,
            "initial_prompt": self.prompt or None,
        }
        if self.cfg.use_hotwords and self.prompt:
            kwargs["hotwords"] = ", ".join(self.cfg.vocabulary)
        return kwargs

    def transcribe(self, pcm: bytes | np.ndarray) -> AsrResult:
        """Transcribe 16 kHz mono int16 audio; blocking."""
        audio = np.frombuffer(pcm, dtype="<i2") if isinstance(pcm, bytes) else np.asarray(pcm)
        if len(audio) == 0:
            return AsrResult("", 0.0, ())
        x = audio.astype(np.float32) / 32768.0
        started = time.perf_counter()
        raw, _info = self._model.transcribe(x, **self.transcribe_kwargs())
        segments = tuple(self._judge(s) for s in raw)
        text = " ".join(s.text.strip() for s in segments if s.kept).strip()
        if text and not self._plausible(text):
            log.debug("discarding noise phrase %r", text)
            text = ""
        better = self._command_reading(x, text)
        asr_ms = (time.perf_counter() - started) * 1000
        if better:
            log.info("heard %r, taking the close command reading %r", text, better)
            return AsrResult(better, asr_ms, segments, heard_as=text)
        return AsrResult(text, asr_ms, segments)

    def _command_reading(self, x: np.ndarray, text: str) -> str | None:
        """A command among Whisper's close readings of a short non-command transcript."""
        c, is_command = self.cfg, self._is_command
        if not text or is_command is None or c.alternatives < 2 or is_command(text):
            return None
        if len(words(text)) > c.alternatives_max_words:
            return None
        try:
            if self._alternatives is None:
                hotwords = self.transcribe_kwargs().get("hotwords")
                self._alternatives = Alternatives(self._model, self.prompt, hotwords)
            return self._alternatives.best_command(
                x, is_command, c.alternatives, c.alternatives_margin
            )
        except Exception:  # the greedy transcript stands; the utterance is not lost
            log.exception("decoding the alternatives of %r failed", text)
            return None

    def _judge(self, seg: Any) -> Segment:
        c = self.cfg
        doubtful = seg.no_speech_prob > c.max_no_speech_prob and seg.avg_logprob < c.min_avg_logprob
        bad = (
            doubtful
            or seg.avg_logprob < c.reject_avg_logprob
            or seg.compression_ratio > c.max_compression_ratio
        )
        if bad:
            log.debug(
                "discarding segment %r (no_speech %.2f, logprob %.2f, compression %.2f)",
                seg.text,
                seg.no_speech_prob,
                seg.avg_logprob,
                seg.compression_ratio,
            )
        return Segment(
            seg.text, seg.no_speech_prob, seg.avg_logprob, seg.compression_ratio, not bad
        )

    def _plausible(self, text: str) -> bool:
        w = words(text)
        if not w or " ".join(w) in self._noise:
            return False
        # Whisper repeating the vocabulary of its prompt back is not speech either.
        return not (len(w) >= 3 and set(w) <= self._prompt_words)
