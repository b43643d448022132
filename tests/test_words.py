"""The sentences a room reads (ui/words.py), written from the engine's numbers: each no stronger
than its test, whichever way the numbers fell. The numbers themselves are tested where they are
computed (tests/test_curves.py, test_statistics.py, test_beats_zero.py)."""
import ast
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from lib.curves import beats_zero, compare_depths, equivalence, summarise
from test_curves import _results  # the same made-up per-seed sweeps
from ui import words

ROOT = Path(__file__).resolve().parents[1]


# --- one draw: McNemar's test ------------------------------------------------------------------

def _pair(only_a, only_b, both_right, both_wrong):
    """Two runs on the same test set (true label 1 everywhere) with these agreement counts."""
    a = np.r_[np.ones(only_a), np.zeros(only_b), np.ones(both_right), np.zeros(both_wrong)]
    b = np.r_[np.zeros(only_a), np.ones(only_b), np.ones(both_right), np.zeros(both_wrong)]
    run = lambda name, right: SimpleNamespace(label=name, test_pred=right.astype(int),
                                              test_accuracy=right.mean(), n_test=len(right))
    return SimpleNamespace(runs={"transfer": run("way A", a), "scratch": run("way B", b)},
                           test_labels=np.ones(len(a), int), n_per_class=4)


def test_verdict_says_chance_at_p_0_0625_and_ahead_at_p_0_03():
    chance = _pair(5, 0, 10, 0)  # 5 to 0: p = 1/16
    text = words.verdict(chance)
    assert "could be chance" in text and "ahead" not in text and "behind" not in text
    test = words.verdict_test(chance)
    assert "p = 0.062" in test and "5 only way A got right and 0 only way B" in test
    clear = _pair(6, 0, 10, 0)   # 6 to 0: p = 1/32
    assert "ahead of **way B**" in words.verdict(clear) and "more than chance" in words.verdict(clear)
    assert "behind **way B**" in words.verdict(_pair(0, 6, 10, 0))


# --- learning curves: the factor, its interval, and when it cannot be claimed -------------------

def _summary(sizes, transfer, scratch):
    rows = [("transfer", n, a) for n, a in zip(sizes, transfer)] + [("scratch", n, a) for n, a in zip(sizes, scratch)]
    frame = pd.DataFrame(rows, columns=["method", "n_per_class", "mean"])
    return frame.assign(low=frame["mean"], high=frame["mean"], seeds=1)




SIZES, TRANSFER, SCRATCH = [1, 2, 4, 8, 16, 32], [0.7, 0.8, 0.85, 0.9, 0.92, 0.93], [0.5, 0.55, 0.6, 0.7, 0.8, 0.9]


def test_a_clear_gap_gets_the_factor_with_its_interval_over_the_seeds():
    r = _results(SIZES, TRANSFER, SCRATCH, gaps=[0.0, 0.05, -0.05, 0.08, -0.08])
    eq = equivalence(summarise(r), 2, results=r)
    text = words.headline(eq, unit="photos")
    assert text.startswith("Transfer with 2 examples per class scores 80 %.")
    assert "From scratch needs about 8.0× as many photos to match it (16 per class; between " in text
    assert f"between {eq.low:.1f}× and {eq.high:.1f}× over the 5 seeds" in text
    assert text == words.headline(equivalence(summarise(r), 2, results=r), unit="photos")  # the same words
    note = words.chance_note(eq)
    assert "paired t-test over the 5 seeds" in note.lower() and "95 % interval: every factor k" in note


def test_past_the_largest_size_the_words_say_so_instead_of_a_number():
    r = _results(SIZES, TRANSFER, SCRATCH, gaps=[0.0, 0.02, -0.02])
    reach = words.headline(equivalence(summarise(r), 8, results=r))
    assert "about 4.0× as many" in reach and "and more than the 32 per class measured" in reach
    never = words.headline(equivalence(summarise(r), 16, results=r))  # 92 %: scratch's best is 90 %
    assert "From scratch never reaches that in this range: it would need more than the 32 per class measured" in never
    assert "inf" not in reach + never and "its best is 90 %, with 32 per class" in never


def test_no_spread_is_untestable_never_p_0():
    r = _results(SIZES, TRANSFER, SCRATCH, gaps=[0.0, 0.0, 0.0])
    eq = equivalence(summarise(r), 2, results=r)
    text, note = words.headline(eq), words.chance_note(eq)
    assert "cannot be tested with these draws" in text and "no spread" in text and "no interval" in text
    assert "cannot be tested" in note and "p = " not in note


def test_a_gap_within_the_seeds_spread_is_called_chance_not_a_factor():
    noisy = _results([1, 2, 4, 8], [0.7, 0.8, 0.85, 0.9], [0.5, 0.6, 0.7, 0.8], gaps=[0.4, -0.35, 0.1])
    eq = equivalence(summarise(noisy), 2, results=noisy)
    text = words.headline(eq)
    assert "could be chance" in text and "as many" not in text and "saves" not in text
    assert "paired t-test over the 3 seeds" in words.chance_note(eq).lower()


def test_one_seed_says_it_cannot_tell():
    one = _results(SIZES, TRANSFER, SCRATCH, gaps=[0.0])
    text = words.headline(equivalence(summarise(one), 2, results=one))
    assert "nothing here tells that gap from chance" in text and "between" not in text


def test_factor_words_from_the_mean_curves_alone():
    s = _summary([1, 2, 4, 8, 16], transfer=[0.7, 0.8, 0.85, 0.9, 0.92], scratch=[0.5, 0.55, 0.6, 0.7, 0.8])
    assert "needs about 8.0× as many examples to match it (16 per class)." in words.headline(equivalence(s, 2))
    s = _summary([1, 2, 4, 8], transfer=[0.7, 0.8, 0.85, 0.9], scratch=[0.5, 0.55, 0.6, 0.7])
    text = words.headline(equivalence(s, 4))
    assert "scratch never reaches that in this range" in text and "its best is 70 %, with 8 per class" in text
    s = _summary([1, 2, 4, 8], transfer=[0.5, 0.52, 0.6, 0.7], scratch=[0.5, 0.6, 0.7, 0.8])
    behind = words.headline(equivalence(s, 8))
    assert "transfer is behind here" in behind and "about 2.0× as many examples for the same score" in behind
    assert "0.5×" not in behind                      # a factor under 1 is said the other way round
    assert "saves no labeled data" in words.headline(equivalence(s, 1))


# --- the depth profile: a reading of the test photos, a "best" cut only after Holm ---------------

CUTS = ["stage1", "stage2", "stage3", "stage4", "stage5", "stage6", "stage7", "head"]
SEED_SHIFT, NO_GAP = [0.0, 0.02, -0.01, 0.03, -0.02], [0.02, -0.02, 0.01, -0.01, 0.0]


def _profile(gaps: dict, control: bool = True) -> pd.DataFrame:
    rows = []
    for seed, shift in enumerate(SEED_SHIFT):
        for depth, cut in enumerate(CUTS):
            gap = 0.0 if cut == "head" else gaps.get(cut, NO_GAP[(seed + depth) % 5])
            rows.append((cut, depth, 16, True, seed, 0.7 + shift + (gap[seed] if isinstance(gap, list) else gap)))
            if control:
                rows.append((cut, depth, 16, False, seed, 0.55 + NO_GAP[(seed + 2 * depth) % 5]))
    return pd.DataFrame(rows, columns=["cut", "depth", "feature_dim", "pretrained", "seed", "test_accuracy"])


def test_a_cut_higher_by_noise_is_not_called_better():
    text = words.depth_reading(compare_depths(_profile({"stage5": [0.03, 0.01, 0.02, 0.04, 0.02]}), 16))
    assert text.startswith("Read on the test photos, with 16 labeled per class over 5 seeds")
    assert "the highest mean, 73 %, is after stage5" in text
    assert "No cut is ahead of the last stage by more than chance" in text and "7 cuts" in text
    assert "scores 73 % after" not in text and "**stage5**" not in text
    assert "cross-validation on the labeled draw" in text and '"chosen from the labeled photos"' in text
    assert "random" in text                           # the control is read out at the last stage


def test_a_cut_clearly_higher_is_named_with_its_holm_adjusted_p():
    d = compare_depths(_profile({"stage6": [0.10, 0.08, 0.09, 0.11, 0.09]}), 16)
    text = words.depth_reading(d)
    six = {c.cut: c for c in d.cuts}["stage6"]
    assert "the frozen head scores 80 % after **stage6** against 70 % after the last stage, head" in text
    assert f"Holm-corrected: p = {six.p_holm:.2g}" in text and "allowing for the 7 cuts" in text
    assert "After stage6, pretrained weights are" in text and "after head, pretrained weights are" in text
    assert "chooses nothing" in text


def test_one_seed_tells_no_cut_apart():
    p = _profile({"stage6": 0.1}, control=False)
    text = words.depth_reading(compare_depths(p[p.seed == 0], 16))
    assert "over 1 seed:" in text and "with one seed nothing here tells the cuts apart" in text
    assert "random" not in text


# --- how many labels beat zero ------------------------------------------------------------------

def _zero_table(method, accuracies: dict, zero=0.7, zero_seeds=None):
    rows = [(method, n, s, a) for n, accs in accuracies.items() for s, a in enumerate(accs)]
    seeds = range(len(next(iter(accuracies.values())))) if zero_seeds is None else zero_seeds
    rows += [("zero_shot", 0, s, zero) for s in seeds]
    return pd.DataFrame(rows, columns=["method", "n_per_class", "seed", "test_accuracy"])


def test_beats_zero_words_follow_the_test():
    b = beats_zero(_zero_table("transfer", {2: [0.55, 0.95, 0.60, 0.90, 0.62],
                                            4: [0.78, 0.80, 0.77, 0.81, 0.79]}), "transfer")
    text = words.beats_zero_words(b, "transfer")
    assert "4 labeled examples per class" in text and "more than chance" in text and "70 %" in text
    assert f"p = {b.p:.2g}" in words.beats_zero_note(b)
    never = words.beats_zero_words(beats_zero(_zero_table("scratch", {1: [0.5, 0.55, 0.52],
                                                                      64: [0.72, 0.70, 0.71]}), "scratch"))
    assert never.startswith("Even with the most labels measured (64 per class) scratch is not ahead of zero "
                            "labels (70 %)") and "beats" not in never
    flat = words.beats_zero_words(beats_zero(_zero_table("transfer", {4: [0.75, 0.75, 0.75]}), "transfer"))
    assert "cannot be tested with these draws" in flat and "beats" not in flat  # no spread: not "beats"
    one = words.beats_zero_words(beats_zero(_zero_table("transfer", {4: [0.95]}), "transfer"))
    assert one.startswith("With one seed per size nothing here tells")
    fine = beats_zero(_zero_table("finetune", {2: [0.80, 0.82, 0.81]}, zero_seeds=[0]), "finetune")
    assert words.beats_zero_words(fine).startswith("Fine-tuning first beats zero labels")


# --- words in one place -------------------------------------------------------------------------

MOVED = {"lib/curves.py": {"headline", "_factor_words", "chance_note", "depth_reading", "beats_zero_words",
                           "beats_zero_note", "_against", "_pct"},
         "lib/runs.py": {"verdict", "verdict_test"}}


def test_the_engine_no_longer_writes_these_sentences_and_imports_no_app():
    for path, names in MOVED.items():
        defined = {n.name for n in ast.parse((ROOT / path).read_text()).body if isinstance(n, ast.FunctionDef)}
        assert not defined & names, f"{path} still defines {defined & names}"
    for path in (ROOT / "lib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(m.split(".")[0] in ("ui", "streamlit") for m in mods), path


def test_words_import_without_streamlit():
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", "import sys; sys.modules['streamlit'] = None\n"
                           "import ui.words; print('torch' in sys.modules)"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"             # lib.runs (torch) only when a verdict is written


# --- overfitting ------------------------------------------------------------------------------

def _history(train, val):
    rows = [(e + 1, "train", 0.0, a) for e, a in enumerate(train)]
    rows += [(e + 1, "validation", 0.0, a) for e, a in enumerate(val)]
    return pd.DataFrame(rows, columns=["epoch", "split", "loss", "accuracy"])


def test_overfitting_reading_is_computed_from_the_history():
    text = words.overfitting_reading(_history([0.5, 0.8, 1.0, 1.0], [0.5, 0.61, 0.55, 0.5]), 16, "Scratch", "images")
    assert text.startswith("Scratch reaches 100 % on its 16 training images by epoch 3")
    assert "the validation set stays at most 61 % (epoch 2) and ends at 50 %" in text
    assert "the training set 50 points ahead after 4 epochs" in text
    behind = words.overfitting_reading(_history([0.5, 0.8], [0.5, 0.81]), 16, "Scratch", "images")
    assert "the validation set 1 point ahead of the training set" in behind and "-1" not in behind


def test_overfitting_reading_prefers_the_test_set_where_it_was_measured():
    history = _history([0.5, 0.8, 1.0, 1.0], [0.5, 0.61, 0.55, 0.5])
    test = history[history.split == "validation"].assign(split="test", accuracy=[0.5, 0.7, 0.72, 0.7])
    text = words.overfitting_reading(pd.concat([history, test]), 16, "Scratch", "images")
    assert "the test set stays at most 72 % (epoch 3) and ends at 70 %" in text


def test_overfitting_reading_without_validation():
    text = words.overfitting_reading(_history([0.5, 1.0], []), 2, "Transfer")
    assert "by epoch 2" in text and "none is held back" in text


def test_overfitting_reading_never_says_minus_zero():
    """Held-out accuracy a hair above training accuracy rounds to a gap of 0, not "-0" (seen on
    the overfitting page)."""
    text = words.overfitting_reading(_history([0.5, 0.84], [0.5, 0.8425]), 32, "From scratch", "images")
    assert "the training and validation sets level" in text and "-0" not in text


# --- the dress introduction: the networks against the simplest model, from a stored sweep ------

def _sweep(gains, sizes=(1, 2, 4, 8, 16, 32, 64, 128), seeds=5, noise=0.01, seed=0):
    """Made-up sweep: the floor at 0.7 (+ a shared draw effect); `gains(n)` -> {way: gain}."""
    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        for s in range(seeds):
            draw = rng.normal(0, 0.03)
            for m, g in {"pixels": 0.0, **gains(n)}.items():
                rows.append((m, n, s, 0.7 + draw + g + rng.normal(0, noise)))
    return pd.DataFrame(rows, columns=["method", "n_per_class", "seed", "test_accuracy"])


def test_floor_reading_says_from_which_size_the_networks_pull_ahead():
    gains = lambda n: {"scratch": 0.0, "transfer": 0.0, "finetune": 0.1 if n >= 32 else 0.0}
    text = words.floor_reading(_sweep(gains))
    assert "5 draws at each of 1, 2, 4, 8, 16, 32, 64 and 128" in text and "24 comparisons" in text
    assert "up to 16 per class no network is ahead of the simplest model" in text
    assert "at 32, fine-tuning is" in text and "At 128 per class fine-tuning is ahead (80 %" in text
    later = lambda n: {"scratch": 0.05 if n >= 64 else 0.0, "transfer": 0.0, "finetune": 0.1 if n >= 8 else 0.0}
    text = words.floor_reading(_sweep(later))
    assert "up to 4 per class" in text and "at 8, fine-tuning is" in text
    assert "fine-tuning and the network from scratch are ahead, fine-tuning furthest" in text


def test_floor_reading_calls_nothing_ahead_without_evidence():
    level = lambda n: {"scratch": 0.0, "transfer": 0.0, "finetune": 0.0}
    assert "at no size is a network ahead" in words.floor_reading(_sweep(level))
    # one size where fine-tuning's lead passes on its own (p < 0.05) but not Holm over 24 tests
    from lib import paired_t
    one = lambda n: {"scratch": 0.0, "transfer": 0.0, "finetune": 0.012 if n == 16 else 0.0}
    frame = _sweep(one, noise=0.01, seed=23)
    wide = frame[frame.n_per_class == 16].pivot(index="seed", columns="method", values="test_accuracy")
    assert paired_t(wide.finetune, wide.pixels).p < 0.05  # the made-up draws do what they say
    assert "at no size is a network ahead" in words.floor_reading(frame)
    # the same lead on every draw: no spread, untestable, never "ahead"
    same = _sweep(lambda n: {"finetune": 0.2}, noise=0.0)
    assert "at no size is a network ahead" in words.floor_reading(same)


def test_floor_reading_needs_a_stored_sweep_with_the_floor():
    assert words.floor_reading(pd.DataFrame(columns=["method", "n_per_class", "seed", "test_accuracy"])) is None
    no_floor = _sweep(lambda n: {"finetune": 0.1})
    assert words.floor_reading(no_floor[no_floor.method != "pixels"]) is None
    assert words.floor_reading(_sweep(lambda n: {"finetune": 0.1}, seeds=1)) is None  # one draw: no test


@pytest.mark.parametrize("stored", [False, True])
def test_the_dress_introduction_reads_the_stored_sweep_or_quotes_where_it_was_measured(monkeypatch, stored):
    """The page's claim about many draws: computed from the default sweep where it is stored,
    else the quoted measurement with its date and command (the page's cards are not drawn here)."""
    from streamlit.testing.v1 import AppTest

    from lib import sweeps
    from ui import images
    frame = _sweep(lambda n: {"scratch": 0.0, "transfer": 0.0, "finetune": 0.1 if n >= 32 else 0.0})
    asked = []
    monkeypatch.setattr(sweeps, "run_sweep", lambda task, sizes, seeds, **kw: asked.append(
        (task, tuple(sizes), tuple(seeds), kw)) or (frame if stored else frame.iloc[:0]))
    for name in ("experiment", "samples"):
        monkeypatch.setattr(images, name, lambda *a, **k: None)
    monkeypatch.setattr(images, "load_task", lambda name: SimpleNamespace(test=[0] * 400))
    at = AppTest.from_file(str(ROOT / "app_pages" / "dress_colour.py"), default_timeout=60).run()
    assert not at.exception
    intro = next(m.value for m in at.markdown if "The first card is that" in m.value)
    assert asked == [("dress", (1, 2, 4, 8, 16, 32, 64, 128), (0, 1, 2, 3, 4),
                      {"cached_only": True, **sweeps.sweep_options("dress")})]
    if stored:
        assert "Over the learning-curve sweep stored here" in intro and "at 32, fine-tuning is" in intro
    else:
        assert "Measured elsewhere" in intro and "2026-12-02" in intro and "dress_validity.py" in intro
