"""Datasets: the dress generator, the review corpus, and loaders for the user's own files."""
from lib.data.datasets import ImageDataset, Task, TextDataset, split_task

__all__ = ["ImageDataset", "TextDataset", "Task", "split_task", "load_images", "load_texts"]


def load_images(path, **kwargs):
    """A folder of class folders, or a zip of them -> ImageDataset (see lib.data.uploads)."""
    from lib.data.uploads import load_images as _load
    return _load(path, **kwargs)


def load_texts(path, **kwargs):
    """A CSV with a text column and a label column -> TextDataset (see lib.data.uploads)."""
    from lib.data.uploads import load_texts as _load
    return _load(path, **kwargs)
