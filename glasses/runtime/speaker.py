"""What the core needs from speech output, and a recording fake for replay and tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol


class Speaker(Protocol):
    """Speech output. ``say`` queues (or, with ``interrupt``, replaces) what is spoken."""

    async def say(self, text: str, interrupt: bool = False) -> None: ...

    async def stop(self) -> None: ...

    def prefetch(self, texts: Sequence[str]) -> None: ...


@dataclass
class TextSpeaker:
    """Keeps what would be spoken (``--speak off``, tests); calls ``on_said`` per utterance."""

    said: list[str] = field(default_factory=list)
    stops: int = 0
    prefetched: list[str] = field(default_factory=list)
    on_said: Callable[[str], None] | None = None

    async def say(self, text: str, interrupt: bool = False) -> None:
        self.said.append(text)
        if self.on_said is not None:
            self.on_said(text)

    async def stop(self) -> None:
        self.stops += 1

    def prefetch(self, texts: Sequence[str]) -> None:
        self.prefetched.extend(texts)
