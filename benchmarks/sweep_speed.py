"""How long the default learning-curve sweep takes, cold and warm, in the server's worker
processes (lib.workers) against one process. Prints numbers; never passes or fails.

    python benchmarks/sweep_speed.py [--task dress] [--seeds 5] [--modes seq2,pool2,seq1]

Every mode runs in a fresh process on the same prepared caches (dress photos and backbone
features), with an empty sweep and run cache, so each one trains all cells:
  seq2   one process (TRANSFER_LAB_WORKERS=0), torch using 2 threads
  seq1   one process (TRANSFER_LAB_WORKERS=0), torch using 1 thread
  pool2  2 worker processes (TRANSFER_LAB_WORKERS=2), 1 torch thread each, one way per job
Then "warm": the same sweep again in a new process, every cell read from disk.
Pin to 2 cores to measure a 2-core machine on a bigger one: taskset -c 0,1 python ...
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SIZES = [1, 2, 4, 8, 16, 32, 64, 128]


def child(args):
    """Run one measurement in this (fresh) process; print a JSON line."""
    t0 = time.perf_counter()
    import torch
    from lib.tasks import resolve_task
    from lib.sweeps import run_sweep
    if args.mode == "seq1":
        torch.set_num_threads(1)
    t = resolve_task(args.task)
    if args.mode == "prepare":  # render the photos and compute the backbone features, once
        from lib.experiments import compare
        compare(t, 1, 0)
        print(json.dumps({"mode": "prepare", "seconds": time.perf_counter() - t0}))
        return
    loaded = time.perf_counter() - t0
    t1 = time.perf_counter()
    frame = run_sweep(args.task, SIZES, range(args.seeds))
    print(json.dumps({"mode": args.mode, "load": loaded, "sweep": time.perf_counter() - t1,
                      "trained": frame.attrs["trained"], "threads": torch.get_num_threads(),
                      "results": frame[["method", "n_per_class", "seed", "test_accuracy"]].values.tolist()}))


def measure(mode, args, env):
    env = dict(env, TRANSFER_LAB_WORKERS="2" if mode == "pool2" else "0")
    out = subprocess.run([sys.executable, __file__, "--child", "--mode", mode, "--task", args.task,
                          "--seeds", str(args.seeds)], env=env, capture_output=True, text=True, cwd=ROOT)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        sys.exit(f"{mode} failed:\n{out.stderr[-3000:]}")
    return json.loads(lines[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--task", default="dress")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--modes", default="seq2,pool2,seq1")
    p.add_argument("--child", action="store_true")
    p.add_argument("--mode", default="")
    args = p.parse_args()
    if args.child:
        return child(args)
    cache = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    env = dict(os.environ, TRANSFER_LAB_CACHE=str(cache), TRANSFER_LAB_OFFLINE="1")
    print(f"task {args.task}, sizes {SIZES}, {args.seeds} seeds = {len(SIZES) * args.seeds} cells; "
          f"{os.cpu_count()} CPUs visible, affinity {sorted(os.sched_getaffinity(0))}, "
          f"load average {os.getloadavg()[0]:.1f} (other work on the machine slows every mode)")
    prep = measure("prepare", args, env)
    print(f"prepare (empty cache: render photos, load backbone, compute features): {prep['seconds']:.1f} s")
    results = {}
    for mode in args.modes.split(","):
        shutil.rmtree(cache / "sweeps", ignore_errors=True)
        shutil.rmtree(cache / "runs", ignore_errors=True)
        r = results[mode] = measure(mode, args, env)
        print(f"cold {mode:5s}: sweep {r['sweep']:6.1f} s (+ {r['load']:.1f} s to start and load the "
              f"task), {r['trained']} cells trained, torch threads {r['threads']}")
    first = next(iter(results.values()))["results"]
    same = all(sorted(r["results"]) == sorted(first) for r in results.values())
    print(f"identical accuracies across modes: {same}")
    best = min(results, key=lambda m: results[m]["sweep"])
    print(f"fastest: {best}")
    t0 = time.perf_counter()
    warm = measure(best, args, env)
    print(f"warm (new process, every cell from disk): sweep {warm['sweep']:.3f} s, "
          f"{warm['trained']} cells trained; whole process {time.perf_counter() - t0:.1f} s")
    import pandas as pd
    from lib.curves import equivalence, summarise
    from ui.words import headline
    frame = pd.DataFrame(warm["results"], columns=["method", "n_per_class", "seed", "test_accuracy"])
    summary = summarise(frame)
    print(summary.pivot(index="n_per_class", columns="method", values="mean").map("{:.1%}".format))
    for n in sorted(summary.n_per_class.unique()):
        print(" ", headline(equivalence(summary, n, results=frame)))
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":  # the guard matters: worker processes import this file
    main()
