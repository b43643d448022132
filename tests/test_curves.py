"""Learning-curve summaries and the data-equivalence factor, including when it never comes."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lib.curves import (chance_note, equivalence, equivalence_table, first_reach, headline, paired_gap,
                        summarise)


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
    assert "matches scratch with about 8.0× as many (16 per class)" in headline(eq)


def test_equivalence_when_scratch_never_catches_up():
    s = _summary([1, 2, 4, 8], transfer=[0.7, 0.8, 0.85, 0.9], scratch=[0.5, 0.55, 0.6, 0.7])
    eq = equivalence(s, 4)
    assert eq.status == "never" and eq.factor is None
    text = headline(eq)
    assert "scratch never reaches that in this range" in text and "its best is 70 %, with 8 per class" in text


def test_equivalence_when_transfer_is_behind():
    s = _summary([1, 2, 4, 8], transfer=[0.5, 0.52, 0.6, 0.7], scratch=[0.5, 0.6, 0.7, 0.8])
    eq = equivalence(s, 8)
    assert eq.factor == pytest.approx(0.5)
    assert "transfer is behind here" in headline(eq)
    early = equivalence(s, 1)  # scratch already there at the smallest size
    assert early.status == "before_range" and "saves no labeled data" in headline(early)


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
    assert paired_gap(r.assign(test_accuracy=0.5), 4) == (4, 1.0)   # every pair equal: no gap
    assert paired_gap(r[r.seed == 0], 4) == (1, None)                # one seed: nothing to test


def test_a_gap_within_the_seeds_spread_is_called_chance_not_a_factor():
    sizes, transfer, scratch = [1, 2, 4, 8], [0.7, 0.8, 0.85, 0.9], [0.5, 0.6, 0.7, 0.8]
    noisy = _results(sizes, transfer, scratch, gaps=[0.4, -0.35, 0.1])
    eq = equivalence(summarise(noisy), 2, results=noisy)
    assert eq.p > 0.05 and not eq.clear and eq.factor is not None
    text = headline(eq)
    assert "could be chance" in text and "as many" not in text and "saves" not in text
    assert "paired t-test over the 3 seeds" in chance_note(eq).lower()


def test_a_clear_gap_keeps_the_factor_and_one_seed_says_it_cannot_tell():
    sizes, transfer, scratch = [1, 2, 4, 8, 16], [0.7, 0.8, 0.85, 0.9, 0.92], [0.5, 0.55, 0.6, 0.7, 0.8]
    steady = _results(sizes, transfer, scratch, gaps=[0.0, 0.01, -0.01])
    eq = equivalence(summarise(steady), 2, results=steady)
    assert eq.clear and "matches scratch with about 8.0× as many (16 per class)" in headline(eq)
    one = steady[steady.seed == 0]
    eq1 = equivalence(summarise(one), 2, results=one)
    assert eq1.p is None and "nothing here tells that gap from chance" in headline(eq1)


def test_equivalence_table_carries_the_p_value():
    r = _results([1, 2], [0.7, 0.8], [0.5, 0.6], gaps=[0.0, 0.01, -0.01])
    table = equivalence_table(summarise(r), results=r)
    assert list(table.columns)[-2:] == ["gap", "p"] and (table.p < 0.05).all()
    assert set(table.gap) == {"more than chance"}
