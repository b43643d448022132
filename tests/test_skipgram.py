"""Skip-gram with negative sampling: deterministic, cached, and it learns from co-occurrence."""
import numpy as np
import pytest

from lib.text import skipgram
from lib.data import reviews

SMALL = skipgram.SkipGramConfig(dims=16, epochs=3)


def test_pairs_stay_inside_a_review_and_the_window():
    ids = np.arange(6)
    review = np.array([0, 0, 0, 1, 1, 1])
    c, o = skipgram.pairs(ids, review, 5, np.random.default_rng(0))
    assert len(c) > 0 and (review[c] == review[o]).all() and (c != o).all()


def test_same_seed_same_vectors_and_the_cache_gives_them_back():
    texts = reviews.unlabeled_reviews(400)
    a = skipgram.train(texts, SMALL, seed=1)
    b = skipgram.train(texts, SMALL, seed=1)
    assert a.words == b.words and np.array_equal(a.vectors, b.vectors)
    calls = []
    first = skipgram.pretrained(texts, SMALL, seed=1, progress=lambda d, t: calls.append(d))
    again = skipgram.pretrained(texts, SMALL, seed=1, progress=lambda d, t: calls.append(d))
    assert calls and calls[-1] == len(calls)          # progress counted every batch, once
    assert np.array_equal(first.vectors, again.vectors) and again.seconds == 0.0


def test_vocabulary_comes_from_the_texts_only():
    wv = skipgram.train(["the plot was superb"] * 5 + ["rare word"], SMALL)
    assert set(wv.words) == {"plot", "superb"}        # stop words and words seen < 5 times dropped
    assert skipgram.train([], SMALL).vectors.shape == (0, 16)


def test_words_that_share_contexts_end_up_neighbours():
    """Two families of words that never meet each other: each word's nearest neighbours are
    from its own family, far more often than the 50 % that chance gives."""
    rng = np.random.default_rng(0)
    fam = {"a": [f"alpha{i}" for i in "bcdefg"], "b": [f"beta{i}" for i in "bcdefg"]}
    texts = [" ".join(rng.choice(fam[f], 6)) for f in rng.choice(["a", "b"], 600)]
    wv = skipgram.train(texts, SMALL, seed=0)
    same = [n[:4] == w[:4] for w in wv.words for n, _ in skipgram.neighbours(wv.words, wv.vectors, w, 3)]
    assert np.mean(same) > 0.9


@pytest.mark.slow  # pretrains on 20,000 reviews
def test_on_the_reviews_neighbours_of_sentiment_words_share_their_polarity_beyond_chance():
    # the vectors the app uses (20,000 reviews; trained once per test session, then cached)
    wv = skipgram.pretrained(reviews.unlabeled_reviews(), skipgram.SkipGramConfig(), seed=0)
    lex = reviews.lexicon()
    known = [w for w in wv.words if w in lex]
    vectors = wv.vectors[[wv.words.index(w) for w in known]]
    agree = [lex[n][0] == lex[w][0] for w in known for n, _ in skipgram.neighbours(known, vectors, w, 5)]
    share = np.mean([lex[w][0] > 0 for w in known])
    chance = share ** 2 + (1 - share) ** 2
    assert np.mean(agree) > chance + 0.05


def test_neighbours_checks_the_word():
    try:
        skipgram.neighbours(["good"], np.ones((1, 2)), "great")
    except KeyError as err:
        assert "great" in str(err)
    else:
        raise AssertionError("an unknown word must raise")
