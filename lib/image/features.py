"""What a frozen backbone makes of a set of images: features after every stage, from one pass.

- Each stage's output is **averaged over space** (one number per channel), the pooling every
  one of these networks itself applies before its classifier; so a head after stage k sees as
  many features as stage k has channels.
- The spatial activations at `backbone.top_from` are kept too: fine-tuning trains the stages
  above that point on them, so an epoch costs only the top of the network.
- Images go in as the weights expect (their own resize and centre crop, then normalisation), or
  resized whole to `size` px when a task says so (the dress photos are only 64 px).
- Everything is cached in memory and on disk, per cut, keyed by the backbone, its weights, the
  input transform, this code and the images' content: a slider move never recomputes features,
  and changed images, weights or code never reuse stale ones.
"""
import threading
import time
from pathlib import Path

import numpy as np
import torch
from torchvision.transforms.v2 import functional as TF

from lib import cache
from lib.device import limited_threads

CODE = cache.code_of(*(Path(__file__).parent / f for f in ("features.py", "backbones.py")))
_locks: dict = {}   # key -> lock: one computation of the same features at a time
_memory: dict = {}  # key -> {cut: array}; a private (uploaded) set lives only here


def forget(images: np.ndarray) -> None:
    """Drop every backbone's features of `images` from memory (a session let its upload go)."""
    mark = cache.fingerprint(images)
    for k in [k for k, v in _memory.items() if v.get("images") == mark]:
        _memory.pop(k, None)


def describe_input(backbone, size: int | None = None) -> str:
    """In words, what the backbone sees of each photo."""
    if size:
        return f"each photo resized to {size} × {size} px"
    return (f"each photo's shorter side resized to {backbone.resize} px, then its centre "
            f"{backbone.crop} × {backbone.crop} px (the weights' own evaluation transform)")


def prepare(images: np.ndarray, backbone, size: int | None = None) -> torch.Tensor:
    """uint8 (n, h, w, 3) -> the normalised float (n, 3, s, s) the backbone expects."""
    x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float() / 255
    if size:
        x = TF.resize(x, [size, size], antialias=True)
    else:
        x = TF.center_crop(TF.resize(x, backbone.resize, antialias=True), backbone.crop)
    return TF.normalize(x, list(backbone.mean), list(backbone.std))


_marks: dict = {}  # id(images) -> (images, fingerprint) for the named tasks' arrays, which live on


def _fingerprint(images, persist) -> str:
    """Each dataset's fingerprint once: hashing a 6 MB array on every probe cost ~190 hashes per
    depth profile. Only arrays that live as long as the process are remembered (never an upload)."""
    if not persist or cache.private_store() is not None:
        return cache.fingerprint(images)
    found = _marks.get(id(images))
    if found is None or found[0] is not images:
        found = _marks[id(images)] = (images, cache.fingerprint(images))
    return found[1]


def _key(backbone, images, size, persist=True) -> str:
    transform = (size,) if size else (backbone.resize, backbone.crop)
    return cache.key(backbone.name, backbone.weights, transform, backbone.mean, backbone.std,
                     CODE, _fingerprint(images, persist))


def at_cut(backbone, images: np.ndarray, cut: str, size: int | None = None, progress=None,
           persist: bool = True) -> np.ndarray:
    """(n, channels of `cut`) float32: the pooled features after stage `cut`."""
    backbone.check_cut(cut)
    return _cached(backbone, images, size, progress, persist)[cut]


def all_cuts(backbone, images, size=None, progress=None, persist=True) -> dict:
    """{cut: (n, D_cut)} for every cut of the backbone."""
    return {c: _cached(backbone, images, size, progress, persist)[c] for c in backbone.cuts}


def top_input(backbone, images, size=None, progress=None, persist=True) -> np.ndarray:
    """(n, C, h, w) float16: the activations fine-tuning starts from (after `top_from`)."""
    return _cached(backbone, images, size, progress, persist)["maps"]


def _cached(backbone, images, size, progress, persist) -> dict:
    k = _key(backbone, images, size, persist)
    if k in _memory:
        return _memory[k]
    with _locks.setdefault(k, threading.Lock()):
        return _cached_locked(k, backbone, images, size, progress, persist)


PART = 64  # images per shared part: a multiple of the batch, so the batches are the same ones


def _cached_locked(k, backbone, images, size, progress, persist) -> dict:
    memory = cache.private_store()  # inside lib.cache.scope of an upload: its own store, no disk
    memory, persist = (_memory, persist) if memory is None else (memory, False)
    if k in memory:
        return memory[k]
    names = [*backbone.cuts, "maps"]
    folder = cache.cache_dir("features")
    paths = {name: folder / f"{k}-{name}.npy" for name in names}
    found = {name: cache.load_array(p) for name, p in paths.items()} if persist else {}
    if len(found) < len(names) or any(a is None or len(a) != len(images) for a in found.values()):
        found = _shared(k, backbone, images, size, progress) if persist else \
            _compute(backbone, images, size, progress)
        if persist:
            for name in names:
                cache.save_array(paths[name], found[name])
    found["images"] = _fingerprint(images, persist)
    memory[k] = found
    return found


def _shared(k, backbone, images, size, progress) -> dict:
    """The features of `images` computed in parts of PART images, each part by whichever worker
    takes it first (a lock per part, never waited on while another part is free): the workers of
    a fresh server that all need the photos' features share the work instead of queueing for it.
    Batches are the same as in one pass, so the numbers are too."""
    folder, starts, parts = cache.cache_dir("features"), range(0, len(images), PART), {}
    while len(parts) < len(starts):
        for start in (s for s in starts if s not in parts):
            path = folder / f"{k}-part{start}.npz"
            got = _load_part(path)
            if got is None:
                with cache.locked(path.name, wait=False) as mine:
                    if not mine:
                        continue  # another worker is computing it: take the next one
                    got = _load_part(path) or _save_part(path, _compute(backbone, images[start:start + PART], size, None))
            parts[start] = got
            if progress:
                progress(min(len(parts) * PART, len(images)), len(images))
        if len(parts) < len(starts):
            time.sleep(0.05)  # the rest is being computed elsewhere
    return {name: np.concatenate([parts[s][name] for s in starts]) for name in parts[starts[0]]}


def _load_part(path) -> dict | None:
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            return {name: z[name] for name in z.files}
    except Exception:
        path.unlink(missing_ok=True)
        return None


def _save_part(path, part: dict) -> dict:
    def write(tmp):
        with open(tmp, "wb") as f:
            np.savez(f, **part)
    cache.replace_atomically(path, write)
    return part


@torch.no_grad()
def _compute(backbone, images, size, progress, batch_size: int = 32) -> dict:
    pooled, maps = {c: [] for c in backbone.cuts}, []
    with limited_threads():
        for i in range(0, len(images), batch_size):
            x = prepare(images[i:i + batch_size], backbone, size)
            for cut, stage in zip(backbone.cuts, backbone.stages):
                x = stage(x)
                pooled[cut].append((x.mean(dim=(2, 3)) if x.ndim == 4 else x).numpy())
                if cut == backbone.top_from:
                    maps.append(x.half().numpy())
            if progress:
                progress(min(i + batch_size, len(images)), len(images))
    out = {c: np.concatenate(v).astype(np.float32) if v else np.zeros((0, d), np.float32)
           for (c, v), d in zip(pooled.items(), backbone.dims)}
    # C order, as np.load gives it back: the network's own output is channels-last, and a
    # fine-tuned top fed those strides picks other kernels, whose sums differ in the last bit
    # from the same activations read from disk (a worker's numbers then differed from this one's).
    out["maps"] = np.ascontiguousarray(np.concatenate(maps)) if maps else np.zeros((0,), np.float16)
    return out
