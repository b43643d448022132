"""What holds over draws (lib.draws): means, who led how often, and a paired test over the draws,
Holm-corrected over every pair of ways, that calls a lead more than luck only when the draws agree
(tests/test_stats.py checks its error rate by simulation)."""
import numpy as np
import pytest

from lib.draws import DRAW_SEEDS, over_draws
from lib.runs import Run


def run(method, accuracy):
    return Run(method, method, accuracy, 1.0, 10, 10, None, 0.0, (0, 1), 100, np.zeros(100), np.zeros(4))


def draws(table):
    """{seed: {method: Run}} from {method: [accuracy per seed]}."""
    seeds = range(len(next(iter(table.values()))))
    return {s: {m: run(m, accs[s]) for m, accs in table.items()} for s in seeds}


def test_means_ranges_and_who_led_how_often():
    o = over_draws(draws({"pixels": [0.80, 0.82, 0.78, 0.81, 0.79],
                          "scratch": [0.70, 0.85, 0.60, 0.75, 0.72],
                          "finetune": [0.90, 0.85, 0.88, 0.86, 0.91]}), 16)
    assert o.seeds == tuple(DRAW_SEEDS) and o.leader == "finetune"
    assert o.ways["finetune"].mean == pytest.approx(0.88)
    assert (o.ways["scratch"].low, o.ways["scratch"].high) == (0.60, 0.85)
    # seed 1: fine-tuning and scratch tie at the top, and the tie counts for each
    assert o.ways["finetune"].led == 5 and o.ways["scratch"].led == 1 and o.ways["pixels"].led == 0
    assert o.gaps["pixels"].beyond_luck  # ahead by 6 to 10 points on every draw


def test_a_lead_the_draws_disagree_on_is_luck():
    o = over_draws(draws({"scratch": [0.70, 0.85, 0.60, 0.90, 0.65],
                          "transfer": [0.80, 0.75, 0.72, 0.78, 0.76]}), 2)
    assert o.leader == "transfer" and not o.gaps["scratch"].beyond_luck
    assert 0.05 < o.gaps["scratch"].p < 1


def test_the_same_gap_on_every_draw_has_nothing_to_test():
    o = over_draws(draws({"scratch": [0.5, 0.6, 0.7], "transfer": [0.6, 0.7, 0.8]}), 4)
    assert o.gaps["scratch"].diff == pytest.approx(0.1) and o.gaps["scratch"].p is None
    assert not o.gaps["scratch"].beyond_luck  # untestable is not "more than luck"
    assert o.gaps["scratch"].untestable and o.gaps["scratch"].p_holm is None


def test_a_lead_that_passes_alone_is_held_to_all_the_pairs():
    """Issue 27: the leader is picked on the same draws, so its gaps are Holm-corrected over every
    pair of ways (here 6), not tested each on its own."""
    from scipy import stats
    table = {"transfer": [0.84, 0.80, 0.86, 0.83, 0.85], "scratch": [0.80, 0.79, 0.80, 0.82, 0.78],
             "pixels": [0.70, 0.62, 0.69, 0.60, 0.70], "finetune": [0.62, 0.70, 0.61, 0.68, 0.62]}
    o = over_draws(draws(table), 16)
    alone = stats.ttest_rel(table["transfer"], table["scratch"]).pvalue
    g = o.gaps["scratch"]
    assert g.p == pytest.approx(alone) and alone < 0.05           # on its own it would pass...
    assert g.p_holm > 0.05 and not g.beyond_luck and g.pairs_tested == 6  # ...one of 6 pairs, not
    assert o.gaps["pixels"].beyond_luck and o.gaps["finetune"].beyond_luck


def test_one_draw_or_missing_ways_are_refused():
    with pytest.raises(ValueError, match="at least 2 draws"):
        over_draws(draws({"scratch": [0.5]}), 1)
    uneven = draws({"scratch": [0.5, 0.6], "transfer": [0.6, 0.7]})
    del uneven[1]["transfer"]
    with pytest.raises(ValueError, match=r"seeds \[1\] lack"):
        over_draws(uneven, 1)


def test_the_sentence_a_room_reads_first_is_about_the_draws():
    from ui.words import over_draws as over_draws_words
    o = over_draws(draws({"pixels": [0.80, 0.82, 0.78, 0.81, 0.79],
                          "scratch": [0.70, 0.74, 0.69, 0.72, 0.71],
                          "transfer": [0.88, 0.86, 0.87, 0.85, 0.89]}), 16)
    words, test = over_draws_words(o)
    assert words.startswith("**Over 5 random draws of 16 labeled photos per class**")
    assert "the frozen head 87 %, the simplest model 80 %, the network from scratch 71 %" in words
    assert "The frozen head led on 5 of 5 draws" in words
    assert "its lead over the simplest model and the network from scratch is more than the luck" in words
    assert "could be luck" not in words
    assert "seeds 0–4" in test and "p = " in test and "Holm-corrected over all 3 pairs of ways" in test
    close = over_draws(draws({"scratch": [0.70, 0.85, 0.60, 0.90, 0.65],
                              "transfer": [0.80, 0.75, 0.72, 0.78, 0.76]}), 2)
    words, _ = over_draws_words(close, "reviews")
    assert "its lead over the network from scratch could be the luck of the draw: other draws could put it ahead" in words
    assert "more than the luck" not in words
    flat = over_draws(draws({"scratch": [0.5, 0.6, 0.7], "transfer": [0.6, 0.7, 0.8]}), 4)
    words, test = over_draws_words(flat)
    assert "its lead over the network from scratch cannot be tested with these draws" in words
    assert "more than" not in words and "could be" not in words and "cannot be tested" in test


def test_a_leader_on_average_that_led_no_draw_is_not_called_a_lead():
    """Issue 26: "Fine-tuning led on 0 of 5 draws; its lead over ..." read as a lead."""
    from ui.words import over_draws as over_draws_words
    o = over_draws(draws({"finetune": [0.95, 0.60, 0.95, 0.60, 0.70],
                          "scratch": [0.96, 0.55, 0.50, 0.61, 0.71],
                          "pixels": [0.50, 0.61, 0.96, 0.55, 0.50]}), 2)
    assert o.leader == "finetune" and o.ways["finetune"].led == 0
    words, _ = over_draws_words(o)
    assert "Fine-tuning has the highest average but was highest on none of the 5 draws" in words
    assert "led on 0" not in words and "lead" not in words.split("draws", 2)[-1]
