"""Cut streamed text into sentences as it arrives, for speech."""

from __future__ import annotations

from gateway.knowledge.text import clean_for_speech, find_boundary


class SentenceSplitter:
    """Feed deltas; get back the sentences they complete. ``flush`` returns the rest."""

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, delta: str) -> list[str]:
        self._buffer += delta
        out: list[str] = []
        while (end := find_boundary(self._buffer)) is not None:
            sentence = clean_for_speech(self._buffer[:end])
            self._buffer = self._buffer[end:]
            if sentence:
                out.append(sentence)
        return out

    def flush(self) -> list[str]:
        rest = clean_for_speech(self._buffer)
        self._buffer = ""
        return [rest] if rest else []
