"""The dress generator: deterministic, balanced, and a test set that never overlaps training."""
import numpy as np
import pytest

from lib.data import dress


def test_same_seed_same_pixels_and_different_seed_different_pixels():
    a, b, c = dress.generate(3, seed=5), dress.generate(3, seed=5), dress.generate(3, seed=6)
    assert np.array_equal(a.images, b.images)
    assert not np.array_equal(a.images, c.images)


def test_balanced_uint8_images_of_the_documented_size():
    d = dress.generate(7, seed=0)
    assert d.images.shape == (14, dress.SIZE, dress.SIZE, 3) and d.images.dtype == np.uint8
    assert np.bincount(d.labels).tolist() == [7, 7]
    assert d.classes == ["blue/black", "white/gold"]


def test_image_i_depends_only_on_seed_and_i():
    # A bigger set starts with the smaller one: growing the pool never reshuffles it.
    small, big = dress.generate(2, seed=3), dress.generate(4, seed=3)
    assert np.array_equal(small.images, big.images[:4])


def test_disk_cache_returns_identical_images(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSFER_LAB_CACHE", str(tmp_path))
    first = dress.generate(2, seed=9)
    assert list((tmp_path / "dress").glob("*.npy")), "the generated set should be written to the cache"
    assert np.array_equal(dress.generate(2, seed=9).images, first.images)


def test_corrupt_cache_file_is_regenerated(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSFER_LAB_CACHE", str(tmp_path))
    first = dress.generate(2, seed=9)
    for f in (tmp_path / "dress").glob("*.npy"):
        f.write_bytes(b"not an array")
    assert np.array_equal(dress.generate(2, seed=9).images, first.images)


def test_task_test_set_is_balanced_large_and_disjoint_from_pool():
    task = dress.dress_task()
    assert len(task.test) >= 400 and np.bincount(task.test.labels).tolist() == [200, 200]
    pool = {img.tobytes() for img in task.pool.images}
    assert not any(img.tobytes() in pool for img in task.test.images)


def test_colours_differ_between_classes_on_average():
    # Where the dress stands (the centre of the frame) blue/black photos are bluer than white/gold
    # ones on average, despite the casts. (Over the whole frame the camera's grey-world white
    # balance takes most of that away: it is the scene's mean colour it neutralises.)
    d = dress.generate(40, seed=0)
    centre = d.images[:, 16:48, 24:40].astype(float)
    blue_minus_red = centre[..., 2].mean((1, 2)) - centre[..., 0].mean((1, 2))
    assert blue_minus_red[d.labels == 0].mean() > blue_minus_red[d.labels == 1].mean() + 5


def test_rejects_empty_request():
    with pytest.raises(ValueError, match="at least 1"):
        dress.generate(0, seed=0)


def test_render_depends_only_on_its_generator():
    a = dress.render(0, np.random.default_rng([4, 1]))
    assert np.array_equal(a, dress.render(0, np.random.default_rng([4, 1])))
    assert not np.array_equal(a, dress.render(0, np.random.default_rng([4, 2])))


def test_auto_exposure_sets_the_brightness_not_the_dress():
    # The camera meters each scene to middle grey: no photo is blown out or black, and a white
    # dress does not make a brighter photo on average (the old generator's did, by 17 levels).
    d = dress.generate(60, seed=0)
    mean = d.images.astype(float).mean((1, 2, 3))
    assert 40 < mean.min() and mean.max() < 190
    assert abs(mean[d.labels == 0].mean() - mean[d.labels == 1].mean()) < 8


@pytest.mark.parametrize("label", [2, -1, "blue"])
def test_render_rejects_a_label_that_is_not_a_class(label):
    with pytest.raises(ValueError, match=r"0 \(blue/black\) or 1 \(white/gold\)"):
        dress.render(label, np.random.default_rng(0))


@pytest.mark.parametrize("n", [2.5, "3", True])
def test_rejects_a_count_that_is_not_an_int(n):
    with pytest.raises(ValueError, match="an int, at least 1"):
        dress.generate(n, seed=0)
