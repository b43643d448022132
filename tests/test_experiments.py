"""compare(): the contract pages rely on, reproducibility, and the labeled draw."""
import numpy as np
import pandas as pd
import pytest

from lib.experiments import compare
from lib.tasks import resolve_options, resolve_task
from lib.runs import accuracy_interval, draw, paired_difference
from ui.words import verdict, verdict_test


@pytest.fixture(scope="module")
def dress8():
    """The real dress at 8 per class, every way and the control (slow tier)."""
    return compare("dress", 8, seed=0, control=True)


@pytest.mark.slow  # the real dress through EfficientNet-Lite0: the toy task's tests below are fast
def test_comparison_follows_the_documented_contract(dress8):
    assert list(dress8.runs) == ["pixels", "scratch", "transfer", "finetune", "control"]  # simplest first
    for run in dress8.runs.values():
        assert 0 <= run.test_accuracy <= 1 and 0 <= run.train_accuracy <= 1
        assert isinstance(run.trainable_params, int) and isinstance(run.total_params, int)
        assert list(run.history.columns) == ["epoch", "split", "loss", "accuracy"]
        assert {"train", "test"} <= set(run.history.split) <= {"train", "validation", "test"}
        low, high = run.test_interval
        assert low <= run.test_accuracy <= high
    assert dress8.scratch.total_params == dress8.scratch.trainable_params
    d = dress8.details
    assert d["cut"] in d["cuts"] and set(d["cut_scores"]) == set(d["cuts"])  # chosen by cross-validation
    assert max(d["cut_scores"], key=lambda c: (d["cut_scores"][c], d["cuts"].index(c))) == d["cut"]
    dim = [16, 24, 40, 80, 112, 192, 320, 1280][d["depth"] - 1]
    assert dress8.transfer.trainable_params == (dim + 1) * 2
    assert dress8.transfer.formula == f"({dim:,} + 1) × 2 = {(dim + 1) * 2:,}"
    assert dress8.finetune.trainable_params > 1_000_000 > dress8.transfer.trainable_params
    assert "ImageNet" in dress8.backbone


@pytest.mark.slow
def test_the_pixel_model_is_the_first_way_with_its_d_plus_one_times_c_weights(dress8):
    pixels = dress8.runs["pixels"]
    assert pixels.trainable_params == pixels.total_params == (16 * 16 * 3 + 1) * 2
    assert pixels.formula == "(768 + 1) × 2 = 1,538" and "16 × 16" in pixels.label
    assert len(pixels.train_pred) == len(dress8.train_index) + len(dress8.val_index)  # every labeled photo
    assert pixels.n_test == len(dress8.test_labels) == 400
    assert 0.5 < pixels.test_accuracy <= 1   # it learns something of the dress from 8 per class


def test_the_pixel_way_never_sees_the_test_set_and_reads_only_epochs(toy_task):
    """Through the way itself: train and validation photos both train it, the test set and the
    pool's unlabeled photos change nothing but the scores, and epochs is the one option it reads."""
    from lib.data.datasets import ImageDataset, Task
    from lib.image.ways import PIXELS, WAYS, ways_for
    assert WAYS["pixels"] is PIXELS and ways_for({}, 1)[0] is PIXELS and ways_for({}, 8)[0] is PIXELS
    assert PIXELS.settings({"backbone": "resnet50", "cut": "stage2", "control": True, "epochs": 7}) == {"epochs": 7}
    train, val = np.array([0, 1, 2, 3]), np.array([4, 5])
    before = PIXELS.run(toy_task, train, val, 0, {})
    assert before.train_pred.shape == (6,) and before.trainable_params == (16 * 16 * 3 + 1) * 2
    rng = np.random.default_rng(1)
    t, p = toy_task.test, toy_task.pool
    noise = rng.integers(0, 256, t.images.shape, dtype=np.uint8)
    unlabeled = p.images.copy()
    unlabeled[6:] = 255 - unlabeled[6:]
    for other in (Task("toy", p, ImageDataset(noise, rng.permutation(t.labels), t.classes)),
                  Task("toy", ImageDataset(unlabeled, p.labels, p.classes), t)):
        after = PIXELS.run(other, train, val, 0, {})
        assert np.array_equal(after.train_pred, before.train_pred)
        train_rows = lambda r: r.history[r.history.split == "train"].reset_index(drop=True)
        pd.testing.assert_frame_equal(train_rows(after), train_rows(before))
    # the validation photos do train it (so the check above could fail)
    moved = p.images.copy()
    moved[5] = 255 - moved[5]
    changed = PIXELS.run(Task("toy", ImageDataset(moved, p.labels, p.classes), t), train, val, 0, {})
    assert not changed.history[changed.history.split == "train"].reset_index(drop=True).equals(
        before.history[before.history.split == "train"].reset_index(drop=True))
    # epochs runs the probe exactly that many iterations (the overfitting page)
    assert PIXELS.run(toy_task, train, val, 0, {"epochs": 3}).history.epoch.max() == 3


@pytest.mark.slow
def test_a_chosen_cut_changes_what_the_head_reads_and_a_wrong_one_says_which_exist():
    c = compare("dress", 2, seed=0, cut="stage4", finetune=False)
    assert list(c.runs) == ["pixels", "scratch", "transfer"] and c.details["cut"] == "stage4"
    assert c.transfer.trainable_params == (80 + 1) * 2 and "stage4" in c.transfer.label
    with pytest.raises(ValueError, match="cut after one of: auto, stage1, .*, head"):
        compare("dress", 2, seed=0, cut="layer3")


@pytest.mark.slow  # two comparisons with fine-tuning through Lite0
def test_the_test_set_chooses_nothing(toy_task):
    """Shuffling the test labels changes no choice and no prediction: only the scores."""
    from lib.data.datasets import ImageDataset, Task
    rng = np.random.default_rng(0)
    t = toy_task.test
    shuffled = Task("toy", toy_task.pool, ImageDataset(t.images, rng.permutation(t.labels), t.classes))
    a, b = (compare(task, 8, seed=1) for task in (toy_task, shuffled))
    assert a.details["cut"] == b.details["cut"] and a.details["cut_scores"] == b.details["cut_scores"]
    for m in a.runs:
        assert np.array_equal(a.runs[m].test_pred, b.runs[m].test_pred)


def test_depth_profile_has_a_row_per_stage_weights_and_seed(toy_task):
    from lib.experiments import depth_profile
    p = depth_profile(toy_task, 4, seeds=[0, 1])
    assert list(p.columns) == ["cut", "depth", "feature_dim", "pretrained", "seed", "test_accuracy"]
    assert len(p) == 8 * 2 * 2 and set(p.depth) == set(range(1, 9))
    assert p[p.cut == "head"].feature_dim.unique().tolist() == [1280]
    alone = depth_profile(toy_task, 4, seeds=[0], control=False)
    assert alone.pretrained.all() and len(alone) == 8
    same = p[(p.seed == 0) & p.pretrained].test_accuracy.to_numpy()
    assert np.array_equal(same, alone.test_accuracy.to_numpy())  # reproducible per seed


@pytest.mark.slow
def test_same_seed_gives_the_same_numbers_and_another_seed_other_ones(dress8):
    again = compare("dress", 8, seed=0, control=True)
    for m in dress8.runs:
        assert again.runs[m].test_accuracy == dress8.runs[m].test_accuracy
        pd.testing.assert_frame_equal(again.runs[m].history, dress8.runs[m].history)
    other = compare("dress", 8, seed=1)
    assert not np.array_equal(other.train_index, dress8.train_index)


@pytest.mark.slow
def test_control_does_not_change_the_other_ways(dress8):
    plain = compare("dress", 8, seed=0, control=False)
    assert plain.transfer.test_accuracy == dress8.transfer.test_accuracy
    assert plain.scratch.test_accuracy == dress8.scratch.test_accuracy


def test_draw_is_balanced_disjoint_and_nested():
    """Every labeled example trains at every size (no validation split, issue 20), and for one
    seed a smaller draw's training examples are part of every larger one's."""
    labels = np.repeat([0, 1, 2], 50)
    train, val = draw(labels, 10, seed=4)
    assert np.bincount(labels[train]).tolist() == [10, 10, 10] and len(val) == 0
    previous = set()
    for n in range(1, 51):
        train, val = draw(labels, n, seed=4)
        assert len(val) == 0 and np.bincount(labels[train], minlength=3).tolist() == [n] * 3
        assert previous <= set(train), n
        previous = set(train)


def test_draw_input_checks():
    with pytest.raises(ValueError, match="at least 1"):
        draw(np.array([0, 1]), 0, 0)
    with pytest.raises(ValueError, match="at most 3"):
        draw(np.array([0, 0, 0, 1, 1, 1]), 4, 0)


def test_wilson_interval_is_honest_at_the_extremes():
    low, high = accuracy_interval(2, 2)
    assert high == 1.0 and low < 0.35   # 2 of 2 right says little
    low, high = accuracy_interval(200, 400)
    assert 0.45 < low < 0.5 < high < 0.55


def test_paired_difference_uses_only_disagreements(toy_task):
    c = compare(toy_task, 4, seed=0, finetune=False)  # the toy task: the real dress is the slow tier's
    d, p = paired_difference(c.transfer, c.transfer, c.test_labels)
    assert d == 0 and p == 1.0
    d, p = paired_difference(c.transfer, c.scratch, c.test_labels)
    assert d == pytest.approx(c.transfer.test_accuracy - c.scratch.test_accuracy)
    assert 0 <= p <= 1
    assert ("could be chance" in verdict(c)) == (p >= 0.05) and "McNemar" not in verdict(c)  # plain words
    assert f"p = {p:.2g}" in verdict_test(c) and "McNemar's exact test" in verdict_test(c)


def test_bad_task_and_bad_size_say_what_was_wrong():
    with pytest.raises(ValueError, match="task must be one of"):
        resolve_task("cats")
    with pytest.raises(TypeError, match="must be an int"):
        compare("dress", 2.5)
    with pytest.raises(ValueError, match="more than the smallest class"):
        compare("dress", 10_000)


def test_fine_tuning_on_one_photo_per_class_is_left_out_with_a_reason(toy_task):
    c = compare(toy_task, 1, seed=0)
    assert "finetune" not in c.runs and set(c.runs) == {"pixels", "scratch", "transfer"}
    assert "Fine-tuning is left out at 1 labeled photo per class" in c.details["notes"][0]
    from lib import ways_for  # from 2 per class it is a way (training it is the slow tier's)
    assert "finetune" in [w.method for w in ways_for(resolve_options("image", {}), 2)]


def test_a_text_comparison_follows_the_same_contract(tiny_text_task):
    """The text ways on a few dozen six-word reviews (conftest.tiny_text_task): every way scores
    every test text from the draw's labeled texts alone, and the same seed gives the same numbers."""
    c = compare(tiny_text_task, 4, seed=0, encoder=False)
    y = tiny_text_task.test.labels
    assert list(c.runs) == ["scratch", "transfer", "bow"] and len(c.train_index) == 8
    for run in c.runs.values():
        assert len(run.test_pred) == len(y) == run.n_test and len(run.train_pred) == 8
        assert run.test_accuracy == pytest.approx(np.mean(run.test_pred == y))
    again = compare(tiny_text_task, 4, seed=0, encoder=False)
    assert {m: r.test_accuracy for m, r in again.runs.items()} == {m: r.test_accuracy for m, r in c.runs.items()}
