"""The sentences a room reads, written from the numbers the engine returns (issue 18: words in
one place). The engine (lib/) computes accuracies, p-values, intervals and factors and returns
them as numbers and small dataclasses; this module is where they become words, each no stronger
than the test behind it, with a second function naming that test for a tooltip.

Plain functions, no Streamlit: the presenter's talking points, the benchmarks and the tests call
them too. lib.runs (which loads torch) is imported inside the functions that need it.
"""
from lib import LEVEL, SIGNIFICANT, BeatsZero, DepthComparison, Equivalence

# What the depth profile's sidebar option is called (ui/images.py's cut selector)
CHOSEN_CUT = "chosen from the labeled photos"


def pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _times(k: float) -> str:
    return f"{k:.1f}×"


def _way(method: str) -> str:
    return "fine-tuning" if method == "finetune" else method


def _who(method: str) -> str:
    """The way as the subject of a sentence about how many examples it needs."""
    return "from scratch" if method == "scratch" else _way(method)


# --- one draw: McNemar's test between two ways (lib.runs.paired_difference) -------------------

def verdict(comparison, a: str = "transfer", b: str = "scratch") -> str:
    """One computed sentence comparing two ways on this draw, in plain words no stronger than
    McNemar's test (`verdict_test` names the test and its p-value, for a tooltip)."""
    from lib import paired_difference
    ra, rb = comparison.runs[a], comparison.runs[b]
    diff, p = paired_difference(ra, rb, comparison.test_labels)
    n = comparison.n_per_class
    lead = f"On this draw of {n} labeled example{'s' if n > 1 else ''} per class, **{ra.label}** scores "
    if p >= SIGNIFICANT:
        return (lead + f"{100 * ra.test_accuracy:.1f} % and **{rb.label}** {100 * rb.test_accuracy:.1f} %: "
                f"on {ra.n_test:,} test examples that difference could be chance.")
    word = "ahead of" if diff > 0 else "behind"
    return lead + (f"{100 * abs(diff):.1f} points {word} **{rb.label}** "
                   f"({100 * ra.test_accuracy:.1f} % vs {100 * rb.test_accuracy:.1f} %), more than "
                   f"chance explains on {ra.n_test:,} test examples.")


def verdict_test(comparison, a: str = "transfer", b: str = "scratch") -> str:
    """The test behind `verdict`'s words, named, with its counts and p-value."""
    from lib import disagreements, paired_difference
    ra, rb = comparison.runs[a], comparison.runs[b]
    only_a, only_b = disagreements(ra, rb, comparison.test_labels)
    _, p = paired_difference(ra, rb, comparison.test_labels)
    return (f"McNemar's exact test: of the {ra.n_test:,} test examples, {only_a} only {ra.label} got "
            f"right and {only_b} only {rb.label}. If both ways were equally good, a split at least "
            f"this uneven would happen with probability p = {p:.2g}. Below {SIGNIFICANT} the "
            f"difference is called more than chance.")


# --- learning curves: how much labeled data one way saves (lib.curves.equivalence) ------------

def headline(eq: Equivalence, ahead: str = "transfer", behind: str = "scratch",
             unit: str = "examples") -> str:
    """The equivalence in words no stronger than the evidence, whichever way it came out: the
    factor is claimed only when the gap at n is more than chance (see `chance_note`), and comes
    with its confidence interval over the seeds (lib.stats.factor_interval). `unit` names what is counted ("photos")."""
    word = _way(ahead)
    lead = f"{word.capitalize()} with {eq.n} example{'s' if eq.n != 1 else ''} per class scores {pct(eq.accuracy)}"
    if eq.p is not None and not eq.clear:
        same = f" and {behind} {pct(eq.behind_accuracy)} with the same amount" if eq.behind_accuracy is not None else ""
        return (f"{lead}{same}. Over {eq.pairs} seeds that gap could be chance, so these curves do "
                f"not show {word} saving labeled data at this size.")
    text = lead + _factor_words(eq, word, behind, unit)
    if eq.untestable:
        text += (f" (That gap cannot be tested with these draws: on each of the {eq.pairs} seeds the "
                 f"two ways differ by the same amount, and with no spread nothing tells it from chance.)")
    elif eq.pairs == 1:
        text += " (One seed per point: nothing here tells that gap from chance.)"
    return text


def _interval(eq: Equivalence) -> str:
    """The factor's interval over the seeds in words ("" when there is none)."""
    if eq.low is None:
        return (f"; with no spread over the {eq.seeds} seeds there is no interval to give"
                if eq.seeds >= 2 else "")
    if eq.low == float("inf"):
        return f"; over the {eq.seeds} seeds, more than the {eq.largest} per class measured"
    low = _times(eq.low) + (" or fewer" if eq.below else "")
    if eq.beyond:
        return f"; between {low} and more than the {eq.largest} per class measured, over the {eq.seeds} seeds"
    return f"; between {low} and {_times(eq.high)} over the {eq.seeds} seeds"


def _factor_words(eq: Equivalence, ahead: str, behind: str, unit: str = "examples") -> str:
    who = _who(behind)
    if eq.status == "never":
        low = (f" Over the {eq.seeds} seeds it could take as few as {_times(eq.low)} as many."
               if eq.low is not None and eq.low < float("inf") else "")  # the test could not rule it out
        return (f". {who.capitalize()} never reaches that in this range: it would need more than "
                f"the {eq.largest} per class measured (its best is {pct(eq.best)}, with "
                f"{eq.best_at} per class).{low}")
    if eq.status == "before_range":
        return (f"; {who} already matches that with {eq.matched_at:.0f} per class, the "
                f"fewest measured, so {ahead} saves no labeled data here.")
    k, m = eq.factor, eq.matched_at
    if k >= 1.05:
        return (f". {who.capitalize()} needs about {_times(k)} as many {unit} to match it "
                f"({m:.0f} per class{_interval(eq)}).")
    if k > 0.95:
        return (f", and {who} scores about the same with the same amount: no data saved"
                f"{' (' + _interval(eq)[2:] + ')' if eq.low is not None else ''}.")
    return (f"; {who} matches that with only {m:.0f} per class, so {ahead} is behind here: it "
            f"takes about {_times(1 / k)} as many {unit} for the same score.")


def chance_note(eq: Equivalence, ahead: str = "transfer", behind: str = "scratch") -> str:
    """The tests behind `headline`'s words, for a tooltip."""
    interval = ("" if eq.low is None else
                f" The {pct(LEVEL)} interval: every factor k at which the same paired t-test over the "
                f"{eq.seeds} seeds cannot tell {behind} with k times the examples (each seed's curve "
                f"read between measured sizes on the log axis) from {ahead} at {eq.n} per class; "
                f"a bound at the largest size measured means beyond it.")
    if eq.untestable:
        return (f"On each of the {eq.pairs} seeds at {eq.n} per class, {ahead} and {behind} differ "
                f"by the same amount: a paired t-test has no spread to weigh that gap against, so "
                f"it cannot be tested with these draws and no p-value is given." + interval)
    if eq.p is None:
        return (f"With {eq.pairs} seed{'s' if eq.pairs != 1 else ''} measuring both ways at {eq.n} "
                f"per class there is no spread to test the gap against.")
    return (f"Paired t-test over the {eq.pairs} seeds at {eq.n} per class ({ahead} against "
            f"{behind}, each seed's labeled draw shared by both): p = {eq.p:.2g}. Below "
            f"{SIGNIFICANT} the gap is called more than chance. The factor is read off the mean "
            f"curves, interpolated between measured sizes on the log axis." + interval)


# --- the depth profile: where to cut, read on the test set (lib.curves.compare_depths) --------

def _against(diff: float, p, pairs: int, here: str) -> str:
    if p is None and pairs >= 2:
        return (f"{here} pretrained and random weights differ by {100 * diff:+.0f} points on every "
                f"seed alike, which cannot be tested with these draws (no spread)")
    if p is None:
        return f"{here} one seed cannot tell pretrained from random weights"
    if p >= SIGNIFICANT:
        return f"{here} pretrained and random weights differ by {100 * diff:+.0f} points, which could be chance"
    word = "ahead of" if diff > 0 else "behind"
    return f"{here} pretrained weights are {100 * abs(diff):.0f} points {word} random ones, more than chance explains"


def depth_reading(d: DepthComparison) -> str:
    """What a depth profile shows, in words no stronger than its tests: a reading of the test
    photos that names a cut better than the last stage only when a Holm-corrected comparison
    supports it, and says that the cut chooser never reads this chart."""
    m = len(d.cuts)
    text = (f"Read on the test photos, with {d.n_per_class} labeled per class over {d.seeds} "
            f"seed{'s' if d.seeds != 1 else ''}: ")
    last = (f"{pct(d.last_mean)} after the last stage, {d.last} (what the network's own ImageNet "
            f"classifier reads)")
    named = [d.last]
    if d.best is not None:
        b = d.ahead[0]
        named.insert(0, b.cut)
        text += (f"the frozen head scores {pct(b.mean)} after **{b.cut}** against {last}, more "
                 f"than chance explains even allowing for the {m} cuts compared with the last "
                 f"(paired t-tests over seeds, Holm-corrected: p = {b.p_holm:.2g}).")
        more = [c.cut for c in d.ahead[1:]]
        if more:
            text += f" The head after {', '.join(more)} is ahead of the last stage too."
    elif all(c.p is None for c in d.cuts):
        why = "one seed" if d.seeds < 2 else "no spread over the seeds"
        text += (f"the highest mean, {pct(d.top_mean)}, is after **{d.top}**, against {last}; "
                 f"with {why} nothing here tells the cuts apart.")
    elif d.top == d.last:
        text += f"no cut scores more than the last stage: {last}, the highest mean."
    else:
        text += (f"the highest mean, {pct(d.top_mean)}, is after {d.top}, against {last}. No cut "
                 f"is ahead of the last stage by more than chance explains once the {m} cuts "
                 f"compared with it are allowed for (paired t-tests over seeds, Holm-corrected).")
    parts = [_against(*d.control[c], f"after {c},") for c in named if c in d.control]
    if parts:
        line = "; ".join(parts)
        text += " " + line[0].upper() + line[1:] + "."
    return text + (f" This chart chooses nothing: the sidebar's \"{CHOSEN_CUT}\" picks its cut by "
                   f"cross-validation on the labeled draw alone, never by these test scores.")


# --- how many labels beat zero (lib.curves.beats_zero) -----------------------------------------

def beats_zero_words(b: BeatsZero, name: str | None = None) -> str:
    """`beats_zero` in words no stronger than its test (`beats_zero_note` names the test)."""
    word = name or _way(b.method)
    if b.status == "beats":
        return (f"{word.capitalize()} first beats zero labels ({pct(b.zero)}) at **{b.n} labeled "
                f"example{'s' if b.n != 1 else ''} per class** among the sizes measured: "
                f"{pct(b.accuracy)} on average over {b.pairs} seeds, more than chance explains, "
                f"and so does every larger size measured.")
    if b.status == "never":
        return (f"Even with the most labels measured ({b.largest} per class) {word} is not ahead of "
                f"zero labels ({pct(b.zero)}) by more than chance, so no size is called ahead; its "
                f"best is {pct(b.best)}, with {b.best_at} per class.")
    if b.status == "untestable":
        return (f"Whether {word} is ahead of zero labels ({pct(b.zero)}) cannot be tested with these "
                f"draws: at {b.largest} per class every seed is the same distance from it (no "
                f"spread); its best is {pct(b.best)}, with {b.best_at} per class.")
    return (f"With one seed per size nothing here tells {word} from zero labels "
            f"({pct(b.zero)}); its best is {pct(b.best)}, with {b.best_at} per class.")


def beats_zero_note(b: BeatsZero) -> str:
    """The test behind `beats_zero_words`, for a tooltip."""
    return ("At each size, a paired t-test over the seeds of the trained way's test accuracy "
            "against zero-shot's on the same test set (zero-shot uses no labeled example, so its "
            f"accuracy is the same for every seed). The sizes are tested in a fixed sequence, from "
            f"the largest down, stopping at the first not ahead at p < {SIGNIFICANT}: the chance of "
            f"any false \"beats\" over all the sizes stays at most {SIGNIFICANT}."
            + (f" At {b.n} per class: p = {b.p:.2g}." if b.p is not None else ""))


# ---------------------------------------------------------------- over draws (lib.draws)

# A way's name inside a sentence (the cards' titles are for headings).
IN_A_SENTENCE = {"pixels": "the simplest model", "scratch": "the network from scratch", "transfer": "the frozen head",
                 "finetune": "fine-tuning", "control": "the random control", "encoder": "the sentence encoder",
                 "skipgram": "skip-gram", "bow": "bag of words", "zero_shot": "no labels"}


# On the text pages the frozen head reads word vectors pretrained on unlabeled text
TEXT_IN_A_SENTENCE = {**IN_A_SENTENCE, "transfer": "the word vectors' head",
                      "encoder": "the sentence encoder's head", "zero_shot": "the encoder with no labels"}


def _named(method: str, names: dict = IN_A_SENTENCE) -> str:
    return names.get(method, method)


def _listed(names: list) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def over_draws(o, unit: str = "photos", names: dict = IN_A_SENTENCE) -> tuple[str, str]:
    """(the sentence a room reads first, the test behind it for a tooltip) from a
    lib.draws.OverDraws: each way's mean over the draws, who led how often, and whether the
    leader's lead over each other way is more than the luck of the draw (Holm over every pair of
    ways, lib.stats.all_pairs), could be luck, or cannot be tested (no spread)."""
    k, n = len(o.seeds), o.n_per_class
    means = ", ".join(f"{_named(m, names)} {100 * w.mean:.0f} %" for m, w in
                      sorted(o.ways.items(), key=lambda mw: -mw[1].mean))
    first = (f"**Over {k} random draws of {n} labeled {unit} per class**, average test accuracy: "
             f"{means}.")
    lead = o.ways[o.leader]
    beyond = [_named(m, names) for m, g in o.gaps.items() if g.beyond_luck]
    luck = [_named(m, names) for m, g in o.gaps.items() if not g.beyond_luck and not g.untestable]
    flat = [_named(m, names) for m, g in o.gaps.items() if g.untestable]
    who = _named(o.leader, names).capitalize()
    if lead.led:
        said, gap = f" {who} led on {lead.led} of {k} draws", "lead"
    else:  # highest on average, yet highest on no single draw: not a lead a room should hear
        said, gap = f" {who} has the highest average but was highest on none of the {k} draws", "edge"
    if beyond:
        said += f"; its {gap} over {_listed(beyond)} is more than the luck of the draw explains"
    if luck:
        said += (f"; its {gap} over {_listed(luck)} could be the luck of the draw: other draws "
                 f"could put {'it' if len(luck) == 1 else 'any of them'} ahead")
    if flat:
        said += (f"; its {gap} over {_listed(flat)} cannot be tested with these draws (the same "
                 f"gap on every draw: no spread to weigh it against)")
    ranges = "; ".join(f"{_named(m, names)} {100 * w.low:.0f}–{100 * w.high:.0f} %" for m, w in o.ways.items())
    tests = "; ".join(f"{_named(o.leader, names)} vs {_named(m, names)}: {100 * g.diff:+.1f} points, "
                      + ("no spread, cannot be tested" if g.p is None
                         else f"p = {g.p:.2g}, Holm-adjusted {g.p_holm:.2g}")
                      for m, g in o.gaps.items())
    pairs = next(iter(o.gaps.values())).pairs_tested if o.gaps else 0
    test = (f"Each draw (seeds {o.seeds[0]}–{o.seeds[-1]}) picks other labeled {unit} and other "
            f"starting weights; every way gets the same {unit} on a draw. Range over the draws: "
            f"{ranges}. Paired t-test over the {k} draws of the leader against each other way, "
            f"Holm-corrected over all {pairs} pairs of ways (the leader is picked on these same "
            f"draws, so correcting only its own comparisons would let chance pass too often); "
            f"adjusted p below {SIGNIFICANT}: more than luck. {tests}.")
    return first + said + ".", test


# --- overfitting: training examples against held-out ones -------------------------------------

def overfitting_reading(history, n_train: int, name: str, unit: str = "examples") -> str:
    """One computed line on how far accuracy on the training examples and on held-out ones (the
    test set where the history has it, for reading only; else the validation split) came apart."""
    from lib import held_out
    other = held_out(history)
    train = history[history.split == "train"].sort_values("epoch")
    val = history[history.split == other].sort_values("epoch")
    top = float(train.accuracy.max())
    reached = int(train.epoch[train.accuracy >= top - 1e-9].iloc[0])
    line = f"{name} reaches {100 * top:.0f} % on its {n_train} training {unit} by epoch {reached}"
    if val.empty:
        return line + "; with one example per class none is held back, so nothing measures overfitting."
    best = val.loc[val.accuracy.idxmax()]
    last = float(val.accuracy.iloc[-1])
    gap = float(train.accuracy.iloc[-1]) - last
    return (line + f", while the {other} set stays at most {100 * best.accuracy:.0f} % (epoch "
            f"{int(best.epoch)}) and ends at {100 * last:.0f} %: {gap_words(gap, other)} "
            f"after {int(train.epoch.max())} epochs.")


def gap_words(gap: float, other: str) -> str:
    """Training accuracy minus held-out accuracy, saying which side is ahead (never "-1 points"):
    the overfitting page's readings and the presenter's point."""
    points = round(100 * gap)
    if points == 0:
        return f"the training and {other} sets level"
    if points > 0:
        return f"the training set {points} point{'s' if points != 1 else ''} ahead"
    return f"the {other} set {-points} point{'s' if points != -1 else ''} ahead of the training set"


def fixed_epoch_recipes(methods, epochs: int, images: bool) -> dict:
    """What each way runs on the overfitting page, whose slider sets `epochs`, in words written
    from the recipe objects the ways train with there (lib.image.ways and lib.text.ways call
    .fixed(epochs) on these same objects; the linear ways run lib.probe for exactly `epochs`
    iterations): {method: words} for the `methods` shown, in their order."""
    from lib import FINETUNE, TEXT_FINETUNE, TrainConfig, probe_recipe
    unit = "labeled photos" if images else "labeled reviews"
    network = TrainConfig().fixed(epochs).in_words()
    probe = probe_recipe(unit, iterations=epochs)
    if images:  # pixels, the frozen head and its control: the probe; scratch: lib.train's default
        known = {"pixels": probe.replace("the features", "the pixels"), "scratch": network, "transfer": probe, "control": probe,
                 "finetune": "the network's top and a new head: " + FINETUNE.fixed(epochs).in_words()}
    else:  # lib.text.ways: the networks (scratch, skip-gram's head) lib.train; the heads the probe
        known = {"scratch": network, "transfer": "the head on the word vectors: " + network,
                 "skipgram": "the head on the word vectors: " + network, "encoder": probe,
                 "finetune": "the encoder's top layer and a new head: " + TEXT_FINETUNE.fixed(epochs).in_words(),
                 "bow": probe_recipe(iterations=epochs, standardised=False)}
    return {m: known[m] for m in methods if m in known}


# --- the dress introduction: the simplest model against the networks over many draws ---------

# Quoted where no sweep is stored for this engine: the table it comes from, its command and date.
FLOOR_MEASURED_ELSEWHERE = (
    "Measured elsewhere, on an earlier engine (2026-12-02, 10 draws per size, "
    "`benchmarks/dress_validity.py --no-pixels --colour-ways`, the dress table in "
    "docs/FINDINGS.md): at 2 and 4 labeled photos per class every network's average was within 3 "
    "points of it, inside the spread over draws; from 16 per class fine-tuning and the network "
    "from scratch were ahead, from 32 all three, fine-tuning furthest (97.5 against 90.6 % at 128).")

NETWORKS = ("scratch", "transfer", "finetune")


def floor_reading(results, floor: str = "pixels", networks=NETWORKS) -> str | None:
    """What a stored learning-curve sweep (lib.run_sweep's frame: method, n_per_class, seed,
    test_accuracy) says about the networks against the simplest model, or None where it holds no
    size with every way on at least 2 common draws. Each network against the floor at each size:
    a paired t-test over the draws, Holm-corrected over every (network, size) tested, so a size
    called "ahead" holds with the family's error at most SIGNIFICANT; "not ahead" is only that
    (these draws cannot tell it from the floor, or put it behind)."""
    from lib import holm, paired_t
    if results is None or len(results) == 0:
        return None
    wide = results.pivot_table(index=["n_per_class", "seed"], columns="method", values="test_accuracy")
    if floor not in wide:
        return None
    ways = [m for m in networks if m in wide]
    tests = {}
    for n, at in wide.groupby(level="n_per_class"):
        at = at.dropna(subset=[floor, *ways])
        if len(at) >= 2 and ways:
            tests.update({(n, m): paired_t(at[m], at[floor]) for m in ways})
    if not tests:
        return None
    adjusted = dict(zip(tests, holm([t.p for t in tests.values()])))
    ahead = {k for k, t in tests.items() if t.diff > 0 and adjusted[k] is not None and adjusted[k] < SIGNIFICANT}
    sizes = sorted({n for n, _ in tests})
    draws = sorted({int(wide.loc[n].dropna(subset=[floor, *ways]).shape[0]) for n in sizes})
    k = f"{draws[0]}" if len(draws) == 1 else f"{draws[0]}–{draws[-1]}"
    text = (f"Over the learning-curve sweep stored here ({k} draws at each of {_listed([str(n) for n in sizes])} "
            f"labeled photos per class; paired t-tests over the draws, Holm-corrected for the "
            f"{len(tests)} comparisons): ")
    first = next((n for n in sizes if any((n, m) in ahead for m in ways)), None)
    if first is None:
        return text + (f"at no size is a network ahead of {_named(floor)} by more than the luck of the draw "
                       f"explains.")
    below = [n for n in sizes if n < first]
    verb = lambda names: "is" if len(names) == 1 else "are"
    at_first = [_named(m) for m in ways if (first, m) in ahead]
    text += (f"up to {below[-1]} per class no network is ahead of {_named(floor)} by more than the "
             f"luck of the draw explains; at {first}, {_listed(at_first)} {verb(at_first)}" if below else
             f"already at {first} per class {_listed(at_first)} {verb(at_first)} ahead of {_named(floor)} by more "
             f"than the luck of the draw explains")
    top = sizes[-1]
    means = wide.loc[top].dropna(subset=[floor, *ways]).mean()
    at_top = sorted((m for m in ways if (top, m) in ahead), key=lambda m: -means[m])
    if top == first:
        return text + "."
    if not at_top:
        best = max(ways, key=lambda m: means[m])
        return text + (f". At {top} per class {_named(best)} has the highest average, {pct(means[best])} "
                       f"against {_named(floor)}'s {pct(means[floor])}, not ahead by more than the luck of the draw explains.")
    names = [_named(m) for m in at_top]
    return text + (f". At {top} per class {_listed(names)} {verb(names)} ahead"
                   + (f", {names[0]} furthest" if len(names) > 1 else "")
                   + f" ({pct(means[at_top[0]])} against {_named(floor)}'s {pct(means[floor])}).")
