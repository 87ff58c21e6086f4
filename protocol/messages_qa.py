"""Question and answer messages: ask, stop, streamed and final answers, queueing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from protocol import limits
from protocol.messages_base import (
    U32,
    Id,
    Label,
    Message,
    Millis,
    Question,
    StepIndex,
    Struct,
    Tag,
    Text,
    WaitSeconds,
    message,
    struct,
)
from protocol.messages_checks import Len

AnswerSource = Literal["llm", "extract", "pack"]
"""llm: generated from retrieved text; extract: the cited passage itself; pack: the
glasses' local pack (offline)."""
Delta = Annotated[str, Len(1, limits.MAX_DELTA_CHARS)]


@struct
@dataclass(frozen=True, slots=True)
class AskContext(Struct):
    """Where the wearer is when asking; helps retrieval pick the right document."""

    procedure_id: Id | None = None
    step_index: StepIndex | None = None
    equipment_tag: Tag | None = None
    """The tag in view, if the camera sees one."""


@struct
@dataclass(frozen=True, slots=True)
class Citation(Struct):
    """A document an answer rests on."""

    doc_id: Id
    title: Label
    section: Label = ""
    """Section or step within the document, e.g. "Step 4"."""


Citations = Annotated[tuple[Citation, ...], Len(0, limits.MAX_CITATIONS)]


@message("ask", sent_by="glasses")
@dataclass(frozen=True, slots=True)
class Ask(Message):
    """An open question for the gateway."""

    question_id: Id
    text: Question
    context: AskContext = AskContext()


@message("cancel", sent_by="glasses")
@dataclass(frozen=True, slots=True)
class Cancel(Message):
    """The wearer said "stop": drop the question (the gateway sends nothing more for it)."""

    question_id: Id


@message("answer_delta", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class AnswerDelta(Message):
    """A piece of an answer being generated; pieces join in ``seq`` order."""

    question_id: Id
    seq: U32
    text: Delta


@message("answer", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class Answer(Message):
    """The final answer; replaces any deltas. Ends the question."""

    question_id: Id
    text: Text
    source: AnswerSource
    citations: Citations = ()
    first_token_ms: Millis | None = None
    """Time from ask to the first generated token; None when nothing was generated."""
    total_ms: Millis = 0.0


@message("queue_status", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class QueueStatus(Message):
    """The question waits behind others; ``position`` 0 means it is being answered."""

    question_id: Id
    position: U32
    estimated_wait_s: WaitSeconds


@message("busy", sent_by="gateway")
@dataclass(frozen=True, slots=True)
class Busy(Message):
    """The gateway refuses the question for now; the glasses answer from the pack."""

    question_id: Id
    estimated_wait_s: WaitSeconds
    message: Text
