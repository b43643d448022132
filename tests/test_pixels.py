"""The simplest model: a linear model on 16 x 16 pixels, the frozen head's probe on a thumbnail."""
from types import SimpleNamespace

import numpy as np
import pytest

from conftest import toy_images
from lib.data.datasets import ImageDataset, Task
from lib.image import pixels


@pytest.fixture(scope="module")
def task():
    return Task("toy", toy_images(8, 0), toy_images(10, 1))


LABELED = np.array([0, 1, 2, 3, 4, 5])  # three of each class (labels alternate)


def with_images(dataset, images):
    return ImageDataset(images, dataset.labels, dataset.classes, dataset.name)


def test_weights_are_d_plus_one_times_c_colour_and_grey(task):
    colour = pixels.pixel_run(task, LABELED, seed=0)
    grey = pixels.pixel_run(task, LABELED, seed=0, grey=True)
    assert colour.trainable_params == colour.total_params == (16 * 16 * 3 + 1) * 2 == 1538
    assert colour.formula == "(768 + 1) × 2 = 1,538"
    assert grey.trainable_params == (16 * 16 + 1) * 2 and grey.formula == "(256 + 1) × 2 = 514"
    assert colour.method == "pixels" and colour.label == "Simplest: linear model on 16 × 16 pixels"
    assert grey.label == "Simplest: linear model on 16 × 16 greyscale pixels"


def test_recipe_words_name_the_thumbnail_and_the_probe():
    words = pixels.in_words()
    for part in ("16 × 16 colour pixels", "768 numbers", "C = 1", "L-BFGS",
                 "standardised with the labeled photos' mean and spread"):
        assert part in words
    assert "16 × 16 greyscale pixels (256 numbers)" in pixels.in_words(grey=True)


def test_learns_the_toy_task_and_scores_every_test_photo(task):
    run = pixels.pixel_run(task, LABELED, seed=0)
    assert run.n_test == len(task.test) and len(run.train_pred) == len(LABELED)
    assert run.train_accuracy == 1.0 and run.test_accuracy >= 0.8  # class 1 is brighter


def test_same_draw_same_numbers(task):
    a, b = pixels.pixel_run(task, LABELED, seed=0), pixels.pixel_run(task, LABELED, seed=3)
    # The probe starts from zero weights: nothing random is left once the draw is fixed.
    assert np.array_equal(a.test_pred, b.test_pred) and a.test_accuracy == b.test_accuracy
    assert a.history[["epoch", "split", "loss"]].equals(b.history[["epoch", "split", "loss"]])


def train_rows(run):
    return run.history[run.history.split == "train"][["epoch", "loss", "accuracy"]].reset_index(drop=True)


def test_standardisation_sees_only_the_labeled_photos(task):
    before = pixels.pixel_run(task, LABELED, seed=0)
    rng = np.random.default_rng(7)
    # Other test photos and other unlabeled pool photos: training must not change at all...
    new_test = rng.integers(0, 256, task.test.images.shape, dtype=np.uint8)
    pool = task.pool.images.copy()
    pool[len(LABELED):] = 255 - pool[len(LABELED):]
    for other in (Task("toy", task.pool, with_images(task.test, new_test)),
                  Task("toy", with_images(task.pool, pool), task.test)):
        after = pixels.pixel_run(other, LABELED, seed=0)
        assert np.array_equal(after.train_pred, before.train_pred)
        pd_equal = train_rows(after).equals(train_rows(before))
        assert pd_equal, "the test set or unlabeled photos leaked into the training"
    # ...while changing a labeled photo does (so the check above can fail).
    pool = task.pool.images.copy()
    pool[0] = 255 - pool[0]
    changed = pixels.pixel_run(Task("toy", with_images(task.pool, pool), task.test), LABELED, seed=0)
    assert not train_rows(changed).equals(train_rows(before))


def test_thumbnail_keeps_layout_and_colour():
    img = np.zeros((1, 64, 64, 3), np.uint8)
    img[0, :, 32:, 0] = 255                      # right half pure red
    t = pixels.thumbnails(img).reshape(16, 16, 3)
    assert t.dtype == np.float32
    assert np.allclose(t[:, :8], 0) and np.allclose(t[:, 8:], [1, 0, 0], atol=1e-6)
    g = pixels.thumbnails(img, grey=True).reshape(16, 16)
    assert np.allclose(g[:, 8:], 0.299, atol=1e-6) and np.allclose(g[:, :8], 0)
    assert pixels.thumbnails(img, size=4).shape == (1, 4 * 4 * 3)


@pytest.mark.parametrize("size", [0, 1, 65, 2.5, "16", True, None])
def test_bad_thumbnail_sizes_name_the_valid_ones(size):
    img = np.zeros((2, 64, 64, 3), np.uint8)
    with pytest.raises(ValueError, match=r"an int from 2 to 64"):
        pixels.thumbnails(img, size=size)


def test_thumbnails_reject_what_is_not_a_photo_array():
    with pytest.raises(ValueError, match=r"uint8 of shape \(n, height, width, 3\)"):
        pixels.thumbnails(np.zeros((2, 64, 64), np.uint8))


def test_one_class_is_refused_with_a_clear_message(task):
    one = SimpleNamespace(classes=["only"], pool=SimpleNamespace(labels=np.zeros(4, int)), test=None)
    with pytest.raises(ValueError, match="at least 2 classes.*'only'"):
        pixels.pixel_run(one, np.arange(2), seed=0)
    # Two classes named, but the pool holds photos of one only.
    pool = ImageDataset(task.pool.images[:4], np.zeros(4, int), task.classes)
    with pytest.raises(ValueError, match="at least 2 classes.*1 of them in the pool"):
        pixels.pixel_run(Task("toy", pool, task.test), np.arange(2), seed=0)
