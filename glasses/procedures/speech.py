"""What the glasses say about a procedure and its steps (plain sentences for TTS)."""

from __future__ import annotations

from protocol.procedure import Document, Step


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def _listing(items: tuple[str, ...]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def confirm_prompt(step: Step) -> str:
    """``"say confirm when the disconnect is locked."`` from the step's hold text."""
    hold = _sentence(step.hold or "")
    head, _, rest = hold.partition(" ")
    if head.lower() == "confirm" and rest:
        rest = rest.removeprefix("that ")
        return f"say confirm when {rest}"
    return f"{hold} Say confirm when done."


def hold_blocked(step: Step) -> str:
    """Why "next" cannot pass an unconfirmed hold point."""
    return f"Step {step.number} is a hold point: {confirm_prompt(step)}"


def step_speech(document: Document, step: Step, confirmed: bool = False) -> str:
    """The spoken form of a step: number, instruction, cautions, reading, hold point."""
    parts = [f"Step {step.number} of {len(document.steps)}.", _sentence(step.text)]
    parts += [f"Caution: {_sentence(c)}" for c in step.cautions]
    if step.expected is not None:
        e = step.expected
        parts.append(f"Read the {e.spoken_name}: expected {e.range_text}.")
    if step.hold is not None:
        parts.append(
            "Hold point confirmed." if confirmed else f"Hold point: {confirm_prompt(step)}"
        )
    return " ".join(parts)


def start_speech(document: Document) -> str:
    """The introduction before step 1: title, length, PPE, warnings on offer."""
    parts = [f"Starting {_sentence(document.title)}"]
    count = len(document.steps)
    length = f"{count} {'step' if count == 1 else 'steps'}"
    if document.estimated_minutes:
        length += f", about {document.estimated_minutes} minutes"
    parts.append(length + ".")
    if document.ppe:
        parts.append(f"Wear {_listing(document.ppe)}.")
    count = len(document.warnings)
    if count:  # read on request only: a long list before step 1 would bury the step
        noun = "warning" if count == 1 else "warnings"
        parts.append(
            f"There {'is' if count == 1 else 'are'} {count} {noun}: say read the warnings."
        )
    return " ".join(parts)


def warnings_speech(document: Document) -> str:
    """Every warning, read verbatim."""
    if not document.warnings:
        return f"{document.title} has no warnings."
    return " ".join(f"Warning {i}: {_sentence(w)}" for i, w in enumerate(document.warnings, 1))
