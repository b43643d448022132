"""Procedural photos of *the dress*: is it blue/black or white/gold?

In the 2015 photo a blue dress with black lace, shot on a phone against a bright background, came
out pale and washed in warm light, and half the internet saw white and gold. Each picture here is
made the way such a photo is made: a dress in a room, lit by real light sources, seen through a
camera that decides exposure and white balance from the scene itself. The label is the dress's
*true* colours, never what the pixels look like.

Every choice below was fixed from how a camera sees a dress, before any model was trained on the
result, and none is tuned to favour a way of learning. Image i of a set depends only on (seed, i).

The dress
- Colours: blue (hue 205-245°, saturation 0.5-0.95, reflectance 0.3-0.75: navy to royal) with
  black lace (2-10 % reflectance, as black fabric is), or white to ivory (reflectance 0.75-0.92)
  with gold lace (hue 38-52°, saturation 0.45-0.85). Reflectances are linear RGB: light multiplies
  them, as it does a real surface.
- Cut and pose vary as dresses and wearers do: shoulders, waist and hem widths (sheath to flared),
  waist height, a sway of the hips, no sleeves, short or long ones.
- Lace varies between dresses: 1-4 horizontal bands at bust, waist, hip and hem (the 2015 dress's
  layout) of varying width and scalloped edge, sometimes a lace bodice, all openwork whose mesh
  density varies, so the body fabric shows through the holes.
- Fabric: vertical drape folds of varying number and depth, and a sheen from matte to satin. A
  sheen is a specular reflection, so it has the light's colour, not the dress's (gold lace glints
  in its own colour: it is metallic thread).
- It is worn by a person (skin from the range of real skin reflectances, hair, arms, legs), on a
  mannequin, or on a hanger, as dresses are photographed at home, in shops and online.

The framing
- The photographer frames the dress but not exactly: its centre anywhere in the middle 40 % of the
  width, its height 40-95 % of the frame, the head or the hem sometimes cut by the frame edge.

The room
- A wall in a real paint colour (mostly light neutrals, some colours), a floor (wood, carpet or
  tile tones) at a varying height or out of frame, 0-4 pieces of furniture and pictures, and
  sometimes a window: a light source far brighter than the wall, usually clipped in the photo.
- The camera focuses on the dress, so the room is out of focus by a varying amount.

The light
- One main source drawn from the lights rooms have: incandescent (2400-3000 K) and halogen
  (3000-3400 K) on the Planckian locus, warm white LEDs (2700-3500 K), fluorescent tubes (CIE F2,
  F7, F11: off the locus, greenish), direct daylight (D50-D65) and shade or overcast sky (6500-
  10000 K on the daylight locus). Chromaticities go through CIE XYZ to linear sRGB: real casts,
  not hand-picked tints.
- Sometimes a second source, daylight from a window on one side, mixed with the first across the
  frame: the mixed light that makes white balance impossible to get right everywhere.
- Light falls off across the room, and the dress is a body in the round: darker toward its sides.
- The room's light level varies over 3 stops (dim evening lamp to bright shop).

The camera
- Auto-exposure: centre-weighted metering of the sensor's (clipped) luminance, set so that the
  metered brightness is middle grey (18 %), within ±½ stop as metering modes differ. The mean
  brightness of a photo is therefore set by the camera, not by the dress: a white dress filling
  the frame comes out grey and a navy one pale, as in the 2015 photo.
- Noise: shot and read noise of a small sensor; a dim room or a dark scene needs more
  amplification, so it is noisier.
- Auto white balance: grey-world (the mean of the scene taken to be neutral; Buchsbaum 1980),
  applied at 50-100 % strength, since cameras keep part of a warm cast on purpose. A frame full of
  blue dress is then "corrected" toward yellow: the camera's guess is wrong exactly when the dress
  dominates, as it was in 2015.
- Lens: a little blur and vignetting (corners darker, up to about half a stop); sensor pixels
  clip at full scale; the sRGB tone curve; 8-bit output.
"""
import colorsys
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from scipy.ndimage import gaussian_filter

from lib import cache
from lib.data.datasets import ImageDataset, Task

CLASSES = ["blue/black", "white/gold"]
SIZE = 64            # pixels per side of the rendered photos (what the scratch CNN sees)
BACKBONE_SIZE = 128  # the backbones see them enlarged to this: more adds no detail, only cost
RENDER = 2 * SIZE    # drawn at twice the size and averaged down, for smooth edges
POOL_SEED, TEST_SEED = 1, 2   # different seeds: the test set never overlaps a training draw
POOL_PER_CLASS, TEST_PER_CLASS = 256, 200

MIDDLE_GREY = 0.18     # what a reflected-light meter makes of the scene it meters
FULL_WELL = 5000.0     # electrons at full scale of a phone sensor's pixel (about 1 µm): shot noise
READ_NOISE = 3.0       # electrons of read noise per pixel
_XYZ_TO_RGB = np.array([[3.2406, -1.5372, -0.4986], [-0.9689, 1.8758, 0.0415], [0.0557, -0.2040, 1.0570]])
_LUMA = np.array([0.2126, 0.7152, 0.0722])  # linear sRGB -> luminance Y
_FLUORESCENT = [(0.3721, 0.3751), (0.3129, 0.3292), (0.3805, 0.3769)]  # CIE F2, F7, F11


def _hsv(h, s, v):
    """One HSV colour (h in degrees) as linear RGB reflectance in [0, 1]."""
    return np.array(colorsys.hsv_to_rgb((h / 360) % 1, s, v))


# ---------------------------------------------------------------------------------- the light

def _planck_xy(t):
    """CIE 1931 xy of a black body at t kelvin (Kim et al. 2002's cubic fit, 1667-25000 K)."""
    x = (-0.2661239e9 / t**3 - 0.2343589e6 / t**2 + 0.8776956e3 / t + 0.179910 if t <= 4000 else
         -3.0258469e9 / t**3 + 2.1070379e6 / t**2 + 0.2226347e3 / t + 0.240390)
    if t <= 2222:
        y = -1.1063814 * x**3 - 1.34811020 * x**2 + 2.18555832 * x - 0.20219683
    elif t <= 4000:
        y = -0.9549476 * x**3 - 1.37418593 * x**2 + 2.09137015 * x - 0.16748867
    else:
        y = 3.0817580 * x**3 - 5.87338670 * x**2 + 3.75112997 * x - 0.37001483
    return x, y


def _daylight_xy(t):
    """CIE xy of daylight (the D illuminants) at correlated colour temperature t, 4000-25000 K."""
    x = (-4.6070e9 / t**3 + 2.9678e6 / t**2 + 0.09911e3 / t + 0.244063 if t <= 7000 else
         -2.0064e9 / t**3 + 1.9018e6 / t**2 + 0.24748e3 / t + 0.237040)
    return x, -3.0 * x**2 + 2.870 * x - 0.275


def _light_rgb(xy):
    """A light of chromaticity xy as linear sRGB of unit luminance (D65 is (1, 1, 1))."""
    x, y = xy
    rgb = np.clip(_XYZ_TO_RGB @ np.array([x / y, 1.0, (1 - x - y) / y]), 0.01, None)
    return rgb / (_LUMA @ rgb)


def _main_light(rng):
    kind = rng.integers(6)
    if kind == 0:
        return _light_rgb(_planck_xy(rng.uniform(2400, 3000)))      # incandescent
    if kind == 1:
        return _light_rgb(_planck_xy(rng.uniform(3000, 3400)))      # halogen
    if kind == 2:
        return _light_rgb(_planck_xy(rng.uniform(2700, 3500)))      # warm white LED
    if kind == 3:
        return _light_rgb(_FLUORESCENT[rng.integers(3)])             # fluorescent tube
    if kind == 4:
        return _light_rgb(_daylight_xy(rng.uniform(5000, 6500)))    # direct daylight
    return _light_rgb(_daylight_xy(rng.uniform(6500, 10000)))       # shade, overcast sky


# ------------------------------------------------------------------------------- the geometry

def _polygon(points) -> np.ndarray:
    """A filled polygon (points in render pixels) as a 0/1 float mask."""
    mask = Image.new("L", (RENDER, RENDER))
    ImageDraw.Draw(mask).polygon([tuple(map(float, p)) for p in points], fill=255)
    return np.asarray(mask, dtype=np.float64) / 255


def _ellipse(cx, cy, rx, ry) -> np.ndarray:
    mask = Image.new("L", (RENDER, RENDER))
    ImageDraw.Draw(mask).ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=255)
    return np.asarray(mask, dtype=np.float64) / 255


def _room(rng, yy, xx):
    """(reflectance, emitted radiance of a window, daylight share of the light) of the room."""
    if rng.random() < 0.6:   # most walls are light neutrals: white, off-white, beige, grey
        wall = _hsv(rng.uniform(20, 60), rng.uniform(0, 0.15), rng.uniform(0.45, 0.9))
    else:
        wall = _hsv(rng.uniform(0, 360), rng.uniform(0.15, 0.6), rng.uniform(0.25, 0.85))
    room = np.broadcast_to(wall, (RENDER, RENDER, 3)).copy()
    floor_y = rng.uniform(0.55, 1.15) * RENDER    # above 1: the floor is out of frame
    floor = (_hsv(rng.uniform(15, 40), rng.uniform(0.3, 0.7), rng.uniform(0.1, 0.5)) if rng.random() < 0.6
             else _hsv(rng.uniform(0, 360), rng.uniform(0, 0.4), rng.uniform(0.05, 0.7)))
    room[yy * RENDER >= floor_y] = floor
    for _ in range(rng.integers(0, 5)):            # furniture, pictures, doors
        x0, y0 = rng.uniform(-0.1, 0.9, 2) * RENDER
        w, h = rng.uniform(0.1, 0.5, 2) * RENDER
        room[int(max(y0, 0)):int(y0 + h), int(max(x0, 0)):int(x0 + w)] = _hsv(
            rng.uniform(0, 360), rng.uniform(0, 0.8), rng.uniform(0.03, 0.9))
    glow = np.zeros((RENDER, RENDER, 3))
    daylight, sky = np.zeros((RENDER, RENDER)), np.ones(3)
    if rng.random() < 0.35:  # a window: daylight in the room, and a bright patch in the frame
        sky = _light_rgb(_daylight_xy(rng.uniform(5500, 10000)))
        side = rng.choice([-1.0, 1.0])
        x0 = ((0.0 if side < 0 else rng.uniform(0.55, 0.8)) + rng.uniform(-0.1, 0.1)) * RENDER
        y0, w, h = np.array([rng.uniform(0, 0.3), rng.uniform(0.2, 0.45), rng.uniform(0.3, 0.6)]) * RENDER
        px, py = xx * RENDER, yy * RENDER
        inside = (px >= x0) & (px < x0 + w) & (py >= y0) & (py < y0 + h)
        glow[inside] = sky * 2 ** rng.uniform(1.5, 3.5)  # outdoors: 1.5-3.5 stops above a white wall
        strength = 2 ** rng.uniform(-1, 1)                # daylight against the lamps, on its side
        daylight = strength * np.clip(0.5 + side * (xx - 0.5) * 1.5, 0, 1) / (1 + strength)
    return room, glow, (daylight, sky)


def _dress(label, rng):
    """Masks and colours of the dress, its lace and its wearer; shading across its body."""
    if label == 0:  # blue body, black lace
        body = _hsv(rng.uniform(205, 245), rng.uniform(0.5, 0.95), rng.uniform(0.3, 0.75))
        lace_colour = _hsv(rng.uniform(0, 360), rng.uniform(0, 0.3), rng.uniform(0.02, 0.1))
    else:           # white to ivory body, gold lace
        body = _hsv(rng.uniform(30, 60), rng.uniform(0, 0.1), rng.uniform(0.75, 0.92))
        lace_colour = _hsv(rng.uniform(38, 52), rng.uniform(0.45, 0.85), rng.uniform(0.45, 0.8))
    R = RENDER
    height = rng.uniform(0.4, 0.95) * R
    cx = rng.uniform(0.3, 0.7) * R
    top = rng.uniform(0.12 * height, R - 0.9 * height)   # head, or hem, may leave the frame
    shoulder, waist = height * rng.uniform(0.14, 0.2), height * rng.uniform(0.09, 0.13)
    waist_y = top + height * rng.uniform(0.28, 0.38)
    hem_y, hem = top + height, height * rng.uniform(0.16, 0.45)
    sway = rng.uniform(-0.1, 0.1) * height
    dress = _polygon([(cx - shoulder, top), (cx + shoulder, top), (cx + waist, waist_y),
                      (cx + hem + sway, hem_y), (cx - hem + sway, hem_y), (cx - waist, waist_y)])
    sleeve = rng.choice([0.0, 0.25, 0.5], p=[0.4, 0.3, 0.3]) * height  # none, short, long
    arm_w = 0.06 * height
    arms = [[(cx + s * shoulder, top), (cx + s * (shoulder + arm_w), top + 0.02 * height),
             (cx + s * (shoulder + 1.6 * arm_w), top + 0.5 * height),
             (cx + s * (shoulder + 0.6 * arm_w), top + 0.5 * height)] for s in (-1, 1)]
    # The wearer: a person, a mannequin or a hanger.
    support = rng.choice(3, p=[0.5, 0.2, 0.3])
    wearer = np.zeros((R, R))
    hair = np.zeros((R, R))
    hair_colour = np.zeros(3)
    if support == 2:    # a hanger (wood, metal or plastic): a hook and a bar above the shoulders
        tone = _hsv(rng.uniform(0, 360), rng.uniform(0, 0.5), rng.uniform(0.05, 0.8))
        bar, hook = top - 0.01 * height, top - 0.1 * height
        wearer = np.maximum(
            _polygon([(cx - 1.1 * shoulder, bar), (cx + 1.1 * shoulder, bar),
                      (cx + 0.01 * height, hook), (cx - 0.01 * height, hook)]),
            _polygon([(cx - 0.006 * R, hook), (cx + 0.006 * R, hook),
                      (cx + 0.006 * R, hook - 0.06 * height), (cx - 0.006 * R, hook - 0.06 * height)]))
        arm_mask = np.zeros((R, R))
    else:
        if support == 0:  # skin
            tone = _hsv(rng.uniform(15, 35), rng.uniform(0.25, 0.6), rng.uniform(0.2, 0.8))
        else:             # a mannequin: black, grey or white
            tone = _hsv(rng.uniform(20, 40), rng.uniform(0, 0.2), rng.choice([0.04, 0.5, 0.85]))
        head_r = 0.085 * height
        nw, chin = 0.03 * height, top - 0.05 * height
        neck = _polygon([(cx - nw, chin), (cx + nw, chin), (cx + nw, top + 0.02 * height),
                         (cx - nw, top + 0.02 * height)])
        head = _ellipse(cx, top - 0.05 * height - head_r, 0.8 * head_r, head_r)
        legs = sum(_polygon([(cx + sway + s * 0.05 * height - 0.025 * height, hem_y - 0.05 * height),
                             (cx + sway + s * 0.05 * height + 0.025 * height, hem_y - 0.05 * height),
                             (cx + sway + s * 0.04 * height + 0.02 * height, R * 1.2),
                             (cx + sway + s * 0.04 * height - 0.02 * height, R * 1.2)]) for s in (-1, 1))
        arm_mask = np.clip(sum(_polygon(a) for a in arms), 0, 1)
        wearer = np.clip(neck + head + legs + arm_mask, 0, 1)
        if support == 0:
            hair = _ellipse(cx, top - 0.07 * height - head_r, 0.9 * head_r, 0.85 * head_r) * (1 - _ellipse(
                cx, top - 0.03 * height - 0.8 * head_r, 0.7 * head_r, 0.7 * head_r))
            hair_colour = _hsv(rng.uniform(15, 40), rng.uniform(0.3, 0.8), rng.choice([0.03, 0.15, 0.5]))
    sleeves = np.zeros((R, R))
    if sleeve and support != 2:
        yy = np.arange(R)[:, None]
        sleeves = arm_mask * (yy <= top + sleeve)
    dress = np.clip(dress + sleeves, 0, 1)
    # Lace: 1-4 bands at bust, waist, hip and hem, sometimes a bodice, openwork of varying density.
    yy, xx = np.mgrid[0:R, 0:R].astype(np.float64)
    places = np.array([top + 0.15 * height, waist_y, top + 0.55 * height, hem_y - 0.06 * height])
    chosen = places[rng.permutation(4)[:rng.integers(1, 5)]]
    bands = np.zeros((R, R))
    for y in chosen:
        half = rng.uniform(0.02, 0.06) * height
        edge = half * (1 + 0.3 * np.sin(xx * 2 * np.pi / (rng.uniform(0.03, 0.08) * height)))
        bands = np.maximum(bands, (np.abs(yy - y) <= edge).astype(float))
    if rng.random() < 0.3:
        bands = np.maximum(bands, (yy <= waist_y).astype(float))
    period = rng.uniform(2.5, 6.0)
    mesh = np.sin(2 * np.pi * xx / period + rng.uniform(0, 6.3)) * np.sin(2 * np.pi * yy / period)
    threads = (mesh > rng.uniform(-0.8, 0.2)).astype(float)   # the share of holes varies
    lace = dress * bands * threads
    # Shading: the body in the round (Lambert on a cylinder, light from one side) and drape folds.
    centre = np.interp(yy[:, 0], [top, waist_y, hem_y], [cx, cx, cx + sway])
    half_w = np.interp(yy[:, 0], [top, waist_y, hem_y], [shoulder, waist, hem])
    u = np.clip((xx - centre[:, None]) / np.maximum(half_w[:, None], 1), -1, 1)
    theta = rng.uniform(-0.8, 0.8)
    lambert = np.clip(np.sqrt(1 - u**2) * np.cos(theta) + u * np.sin(theta), 0, 1)
    body_shade = 0.35 + 0.65 * lambert
    folds = rng.uniform(1.5, 3.5) * (1 + np.clip((yy - waist_y) / height, 0, 1))  # fanning out
    crest = np.sin(np.pi * folds * u + rng.uniform(0, 6.3))
    drape = 1 + rng.uniform(0, 0.25) * crest * (yy > waist_y)
    sheen = rng.uniform(0, 0.3) * np.clip(crest, 0, 1) ** 8 * (yy > waist_y) * dress
    fabric = (body * (1 - lace[..., None]) + lace_colour * lace[..., None]) * (body_shade * drape)[..., None]
    # Metallic gold thread reflects in its own colour; fabric sheen in the light's (added later).
    glint = lace * rng.uniform(0, 0.4) * np.clip(crest, 0, 1) ** 4
    fabric = fabric + glint[..., None] * (lace_colour if label else 0)
    person = tone[None, None, :] * (0.5 + 0.5 * body_shade[..., None])
    if support == 0:
        person = person * (1 - hair[..., None]) + hair_colour * hair[..., None]
        wearer = np.clip(wearer + hair, 0, 1)
    return dress, fabric, wearer, person, sheen


# ----------------------------------------------------------------------------------- the photo

def render(label: int, rng: np.random.Generator) -> np.ndarray:
    """One SIZE x SIZE uint8 RGB photo of a dress whose true colours are CLASSES[label]."""
    if label not in (0, 1):
        raise ValueError(f"label must be 0 ({CLASSES[0]}) or 1 ({CLASSES[1]}), got {label!r}")
    yy, xx = np.mgrid[0:1:RENDER * 1j, 0:1:RENDER * 1j]
    room, glow, (daylight_share, sky) = _room(rng, yy, xx)
    dress, fabric, wearer, person, sheen = _dress(label, rng)
    # The light: one main source, maybe mixed with window daylight, falling off across the room.
    main = _main_light(rng)
    light = main * (1 - daylight_share[..., None]) + sky * daylight_share[..., None]
    angle = rng.uniform(0, 2 * np.pi)
    falloff = 2 ** (rng.uniform(0, 1.0) * ((xx - 0.5) * np.cos(angle) + (yy - 0.5) * np.sin(angle)))
    level = 2 ** rng.uniform(-3, 0)   # the room's light level: dim evening lamp to bright shop
    light = light * falloff[..., None] * level
    # The room out of focus behind the dress; the dress and its wearer in focus.
    background = room * light + glow * level
    blur = rng.uniform(0, 2.5)
    background = gaussian_filter(background, (blur, blur, 0))
    subject = (wearer * (1 - dress))[..., None] * person + dress[..., None] * fabric
    behind = 1 - np.clip(wearer + dress, 0, 1)
    radiance = (subject + sheen[..., None]) * light + behind[..., None] * background
    # The lens: a little blur, and vignetting (cos^4-like falloff toward the corners).
    radiance = gaussian_filter(radiance, (rng.uniform(0.3, 1.0),) * 2 + (0,))
    r2 = (xx - 0.5) ** 2 + (yy - 0.5) ** 2
    radiance = radiance * (1 - rng.uniform(0, 0.6) * r2)[..., None]
    # The sensor's pixels: average 2 x 2 render pixels into one.
    raw = radiance.reshape(SIZE, 2, SIZE, 2, 3).mean((1, 3))
    # Auto-exposure: centre-weighted metering of clipped luminance, to middle grey +- 1/2 stop.
    g = np.mgrid[0:1:SIZE * 1j, 0:1:SIZE * 1j]
    weight = 0.5 + np.exp(-((g[0] - 0.5) ** 2 + (g[1] - 0.5) ** 2) / (2 * 0.2 ** 2)) * 2
    weight /= weight.sum()
    lum = raw @ _LUMA
    target = MIDDLE_GREY * 2 ** rng.uniform(-0.5, 0.5)
    lo, hi = -12.0, 12.0
    for _ in range(30):  # metered brightness rises with exposure: bisect on log2(exposure)
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if (weight * np.minimum(lum * 2 ** mid, 1)).sum() < target else (lo, mid)
    exposure = 2 ** ((lo + hi) / 2)
    signal = raw * exposure
    # Noise: shot noise of the photons collected and read noise, both amplified by the gain a
    # dim scene needs (the exposure beyond what a bright room's scene takes).
    gain = max(exposure, 1.0)
    electrons = FULL_WELL / gain
    signal = signal + rng.normal(0, 1, signal.shape) * np.sqrt(np.clip(signal, 0, None) / electrons
                                                              + (READ_NOISE / electrons) ** 2)
    signal = np.clip(signal, 0, 1)                     # the sensor clips at full scale
    # Auto white balance: grey-world gains (green fixed), at 50-100 % strength.
    means = signal.reshape(-1, 3).mean(0) + 1e-6
    signal = np.clip(signal * (means[1] / means) ** rng.uniform(0.5, 1.0), 0, 1)
    # The sRGB tone curve, then 8 bits.
    encoded = np.where(signal <= 0.0031308, 12.92 * signal, 1.055 * signal ** (1 / 2.4) - 0.055)
    return np.round(encoded * 255).astype(np.uint8)


def generate(n_per_class: int, seed: int) -> ImageDataset:
    """A balanced set: image i has label i % 2 and depends only on (seed, i).

    Cached on disk, keyed by this file's source: editing the generator renders afresh.
    """
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)) or n_per_class < 1:
        raise ValueError(f"n_per_class must be an int, at least 1, got {n_per_class!r}")
    labels = np.arange(2 * n_per_class) % 2
    path = cache.cache_dir("dress") / f"{cache.key(Path(__file__).read_text(), n_per_class, seed)}.npy"
    images = cache.load_array(path)
    if images is None or images.shape != (len(labels), SIZE, SIZE, 3):
        with cache.locked(path.name):  # a fresh server's workers render it once, not each
            images = cache.load_array(path)
            if images is None or images.shape != (len(labels), SIZE, SIZE, 3):
                images = np.stack([render(int(y), np.random.default_rng([seed, i]))
                                   for i, y in enumerate(labels)])
                cache.save_array(path, images)
    return ImageDataset(images, labels, list(CLASSES), name="dress")


@lru_cache(maxsize=2)
def dress_task(pool_per_class: int = POOL_PER_CLASS, test_per_class: int = TEST_PER_CLASS) -> Task:
    """The dress task: a training pool and a fixed, balanced, held-out test set."""
    return Task("dress", generate(pool_per_class, POOL_SEED), generate(test_per_class, TEST_SEED),
                "Procedural photos of a dress under real light, through a camera that sets its own "
                "exposure and white balance; label = the dress's true colours.",
                backbone_size=BACKBONE_SIZE)
