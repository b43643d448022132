"""The simplest model: a linear model on a thumbnail of the pixels.

It is to photos what bag of words is to texts: the from-scratch floor any deep way has to beat.
Its recipe was fixed on principle before anything was measured with it:

- The head is the frozen head's own linear probe (lib.probe.fit_probe: L2 logistic regression,
  C = 1, L-BFGS from zero weights), so the only difference between the two is what the features
  are: raw pixels here, a pretrained network's there. (D + 1) x C weights, counted the same way.
- The features are the photo shrunk to THUMB x THUMB pixels in colour, 3 x 16 x 16 = 768 numbers,
  each standardised with the mean and spread of the labeled examples only (lib.runs.standardise);
  the pool's other photos and the test set are never looked at.
- Why 16 x 16: a linear model on pixels cannot move with the object, so what it can use is the
  coarse layout and colour of the scene; finer detail only adds inputs it cannot exploit and
  weights to fit from a handful of examples. Torralba, Fergus and Freeman ("80 million tiny
  images", 2008) found 32 x 32 colour enough for people to recognise most scenes; half that keeps
  the layout and the colours while D stays the size of a frozen feature vector (768; Lite0's is
  1,280) rather than four times larger. 16 divides the dress's 64 px and the photos' 256 px by
  whole factors. Issue 21's first table used it too.
- Why colour: the dress is labeled by its colours, and a photo's colour is in its pixels, not
  in their layout; `grey=True` (ITU-R BT.601 luminance, as Pillow's "L") is the ablation
  that tells how much brightness alone solves.
- The shrink averages: each thumbnail pixel is the mean of the photo's pixels under it (torch's
  "area" resize, Pillow's BOX; exact blocks when the side divides by 16), so nothing aliases and
  the thumbnail is what a camera with 16 x 16 large sensor cells would have recorded.
"""
import numpy as np
import torch
from torch import nn

from lib.heads import head_formula
from lib.probe import fit_probe, in_words as probe_words
from lib.runs import Run, standardise, train_and_score

THUMB = 16     # pixels per side of the thumbnail (see the module docstring for why)
METHOD = "pixels"
_CHUNK = 256   # photos resized at a time: a 256 px upload stays a few hundred MB at most
_LUMA = torch.tensor([0.299, 0.587, 0.114])  # ITU-R BT.601, Pillow's convert("L")


def label(size: int = THUMB, grey: bool = False) -> str:
    """The way's name as the pages show it."""
    return f"Simplest: linear model on {size} × {size}{' greyscale' if grey else ''} pixels"


def in_words(size: int = THUMB, grey: bool = False) -> str:
    """The recipe as a page shows it, from the constants here and lib.probe's."""
    d = size * size * (1 if grey else 3)
    kind = "greyscale" if grey else "colour"
    return (f"each photo shrunk to {size} × {size} {kind} pixels ({d:,} numbers), then "
            + probe_words("labeled photos").replace("the features", "the pixels"))


def check_size(size, images: np.ndarray) -> int:
    """`size` as an int, or a ValueError naming the valid sizes for these images."""
    side = int(min(images.shape[1:3]))
    valid = f"an int from 2 to {side} (the photos' side), e.g. {min(THUMB, side)}"
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise ValueError(f"thumbnail size must be {valid}, got {size!r}")
    if not 2 <= size <= side:
        raise ValueError(f"thumbnail size must be {valid}, got {size}")
    return int(size)


def thumbnails(images: np.ndarray, size: int = THUMB, grey: bool = False) -> np.ndarray:
    """uint8 (n, h, w, 3) photos -> float32 (n, size * size * channels) pixels in [0, 1].

    Channels last within each pixel (r, g, b, r, g, b, ...), one row per photo.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
        raise ValueError(f"images must be uint8 of shape (n, height, width, 3), got "
                         f"{images.dtype} {images.shape}")
    size = check_size(size, images)
    out = np.empty((len(images), size * size * (1 if grey else 3)), dtype=np.float32)
    for start in range(0, len(images), _CHUNK):
        x = torch.from_numpy(np.ascontiguousarray(images[start:start + _CHUNK])).permute(0, 3, 1, 2)
        x = x.float() / 255
        if x.shape[-2:] != (size, size):
            x = nn.functional.interpolate(x, size=(size, size), mode="area")
        x = x.permute(0, 2, 3, 1)
        if grey:  # after shrinking: both steps are linear, so the order changes only the cost
            x = (x @ _LUMA)[..., None]
        out[start:start + len(x)] = x.reshape(len(x), -1).numpy()
    return out


def pixel_run(task, labeled: np.ndarray, seed: int, stop=None, iterations=None,
              grey: bool = False) -> Run:
    """The linear model on THUMB x THUMB pixels, trained on every labeled example of the pool.

    iterations=None runs the probe to convergence; an int runs exactly that many (the
    overfitting page). Thumbnails are not cached: measured on 2 busy cores, the dress's 912
    photos shrink in 0.06 s and 400 photos of 256 px in 0.4 s, of which a cache keyed by
    lib.cache.fingerprint would save 0.3 s (hashing them takes 0.1 s), against seconds of
    training per run; and an upload's thumbnails would need a private cache of their own.
    """
    k = len(task.classes)
    present = np.unique(task.pool.labels)
    if k < 2 or len(present) < 2:
        raise ValueError(f"the pixel model needs at least 2 classes, each with photos in the pool; "
                         f"got classes {list(task.classes)}, {len(present)} of them in the pool")
    labeled = np.asarray(labeled, dtype=np.int64)
    pool = thumbnails(task.pool.images, THUMB, grey)
    test = thumbnails(task.test.images, THUMB, grey)
    pool_z, test_z = standardise(pool[labeled], pool, test)[1:]  # labeled photos' statistics only
    trainer = lambda x, y, t, stop: fit_probe(x, y, k, iterations, t, stop)
    return train_and_score(METHOD, label(THUMB, grey), None, pool_z, task.pool.labels, labeled,
                           labeled[:0], test_z, task.test.labels, seed,
                           formula=head_formula(pool.shape[1], k), stop=stop, trainer=trainer)
