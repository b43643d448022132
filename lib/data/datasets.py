"""The two kinds of dataset the engine learns from, and the task: a training pool plus a test set.

A dataset is plain arrays and lists, so anyone can build one in a notebook. `compare` and `sweep`
draw their labeled examples from `Task.pool` and always score on `Task.test`.
"""
from dataclasses import dataclass, field

import numpy as np

# Real photos are kept as their centre square at this many px: room for every backbone's own
# evaluation transform (shorter side to 232-256 px, centre crop 224) and the scratch CNN's 64.
PHOTO_SIZE = 256


@dataclass
class ImageDataset:
    images: np.ndarray        # uint8, shape (n, height, width, 3)
    labels: np.ndarray        # int, shape (n,), indexes into classes
    classes: list[str]
    name: str = "images"
    private: bool = False     # a visitor's upload: nothing derived from it may be written to disk
    kind: str = field(default="image", init=False)
    # What caches derive from private data, kept here only (lib.cache.scope); shared by subsets
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self.images, self.labels = np.asarray(self.images), np.asarray(self.labels, dtype=np.int64)
        if self.images.ndim != 4 or self.images.shape[-1] != 3 or self.images.dtype != np.uint8:
            raise ValueError(f"images must be uint8 of shape (n, height, width, 3), got "
                             f"{self.images.dtype} {self.images.shape}")
        _check_labels(self.labels, len(self.images), self.classes)

    def __len__(self):
        return len(self.labels)

    def subset(self, index) -> "ImageDataset":
        return ImageDataset(self.images[index], self.labels[index], self.classes, self.name, self.private,
                            derived=self.derived)


@dataclass
class TextDataset:
    texts: list[str]
    labels: np.ndarray
    classes: list[str]
    name: str = "texts"
    private: bool = False     # a visitor's upload: nothing derived from it may be written to disk
    kind: str = field(default="text", init=False)
    # What caches derive from private data, kept here only (lib.cache.scope); shared by subsets
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self.texts, self.labels = list(self.texts), np.asarray(self.labels, dtype=np.int64)
        _check_labels(self.labels, len(self.texts), self.classes)

    def __len__(self):
        return len(self.labels)

    def subset(self, index) -> "TextDataset":
        return TextDataset([self.texts[i] for i in np.asarray(index)], self.labels[index],
                           self.classes, self.name, self.private, derived=self.derived)


@dataclass
class Task:
    """What an experiment runs on: labeled examples are drawn from `pool`, scored on `test`."""
    name: str
    pool: ImageDataset | TextDataset
    test: ImageDataset | TextDataset
    description: str = ""
    backbone_size: int | None = None  # px the backbones see; None: each its own resize and crop

    @property
    def kind(self) -> str:
        return self.pool.kind

    @property
    def private(self) -> bool:
        return self.pool.private or self.test.private

    @property
    def classes(self) -> list[str]:
        return self.pool.classes

    def max_per_class(self) -> int:
        """The largest n_per_class every class of the pool can supply."""
        return int(np.bincount(self.pool.labels, minlength=len(self.classes)).min())


def _check_labels(labels, n, classes):
    if len(labels) != n:
        raise ValueError(f"got {n} examples but {len(labels)} labels")
    if len(classes) < 2:
        raise ValueError(f"need at least 2 classes, got {len(classes)}: {classes}")
    if n and (labels.min() < 0 or labels.max() >= len(classes)):
        raise ValueError(f"labels must lie in 0..{len(classes) - 1} (one per class), "
                         f"got {labels.min()}..{labels.max()}")


TEST_FRACTION, SPLIT_SEED = 0.25, 0  # a user's data: the share of each class held out, and its draw


def split_indices(labels: np.ndarray, n_classes: int, test_fraction: float = TEST_FRACTION, seed: int = SPLIT_SEED):
    """(pool_index, test_index), stratified by hand so every class lands on both sides.

    Each class of n examples gives max(1, round(test_fraction * n)) to the test set (never all of
    them), shuffled by (seed, class): scikit-learn's splitter can leave a rare class out of the
    test set, or refuse a small dataset with a message about test_size that says nothing to a user.
    """
    counts = np.bincount(labels, minlength=n_classes)
    if counts.min() < 2:
        raise ValueError(f"every class needs at least 2 examples (one to train, one to test); "
                         f"too few in class {int(counts.argmin())}")
    pool, test = [], []
    for c in range(n_classes):
        mine = np.random.default_rng([seed, c]).permutation(np.flatnonzero(labels == c))
        k = min(max(1, round(test_fraction * len(mine))), len(mine) - 1)
        test.extend(mine[:k])
        pool.extend(mine[k:])
    return np.sort(np.array(pool, dtype=np.int64)), np.sort(np.array(test, dtype=np.int64))


def split_task(dataset, test_fraction: float = TEST_FRACTION, seed: int = SPLIT_SEED, name: str | None = None) -> Task:
    """Hold out a stratified test split of a user's dataset; the rest is the labeled pool."""
    counts = np.bincount(dataset.labels, minlength=len(dataset.classes))
    if counts.min() < 2:
        small = [c for c, k in zip(dataset.classes, counts) if k < 2]
        raise ValueError(f"every class needs at least 2 examples (one to train, one to test); "
                         f"too few in: {', '.join(small)}")
    pool_idx, test_idx = split_indices(dataset.labels, len(dataset.classes), test_fraction, seed)
    return Task(name or dataset.name, dataset.subset(pool_idx), dataset.subset(test_idx), "your data")
