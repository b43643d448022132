"""FAKE stored results for the browser tests that check layout and behaviour, not numbers:
Runs with made-up accuracies and the real runs' shape, written through the engine's own storage
(lib.stored.save_run at lib.stored.run_path's key), so a server on that cache folder reads them as
it reads real ones. Training every slider position for real would take hours on two cores."""
import numpy as np
import pandas as pd

def _fake_run(way, n: int, seed: int, test_labels: np.ndarray, rng):
    """A Run with made-up numbers and the real run's shape: what the page lays out."""
    from lib import stage_weights, trained_by_way
    from lib.runs import Run
    counts = stage_weights(2)
    weights = {**trained_by_way(counts, 2), "control": trained_by_way(counts, 2)["transfer"]}
    frozen = sum(s["weights"] for s in counts["stages"])
    acc = float(rng.uniform(0.5, 0.99))
    wrong = rng.random(len(test_labels)) > acc
    test_pred = np.where(wrong, 1 - test_labels, test_labels).astype(np.int64)
    acc = float((test_pred == test_labels).mean())
    epochs = 30
    history = pd.DataFrame([(e, split, 1.0 / e, min(1.0, acc + (0.1 if split == "train" else 0)) * e / epochs)
                            for e in range(1, epochs + 1) for split in ("train", "test")],
                           columns=["epoch", "split", "loss", "accuracy"])
    from lib.runs import accuracy_interval
    labels = {"pixels": "Simplest: a linear model on 16 × 16 pixels (768 numbers)",
              "scratch": "From scratch: small CNN on 64 px photos",
              "transfer": "Transfer: EfficientNet-Lite0 (ImageNet) after head + linear head",
              "control": "Control: random EfficientNet-Lite0 after head + linear head",
              "finetune": "Fine-tuned: EfficientNet-Lite0's stage6 + stage7 + head + new head"}
    trainable = weights[way.method]
    details = {}
    if way.method in ("transfer", "control"):
        details = {"cut": "head", "cut_scores": {}, "depth": 8, "cuts": [s["cut"] for s in counts["stages"]],
                   "input": "each photo resized to 224 × 224 px",
                   "backbone": "EfficientNet-Lite0, pretrained on ImageNet (1.28 million photos)"}
    return Run(way.method, labels[way.method], acc, float(rng.uniform(acc, 1.0)), trainable,
               trainable + (frozen if way.method in ("transfer", "control", "finetune") else 0),
               history, float(rng.uniform(0.1, 30)), accuracy_interval(int((test_pred == test_labels).sum()), len(test_labels)),
               len(test_labels), test_pred, rng.integers(0, 2, 2 * n).astype(np.int64),
               formula="(1280 + 1) × 2" if way.method in ("transfer", "control") else "",
               n_train=2 * n, details=details)


def fill_store(task: str, sizes, seeds, options: dict | None = None) -> int:
    """Write FAKE runs for every way of `task` at each size and seed, and a fake depth profile at
    each size, into this process's TRANSFER_LAB_CACHE through lib.stored; returns files written."""
    from lib import resolve_options, resolve_task, stage_weights
    from lib import stored
    from lib.image.ways import ways_for
    options = resolve_options("image", options or {})
    labels = resolve_task(task).test.labels
    rng, written = np.random.default_rng(0), 0
    for n in sizes:
        for seed in seeds:
            for way in ways_for(options, n):
                written += stored.save_run(stored.run_path(way, task, n, seed, options),
                                           _fake_run(way, n, seed, labels, rng))
        stages = stage_weights(2)["stages"]
        rows = [(s["cut"], i + 1, s["features"], pretrained, seed, float(rng.uniform(0.5, 1)))
                for i, s in enumerate(stages) for pretrained in (True, False) for seed in range(5)]
        for keyed in ({"backbone": options["backbone"]}, {"backbone": options["backbone"], "control": False}):
            path = stored.profile_path(task, n, keyed)  # (keyed with the control, or without)
            path.parent.mkdir(parents=True, exist_ok=True)
            pd.DataFrame(rows, columns=["cut", "depth", "feature_dim", "pretrained", "seed", "test_accuracy"]
                         ).to_csv(path, index=False)
            written += 1
    return written


def _fake_text_run(way, n: int, test_labels: np.ndarray, rng):
    """A text Run with made-up numbers and the real run's shape (details the page reads)."""
    from lib.runs import Run, accuracy_interval
    from lib.text import encoders
    from lib.data.reviews import UNLABELED
    acc = float(rng.uniform(0.5, 0.99))
    test_pred = np.where(rng.random(len(test_labels)) > acc, 1 - test_labels, test_labels).astype(np.int64)
    acc = float((test_pred == test_labels).mean())
    history = pd.DataFrame([(e, split, 1.0 / e, min(1.0, acc) * e / 60) for e in range(1, 61)
                            for split in ("train", "test")], columns=["epoch", "split", "loss", "accuracy"])
    details = {"transfer": {"skipgram": {"dims": 50, "vocabulary": 4_000, "texts": UNLABELED, "own_texts": False,
                                         "words": 200_000}},
               "encoder": {"backbone": encoders.DESCRIPTION}, "finetune": {"backbone": encoders.DESCRIPTION}}
    weights = {"scratch": 20_000, "transfer": 102, "encoder": 770, "finetune": 1_775_234, "bow": 4_001}[way.method]
    return Run(way.method, f"FAKE {way.method}", acc, float(rng.uniform(acc, 1.0)), weights, weights,
               history, float(rng.uniform(0.1, 30)), accuracy_interval(int((test_pred == test_labels).sum()), len(test_labels)),
               len(test_labels), test_pred, rng.integers(0, 2, 2 * n).astype(np.int64),
               extra_tests={"hand-written": float(rng.uniform(0.5, 0.9))}, n_train=2 * n,
               details=details.get(way.method, {}))


def fill_text_store(task: str, sizes, seeds, options: dict | None = None) -> int:
    """FAKE runs for every text way of `task` ("sentiment") at each size and seed, written into
    this process's TRANSFER_LAB_CACHE through lib.stored; returns files written."""
    from lib import resolve_options, resolve_task, ways_of
    from lib import stored
    options = resolve_options("text", options or {})
    labels = resolve_task(task).test.labels
    rng, written = np.random.default_rng(0), 0
    for n in sizes:
        for seed in seeds:
            for way in ways_of(task, options, n):
                written += stored.save_run(stored.run_path(way, task, n, seed, options),
                                           _fake_text_run(way, n, labels, rng))
    return written
