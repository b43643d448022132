"""What holds over draws: the same settings learned on several random draws of labeled examples.

One draw of 16 photos per class can put any way ahead by luck (which photos were drawn, which
initial weights): on the dress scratch moves 15 points between seeds at 2 per class. The first
sentence a room reads is therefore about DRAW_SEEDS, the same five draws whatever seed the
sidebar shows: each way's mean and range, how many draws each way led, and a paired t-test over
the draws of the leader against every other way (each draw gives every way the same examples,
so the accuracies come in pairs), Holm-corrected over every pair of ways (lib.stats.all_pairs
says why every pair and not only the leader's: the leader is picked on these same numbers).
Numbers only; ui.words writes the sentence.
"""
from dataclasses import dataclass

import numpy as np

from lib.stats import SIGNIFICANT, all_pairs

DRAW_SEEDS = tuple(range(5))


@dataclass(frozen=True)
class WayOverDraws:
    method: str
    accuracies: tuple   # test accuracy on each draw, in the order of OverDraws.seeds
    led: int            # draws on which this way scored highest (a tie counts for each)

    @property
    def mean(self) -> float:
        return float(np.mean(self.accuracies))

    @property
    def low(self) -> float:
        return float(np.min(self.accuracies))

    @property
    def high(self) -> float:
        return float(np.max(self.accuracies))


@dataclass(frozen=True)
class Gap:
    """The leader against another way over the draws: mean paired difference, the paired t-test's
    p on its own, and Holm's adjustment of it over every pair of ways (both None where every
    difference is the same: no spread, so it cannot be tested with these draws)."""
    behind: str
    diff: float
    p: float | None
    p_holm: float | None = None
    pairs_tested: int = 0   # how many pairs of ways the adjustment allowed for

    @property
    def beyond_luck(self) -> bool:
        return self.p_holm is not None and self.p_holm < SIGNIFICANT and self.diff > 0

    @property
    def untestable(self) -> bool:
        return self.p is None


@dataclass(frozen=True)
class OverDraws:
    n_per_class: int
    seeds: tuple
    ways: dict          # method -> WayOverDraws, in the cards' order
    leader: str         # the way with the highest mean (the first of equal means)
    gaps: dict          # method -> Gap, the leader against each other way


def over_draws(runs_by_seed: dict, n_per_class: int) -> OverDraws:
    """runs_by_seed: seed -> {method: Run}, every seed with the same ways (their cards' order)."""
    seeds = tuple(sorted(runs_by_seed))
    if len(seeds) < 2:
        raise ValueError(f"a reading over draws needs at least 2 draws, got {len(seeds)}")
    methods = list(runs_by_seed[seeds[0]])
    missing = [s for s in seeds if set(runs_by_seed[s]) != set(methods)]
    if missing:
        raise ValueError(f"seeds {missing} lack some of the ways {methods}")
    acc = np.array([[runs_by_seed[s][m].test_accuracy for m in methods] for s in seeds])
    top = acc.max(axis=1, keepdims=True)
    led = (np.isclose(acc, top)).sum(axis=0)
    ways = {m: WayOverDraws(m, tuple(float(a) for a in acc[:, i]), int(led[i])) for i, m in enumerate(methods)}
    leader = methods[int(np.argmax(acc.mean(axis=0)))]
    L = methods.index(leader)
    tests = all_pairs(acc)
    gaps = {}
    for i, m in enumerate(methods):
        if i != L:
            t = tests[(min(i, L), max(i, L))]
            sign = 1.0 if L < i else -1.0  # the pair's difference is first minus second way
            gaps[m] = Gap(m, sign * t.diff, t.p, t.p_holm, len(tests))
    return OverDraws(int(n_per_class), seeds, ways, leader, gaps)
