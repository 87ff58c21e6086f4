"""The committed ONNX classifier: reproducible from the examples, accurate on held-out text."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from glasses.intent import Intent, IntentClassifier, IntentModelError, IntentRecognizer
from glasses.intent.examples import HELDOUT_PATH, Example, ExamplesError, load_examples, split
from glasses.intent.features import featurize_batch
from glasses.intent.training import LinearModel, accuracy, train
from glasses.models import resolve_intent

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def examples() -> tuple[Example, ...]:
    return load_examples()


@pytest.fixture(scope="module")
def heldout() -> tuple[Example, ...]:
    return load_examples(HELDOUT_PATH)


@pytest.fixture(scope="module")
def fresh(examples: tuple[Example, ...]) -> LinearModel:
    """The classifier retrained in-process from the committed examples."""
    return train(examples)


@pytest.fixture(scope="module")
def committed() -> IntentClassifier:
    return IntentClassifier.load(resolve_intent())


def test_model_path_is_the_package_data_file() -> None:
    assert resolve_intent() == ROOT / "glasses" / "intent" / "data" / "intent.onnx"


def test_committed_onnx_gives_the_training_codes_predictions(
    fresh: LinearModel, committed: IntentClassifier, examples: tuple[Example, ...],
    heldout: tuple[Example, ...],
) -> None:  # fmt: skip
    texts = [e.text for e in (*examples, *heldout)]
    assert committed.labels == fresh.labels
    onnx_probs = committed.probabilities(texts)
    numpy_probs = fresh.probabilities(featurize_batch(texts))
    assert np.abs(onnx_probs - numpy_probs).max() < 1e-3
    assert [p.intent for p in committed.predict(texts)] == [i for i, _ in fresh.predict(texts)]


def test_retrained_accuracy_matches_committed(
    fresh: LinearModel, committed: IntentClassifier, heldout: tuple[Example, ...]
) -> None:
    texts = [e.text for e in heldout]
    fresh_acc = accuracy([i for i, _ in fresh.predict(texts)], heldout)
    committed_acc = accuracy([p.intent for p in committed.predict(texts)], heldout)
    assert abs(fresh_acc - committed_acc) <= 0.01
    assert committed_acc >= 0.95


def test_generalises_to_a_held_out_split(examples: tuple[Example, ...]) -> None:
    train_part, test_part = split(examples)
    assert not {e.text for e in train_part} & {e.text for e in test_part}
    model = train(train_part)
    assert accuracy([i for i, _ in model.predict([e.text for e in test_part])], test_part) >= 0.75


def test_recognizer_on_held_out_paraphrases(
    recognizer: IntentRecognizer, heldout: tuple[Example, ...]
) -> None:
    results = [recognizer.recognize(e.text) for e in heldout]
    misses = [(e.text, r.intent) for e, r in zip(heldout, results, strict=True)
              if r.intent is not e.intent]  # fmt: skip
    assert len(misses) / len(heldout) <= 0.05, misses


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("move on", Intent.NEXT_STEP),
        ("what's next", Intent.NEXT_STEP),
        ("go back one", Intent.PREVIOUS_STEP),
        ("say that again", Intent.REPEAT_STEP),
        ("I'm done here", Intent.END_PROCEDURE),
        ("are we online?", Intent.CONNECTION_STATUS),
        ("What's the max head pressure on this unit?", Intent.ASK),
    ],
)
def test_brief_paraphrases(recognizer: IntentRecognizer, text: str, intent: Intent) -> None:
    assert recognizer.recognize(text).intent is intent


def test_model_hits_get_slots(recognizer: IntentRecognizer) -> None:
    step = recognizer.recognize("skip ahead to step 9 please")
    assert (step.intent, dict(step.slots)) == (Intent.GO_TO_STEP, {"number": 9})
    start = recognizer.recognize("let's get going with the compressor restart")
    assert start.slots["procedure"] == "crac-hp-trip-recovery"
    question = recognizer.recognize("Why is the compressor short cycling?")
    assert question.intent is Intent.ASK
    assert question.slots == {"question": "Why is the compressor short cycling?"}


def test_empty_or_filler_utterance_is_an_empty_question(recognizer: IntentRecognizer) -> None:
    for text in ("", "Um.", "Thank you."):
        result = recognizer.recognize(text)
        assert result.intent is Intent.ASK and result.confidence == 0.0


async def test_recognize_async(recognizer: IntentRecognizer) -> None:
    result = await recognizer.recognize_async("next step")
    assert result.intent is Intent.NEXT_STEP


def test_training_script_writes_a_loadable_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location(
        "train_intent", ROOT / "scripts" / "train_intent.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "model.onnx"
    assert module.main(["--out", str(out), "--iterations", "20"]) == 0
    assert "held-out paraphrases" in capsys.readouterr().out
    assert IntentClassifier.load(out).predict_one("next step").intent is Intent.NEXT_STEP


def test_bad_model_files_are_refused(tmp_path: Path) -> None:
    import onnx

    with pytest.raises(IntentModelError, match="does not exist"):
        IntentClassifier.load(tmp_path / "missing.onnx")
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"not a model")
    with pytest.raises(IntentModelError, match="cannot load"):
        IntentClassifier.load(garbage)
    proto = onnx.load(str(resolve_intent()))
    for prop in proto.metadata_props:
        if prop.key == "feature_version":
            prop.value = "something-else"
    stale = tmp_path / "stale.onnx"
    stale.write_bytes(proto.SerializeToString())
    with pytest.raises(IntentModelError, match="retrain"):
        IntentClassifier.load(stale)


def test_bad_examples_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "examples.toml"
    bad.write_text('[dance]\nexamples = ["do the twist"]\n')
    with pytest.raises(ExamplesError, match="unknown intent"):
        load_examples(bad)
    bad.write_text("[next_step]\nexamples = 3\n")
    with pytest.raises(ExamplesError, match="next_step"):
        load_examples(bad)
