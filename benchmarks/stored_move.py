"""Server CPU per stored slider move (issue 25 item 7): with the pack, a room is bound by what the
server does per move, not by training. Prints numbers; never passes or fails.

    python benchmarks/stored_move.py                     # dress, 8 <-> 16 per class, 20 moves
    python benchmarks/stored_move.py --cache /tmp/sm     # keep the filled cache for the next run
    python benchmarks/stored_move.py --profile           # and where the CPU goes (yappi, every thread)
    python benchmarks/stored_move.py --fake              # fake stored numbers (tests.fake_store): seconds

First it fills a cache folder with everything the dress page reads at 8 and 16 per class (every
way on every draw of DRAW_SEEDS, the depth profile), trained for real by the engine in this
process (minutes, once per folder). Then it drives the page with Streamlit's AppTest, moving the
slider between the two stored positions, and prints the CPU time this process spent per move
(time.process_time over every thread: the script's run, Streamlit's bookkeeping; nothing trains).
AppTest reruns the whole page on each move; a real server reruns only the slider's fragment, so
these figures are an upper bound of what a move costs a server. `--fake` fills the folder with
made-up runs of the real shape instead (tests/fake_store.py, what the browser tests read): the page
lays out the same cards, charts and sentences, so the CPU per move is the same work, without the
40 minutes of training on two cores.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def fill(sizes):
    from lib import DRAW_SEEDS, resolve_options, ways_for
    from lib.stored import depth_profile_stored, run_stored
    from lib.comparisons import DEPTH_SEEDS
    options = resolve_options("image", {})
    t = time.time()
    for n in sizes:
        for seed in DRAW_SEEDS:
            for way in ways_for(options, n):
                run_stored(way, "dress", "dress", n, seed, options)
        depth_profile_stored("dress", n, DEPTH_SEEDS, backbone=options["backbone"], control=False)
    print(f"cache filled in {time.time() - t:.0f} s (sizes {sizes}, every draw, depth profiles)", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", default=None)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--fake", action="store_true", help="made-up stored runs (tests.fake_store)")
    args = parser.parse_args()
    os.environ["TRANSFER_LAB_CACHE"] = args.cache or tempfile.mkdtemp(prefix="stored-move-")
    os.environ.setdefault("TRANSFER_LAB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ["TRANSFER_LAB_WORKERS"] = "0"   # nothing should train: a move that asks the engine is a miss
    os.environ["TRANSFER_LAB_WARMUP"] = "0"
    import torch
    torch.set_num_threads(1)
    if args.fake:
        from lib import DRAW_SEEDS
        from tests.fake_store import fill_store
        fill_store("dress", [8, 16], DRAW_SEEDS)
    else:
        fill([8, 16])
    from streamlit.testing.v1 import AppTest
    from lib import current_engine, engine_started
    at = AppTest.from_file(str(ROOT / "app_pages" / "dress_colour.py"), default_timeout=600)
    at.query_params["n_per_class"] = "16"
    at.run()
    assert not at.exception, at.exception
    cpu, wall = [], []
    if args.profile:  # the script runs on a thread of its own: a profiler of every thread, CPU clock
        import yappi
        yappi.set_clock_type("cpu")
    for i in range(args.moves + 2):
        at.select_slider(key="n_per_class").set_value(8 if i % 2 == 0 else 16)
        c, w = time.process_time(), time.perf_counter()
        if args.profile and i == 2:
            yappi.start()
        at.run()
        if i >= 2:  # the first two visit each position once more (Streamlit's own caches fill)
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
        assert not at.exception, at.exception
    print(f"stored slider move, dress 8 <-> 16 per class, {len(cpu)} moves (whole page, AppTest): "
          f"CPU median {1000 * statistics.median(cpu):.0f} ms, min {1000 * min(cpu):.0f}, "
          f"max {1000 * max(cpu):.0f}; wall median {1000 * statistics.median(wall):.0f} ms; "
          f"jobs trained meanwhile: {len(current_engine().computed) if engine_started() else 0} "
          f"(0: every number came from the cache)")
    if args.profile:
        yappi.stop()
        stats = yappi.get_func_stats()
        stats.sort("ttot").print_all(columns={0: ("name", 90), 1: ("ncall", 8), 3: ("ttot", 8), 4: ("tavg", 8)})


if __name__ == "__main__":
    main()
