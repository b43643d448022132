"""The text side's third way and depth profile (issue 28): fine-tuning the sentence encoder's top
layer from cached inputs, every layer's mean-pooled output for a linear probe, the cut chosen by
cross-validation, and text runs that are plain numbers (storable like the image ways')."""
import numpy as np
import pytest
import torch

from lib.data.datasets import Task, TextDataset
from lib.text import depth, encoders, finetune, ways
from lib.text.ways import live

POS = ["a wonderful film", "great acting and a superb story", "i loved every minute", "brilliant and moving",
       "a delight from start to finish", "funny warm and clever", "the best movie this year", "truly excellent",
       "beautifully shot and acted", "a joy to watch", "charming and sweet", "an instant classic"]
NEG = ["a dull film", "terrible acting and a boring story", "i hated every minute", "awful and tedious",
       "a mess from start to finish", "lifeless cold and stupid", "the worst movie this year", "truly dreadful",
       "badly shot and acted", "a chore to watch", "clumsy and sour", "an instant failure"]


def texts_task(pool_per_class=8):
    pool = TextDataset(POS[:pool_per_class] + NEG[:pool_per_class],
                       np.array([1] * pool_per_class + [0] * pool_per_class), ["negative", "positive"], "tiny")
    rest = len(POS) - pool_per_class
    test = TextDataset(POS[pool_per_class:] + NEG[pool_per_class:], np.array([1] * rest + [0] * rest),
                       ["negative", "positive"], "tiny test")
    return Task("tiny-texts", pool, test)


@pytest.fixture(scope="module")
def task():
    encoders.load()  # once for the module: a couple of seconds on a quiet machine
    return texts_task()


def test_the_top_layer_on_the_cached_input_gives_the_encoders_own_sentence_embedding(task):
    texts = task.pool.texts
    tokens, offsets = depth.top_input(texts)
    model = finetune.FineTunedText(finetune.top_layers(), encoders.dim(), 2, finetune.Tokens(tokens, offsets))
    model.head = torch.nn.Identity()  # what the head reads: the pooled, normalised top layer
    with torch.no_grad():
        ours = model.eval()(torch.arange(len(texts))).numpy()
    assert np.allclose(ours, encoders.embed(texts, remember=False), atol=1e-5)
    # the top cut of the depth profile is the same vectors before the L2 normalisation
    top = depth.layer_features(texts)["layer6"]
    assert np.allclose(top / np.linalg.norm(top, axis=1, keepdims=True), ours, atol=1e-5)


def test_the_recipe_has_every_networks_step_floor():
    cfg = finetune.FINETUNE_TEXT
    assert (cfg.body_lr, cfg.head_lr, cfg.weight_decay, cfg.batch_size, cfg.epochs) == (1e-5, 1e-2, 0.01, 2, 16)
    assert cfg.epochs_for(2) == 300      # 1 step an epoch: 300 epochs for 300 steps
    assert cfg.epochs_for(128) == 16     # 64 steps an epoch: SetFit's 16 epochs are 1,024 steps
    assert cfg.fixed(3).epochs_for(2) == 3


def test_fine_tuning_trains_the_top_and_a_head_and_returns_plain_numbers(task):
    from lib.stored import storable_run
    before = [p.detach().clone() for p in finetune.top_layers().parameters()]
    hand = TextDataset(["what a great film", "what a dull film"], np.array([1, 0]), ["negative", "positive"], "h")
    run = ways.FINETUNE_TEXT.run(task, np.arange(16), np.zeros(0, np.int64), 0,
                                 {"epochs": 3, "extra_tests": {"hand": hand}})
    top = sum(p.numel() for p in finetune.top_layers().parameters())
    assert run.trainable_params == top + (384 + 1) * 2
    assert run.total_params == encoders.total_params() + (384 + 1) * 2
    assert list(run.history[run.history.split == "train"].epoch) == [1, 2, 3]
    assert storable_run(run)                   # no live model rides on the run
    model = live(run)
    p = model.predict(hand.texts)
    assert p.shape == (2, 2) and np.allclose(p.sum(1), 1)
    assert run.extra_tests["hand"] == float((p.argmax(1) == hand.labels).mean())  # scored in the run
    for a, b in zip(before, finetune.top_layers().parameters()):  # the shared encoder stays frozen
        assert torch.equal(a, b)


def test_every_text_way_of_a_comparison_is_plain_numbers(task):
    from lib.stored import storable_run
    runs = ways.text_runs(task, np.arange(16), np.zeros(0, np.int64), 0, unlabeled=list(task.pool.texts),
                          dims=8, epochs=2)[0]
    assert {"scratch", "transfer", "encoder", "finetune", "bow"} <= set(runs)
    for run in runs.values():
        assert storable_run(run), run.method
    assert len(live(runs["scratch"]).word_vectors[0]) > 0  # its own words, kept live


def test_the_depth_profile_has_every_cut_pretrained_and_random_and_reads_with_holm(task):
    from lib.curves import compare_depths, summarise_depth
    profile = depth.depth_profile(task, 4, seeds=[0, 1])
    assert len(profile) == len(depth.CUTS) * 2 * 2
    assert list(profile[profile.pretrained & (profile.seed == 0)].cut) == list(depth.CUTS)
    read = compare_depths(profile, 4)
    assert read.last == "layer6" and len(read.cuts) == len(depth.CUTS) - 1
    assert set(read.control) == set(depth.CUTS)
    assert len(summarise_depth(profile)) == len(depth.CUTS) * 2
    # the control is another network: its pooled vectors differ from the pretrained ones
    assert not np.allclose(depth.layer_features(task.test.texts, False)["layer3"],
                           depth.layer_features(task.test.texts, True)["layer3"])


def test_the_cut_is_chosen_on_the_labeled_texts_alone(task):
    labeled = np.arange(16)
    cut, scores = depth.where_to_cut(task, labeled)
    assert set(scores) == set(depth.CUTS) and scores[cut] == max(scores.values())
    assert depth.where_to_cut(task, np.array([0, 8])) == ("layer6", {})  # one per class: the last
    run = ways.ENCODER.run(task, labeled, np.zeros(0, np.int64), 0, {"cut": "auto"})
    assert run.details["cut"] == cut
    with pytest.raises(ValueError, match="no cut"):
        depth.where_to_cut(task, labeled, "layer9")


def test_the_encoders_default_key_and_result_are_unchanged(task):
    """Without a cut the encoder's head reads the sentence embedding, as before issue 28 (the
    engine fingerprint's numbers), under the same stored key."""
    assert ways.ENCODER.settings({"encoder": True}) == {}
    labeled = np.arange(16)
    default = ways.ENCODER.run(task, labeled, np.zeros(0, np.int64), 0, {})
    output = ways.ENCODER.run(task, labeled, np.zeros(0, np.int64), 0, {"cut": "output"})
    old = ways.encoder_run(task, labeled, np.zeros(0, np.int64), 0)
    assert default.test_accuracy == output.test_accuracy == old.test_accuracy
    assert np.array_equal(default.test_pred, old.test_pred)


def test_a_text_run_is_stored_and_read_back(monkeypatch):
    from lib import stored
    first = stored.run_stored(ways.BOW, "sentiment", "sentiment", 2, 0, {})
    monkeypatch.setattr(ways.BagOfWordsWay, "train", lambda *a, **k: pytest.fail("trained again"))
    again = stored.run_stored(ways.BOW, "sentiment", "sentiment", 2, 0, {})
    assert again.test_accuracy == first.test_accuracy and again.extra_tests == first.extra_tests
    assert "hand-written" in again.extra_tests
