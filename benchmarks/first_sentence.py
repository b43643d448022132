"""Does the first sentence a room reads hold on other draws? (issue 20, item 2)

    python benchmarks/first_sentence.py [--task dress] [--sizes 4 16 64]

The image pages' first sentence reads the view over the draws of lib.draws.DRAW_SEEDS (seeds
0-4). This prints that reading (ui.words.over_draws, the page's own words) beside the same
reading on five other draws (seeds 5-9), and whether they agree on the leader and on each gap
called more than luck. Each way's run is kept on disk as the pages keep it (lib.stored), so a
stopped run resumes and the pages then read these draws. Prints Markdown; never asserts.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.draws import DRAW_SEEDS, over_draws  # noqa: E402
from lib.stored import compare_stored  # noqa: E402
from ui.words import over_draws as words  # noqa: E402

OTHER_SEEDS = tuple(s + len(DRAW_SEEDS) for s in DRAW_SEEDS)


def reading(task, n, seeds):
    runs = {}
    for s in seeds:
        print(f"{task} n={n} seed={s}", file=sys.stderr, flush=True)
        runs[s] = compare_stored(task, n, s).runs
    return over_draws(runs, n)


def claims(o) -> tuple:
    """What the sentence asserts: the leader, and which gaps it calls more than luck."""
    return o.leader, frozenset(m for m, g in o.gaps.items() if g.beyond_luck)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", default="dress")
    ap.add_argument("--sizes", type=int, nargs="+", default=[4, 16, 64])
    args = ap.parse_args()
    print("| per class | seeds | the page's sentence |\n|---:|---|---|")
    agree = []
    for n in args.sizes:
        pages, other = reading(args.task, n, DRAW_SEEDS), reading(args.task, n, OTHER_SEEDS)
        for seeds, o in ((DRAW_SEEDS, pages), (OTHER_SEEDS, other)):
            print(f"| {n} | {seeds[0]}–{seeds[-1]} | {words(o)[0]} |")
        leader_same = claims(pages)[0] == claims(other)[0]
        # a gap the page calls more than luck should not flip on other draws
        held = all(other.ways[pages.leader].mean >= other.ways[m].mean for m in claims(pages)[1])
        agree.append((n, leader_same, held))
    print("\n| per class | same leader on seeds 5–9 | gaps called more than luck hold there |\n|---:|---|---|")
    for n, same, held in agree:
        print(f"| {n} | {'yes' if same else 'no'} | {'yes' if held else 'no'} |")


if __name__ == "__main__":
    main()
