"""Every text way, zero labels included, on real movie-review sentences, over sizes and seeds.

    python benchmarks/real_reviews.py ../shared/data/real_reviews/sentence_polarity_dev_2000.csv \
        [--sizes 0 1 2 4 8 16 64] [--seeds 10] [--rows rows.csv]

The CSV (text, label) is loaded as an upload is (lib.data.load_texts) and split as the app splits
an upload: a stratified quarter held out as the test set (split seed 0), the rest the labeled pool.
The task is then named "rotten_tomatoes", so every way runs as it does on the movie-review page's
real reviews: skip-gram reads the pool's texts without their labels (the article's transfer A:
here only the pool of this sample, far less than the ~8,600 the page's full set gives it), the
encoder's head is transfer B, and zero-shot uses the fixed descriptions "a negative movie review"
/ "a positive movie review". Zero-shot is also shown with the template an upload would get from
the label names ("This example is negative."), for comparison. Zero-shot draws and trains
nothing, so it is one number whatever the seed: it sits in the 0 column.

Two references, not ways of the app: scikit-learn's LogisticRegression (its defaults, C = 1) on
the encoder's raw embeddings of the same labeled sentences (the MTEB classification protocol's
probe), and on their word presence (which the bag-of-words way should match).

Prints test accuracy, % (mean ± standard deviation over seeds), and for each trained way the
smallest size at which it beats zero-shot (lib.curves.beats_zero). Measures and prints; never asserts.
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

from lib.curves import beats_zero  # noqa: E402
from lib.data import load_texts  # noqa: E402
from lib.data.datasets import Task, split_task  # noqa: E402
from lib.experiments import compare  # noqa: E402
from lib.text import encoders, finetune, ways, zero_shot  # noqa: E402
from lib.text.models import tokenize  # noqa: E402
from ui.words import beats_zero_words  # noqa: E402

NAMES = {"zero_shot": "zero-shot: encoder vs 'a negative/positive movie review'",
         "zero_shot_template": "zero-shot: encoder vs 'This example is negative/positive.'",
         "scratch": "from scratch: word vectors + head",
         "transfer": "transfer A: skip-gram (pool, unlabeled) + head",
         "encoder": "transfer B: MiniLM encoder + linear head",
         "encoder_cut": "transfer B at the cut cross-validation chose + linear head",
         "finetune": "fine-tuned: MiniLM's top layer + new head",
         "bow": "bag-of-words baseline",
         "ref_encoder": "reference: sklearn LogisticRegression on MiniLM embeddings",
         "ref_words": "reference: sklearn LogisticRegression on word presence"}


def labeled(c) -> np.ndarray:
    return np.concatenate([c.train_index, c.val_index])


def encoder_reference(task, c) -> float:
    pool, test = encoders.embed(task.pool.texts), encoders.embed(task.test.texts)
    i = labeled(c)
    model = LogisticRegression().fit(pool[i], task.pool.labels[i])
    return float((model.predict(test) == task.test.labels).mean())


def words_reference(task, c) -> float:
    i = labeled(c)
    words = CountVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None, binary=True)
    x = words.fit_transform([task.pool.texts[j] for j in i])
    model = LogisticRegression().fit(x, task.pool.labels[i])
    return float((model.predict(words.transform(task.test.texts)) == task.test.labels).mean())


def cell(values: pd.Series) -> str:
    v = 100 * values
    return f"{v.mean():.1f}" if len(v) == 1 or v.std(ddof=1) == 0 else f"{v.mean():.1f} ± {v.std(ddof=1):.1f}"


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("csv", type=Path)
    ap.add_argument("--sizes", type=int, nargs="+", default=[0, 1, 2, 4, 8, 16, 64])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=0, help="seeds first-seed ... first-seed + seeds - 1")
    ap.add_argument("--rows", type=Path, help="also append every result to this CSV as it comes "
                    "(seeds outermost: a run cut short still holds whole seeds)")
    args = ap.parse_args()
    finetune.TEST_CURVE = False  # the pages' test curve: not read here, and it cost most of fine-tuning's time
    data = load_texts(args.csv)
    split = split_task(data)
    task = Task("rotten_tomatoes", split.pool, split.test, "a sample of the sentence polarity set")
    rows, start = [], time.perf_counter()
    if 0 in args.sizes:
        z = compare(task, 0)
        rows.append(("zero_shot", 0, 0, z.runs["zero_shot"].test_accuracy))
        template = zero_shot.zero_shot_run(task, zero_shot.descriptions_for(task.classes))
        rows.append(("zero_shot_template", 0, 0, template.test_accuracy))
    cuts = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for n in [s for s in args.sizes if s > 0]:
            c = compare(task, n, seed)
            new = [(m, n, seed, r.test_accuracy) for m, r in c.runs.items()]
            at_cut = ways.ENCODER.run(task, c.train_index, c.val_index, seed, {"cut": "auto"})
            cuts.append((n, seed, at_cut.details["cut"]))
            new.append(("encoder_cut", n, seed, at_cut.test_accuracy))
            new.append(("ref_encoder", n, seed, encoder_reference(task, c)))
            new.append(("ref_words", n, seed, words_reference(task, c)))
            rows += new
            if args.rows:
                pd.DataFrame(new).to_csv(args.rows, mode="a", header=False, index=False)
            print(f"  {n} per class, seed {seed}: done ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    frame = pd.DataFrame(rows, columns=["method", "n_per_class", "seed", "test_accuracy"])
    table = frame.groupby(["method", "n_per_class"], sort=False).test_accuracy.apply(cell).unstack().fillna("")
    table.index = [NAMES.get(m, m) for m in table.index]
    counts = np.bincount(data.labels)
    print(f"{args.csv.name}: {len(data):,} sentences, classes {data.classes} "
          f"({', '.join(map(str, counts))}); test set {len(task.test)} (a stratified quarter, split "
          f"seed 0), pool {len(task.pool)}; {args.seeds} seeds; {time.perf_counter() - start:.0f} s")
    print("Test accuracy, % (mean ± std over seeds; zero-shot is one number). Columns: labeled "
          "sentences per class")
    print(table.to_string())
    if cuts:
        chosen = pd.DataFrame(cuts, columns=["n_per_class", "seed", "cut"])
        print("\nThe cut cross-validation chose (seeds per cut), by size:")
        print(chosen.groupby("n_per_class").cut.value_counts().unstack(fill_value=0).to_string())
    if len(rows) > 2:
        print(f"\nWhat the pretrained ways are: {c.backbone}")
    if 0 in args.sizes and args.seeds > 1:
        print("\nHow many labels beat zero (lib.curves.beats_zero: paired t-test over the seeds at each size):")
        short = {"scratch": "from scratch", "transfer": "skip-gram's head", "encoder": "the encoder's head",
                 "encoder_cut": "the encoder's head at the chosen cut", "finetune": "fine-tuning",
                 "bow": "bag of words", "ref_encoder": "the scikit-learn reference on the embeddings"}
        for m, name in short.items():
            if m in set(frame.method):
                print("- " + beats_zero_words(beats_zero(frame, m), name).replace("**", ""))
