"""Each trained image way beside its oracle bound (issue 20).

    python benchmarks/oracle_bound.py [dress] [--seeds 10] [--sizes 2 4 8 16 32 64 128]
                                      [--ways scratch finetune] [--every 1]

For each size and seed: the labeled draw the app uses (lib.runs.draw), then the way trained
exactly as the app trains it (the same network, the same recipe, the same seed: scratch with
lib.train's default TrainConfig, fine-tuning with lib.train.FINETUNE). "ours" is what the app
reports: the last epoch's weights. The "oracle bound" is the same training run read at its best
epoch on the test set, which no honest recipe can know: the test set picks the epoch here, in
this benchmark only, never in the app. The gap (bound - ours, in points) says how much a perfect
stopping rule could add to our recipe on this task; a large gap at some size means the recipe's
budget is wrong there, a small one that it is as good as any stopping rule for that network.

The test accuracy is read after each of the first 20 epochs, then every `--every`-th epoch, and
after the last one (default 1: every epoch) from inside training (fit's `stop` callback, which
is handed nothing and changes nothing: evaluation consumes no random numbers, and the next epoch
puts the model back in training mode).
The bound is over the epochs read, so with --every > 1 it is a bound over fewer epochs (a
lower estimate of the bound, so a smaller gap than the true one where the best epoch is late). Prints
a Markdown table of means over seeds; never asserts.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402

from lib.image import features  # noqa: E402
from lib.image.finetune import FineTuned  # noqa: E402
from lib.image.ways import SCRATCH_SIZE, get_backbone, pixels  # noqa: E402
from lib.models import ScratchCNN  # noqa: E402
from lib.runs import draw  # noqa: E402
from lib.tasks import TASKS, resolve_task  # noqa: E402
from lib.train import FINETUNE, TrainConfig, fit, predict_proba  # noqa: E402


def accuracy(model, x, y) -> float:
    return float((predict_proba(model, x).argmax(1) == y).mean())


def trajectory(make_model, config, x, y, labeled, seed, x_test, y_test, every):
    """Train as lib.runs.train_and_score does; return (last epoch's test accuracy, {epoch: test
    accuracy}) with the test set read after each of the first 20 epochs, every `every`-th, and
    the last."""
    torch.manual_seed(seed)
    model = make_model()
    n_epochs = config.epochs_for(len(labeled))
    curve, epoch = {}, [0]

    def read():  # called by fit after each epoch; returns False: it never stops training
        epoch[0] += 1
        if epoch[0] <= 20 or epoch[0] % every == 0 or epoch[0] == n_epochs:
            curve[epoch[0]] = accuracy(model, x_test, y_test)
        return False

    trained, _, _ = fit(model, x[labeled], torch.as_tensor(y[labeled]), config=config, seed=seed,
                        stop=read)
    last = accuracy(trained, x_test, y_test)
    assert abs(last - curve[n_epochs]) < 1e-12, "the last epoch read is the model the app keeps"
    return last, curve


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("task", nargs="?", default="dress", help=f"one of {TASKS}")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 4, 8, 16, 32, 64, 128])
    parser.add_argument("--ways", nargs="+", default=["scratch", "finetune"],
                        choices=["scratch", "finetune"])
    parser.add_argument("--backbone", default="efficientnet_lite0")
    parser.add_argument("--every", type=int, default=1, help="after epoch 20, read the test set every k epochs")
    args = parser.parse_args()
    t = resolve_task(args.task)
    k, y, y_test = len(t.classes), t.pool.labels, t.test.labels
    too_big = [n for n in args.sizes if n > t.max_per_class()]
    if too_big:
        parser.error(f"sizes {too_big} are more than the pool has per class ({t.max_per_class()})")
    inputs = {}
    if "scratch" in args.ways:
        inputs["scratch"] = (lambda: ScratchCNN(k), TrainConfig(), pixels(t.pool.images),
                             pixels(t.test.images))
    if "finetune" in args.ways:
        bb = get_backbone(args.backbone, True)
        inputs["finetune"] = (lambda: FineTuned(bb, k), FINETUNE,
                              torch.from_numpy(features.top_input(bb, t.pool.images, t.backbone_size)),
                              torch.from_numpy(features.top_input(bb, t.test.images, t.backbone_size)))
    rows, start = [], time.perf_counter()
    for n in args.sizes:
        for seed in range(args.seeds):
            train_index, val_index = draw(y, n, seed)
            labeled = np.concatenate([train_index, val_index])
            for way, (make, config, x, x_test) in inputs.items():
                ours, curve = trajectory(make, config, x, y, labeled, seed, x_test, y_test, args.every)
                best_epoch = max(curve, key=lambda e: (curve[e], -e))
                rows.append((way, n, seed, ours, curve[best_epoch], best_epoch, max(curve)))
                print(f"{way} n={n} seed={seed}: ours {100 * ours:.1f}, bound {100 * curve[best_epoch]:.1f}"
                      f" at epoch {best_epoch} of {max(curve)} ({time.perf_counter() - start:.0f} s)",
                      file=sys.stderr, flush=True)
    df = pd.DataFrame(rows, columns=["way", "n", "seed", "ours", "bound", "best_epoch", "epochs"])
    print(f"{t.name}, {args.seeds} seeds, {len(y_test)} test examples, scratch on {SCRATCH_SIZE} px, "
          f"fine-tuning {args.backbone}; test read after every epoch up to 20, then every {args.every}: "
          f"mean test accuracy (%)\n")
    print("| way | n per class | epochs run | ours (last epoch) | oracle bound (best epoch on test) "
          "| gap (points) | median best epoch |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for (way, n), g in df.groupby(["way", "n"], sort=False):
        print(f"| {way} | {n} | {int(g.epochs.iloc[0])} | {100 * g.ours.mean():.1f} | "
              f"{100 * g.bound.mean():.1f} | {100 * (g.bound.mean() - g.ours.mean()):.1f} | "
              f"{g.best_epoch.median():.0f} |")
    over = df.groupby(["way", "n"]).apply(lambda g: 100 * (g.bound.mean() - g.ours.mean()))
    far = [f"{w} at {n}" for (w, n), gap in over.items() if gap > 3]
    print(f"\nwithin 3 points of the bound: {'everywhere measured' if not far else 'not at ' + ', '.join(far)}"
          f" ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
