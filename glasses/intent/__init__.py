"""Local intent recognition: a template grammar with slots, plus an ONNX paraphrase classifier.

Usage::

    from glasses.intent import IntentRecognizer, is_confident_command
    recognizer = IntentRecognizer.load(procedures=[(id, title, keywords), ...])
    result = recognizer.recognize("Hey Jarvis, go to step four.")
    # IntentResult(intent=Intent.GO_TO_STEP, slots={'number': 4}, confidence=1.0, source=grammar)

The model resolves via ``glasses.models.resolve_intent()`` (default
``glasses/intent/data/intent.onnx``, rebuilt by ``scripts/train_intent.py``).
"""

from glasses.intent.classifier import IntentClassifier, IntentModelError
from glasses.intent.recognizer import IntentConfig, IntentRecognizer, ask, is_confident_command
from glasses.intent.types import NAVIGATION_COMMANDS, Intent, IntentResult, SlotValue, Source
from glasses.intent.units import DegreesDefault

__all__ = [
    "NAVIGATION_COMMANDS",
    "DegreesDefault",
    "Intent",
    "IntentClassifier",
    "IntentConfig",
    "IntentModelError",
    "IntentRecognizer",
    "IntentResult",
    "SlotValue",
    "Source",
    "ask",
    "is_confident_command",
]
