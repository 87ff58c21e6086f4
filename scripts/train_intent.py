"""Train the glasses' intent classifier from glasses/intent/data/examples.toml.

Prints the accuracy on a held-out split of the examples (model trained without them)
and on the held-out paraphrases (heldout.toml), then trains on all examples and
writes the ONNX model. Deterministic: rerunning gives the same model.

Example: python scripts/train_intent.py --out glasses/intent/data/intent.onnx
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from glasses.intent.classifier import IntentClassifier
from glasses.intent.examples import EXAMPLES_PATH, HELDOUT_PATH, load_examples, split
from glasses.intent.training import TrainConfig, accuracy, export_onnx, train

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "glasses" / "intent" / "data" / "intent.onnx"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=EXAMPLES_PATH)
    parser.add_argument("--heldout", type=Path, default=HELDOUT_PATH)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--iterations", type=int, default=TrainConfig.iterations)
    args = parser.parse_args(argv)
    config = TrainConfig(iterations=args.iterations)

    examples = load_examples(args.examples)
    heldout = load_examples(args.heldout)
    train_part, test_part = split(examples)
    started = time.perf_counter()
    partial = train(train_part, config)
    split_acc = accuracy([p for p, _ in partial.predict([e.text for e in test_part])], test_part)
    print(f"held-out split: trained on {len(train_part)}, accuracy {split_acc:.3f} "
          f"on {len(test_part)} ({time.perf_counter() - started:.1f} s)")  # fmt: skip

    model = train(examples, config)
    export_onnx(model, args.out)
    loaded = IntentClassifier.load(args.out)
    predictions = loaded.predict([e.text for e in heldout])
    held_acc = accuracy([p.intent for p in predictions], heldout)
    train_acc = accuracy([p.intent for p in loaded.predict([e.text for e in examples])], examples)
    print(f"final model: {len(examples)} examples, {len(model.labels)} intents, "
          f"training accuracy {train_acc:.3f}, held-out paraphrases {held_acc:.3f} "
          f"on {len(heldout)}")  # fmt: skip
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")
    timed = time.perf_counter()
    for example in heldout:
        loaded.predict_one(example.text)
    per_utterance = (time.perf_counter() - timed) / len(heldout)
    print(f"classifier latency {per_utterance * 1e6:.0f} us per utterance (features + ONNX)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
