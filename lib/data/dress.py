"""Procedural photos of *the dress*: is it blue/black or white/gold?

In the 2015 photo a blue dress with black lace was shot overexposed under a warm cast, and half
the internet saw white and gold. Each picture here is rendered the same way: a dress with a body
colour and horizontal lace bands, in a cluttered room, then lit by a random colour cast and
exposure and put through a camera (gamma, clipping, noise, blur). The label is the dress's *true*
colours, so under strong casts the pixels alone are ambiguous and the model must learn the cues
that survive: lace darker or lighter than the body, the room lit by the same light.

Every setting below was fixed from the physics of the photo before any model was trained on it
and is not tuned to favour either way of learning. Image i of a set depends only on (seed, i).
"""
import colorsys
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from lib import cache
from lib.data.datasets import ImageDataset, Task

CLASSES = ["blue/black", "white/gold"]
SIZE = 64            # pixels per side of the rendered photos (what the scratch CNN sees)
BACKBONE_SIZE = 128  # the backbones see them enlarged to this: more adds no detail, only cost
RENDER = 2 * SIZE    # drawn at twice the size and downsampled, for smooth edges
POOL_SEED, TEST_SEED = 1, 2   # different seeds: the test set never overlaps a training draw
POOL_PER_CLASS, TEST_PER_CLASS = 256, 200


def _hsv(h, s, v):
    """One HSV colour (h in degrees) as linear RGB reflectance in [0, 1]."""
    return np.array(colorsys.hsv_to_rgb(h / 360, s, v))


def _cast(kelvin):
    """Approximate RGB of a light source at a colour temperature, normalised to unit mean."""
    t = kelvin / 100
    r = 1.0 if t <= 66 else 1.293 * (t - 60) ** -0.1332
    g = 0.3901 * np.log(t) - 0.6318 if t <= 66 else 1.1299 * (t - 60) ** -0.0755
    b = 1.0 if t >= 66 else (0.0 if t <= 19 else 0.5432 * np.log(t - 10) - 1.1963)
    rgb = np.clip([r, g, b], 0.05, 1)
    return rgb / rgb.mean()


def _colours(label, rng):
    """True reflectances (body, lace) of a dress of this class, varied like real fabric."""
    if label == 0:  # blue body, black lace
        body = _hsv(rng.uniform(210, 240), rng.uniform(0.55, 0.9), rng.uniform(0.35, 0.7))
        lace = _hsv(rng.uniform(0, 360), rng.uniform(0, 0.3), rng.uniform(0.03, 0.12))
    else:           # white body, gold lace
        body = _hsv(rng.uniform(0, 360), rng.uniform(0, 0.08), rng.uniform(0.78, 0.95))
        lace = _hsv(rng.uniform(38, 50), rng.uniform(0.45, 0.8), rng.uniform(0.5, 0.75))
    return body, lace


def _room(rng):
    """Background reflectance: a wall gradient with a few pieces of clutter."""
    top, bottom = (_hsv(rng.uniform(0, 360), rng.uniform(0, 0.6), rng.uniform(0.2, 0.9)) for _ in range(2))
    ramp = np.linspace(0, 1, RENDER)[:, None, None]
    room = np.broadcast_to(top * (1 - ramp) + bottom * ramp, (RENDER, RENDER, 3)).copy()
    for _ in range(rng.integers(1, 5)):
        x0, y0 = rng.integers(0, RENDER, 2)
        w, h = rng.integers(RENDER // 10, RENDER // 2, 2)
        room[y0:y0 + h, x0:x0 + w] = _hsv(rng.uniform(0, 360), rng.uniform(0, 1), rng.uniform(0.05, 1))
    return room


def _dress_masks(rng):
    """Masks (dress, lace) of a dress silhouette with random cut, size, position and lean."""
    scale = rng.uniform(0.55, 1.0) * RENDER
    cx, top = rng.uniform(0.35, 0.65) * RENDER, rng.uniform(0.02, 0.3) * RENDER
    waist_y = top + scale * rng.uniform(0.28, 0.4)
    hem_y = top + scale * rng.uniform(0.75, 1.0)
    shoulder, waist = scale * rng.uniform(0.13, 0.2), scale * rng.uniform(0.09, 0.14)
    hem = scale * rng.uniform(0.18, 0.42)
    lean = rng.uniform(-0.15, 0.15) * scale
    outline = [(cx - shoulder, top), (cx + shoulder, top), (cx + waist, waist_y),
               (cx + hem + lean, hem_y), (cx - hem + lean, hem_y), (cx - waist, waist_y)]
    dress = Image.new("L", (RENDER, RENDER))
    ImageDraw.Draw(dress).polygon(outline, fill=255)
    lace = Image.new("L", (RENDER, RENDER))
    draw = ImageDraw.Draw(lace)
    bands = [waist_y] + list(rng.uniform(top + 0.05 * scale, hem_y, rng.integers(1, 4)))
    for y in bands:
        half = rng.uniform(0.02, 0.06) * scale
        draw.rectangle([0, y - half, RENDER, y + half], fill=255)
    holes = rng.random((RENDER, RENDER)) < rng.uniform(0.0, 0.3)  # lace is lacy
    dress, lace = np.asarray(dress) / 255.0, np.asarray(lace) / 255.0
    return dress, lace * dress * ~holes


def render(label: int, rng: np.random.Generator) -> np.ndarray:
    """One 64 x 64 uint8 RGB photo of a dress whose true colours are CLASSES[label]."""
    body, lace_colour = _colours(label, rng)
    dress, lace = _dress_masks(rng)
    x = np.arange(RENDER) / RENDER
    folds = 1 + rng.uniform(0, 0.25) * np.sin(2 * np.pi * (x * rng.uniform(3, 8) + rng.uniform(0, 1)))
    fabric = body * (1 - lace[..., None]) + lace_colour * lace[..., None]
    scene = _room(rng)
    scene = scene * (1 - dress[..., None]) + fabric * folds[None, :, None] * dress[..., None]
    # The light: one colour cast and exposure for the whole scene, brighter on one side.
    light = _cast(np.exp(rng.uniform(np.log(2500), np.log(12000))))
    exposure = 2 ** rng.uniform(-1.0, 1.5)
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:1:RENDER * 1j, 0:1:RENDER * 1j]
    shading = 1 + rng.uniform(0, 0.4) * ((xx - 0.5) * np.cos(angle) + (yy - 0.5) * np.sin(angle))
    radiance = scene * light * exposure * shading[..., None]
    # The camera: clipping, gamma, sensor noise, a little blur.
    pixels = np.clip(radiance, 0, 1) ** (1 / 2.2)
    pixels = np.clip(pixels + rng.normal(0, rng.uniform(0.005, 0.04), pixels.shape), 0, 1)
    image = Image.fromarray((pixels * 255).astype(np.uint8))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0, 1.2)))
    return np.asarray(image.resize((SIZE, SIZE), Image.Resampling.BOX))


def generate(n_per_class: int, seed: int) -> ImageDataset:
    """A balanced set: image i has label i % 2 and depends only on (seed, i).

    Cached on disk, keyed by this file's source: editing the generator renders afresh.
    """
    if n_per_class < 1:
        raise ValueError(f"n_per_class must be at least 1, got {n_per_class}")
    labels = np.arange(2 * n_per_class) % 2
    path = cache.cache_dir("dress") / f"{cache.key(Path(__file__).read_text(), n_per_class, seed)}.npy"
    images = cache.load_array(path)
    if images is None or images.shape != (len(labels), SIZE, SIZE, 3):
        images = np.stack([render(int(y), np.random.default_rng([seed, i])) for i, y in enumerate(labels)])
        cache.save_array(path, images)
    return ImageDataset(images, labels, list(CLASSES), name="dress")


@lru_cache(maxsize=2)
def dress_task(pool_per_class: int = POOL_PER_CLASS, test_per_class: int = TEST_PER_CLASS) -> Task:
    """The dress task: a training pool and a fixed, balanced, held-out test set."""
    return Task("dress", generate(pool_per_class, POOL_SEED), generate(test_per_class, TEST_SEED),
                "Procedural photos of a dress under random light; label = its true colours.",
                backbone_size=BACKBONE_SIZE)
