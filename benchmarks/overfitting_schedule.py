"""Fine-tuning on the overfitting page's path (`epochs=E`) with the step schedule kept (lib.train's
`fixed` before issue 27) and at a constant rate (now): train and test accuracy, and the test curve
at the epochs the page draws. Prints numbers; passes or fails nothing (docs/FINDINGS.md, "Verdicts
a statistician would sign").

    TRANSFER_LAB_OFFLINE=1 python benchmarks/overfitting_schedule.py [E] [seeds, e.g. 0,1,2] [old|now]
"""
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib import train  # noqa: E402
from lib.comparisons import draw  # noqa: E402
from lib.image import ways  # noqa: E402
from lib.tasks import resolve_options, resolve_task  # noqa: E402

E = int(sys.argv[1]) if len(sys.argv) > 1 else 60
SEEDS = [int(s) for s in sys.argv[2].split(",")] if len(sys.argv) > 2 else [0, 1, 2]
ONLY = sys.argv[3] if len(sys.argv) > 3 else ""
task = resolve_task("dress")
options = resolve_options("image", {"epochs": E})
now = train.TrainConfig.fixed
before = lambda self, e: replace(self, max_epochs=int(e), min_steps=0)  # the schedule kept
for name, fixed in [c for c in (("schedule kept (old)", before), ("constant rate (now)", now)) if ONLY in c[0]]:
    train.TrainConfig.fixed = fixed
    for seed in SEEDS:
        labeled, rest = draw(task.pool.labels, 16, seed)
        start = time.time()
        run = ways.FINETUNED.run(task, labeled, rest, seed, options)
        curve = run.history[run.history.split == "test"].set_index("epoch").accuracy
        print(f"{name} seed {seed} E={E}: train {run.train_accuracy:.4f} test {run.test_accuracy:.4f} "
              f"test curve {', '.join(f'{e}: {a:.4f}' for e, a in curve.items())} "
              f"({time.time() - start:.0f} s)", flush=True)
train.TrainConfig.fixed = now
