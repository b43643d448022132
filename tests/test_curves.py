"""Learning-curve summaries, the data-equivalence factor (when it never comes, its confidence
interval over seeds) and the depth profile's cuts against the last stage, Holm-corrected: the
numbers only (tests/test_words.py reads the sentences written from them)."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lib.curves import (SIGNIFICANT, compare_depths, equivalence, equivalence_table, factor_interval,
                        first_reach, holm, paired_gap, summarise)


def _summary(sizes, transfer, scratch):
    rows = [("transfer", n, a) for n, a in zip(sizes, transfer)] + [("scratch", n, a) for n, a in zip(sizes, scratch)]
    frame = pd.DataFrame(rows, columns=["method", "n_per_class", "mean"])
    return frame.assign(low=frame["mean"], high=frame["mean"], seeds=1)


def test_summarise_gives_mean_and_t_interval_over_seeds():
    acc = [0.6, 0.7, 0.65, 0.8, 0.75]
    results = pd.DataFrame({"method": "scratch", "n_per_class": 4, "seed": range(5), "test_accuracy": acc})
    row = summarise(results).iloc[0]
    half = stats.t.ppf(0.975, 4) * np.std(acc, ddof=1) / np.sqrt(5)
    assert row["mean"] == pytest.approx(np.mean(acc))
    assert (row.low, row.high) == pytest.approx((np.mean(acc) - half, np.mean(acc) + half))
    assert row.seeds == 5


def test_summarise_with_one_seed_has_no_band_and_clips_to_0_1():
    results = pd.DataFrame({"method": ["a", "b", "b"], "n_per_class": [1, 1, 1], "seed": [0, 0, 1],
                            "test_accuracy": [0.5, 1.0, 0.9]})
    s = summarise(results).set_index("method")
    assert s.loc["a", "low"] == s.loc["a", "high"] == 0.5
    assert s.loc["b", "high"] == 1.0 and s.loc["b", "low"] < 0.95


def test_first_reach_interpolates_in_log_size():
    n, status = first_reach([1, 2, 4, 8], [0.5, 0.6, 0.7, 0.8], 0.65)
    assert status == "reaches" and n == pytest.approx(2 * np.sqrt(2))  # halfway between 2 and 4 in log
    assert first_reach([8, 1, 4, 2], [0.8, 0.5, 0.7, 0.6], 0.7) == (pytest.approx(4.0), "reaches")


def test_first_reach_takes_the_first_crossing_and_reports_never_and_before_range():
    assert first_reach([1, 2, 4], [0.5, 0.9, 0.7], 0.8)[0] < 2  # crossed between 1 and 2
    assert first_reach([1, 2, 4], [0.5, 0.6, 0.7], 0.71) == (None, "never")
    assert first_reach([1, 2, 4], [0.75, 0.8, 0.9], 0.7) == (1.0, "before_range")


def test_equivalence_factor_when_transfer_saves_data():
    s = _summary([1, 2, 4, 8, 16], transfer=[0.7, 0.8, 0.85, 0.9, 0.92], scratch=[0.5, 0.55, 0.6, 0.7, 0.8])
    eq = equivalence(s, 2)
    assert eq.matched_at == pytest.approx(16) and eq.factor == pytest.approx(8)
    assert eq.low is None and eq.seeds == 0   # no per-seed results: no interval


def test_equivalence_when_scratch_never_catches_up():
    s = _summary([1, 2, 4, 8], transfer=[0.7, 0.8, 0.85, 0.9], scratch=[0.5, 0.55, 0.6, 0.7])
    eq = equivalence(s, 4)
    assert eq.status == "never" and eq.factor is None
    assert (eq.best, eq.best_at, eq.largest) == (pytest.approx(0.7), 8, 8)


def test_equivalence_when_transfer_is_behind():
    s = _summary([1, 2, 4, 8], transfer=[0.5, 0.52, 0.6, 0.7], scratch=[0.5, 0.6, 0.7, 0.8])
    eq = equivalence(s, 8)
    assert eq.factor == pytest.approx(0.5)
    early = equivalence(s, 1)  # scratch already there at the smallest size
    assert early.status == "before_range" and early.matched_at == 1


def test_equivalence_table_and_bad_size():
    s = _summary([1, 2, 4], transfer=[0.6, 0.7, 0.8], scratch=[0.5, 0.6, 0.7])
    table = equivalence_table(s)
    assert list(table.n_per_class) == [1, 2, 4] and list(table.status) == ["reaches", "reaches", "never"]
    with pytest.raises(ValueError, match="no transfer result at 3"):
        equivalence(s, 3)


def _results(sizes, transfer, scratch, gaps):
    """Per-seed results: transfer's mean as given; scratch's seeds at mean + each of `gaps`."""
    rows = []
    for n, t, sc in zip(sizes, transfer, scratch):
        for seed, g in enumerate(gaps):
            rows += [("transfer", n, seed, t), ("scratch", n, seed, sc + g)]
    return pd.DataFrame(rows, columns=["method", "n_per_class", "seed", "test_accuracy"])


def test_paired_gap_is_scipys_paired_t_test_over_seeds():
    r = _results([4], [0.7], [0.6], gaps=[0.0, 0.05, -0.02, 0.03])
    pairs, p = paired_gap(r, 4)
    t = r[r.method == "transfer"].test_accuracy.to_numpy()
    sc = r[r.method == "scratch"].test_accuracy.to_numpy()
    assert pairs == 4 and p == pytest.approx(stats.ttest_rel(t, sc).pvalue)
    assert paired_gap(r[r.seed == 0], 4) == (1, None)                # one seed: nothing to test


def test_differences_without_spread_are_untestable_never_p_0():
    """Every seed 10 points apart (or all equal): t is undefined, so no p-value, not p = 0."""
    r = _results([1, 2, 4], [0.7, 0.8, 0.85], [0.6, 0.7, 0.75], gaps=[0.0, 0.0, 0.0])
    assert paired_gap(r, 2) == (3, None)
    assert paired_gap(r.assign(test_accuracy=0.5), 2) == (3, None)
    eq = equivalence(summarise(r), 2, results=r)
    assert eq.p is None and eq.untestable and not eq.clear
    assert not equivalence(summarise(r[r.seed == 0]), 2, results=r[r.seed == 0]).untestable  # one seed: untested
    assert set(equivalence_table(summarise(r), results=r).gap) == {"untestable"}


def test_a_gap_within_the_seeds_spread_is_called_chance_not_a_factor():
    sizes, transfer, scratch = [1, 2, 4, 8], [0.7, 0.8, 0.85, 0.9], [0.5, 0.6, 0.7, 0.8]
    noisy = _results(sizes, transfer, scratch, gaps=[0.4, -0.35, 0.1])
    eq = equivalence(summarise(noisy), 2, results=noisy)
    assert eq.p > 0.05 and not eq.clear and eq.factor is not None


def test_a_clear_gap_keeps_the_factor_and_one_seed_says_it_cannot_tell():
    sizes, transfer, scratch = [1, 2, 4, 8, 16], [0.7, 0.8, 0.85, 0.9, 0.92], [0.5, 0.55, 0.6, 0.7, 0.8]
    steady = _results(sizes, transfer, scratch, gaps=[0.0, 0.01, -0.01])
    eq = equivalence(summarise(steady), 2, results=steady)
    assert eq.clear and eq.factor == pytest.approx(8)
    one = steady[steady.seed == 0]
    eq1 = equivalence(summarise(one), 2, results=one)
    assert eq1.p is None and eq1.pairs == 1 and eq1.low is None


def test_equivalence_table_carries_the_p_value():
    r = _results([1, 2], [0.7, 0.8], [0.5, 0.6], gaps=[0.0, 0.01, -0.01])
    table = equivalence_table(summarise(r), results=r)
    assert list(table.columns)[-2:] == ["gap", "p"] and (table.p < 0.05).all()
    assert set(table.gap) == {"more than chance"}


# --- the factor's interval over seeds (the paired t-test inverted, lib.stats) -------------------------------------------------

SIZES, TRANSFER, SCRATCH = [1, 2, 4, 8, 16, 32], [0.7, 0.8, 0.85, 0.9, 0.92, 0.93], [0.5, 0.55, 0.6, 0.7, 0.8, 0.9]


def test_the_interval_holds_the_point_estimate_and_is_the_same_every_time():
    r = _results(SIZES, TRANSFER, SCRATCH, gaps=[0.0, 0.03, -0.02, 0.04, -0.05])
    eq = equivalence(summarise(r), 2, results=r)
    assert eq.seeds == 5 and eq.low < eq.factor < eq.high
    assert eq.high < 32 / 2 and not eq.beyond        # scratch clearly gets there within the range
    assert factor_interval(r, 2) == factor_interval(r, 2) == (eq.low, eq.high, 5)  # no randomness


def test_noisier_seeds_give_a_wider_interval():
    calm = _results(SIZES, TRANSFER, SCRATCH, gaps=[0.0, 0.01, -0.01, 0.02, -0.02])
    noisy = _results(SIZES, TRANSFER, SCRATCH, gaps=[0.0, 0.05, -0.05, 0.08, -0.08])
    (lo1, hi1, _), (lo2, hi2, _) = factor_interval(calm, 2), factor_interval(noisy, 2)
    assert lo2 < lo1 < 8 < hi1 < hi2
    assert np.log(hi2 / lo2) > 2 * np.log(hi1 / lo1)


def test_a_seed_keeps_both_its_curves_so_a_shared_shift_cancels():
    """A seed that is lucky for both ways alike moves target and curve together: kept paired, it
    changes nothing; with no other spread the seeds cannot give an interval at all."""
    def shifted(shifts, noise):
        rows = [(m, n, seed, a + shift + (e if m == "scratch" else 0.0))
                for seed, (shift, e) in enumerate(zip(shifts, noise))
                for m, curve in (("transfer", TRANSFER), ("scratch", SCRATCH)) for n, a in zip(SIZES, curve)]
        return pd.DataFrame(rows, columns=["method", "n_per_class", "seed", "test_accuracy"])
    noise = [0.0, 0.02, -0.01, 0.015]
    plain, moved = factor_interval(shifted([0] * 4, noise), 2), factor_interval(shifted([0.0, 0.04, -0.03, 0.02], noise), 2)
    assert moved[2] == 4 and moved[:2] == pytest.approx(plain[:2]) and moved[0] < 8 < moved[1]
    assert factor_interval(shifted([0.0, 0.04, -0.03, 0.02], [0.0] * 4), 2) == (None, None, 4)  # no spread


def test_past_the_largest_size_the_interval_says_beyond_not_a_number():
    r = _results(SIZES, TRANSFER, SCRATCH, gaps=[0.0, 0.02, -0.02])
    eq = equivalence(summarise(r), 8, results=r)       # transfer 90 %: scratch's mean gets there at 32
    assert eq.status == "reaches" and eq.factor == pytest.approx(4)
    assert eq.beyond and eq.high == np.inf and eq.low < 4  # 32 per class cannot be ruled out as too few
    never = equivalence(summarise(r), 32, results=r)   # transfer 93 %: scratch's mean best is 90 %
    # three seeds 2 points apart cannot rule out that scratch gets there at 32: the interval says so
    assert never.status == "never" and never.low < 1 and never.high == np.inf
    steady = _results(SIZES, TRANSFER, SCRATCH, gaps=[0.0, 0.005, -0.005, 0.004, -0.004])
    clear = equivalence(summarise(steady), 32, results=steady)
    assert clear.status == "never" and clear.low == clear.high == np.inf  # ruled out everywhere measured
    assert eq.largest == 32 and eq.smallest == 1


def test_the_interval_reads_each_seed_as_first_reach_reads_the_mean():
    """The reading is linear in the accuracies: the seeds' readings average to the mean curve's,
    which is why the inverted t-test is centred on the factor the page quotes."""
    from lib.stats import interpolate_log
    rng = np.random.default_rng(3)
    sizes = np.array([1, 2, 4, 8, 16, 32], float)
    curves = rng.uniform(0.4, 1.0, (5, 6))
    at = np.array([1.0, 1.5, 3.0, 8.0, 20.0, 32.0])
    assert interpolate_log(sizes, curves, at).mean(axis=0) == pytest.approx(
        interpolate_log(sizes, curves.mean(axis=0), at)[0])
    n, status = first_reach(sizes, [0.5, 0.6, 0.65, 0.75, 0.8, 0.85], 0.7)
    assert status == "reaches" and interpolate_log(sizes, [0.5, 0.6, 0.65, 0.75, 0.8, 0.85], [n])[0, 0] == pytest.approx(0.7)


def test_the_table_carries_each_sizes_interval():
    r = _results(SIZES, TRANSFER, SCRATCH, gaps=[0.0, 0.02, -0.02])
    table = equivalence_table(summarise(r), results=r).set_index("n_per_class")
    for n in SIZES:
        eq = equivalence(summarise(r), n, results=r)
        assert (table.factor_low[n], table.factor_high[n]) == (eq.low, eq.high)
    reached = table[table.status == "reaches"]
    assert (reached.factor_low < reached.factor).all() and (reached.factor < reached.factor_high).all()


def test_one_seed_gives_no_interval():
    r = _results(SIZES, TRANSFER, SCRATCH, gaps=[0.0])
    assert factor_interval(r, 2) == (None, None, 1)


# --- the depth profile: each cut against the last stage, Holm-corrected -------------------------

def test_holm_against_the_step_down_worked_by_hand():
    # sorted: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> 0.06 (monotone)
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])          # capped at 1
    assert holm([0.01, None], m=2) == [pytest.approx(0.02), None]  # an untestable one still counts


CUTS = ["stage1", "stage2", "stage3", "stage4", "stage5", "stage6", "stage7", "head"]
SEED_SHIFT = [0.0, 0.02, -0.01, 0.03, -0.02]          # a seed's draw moves every cut alike
NO_GAP = [0.02, -0.02, 0.01, -0.01, 0.0]              # cuts level with the last stage on average


def _profile(gaps: dict, control: float | None = None) -> pd.DataFrame:
    """depth_profile's rows: each cut at the last stage's 70 % plus its per-seed gap (`gaps`, by
    cut; NO_GAP by default), every cut shifted alike per seed; random weights at `control`."""
    rows = []
    for seed, shift in enumerate(SEED_SHIFT):
        for depth, cut in enumerate(CUTS):
            gap = 0.0 if cut == "head" else gaps.get(cut, NO_GAP[(seed + depth) % 5])
            gap = gap[seed] if isinstance(gap, list) else gap
            rows.append((cut, depth, 16, True, seed, 0.7 + shift + gap))
            if control is not None:
                rows.append((cut, depth, 16, False, seed, control + shift / 2 + NO_GAP[(seed + 2 * depth) % 5]))
    return pd.DataFrame(rows, columns=["cut", "depth", "feature_dim", "pretrained", "seed", "test_accuracy"])


def test_a_cut_a_bit_higher_by_noise_is_no_best_once_the_cuts_are_counted():
    lucky = [0.03, 0.01, 0.02, 0.04, 0.02]            # 2.4 points ahead of the last stage
    d = compare_depths(_profile({"stage5": lucky}), 16)
    five = {c.cut: c for c in d.cuts}["stage5"]
    assert d.top == "stage5" and len(d.cuts) == 7 and d.last == "head"   # the old reading's "best"
    assert five.p == pytest.approx(stats.ttest_rel(0.7 + np.add(SEED_SHIFT, lucky), 0.7 + np.add(SEED_SHIFT, 0)).pvalue)
    assert five.p < SIGNIFICANT <= five.p_holm       # alone it passes; one of 7 tries, it does not
    assert five.p_holm == pytest.approx(7 * five.p)  # the smallest p, times the number of cuts
    assert d.best is None and d.ahead == []


def test_a_cut_clearly_higher_over_the_seeds_is_named_holm_adjusted():
    clear = [0.10, 0.08, 0.09, 0.11, 0.09]
    d = compare_depths(_profile({"stage6": clear}, control=0.55), 16)
    six = {c.cut: c for c in d.cuts}["stage6"]
    assert d.best == "stage6" and six.p_holm == pytest.approx(7 * six.p) and six.p_holm < SIGNIFICANT
    assert six.diff == pytest.approx(np.mean(clear)) and d.last_mean == pytest.approx(0.7 + np.mean(SEED_SHIFT))
    diff, p, pairs = d.control["head"]               # pretrained against random weights, paired over seeds
    assert pairs == 5 and diff == pytest.approx(0.7 + np.mean(SEED_SHIFT) - 0.55 - np.mean(SEED_SHIFT) / 2)
    assert p < SIGNIFICANT


def test_a_cut_clearly_below_the_last_stage_is_not_called_best():
    d = compare_depths(_profile({"stage1": -0.2}), 16)   # the same 20 points lower on every seed
    one = {c.cut: c for c in d.cuts}["stage1"]
    assert one.p is None and one.p_holm is None           # no spread: untestable, never p = 0
    assert d.best is None


def test_one_seed_names_no_cut():
    p = _profile({"stage6": [0.10, 0.08, 0.09, 0.11, 0.09]})
    d = compare_depths(p[p.seed == 0], 16)
    assert d.seeds == 1 and d.best is None and all(c.p is None for c in d.cuts) and d.top == "stage6"
