"""Generated movie reviews: a labeled test set, a labeled training pool, and an unlabeled pool.

A review is a few neutral sentences (plot, cast, genre) and a few opinion clauses. Each clause
takes a sentiment word from the lexicon below (mild, clear or strong; common or rare), maybe an
intensifier or a softener, and sometimes a negation ("not bad") or a contrast ("slow at first,
but wonderful"). A reviewer leaning one way still praises or blames some aspects the other way.
The label is the sign of the review's total score, so it is always what a careful reader would
say, but a bag of words cannot read negation or which side of a "but" a word stands on.

Every setting was fixed from how reviews read before any model saw the corpus, and is not tuned
to favour any way of learning. Everything depends only on the corpus seed. No text appears twice
anywhere: not within a split, not across the test set, the labeled pool and the unlabeled pool.
"""
import csv
import random
from functools import lru_cache
from pathlib import Path

import numpy as np

from lib.data.datasets import Task, TextDataset

CLASSES = ["negative", "positive"]
TEST_PER_CLASS, POOL_PER_CLASS, UNLABELED = 500, 1000, 20_000
CORPUS_SEED = 0
HANDWRITTEN = Path(__file__).resolve().parents[2] / "assets" / "reviews_handwritten.csv"

# ------------------------------------------------------------------ the lexicon
# Within a group, words are listed from common to rare; a word's frequency falls as 1 / rank,
# as word frequencies do in real text (Zipf), so a few labeled reviews meet only common words.
STRONG, CLEAR, MILD = 3, 2, 1
POSITIVE = {
    CLEAR: "great wonderful excellent fantastic beautiful moving gripping delightful charming "
           "engaging clever powerful memorable touching hilarious compelling thrilling heartfelt "
           "inventive witty elegant gorgeous poignant absorbing lovely".split(),
    MILD: "good nice enjoyable solid fun pleasant decent fine watchable likable sweet competent "
          "amusing entertaining worthwhile satisfying agreeable breezy".split(),
    STRONG: "brilliant superb outstanding stunning masterful breathtaking extraordinary flawless "
            "sublime exceptional phenomenal unforgettable riveting exhilarating magnificent "
            "dazzling spellbinding transcendent".split(),
}
NEGATIVE = {
    CLEAR: "bad boring dull poor weak tedious lifeless clumsy bland messy pointless predictable "
           "shallow tiresome annoying wooden bloated muddled stale lazy irritating".split(),
    MILD: "mediocre flat uneven slow forgettable thin silly overlong average lukewarm "
          "underwhelming tired sluggish generic cliched meandering".split(),
    STRONG: "awful terrible dreadful horrible atrocious abysmal unwatchable painful disastrous "
            "appalling insufferable excruciating laughable woeful inept wretched dire "
            "unbearable".split(),
}
VERBS = {+1: "loved enjoyed liked adored admired relished cherished savoured".split(),
         -1: "hated disliked regretted loathed resented despised endured detested".split()}
NOUNS = {+1: "triumph gem treat delight joy marvel masterpiece revelation".split(),
         -1: "mess disaster failure letdown chore waste disappointment slog".split()}
INTENSIFIERS = {"very": 1.5, "really": 1.5, "truly": 1.5, "incredibly": 2.0, "extremely": 2.0,
                "utterly": 2.0, "quite": 1.0, "rather": 1.0, "pretty": 1.0,
                "somewhat": 0.5, "mildly": 0.5, "slightly": 0.5}

# Neutral words: they carry no sentiment, and every class uses them alike.
ASPECTS = ("acting plot story script dialogue cast soundtrack score cinematography direction "
           "pacing ending characters performances visuals editing humour effects lead villain "
           "writing premise finale opening costumes setting").split()
GENRES = ("thriller comedy drama western romance horror musical documentary sequel remake biopic "
          "mystery adventure satire fantasy animation").split()
SUBJECTS = ("detective family village journey heist war orchestra marriage election storm "
            "robbery ghost ship expedition courtroom inheritance kingdom band").split()
PLACES = ["paris", "tokyo", "lagos", "a small town", "the desert", "space", "the suburbs", "berlin",
          "the mountains"]
NAMES = ("hartley moreau okafor lindqvist tanaka ferreira novak brennan castillo osei "
         "whitfield kowalski abernathy delacroix yamamoto").split()
ROLES = "widow soldier teacher thief pilot nurse lawyer farmer singer spy".split()
FILM = ["film", "movie", "picture"]


def lexicon() -> dict:
    """word -> (polarity +1/-1, strength 1..3) for every sentiment word the generator uses."""
    out = {}
    for sign, groups in ((+1, POSITIVE), (-1, NEGATIVE)):
        for strength, words in groups.items():
            out.update({w: (sign, strength) for w in words})
    for sign in (+1, -1):
        out.update({w: (sign, CLEAR) for w in VERBS[sign] + NOUNS[sign]})
    return out


def _zipf(words):
    """Cumulative weights 1/rank, for random.choices(..., cum_weights=...)."""
    return list(np.cumsum([1 / (r + 1) for r in range(len(words))]))


_ADJ = {sign: [(w, s) for s, ws in groups.items() for w in ws]
        for sign, groups in ((+1, POSITIVE), (-1, NEGATIVE))}
# Clear words are the most common, then mild, then strong, each group in its own Zipf order.
_ADJ_W = {sign: _zipf(_ADJ[sign]) for sign in (+1, -1)}


def _a(phrase):
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


class _Writer:
    """Draws one review at a time from a seeded `random.Random`."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)

    def pick(self, words):
        return self.r.choice(words)

    def adjective(self, sign):
        word, strength = self.r.choices(_ADJ[sign], cum_weights=_ADJ_W[sign])[0]
        return word, strength

    def graded(self, sign):
        """An adjective with maybe an intensifier or softener: (phrase, score)."""
        word, strength = self.adjective(sign)
        if self.r.random() < 0.35:
            adverb = self.pick(list(INTENSIFIERS))
            return f"{adverb} {word}", sign * strength * INTENSIFIERS[adverb]
        return word, sign * strength

    def clause(self, sign, aspect_only=False):
        """One opinion clause leaning `sign`: (text, score). aspect_only: about one aspect of the
        film ("the pacing was slow"), never a verdict on the whole ("i hated it")."""
        kind = self.r.random() * (0.55 if aspect_only else 1.0)
        aspect, was = self.pick(ASPECTS), self.pick(["was", "is", "felt", "seemed"])
        if kind < 0.40:
            phrase, score = self.graded(sign)
            return f"the {aspect} {was} {phrase}", score
        if kind < 0.55:  # negation: "not bad" leans mildly positive, "not great" negative
            word, _ = self.adjective(-sign)
            return f"the {aspect} {was} not {word}", sign * MILD
        if kind < 0.70:
            phrase, score = self.graded(sign)
            return f"it is {_a(phrase)} {self.pick(GENRES)}", score
        if kind < 0.82:
            verb = self.r.choices(VERBS[sign], cum_weights=_zipf(VERBS[sign]))[0]
            what = self.pick(["this " + self.pick(FILM), "every minute", "the " + aspect, "it"])
            return f"i {verb} {what}", sign * CLEAR
        if kind < 0.92:
            noun = self.r.choices(NOUNS[sign], cum_weights=_zipf(NOUNS[sign]))[0]
            return f"{self.pick(['what a', 'a real', 'an absolute', 'frankly a'])} {noun}", sign * CLEAR
        would = "would" if sign > 0 else self.pick(["would not", "could not", "would never"])
        return f"i {would} recommend it", sign * CLEAR

    def contrast(self, sign, aspect_only=False):
        """'X at first, but Y': the part after 'but' is what the reviewer means."""
        a, sa = self.clause(-sign, aspect_only=True)
        b, sb = self.clause(sign, aspect_only)
        form = self.pick(["{a} at first, but {b}", "{a}, but {b}", "although {a}, {b}",
                          "{a}; still, {b}"])
        return form.format(a=a, b=b), 0.5 * sa + 1.5 * sb

    def neutral(self):
        return self.pick([
            f"the {self.pick(FILM)} follows {_a(self.pick(SUBJECTS))} in {self.pick(PLACES)}",
            f"{self.pick(NAMES)} plays a {self.pick(ROLES)}",
            f"it is a {self.pick(GENRES)} about {_a(self.pick(SUBJECTS))}",
            f"directed by {self.pick(NAMES)}",
            f"i watched it {self.pick(['last night', 'on a plane', 'at the festival', 'with friends', 'twice'])}",
            f"{self.pick(NAMES)} is in the cast",
            f"it runs about {self.pick(['ninety minutes', 'two hours', 'three hours'])}",
        ])

    def review(self):
        """(text, label): the label is the reviewer's verdict. A draw whose clauses add up to the
        other side (or to nothing) is drawn again: a review must say what its writer meant."""
        while True:
            text, lean, total = self._draft()
            if total * lean > 0:
                return text, int(lean > 0)

    def _draft(self):
        lean = self.pick([+1, -1])
        parts, total = [self.neutral() for _ in range(self.r.choice([0, 1, 1, 2, 3]))], 0.0
        for _ in range(self.r.choice([1, 2, 2, 3, 4])):
            # Reviewers praise and blame aspects against their verdict, but never contradict it.
            sign = lean if self.r.random() < 0.75 else -lean
            against = sign != lean
            text, score = (self.contrast(sign, against) if self.r.random() < 0.2
                           else self.clause(sign, against))
            parts.append(text)
            total += score
        self.r.shuffle(parts)
        return ". ".join(p[0].upper() + p[1:] for p in parts) + ".", lean, total


# ------------------------------------------------------------------ the corpus

@lru_cache(maxsize=2)
def corpus(seed: int = CORPUS_SEED):
    """(test, pool, unlabeled texts) of the full corpus, generated once per process."""
    return make_corpus(seed, 2 * TEST_PER_CLASS, 2 * POOL_PER_CLASS, UNLABELED)


def make_corpus(seed: int, n_test: int, n_pool: int, n_unlabeled: int):
    """(test, pool, unlabeled texts): balanced labeled sets, then unlabeled; all texts distinct."""
    writer, seen = _Writer(seed), set()

    def fresh():
        while True:
            text, label = writer.review()
            if text not in seen:
                seen.add(text)
                return text, label

    def balanced(n):
        want, rows = [n // 2, n - n // 2], []
        while want[0] or want[1]:
            text, label = fresh()
            if want[label]:
                want[label] -= 1
                rows.append((text, label))
        return TextDataset([t for t, _ in rows], [y for _, y in rows], CLASSES, "reviews")

    test, pool = balanced(n_test), balanced(n_pool)
    return test, pool, tuple(fresh()[0] for _ in range(n_unlabeled))


def sentiment_task(seed: int = CORPUS_SEED) -> Task:
    """The labeled pool to draw from and the 1,000-review test set."""
    test, pool, _ = corpus(seed)
    return Task("sentiment", pool, test, "generated movie reviews (see assets/DATA_CARD_reviews.md)")


def unlabeled_reviews(n: int = UNLABELED, seed: int = CORPUS_SEED) -> list[str]:
    """The first n reviews of the unlabeled pool (labels never kept): what skip-gram reads."""
    if not 0 <= n <= UNLABELED:
        raise ValueError(f"n must be between 0 and {UNLABELED:,} unlabeled reviews, got {n}")
    return list(corpus(seed)[2][:n])


@lru_cache(maxsize=1)
def handwritten_reviews() -> TextDataset:
    """A few hundred short reviews written by hand for this project: a second, real test set."""
    with open(HANDWRITTEN, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    bad = [r for r in rows if r["label"] not in CLASSES]
    if bad:
        raise ValueError(f"{HANDWRITTEN.name}: labels must be one of {CLASSES}, got {bad[0]['label']!r}")
    return TextDataset([r["text"] for r in rows], [CLASSES.index(r["label"]) for r in rows],
                       CLASSES, "hand-written reviews")


# ------------------------------------------------------------------ the article's toy

TOY_UNLABELED, TOY_TRAIN_PER_CLASS, TOY_TEST_PER_CLASS = 62, 4, 1


def toy_corpus(seed: int = 0):
    """The article's setup: 62 unlabeled reviews, 8 labeled to train, 2 to test.

    Drawn from the same generator with a seed of its own, so each seed is a new tiny corpus.
    Returns (unlabeled texts, train TextDataset, test TextDataset).
    """
    test, train, unlabeled = make_corpus(10_000 + seed, 2 * TOY_TEST_PER_CLASS,
                                         2 * TOY_TRAIN_PER_CLASS, TOY_UNLABELED)
    return list(unlabeled), train, test
