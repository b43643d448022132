"""Real photos: ants vs bees, the data set of PyTorch's transfer-learning tutorial.

About 120 photos per class to learn from (`train/`) and 75 per class to test on (`val/`), of
every size, as found on the web. Ants and bees are both ImageNet classes: an ImageNet network
has seen such insects before, which the page says.

The zip (about 45 MB) is downloaded once into the cache through the same code as the network
weights (lib.downloads), and travels in the prefetch pack. Its checksum cannot be known in
advance here, so what arrives is checked by its structure instead (train/ and val/ folders of
ants and bees, enough photos that decode) and its sha256 is recorded beside it.
Photos are kept at PHOTO_SIZE px (the centre square): large enough for every backbone's own
resize and crop to 224 px.
"""
import io
import os
import threading
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from lib import cache, downloads
from lib.data.datasets import PHOTO_SIZE, ImageDataset, Task

URL = "https://download.pytorch.org/tutorial/hymenoptera_data.zip"
MIRROR_ENV = "TRANSFER_LAB_DATA_MIRROR"  # a folder URL holding hymenoptera_data.zip (tests, mirrors)
CLASSES = ["ants", "bees"]
MIN_PHOTOS = {"train": 60, "val": 30}  # per class; the real set has about 120 and 75
SIZE_MB = 45


def url() -> str:
    mirror = os.environ.get(MIRROR_ENV)
    return mirror.rstrip("/") + "/hymenoptera_data.zip" if mirror else URL


def zip_path() -> Path:
    return cache.cache_dir("data") / "hymenoptera_data.zip"


def checksum() -> str | None:
    """The sha256 recorded when the zip arrived, or None before that."""
    p = zip_path().with_suffix(".sha256")
    return p.read_text().strip() if p.exists() else None


def available() -> bool:
    return zip_path().exists()


def fetch(progress=None, timeout: float | None = None) -> Path:
    """The zip in the cache, downloading it first if needed. Raises downloads.Unavailable."""
    def check(tmp, sha):
        _check_structure(tmp)
        cache.save_text(zip_path().with_suffix(".sha256"), sha + "\n")

    return downloads.fetch(url(), zip_path(), f"the ants-and-bees photos ({SIZE_MB} MB)", check,
                           progress, timeout)


def _members(z: zipfile.ZipFile) -> dict:
    """{(split, class): [member names]} of the files under */{train,val}/{ants,bees}/."""
    out = {(s, c): [] for s in MIN_PHOTOS for c in CLASSES}
    for name in z.namelist():
        parts = name.rstrip("/").split("/")
        if len(parts) >= 3 and not name.endswith("/") and (parts[-3], parts[-2]) in out:
            out[parts[-3], parts[-2]].append(name)
    return out


def _check_structure(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            found = _members(z)
    except zipfile.BadZipFile as err:
        raise downloads.Unavailable(f"the file that arrived is not a zip ({err})") from err
    short = [f"{s}/{c} ({len(v)})" for (s, c), v in found.items() if len(v) < MIN_PHOTOS[s]]
    if short:
        raise downloads.Unavailable(f"the zip that arrived is not the ants-and-bees set: too few "
                                    f"photos in {', '.join(short)}")


def _decode(data: bytes) -> np.ndarray | None:
    """The centre square of a photo at PHOTO_SIZE px, or None if it is not a photo."""
    try:
        img = Image.open(io.BytesIO(data)).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    side = min(img.size)
    left, top = (img.width - side) // 2, (img.height - side) // 2
    img = img.crop((left, top, left + side, top + side)).resize((PHOTO_SIZE, PHOTO_SIZE), Image.BICUBIC)
    return np.asarray(img, dtype=np.uint8)


def _load_split(z: zipfile.ZipFile, members: dict, split: str) -> tuple:
    images, labels, skipped = [], [], []
    for label, c in enumerate(CLASSES):
        for name in sorted(members[split, c]):
            if (a := _decode(z.read(name))) is None:
                skipped.append(name.split("/", 1)[-1])
            else:
                images.append(a)
                labels.append(label)
    return ImageDataset(np.stack(images), np.array(labels), CLASSES, f"ants_bees_{split}"), skipped


_task: Task | None = None
_lock = threading.Lock()  # two sessions opening the page at once decode the photos once


def ants_bees_task(progress=None) -> Task:
    """The task: labeled examples from train/, scored on val/. Downloads once if needed."""
    global _task
    with _lock:
        return _task or _build(progress)


def _build(progress) -> Task:
    global _task
    if True:
        path = fetch(progress)
        with zipfile.ZipFile(path) as z:
            members = _members(z)
            pool, skipped = _load_split(z, members, "train")
            test, skipped_test = _load_split(z, members, "val")
        _task = Task("ants_bees", pool, test, "Real photos of ants and bees from the web "
                     "(the hymenoptera set of PyTorch's transfer-learning tutorial).")
        _task.skipped = skipped + skipped_test  # files in the zip that are not photos
    return _task
