"""The simplest model as the floor: every deep way of a comparison read against the pixel model,
in words no stronger than the test behind them (McNemar's, as lib.runs.verdict uses it).

Plain functions, a Comparison in and a sentence out, so the pages' words follow the numbers on
screen and can be tested without Streamlit. Nothing here is a measured constant: the dress page
states what its own draw shows, whatever that is.
"""
from lib import THUMB, paired_difference

FLOOR = "pixels"
DEEP = ("scratch", "transfer", "finetune", "control")  # card order; each present one is read


def against_floor(comparison) -> list[tuple]:
    """[(method, accuracy difference to the floor, p-value)] for each deep way on screen, in card
    order; [] when the comparison has no pixel model (a text task, an older stored result)."""
    runs = comparison.runs
    if FLOOR not in runs:
        return []
    return [(m, *paired_difference(runs[m], runs[FLOOR], comparison.test_labels))
            for m in DEEP if m in runs]


def floor_reading(comparison, names: dict | None = None) -> str:
    """One paragraph: what the simplest model scores on this draw, which deep ways beat it by
    more than chance, which cannot be told from it, which fall below it; and, when none beats
    it, the lesson that follows (a simple problem needs a small model)."""
    from lib import SIGNIFICANT
    rows = against_floor(comparison)
    if not rows:
        return ""
    names = names or {}
    name = lambda m: names.get(m, m)
    floor = comparison.runs[FLOOR]
    ahead = [(m, d) for m, d, p in rows if p < SIGNIFICANT and d > 0]
    behind = [(m, d) for m, d, p in rows if p < SIGNIFICANT and d < 0]
    level = [m for m, d, p in rows if p >= SIGNIFICANT]
    n = comparison.n_per_class
    text = [f"With {n} labeled photo{'s' if n != 1 else ''} per class, the simplest model (a linear "
            f"model on a {THUMB} × {THUMB} thumbnail of the pixels, {floor.trainable_params:,} "
            f"weights) scores {100 * floor.test_accuracy:.0f} %."]
    points = lambda d: f"{100 * abs(d):.0f} point{'s' if round(100 * abs(d)) != 1 else ''}"
    if ahead:
        text.append("Ahead of it by more than chance: " +
                    ", ".join(f"{name(m)} (+{points(d)})" for m, d in ahead) + ".")
    if level:
        text.append("Not told apart from it on these test photos: " + ", ".join(map(name, level)) + ".")
    if behind:
        text.append("Behind it by more than chance: " +
                    ", ".join(f"{name(m)} (−{points(d)})" for m, d in behind) + ".")
    if not ahead:
        text.append("No deep way beats the simplest model here: this problem does not yet need a "
                    "network's weights. The model a problem needs grows with the problem, and a "
                    "simple one needs a small model.")
    return " ".join(text)
