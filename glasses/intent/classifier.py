"""The paraphrase classifier on the glasses: hashed features → ONNX softmax regression."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from glasses.intent.features import DIMENSIONS, FEATURE_VERSION, featurize_batch
from glasses.intent.types import Intent

log = logging.getLogger(__name__)


class IntentModelError(RuntimeError):
    """The intent model file is missing, unreadable or made with other features."""


@dataclass(frozen=True)
class Prediction:
    intent: Intent
    confidence: float


def _load_session(path: Path) -> Any:
    try:
        import onnxruntime
    except ImportError as exc:
        raise IntentModelError(
            "the intent classifier needs onnxruntime: pip install onnxruntime"
        ) from exc
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    try:
        return onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise IntentModelError(f"cannot load intent model {path}: {exc}") from exc


class IntentClassifier:
    """Loaded once; ``predict`` is cheap (well under a millisecond per utterance)."""

    def __init__(self, session: Any, labels: tuple[Intent, ...], path: Path) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self.labels = labels
        self.path = path

    @classmethod
    def load(cls, path: Path) -> IntentClassifier:
        """Open ``path`` and check its labels and feature version."""
        if not path.is_file():
            raise IntentModelError(f"intent model {path} does not exist")
        session = _load_session(path)
        meta = session.get_modelmeta().custom_metadata_map
        version = meta.get("feature_version")
        if version != FEATURE_VERSION or meta.get("dimensions") != str(DIMENSIONS):
            raise IntentModelError(
                f"intent model {path} was made with features {version!r}, this code computes "
                f"{FEATURE_VERSION!r}: retrain it with scripts/train_intent.py"
            )
        try:
            labels = tuple(Intent(name) for name in json.loads(meta["labels"]))
        except (KeyError, ValueError) as exc:
            raise IntentModelError(f"intent model {path} has no valid label list: {exc}") from exc
        log.debug("intent model %s loaded with %d labels", path, len(labels))
        return cls(session, labels, path)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, shape (len(texts), len(labels))."""
        features = featurize_batch(texts)
        (probs,) = self._session.run(None, {self._input: features})
        return np.asarray(probs)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        probs = self.probabilities(texts)
        best = probs.argmax(axis=1)
        return [Prediction(self.labels[i], float(probs[n, i])) for n, i in enumerate(best)]

    def predict_one(self, text: str) -> Prediction:
        return self.predict([text])[0]
