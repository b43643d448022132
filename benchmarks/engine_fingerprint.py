"""Numbers a restructuring of the code must not change: a few comparisons, a depth profile and a
small sweep, printed exactly. Run it before and after (each with its own empty cache) and diff:

    TRANSFER_LAB_CACHE=/tmp/a TRANSFER_LAB_OFFLINE=1 python benchmarks/engine_fingerprint.py > before.txt
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lib import compare, depth_profile, sweep  # noqa: E402


def main():
    for task, n, options in [("dress", 4, {}), ("dress", 16, {"cut": "stage4"}), ("dress", 1, {"control": True}),
                             ("sentiment", 16, {"encoder": True})]:
        c = compare(task, n, 0, **options)
        print(task, n, options, {k: (round(r.test_accuracy, 6), r.trainable_params, r.total_params)
                                 for k, r in c.runs.items()})
    profile = depth_profile("dress", 4, (0, 1), backbone="efficientnet_lite0")
    print(profile.groupby(["cut", "pretrained"]).test_accuracy.mean().round(6).to_dict())
    print(sweep("dress", [1, 2], [0]).sort_values(["method", "n_per_class"]).to_string())


if __name__ == "__main__":  # worker processes import this file: only the main one runs it
    main()
