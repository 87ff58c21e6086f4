"""Train the intent classifier (softmax regression on hashed features) and export ONNX.

Deterministic: zero initialisation, full-batch Adam, fixed iteration count, so the
same examples always give the same weights. The ONNX graph is
``probabilities = Softmax(features @ W + b)`` with the label list and the feature
version in its metadata. Used by ``scripts/train_intent.py`` and by the tests.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from glasses.intent.examples import Example
from glasses.intent.features import DIMENSIONS, FEATURE_VERSION, featurize_batch
from glasses.intent.types import Intent

INPUT_NAME = "features"
OUTPUT_NAME = "probabilities"
ONNX_OPSET = 17
ONNX_IR_VERSION = 8


@dataclass(frozen=True)
class TrainConfig:
    """Optimiser settings; the defaults made the committed model."""

    iterations: int = 200
    """Full-batch Adam steps."""
    learning_rate: float = 0.05
    l2: float = 1e-4
    """Weight decay on W (not on b)."""
    balance_classes: bool = True
    """Weight each example by 1 / its intent's share, so large intents don't dominate."""


@dataclass(frozen=True)
class LinearModel:
    """Trained weights: ``weights`` (DIMENSIONS, classes), ``bias`` (classes,)."""

    labels: tuple[Intent, ...]
    weights: np.ndarray
    bias: np.ndarray

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        logits = features.astype(np.float32) @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)

    def predict(self, texts: Sequence[str]) -> list[tuple[Intent, float]]:
        probs = self.probabilities(featurize_batch(texts))
        best = probs.argmax(axis=1)
        return [(self.labels[i], float(probs[n, i])) for n, i in enumerate(best)]


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class _Sparse:
    """A feature matrix by its non-zero entries (a few per cent of the buckets per row),
    its columns renumbered to the used buckets (``active``).

    ``x @ w`` and ``x.T @ d`` as grouped sums with ``np.add.reduceat``: deterministic
    and far cheaper than the dense products.
    """

    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    active: np.ndarray
    row_starts: np.ndarray
    col_order: np.ndarray
    col_starts: np.ndarray

    @classmethod
    def of(cls, dense: np.ndarray) -> _Sparse:
        active = np.flatnonzero(dense.any(axis=0))
        compact = dense[:, active]
        rows, cols = np.nonzero(compact)
        order = np.argsort(cols, kind="stable")
        return cls(
            rows, cols, compact[rows, cols].astype(np.float64), active,
            np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]), order,
            np.flatnonzero(np.r_[True, cols[order][1:] != cols[order][:-1]]),
        )  # fmt: skip

    @property
    def columns(self) -> int:
        return len(self.active)

    def matmul(self, w: np.ndarray) -> np.ndarray:
        """x @ w; every row has an entry (an empty text has the <empty> token)."""
        return np.add.reduceat(self.vals[:, None] * w[self.cols], self.row_starts, axis=0)

    def rmatmul(self, d: np.ndarray) -> np.ndarray:
        """x.T @ d; every active column has an entry by construction."""
        o = self.col_order
        return np.add.reduceat(self.vals[o, None] * d[self.rows[o]], self.col_starts, axis=0)


def _adam(
    x: _Sparse, onehot: np.ndarray, sample_w: np.ndarray, config: TrainConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Minimise weighted cross-entropy + L2 by full-batch Adam from zero weights."""
    params = [np.zeros((x.columns, onehot.shape[1])), np.zeros(onehot.shape[1])]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, config.iterations + 1):
        delta = (_softmax(x.matmul(params[0]) + params[1]) - onehot) * sample_w
        grads = [x.rmatmul(delta) + config.l2 * params[0], delta.sum(axis=0)]
        for k, (param, grad) in enumerate(zip(params, grads, strict=True)):
            m, v = moments[k]
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * grad * grad
            moments[k] = (m, v)
            m_hat, v_hat = m / (1 - beta1**step), v / (1 - beta2**step)
            param -= config.learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return params[0], params[1]


def train(examples: Sequence[Example], config: TrainConfig = TrainConfig()) -> LinearModel:
    """Fit softmax regression to ``examples``; labels in Intent declaration order."""
    labels = tuple(i for i in Intent if any(e.intent is i for e in examples))
    if len(labels) < 2:
        raise ValueError("training needs examples of at least two intents")
    x = _Sparse.of(featurize_batch([e.text for e in examples]))
    y = np.array([labels.index(e.intent) for e in examples])
    onehot = np.eye(len(labels))[y]
    counts = onehot.sum(axis=0)
    sample_w = (len(y) / (len(labels) * counts[y])) if config.balance_classes else np.ones(len(y))
    weights_active, bias = _adam(x, onehot, sample_w[:, None] / len(y), config)
    weights = np.zeros((DIMENSIONS, len(labels)), dtype=np.float32)
    weights[x.active] = weights_active  # unused buckets keep zero weights
    return LinearModel(labels, weights, bias.astype(np.float32))


def accuracy(predicted: Sequence[Intent], examples: Sequence[Example]) -> float:
    """Share of ``examples`` whose intent equals the prediction."""
    if not examples:
        raise ValueError("accuracy of no examples")
    hits = sum(p is e.intent for p, e in zip(predicted, examples, strict=True))
    return hits / len(examples)


def export_onnx(model: LinearModel, path: Path) -> None:
    """Write ``model`` as an ONNX graph (MatMul, Add, Softmax) with metadata."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    classes = len(model.labels)
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", [INPUT_NAME, "W"], ["logits_raw"]),
            helper.make_node("Add", ["logits_raw", "b"], ["logits"]),
            helper.make_node("Softmax", ["logits"], [OUTPUT_NAME], axis=1),
        ],
        "intent_classifier",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["N", DIMENSIONS])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["N", classes])],
        initializer=[
            numpy_helper.from_array(model.weights.astype(np.float32), "W"),
            numpy_helper.from_array(model.bias.astype(np.float32), "b"),
        ],
    )
    proto = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", ONNX_OPSET)],
        producer_name="glasses.intent.training",
    )
    proto.ir_version = ONNX_IR_VERSION
    helper.set_model_props(
        proto,
        {"labels": json.dumps([label.value for label in model.labels]),
         "feature_version": FEATURE_VERSION,
         "dimensions": str(DIMENSIONS)},
    )  # fmt: skip
    onnx.checker.check_model(proto)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(proto.SerializeToString())
