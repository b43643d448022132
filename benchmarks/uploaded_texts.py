"""Every text way on a CSV of real texts, loaded as the "your own data" page loads an upload.

    python benchmarks/uploaded_texts.py PATH.csv [--sizes 4 16 64] [--seeds 5]

The CSV needs a text and a label column (lib.data.load_texts guesses which). A stratified quarter
of each class is held out as the test set, as on the page; each size x seed is one compare().
Prints test accuracy, % (mean ± standard deviation over seeds, and the lowest and highest seed)
per way and labeled size, and what skip-gram read. The last row is a reference, not a way of the
app: scikit-learn's LogisticRegression (C = 1) on the same labeled texts' word presence, which the
bag-of-words baseline should match. Measures and prints; never asserts.
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from lib.data import load_texts  # noqa: E402
from lib.data.datasets import split_task  # noqa: E402
from lib.experiments import compare  # noqa: E402
from lib.text.models import tokenize  # noqa: E402

REFERENCE = "scikit-learn LogisticRegression (C = 1) on the same word presence"


def reference_accuracy(task, c) -> float:
    labeled = np.concatenate([c.train_index, c.val_index])
    words = CountVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None, binary=True)
    x = words.fit_transform([task.pool.texts[i] for i in labeled])
    model = LogisticRegression(C=1.0).fit(x, task.pool.labels[labeled])
    return float((model.predict(words.transform(task.test.texts)) == task.test.labels).mean())


def cell(values: pd.Series) -> str:
    v = 100 * values
    return f"{v.mean():.1f} ± {v.std(ddof=1):.1f} ({v.min():.0f}–{v.max():.0f})"


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("csv", type=Path)
    ap.add_argument("--sizes", type=int, nargs="+", default=[4, 16, 64])
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args()
    data = load_texts(args.csv)   # private, as an upload: nothing derived from it is cached on disk
    task = split_task(data)       # the split compare() makes of it, for the reference row
    rows, labels, start = [], {}, time.perf_counter()
    for n in args.sizes:
        for seed in range(args.seeds):
            c = compare(data, n, seed)
            for method, run in c.runs.items():
                rows.append((method, n, seed, run.test_accuracy))
                labels.setdefault(method, run.label)
            rows.append(("reference", n, seed, reference_accuracy(task, c)))
            labels["reference"] = REFERENCE
            print(f"  {n} per class, seed {seed}: done ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    frame = pd.DataFrame(rows, columns=["method", "n_per_class", "seed", "test_accuracy"])
    table = frame.groupby(["method", "n_per_class"], sort=False).test_accuracy.apply(cell).unstack()
    table.index = [f"{m}: {labels[m]}" for m in table.index]
    counts = data.labels.tolist()
    print(f"{args.csv.name}: {len(data):,} texts, classes {data.classes}, "
          f"{', '.join(str(counts.count(i)) for i in range(len(data.classes)))} per class; "
          f"test set: {len(c.test_labels)} texts (a stratified quarter, split seed 0)")
    print(f"Test accuracy, % (mean ± std over seeds 0–{args.seeds - 1}; lowest–highest seed). "
          "Columns: labeled texts per class")
    print(table.to_string())
    print(f"\nWhat the pretrained ways are: {c.backbone}")
