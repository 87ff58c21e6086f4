"""Template grammar: whole-utterance patterns with slots.

A rule matches the *whole* normalised utterance (wake phrase and fillers removed),
so chatter that merely contains a command word ("I think the next step is lunch")
never matches. Rules are tried in order; the first whose slots parse wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from glasses.intent.normalize import command_text
from glasses.intent.slots import (
    Extractor,
    GrammarContext,
    no_slots,
    note,
    procedure,
    reading,
    step_number,
)
from glasses.intent.types import Intent, IntentResult, Source

LOOSE_CONFIDENCE = 0.95
"""Short everyday words ("yes", "done", "back", "enough"): understood after the wake word,
but below 1.0 so that command mode (no wake word) ignores them in colleagues' chatter."""


@dataclass(frozen=True)
class Rule:
    intent: Intent
    pattern: re.Pattern[str]
    extract: Extractor = field(default=no_slots)
    ceiling: float = 1.0
    """Highest confidence this rule gives."""


def _rule(intent: Intent, pattern: str, extract: Extractor = no_slots) -> Rule:
    return Rule(intent, re.compile(f"(?:{pattern})"), extract)


def _loose(intent: Intent, pattern: str) -> Rule:
    return Rule(intent, re.compile(f"(?:{pattern})"), no_slots, LOOSE_CONFIDENCE)


_POLITE = r"(?:can you |could you |would you |will you |please |let's |lets )?"
_NOUN = r"(?: the| this| that)?(?: step| one| instruction)?"
_WARN = r"(?:safety )?(?:warnings?|cautions?|hazards?|safety (?:notes|information|info))"
_NOTE = r"(?:take|make|add|write|write down|record|save)(?: a| an| the)? note(?: that| saying)?"
_READ = r"(?:record|log|enter|save|write down|note|set)(?: the| a| that)?"

RULES: tuple[Rule, ...] = (
    _rule(Intent.STOP, r"stop(?: talking| speaking| it| that| reading| there)?|be quiet|shut up"),
    _loose(Intent.STOP, r"quiet|silence|enough|that's enough|cancel(?: that)?|hush"),
    _rule(
        Intent.NEXT_STEP,
        _POLITE + r"(?:(?:go|move|skip) (?:on )?to (?:the )?|show (?:me )?"
        r"(?:the )?)?next(?: step| one| instruction)?|go next|step forward",
    ),
    _loose(Intent.NEXT_STEP, r"move on|proceed"),
    _rule(
        Intent.PREVIOUS_STEP,
        _POLITE + r"(?:go |step )back(?: one| a step| one step)?|back one(?: step)?"
        r"|(?:go (?:back )?to (?:the )?)?previous(?: step| one| instruction)?",
    ),
    _loose(Intent.PREVIOUS_STEP, r"back|back up"),
    _rule(
        Intent.REPEAT_STEP,
        _POLITE
        + r"repeat(?: that| it| this| again| the last one|"
        + _NOUN
        + r")?(?: again)?|say (?:that|it) again|read (?:the |this )?step(?: again)?",
    ),
    _loose(Intent.REPEAT_STEP, r"again|come again|one more time|what was that"),
    _rule(
        Intent.CONFIRM,
        r"(?:i |yes )?confirm(?:ed)?(?: step| that| it| hold point)?"
        r"|step (?:done|complete|completed)",
    ),
    _loose(Intent.CONFIRM, r"yes|affirmative|verified|check(?:ed)?|done"),
    _rule(
        Intent.GO_TO_STEP,
        _POLITE + r"(?:(?:go|jump|skip|move|take me|back|return) to "
        r"|goto |show (?:me )?|open |read )?(?:the )?step (?P<n>.+)",
        step_number,
    ),
    _rule(
        Intent.GO_TO_STEP,
        _POLITE + r"(?:go|jump|skip|move) to (?:the )?(?P<n>[a-z0-9]+) step",
        step_number,
    ),
    _rule(
        Intent.READ_WARNINGS,
        _POLITE + r"(?:(?:read|list|show|tell|give)(?: me)?(?: out)?"
        r"|what are|any)?(?: the| all the| all)? " + _WARN + r"(?: again)?|" + _WARN,
    ),
    _rule(
        Intent.LIST_PROCEDURES,
        _POLITE + r"(?:list|show|show me|read|what are|which are)"
        r"(?: the| all| all the| my| available| the available)? procedures(?: available"
        r"| are available| are there| do you have| do we have)?|what procedures (?:are there"
        r"|do you have|do we have|are available|can i (?:run|start))|(?:available )?procedures"
        r"|procedure list",
    ),
    _rule(
        Intent.IDENTIFY_EQUIPMENT,
        r"(?:what is|what's|which|what) (?:this|that|unit|equipment)"
        r"(?: unit| equipment| device| machine| thing| is this)?|identify(?: this| the| that)?"
        r"(?: unit| equipment| device| machine| tag)?|what am i looking at",
    ),
    _rule(Intent.TAKE_NOTE, _NOTE + r" (?P<text>.+)", note),
    _rule(Intent.TAKE_NOTE, r"note(?: that| to self)? (?P<text>.+)", note),
    _rule(
        Intent.RECORD_READING,
        _READ + r"(?: reading| value| measurement)?(?: of| is| as| at)?"
        r" (?P<rest>.+)",
        lambda m, c: reading(m, c, unit_required=False),
    ),
    _rule(
        Intent.RECORD_READING,
        r"(?:the )?(?:reading|value|measurement)(?: is| of| at)?"
        r" (?P<rest>.+)",
        lambda m, c: reading(m, c, unit_required=False),
    ),
    _rule(
        Intent.RECORD_READING,
        r"(?:it's |it is |it reads |reads |reading )?(?P<rest>.+)",
        lambda m, c: reading(m, c, unit_required=True),
    ),
    _rule(
        Intent.PAUSE,
        r"pause(?: the| this)?(?: procedure| it)?|hold on|hold|wait(?: a (?:sec"
        r"|second|moment|minute))?|(?:one|just a|give me a) (?:sec|second|moment|minute)",
    ),
    _rule(
        Intent.RESUME,
        _POLITE + r"resume(?: the| this)?(?: procedure| it)?|continue(?: the"
        r" procedure)?|unpause|carry on|keep going|pick up where we left off",
    ),
    _rule(
        Intent.END_PROCEDURE,
        _POLITE + r"(?:end|finish|close|exit|quit|abort|stop|cancel)"
        r"(?: the| this)? procedure|procedure (?:complete|completed|done|finished)"
        r"|(?:we're|we are|i'm|i am) (?:all )?(?:done|finished) here|all done",
    ),
    _rule(
        Intent.CONNECTION_STATUS,
        r"(?:connection|network|gateway|link|online) status|status"
        r"|are (?:we|you) (?:online|connected|offline)|am i (?:online|connected|offline)"
        r"|is the (?:gateway|server|network|connection) (?:up|online|connected|available)"
        r"|check (?:the )?connection",
    ),
    _rule(
        Intent.HELP,
        r"help(?: me)?|what can i say|what can you do|(?:list |show )?(?:the )?"
        r"(?:voice )?commands|what are (?:the|my) (?:commands|options)",
    ),
    _rule(
        Intent.ACKNOWLEDGE,
        r"(?:acknowledge|acknowledged|ack|dismiss|clear)(?: the| that)?"
        r"(?: alert| alarm| notification| it)?|(?:alert|alarm) acknowledged",
    ),
    _rule(
        Intent.START_PROCEDURE,
        _POLITE + r"(?:i want to |i need to |i'd like to |we need to )?(?:start|begin|open|run"
        r"|launch|load|kick off|pull up|bring up)(?: up)? (?P<name>.+)",
        procedure,
    ),
    _rule(Intent.START_PROCEDURE, r"(?P<name>.+) (?:procedure|sop|mop|eop|checklist)", procedure),
)


def match(text: str, ctx: GrammarContext | None = None) -> IntentResult | None:
    """The first rule that matches all of ``text`` and whose slots parse, or None."""
    context = ctx if ctx is not None else GrammarContext(text=text)
    spoken = command_text(text)
    if not spoken:
        return None
    for rule in RULES:
        found = rule.pattern.fullmatch(spoken)
        if found is None:
            continue
        parsed = rule.extract(found, context)
        if parsed is not None:
            slots, confidence = parsed
            confidence = min(confidence, rule.ceiling)
            return IntentResult(rule.intent, slots, confidence, Source.GRAMMAR, text)
    return None
