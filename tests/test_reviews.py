"""The generated review corpus: deterministic, balanced, disjoint splits, not trivially easy."""
import numpy as np

from lib.data import reviews
from lib.text.models import tokenize


def test_same_seed_same_corpus_other_seed_other_corpus():
    a = reviews.make_corpus(3, 40, 60, 100)
    b = reviews.make_corpus(3, 40, 60, 100)
    c = reviews.make_corpus(4, 40, 60, 100)
    assert a[0].texts == b[0].texts and a[1].texts == b[1].texts and a[2] == b[2]
    assert list(a[0].labels) == list(b[0].labels)
    assert a[0].texts != c[0].texts


def test_sizes_balance_and_no_text_in_two_places():
    task = reviews.sentiment_task()
    unlabeled = reviews.unlabeled_reviews()
    assert len(task.test) >= 400 and len(unlabeled) >= 20_000
    assert np.bincount(task.test.labels).tolist() == [reviews.TEST_PER_CLASS] * 2
    assert task.max_per_class() >= 500  # the page's slider goes to 500 per class
    test, pool, unl = set(task.test.texts), set(task.pool.texts), set(unlabeled)
    assert len(test) == len(task.test) and len(pool) == len(task.pool)
    assert not test & pool and not test & unl and not pool & unl


def test_unlabeled_amounts_are_prefixes_and_checked():
    assert reviews.unlabeled_reviews(500) == reviews.unlabeled_reviews(2000)[:500]
    assert reviews.unlabeled_reviews(0) == []
    try:
        reviews.unlabeled_reviews(20_001)
    except ValueError as err:
        assert "20,000" in str(err)
    else:
        raise AssertionError("asking for more unlabeled reviews than exist must fail")


def test_reviews_have_variety_negation_and_contrast():
    test, pool, unl = reviews.corpus()
    words = {w for t in unl for w in tokenize(t)}
    lex = reviews.lexicon()
    assert len([w for w in lex if w in words]) >= 100      # many sentiment words are used
    assert {"not", "but"} <= words
    assert any(" not " in t for t in pool.texts) and any(", but " in t for t in pool.texts)
    # common words are much more frequent than rare ones (Zipf), so few labels miss rare words
    count = lambda w: sum(w in tokenize(t) for t in unl[:5000])
    assert count("great") > 5 * count("lovely")


def test_words_alone_do_not_decide_the_label():
    """A perfect polarity lexicon, summed, is good but not perfect: negation and contrast matter."""
    lex = reviews.lexicon()
    test = reviews.sentiment_task().test
    score = lambda t: sum(lex[w][0] * lex[w][1] for w in tokenize(t) if w in lex)
    acc = np.mean([(score(t) > 0) == y for t, y in zip(test.texts, test.labels)])
    assert 0.6 < acc < 0.97


def test_handwritten_reviews_are_labeled_and_balanced():
    hw = reviews.handwritten_reviews()
    assert len(hw) >= 200 and hw.classes == reviews.CLASSES
    assert abs(int(hw.labels.sum()) - len(hw) / 2) <= 5
    assert len(set(hw.texts)) == len(hw)


def test_toy_corpus_has_the_articles_sizes():
    unlabeled, train, test = reviews.toy_corpus(0)
    assert (len(unlabeled), len(train), len(test)) == (62, 8, 2)
    assert np.bincount(train.labels).tolist() == [4, 4] and np.bincount(test.labels).tolist() == [1, 1]
    assert reviews.toy_corpus(1)[1].texts != train.texts
