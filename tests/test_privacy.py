"""Nothing derived from an upload outlives it: no file in the cache folder, nothing in memory the
process shares. Everything the engine derives from a private data set is kept on the data set
(lib.cache.scope), and goes with it."""
from pathlib import Path

import numpy as np
import pytest

from lib import cache, stored

from lib.text import encoders, models as text_models

from lib.image import features
from lib.data import load_images, load_texts
from lib.data.datasets import ImageDataset, TextDataset
from lib.experiments import compare
from lib.sweeps import sweep
from upload_files import blue, red

WORDS = {"pos": "wonderful lovely superb moving brilliant joyful charming delightful",
         "neg": "dull boring awful tedious clumsy dreary bland painful"}


def files() -> set:
    return {p for p in Path(cache.cache_dir()).rglob("*") if p.is_file()}


def shared_memory() -> dict:
    """What caches keep for the whole process."""
    return {"embeddings": set(encoders._memory), "features": set(features._memory),
            "runs read": set(stored._loaded),
            "tokens": getattr(text_models, "_remembered", text_models.tokenize).cache_info().currsize}


def texts_csv(path: Path, seed: int, n: int = 12) -> Path:
    rng = np.random.default_rng(seed)
    rows = ["text,label"] + [f"{' '.join(rng.choice(WORDS[c].split(), 6))} take {seed}-{i},{c}"
                             for c in WORDS for i in range(n)]
    path.write_text("\n".join(rows) + "\n")
    return path


def image_folder(root: Path, offset: int, n: int = 5) -> Path:
    for name, make in (("red", red), ("blue", blue)):
        (root / name).mkdir(parents=True)
        for i in range(n):
            (root / name / f"{i}.png").write_bytes(make(offset + i))
    return root


@pytest.fixture(scope="module")
def uploads(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("uploads")
    return load_images(image_folder(tmp / "images", 0)), load_texts(texts_csv(tmp / "t.csv", 0))


def test_loaded_files_are_private_and_so_is_every_part_split_from_them(uploads):
    images, texts = uploads
    assert images.private and texts.private
    part = texts.subset([0, 1])
    assert part.private and part.derived is texts.derived
    assert cache.store_of(texts) is texts.derived and cache.store_of(TextDataset(["a", "b"], [0, 1], ["x", "y"])) is None


def test_comparing_and_sweeping_uploads_leaves_no_file_and_nothing_in_shared_memory(uploads, tmp_path, quick_training):
    images, texts = uploads
    # First the same work on data that is not private (other content): the backbones, the
    # encoder and everything else not derived from an upload are loaded, and do write files.
    for public in (ImageDataset(load_images(image_folder(tmp_path / "public", 50)).images,
                                images.labels, images.classes),
                   TextDataset(load_texts(texts_csv(tmp_path / "public.csv", 1)).texts, texts.labels,
                               texts.classes)):
        compare(public, 2, seed=0)
    assert files()
    before, memory = files(), shared_memory()

    for upload in (images, texts):
        c = compare(upload, 2, seed=0)
        assert set(c.runs) >= {"scratch", "transfer"}
        curve = sweep(upload, [1, 2], [0])
        assert curve.attrs["complete"] and curve.attrs["trained"] == 2
    assert files() == before                          # nothing on disk
    assert shared_memory() == memory                  # nor in memory the whole process shares
    assert images.derived and texts.derived           # it is all kept with the uploads

    again = sweep(texts, [1, 2], [0])                 # a second curve is read from the upload's store
    assert again.attrs["trained"] == 0 and files() == before
