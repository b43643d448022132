"""Real architectures, built without weights, to count their parameters live.

The torchvision networks and EfficientNet-Lite0 are built on PyTorch's "meta" device: every
tensor has its true shape but no memory and no values, so even VGG-16's 138 million weights
are counted in a blink, and nothing is downloaded.

For transfer, each network is cut below its last linear layer (the ImageNet classifier): what
is left is frozen, and a new head of (D + 1) x C weights is trained on its D features.
"""
import pandas as pd
import torch
from torch import nn

from lib.heads import head_weights
from lib.models import ScratchCNN, count_params

# name -> label; torchvision builder names, plus this app's two networks
ARCHITECTURES = {
    "alexnet": "AlexNet (2012)",
    "vgg16": "VGG-16 (2014)",
    "resnet50": "ResNet-50 (2015)",
    "resnet18": "ResNet-18 (2015)",
    "mobilenet_v3_large": "MobileNetV3-Large (2019)",
    "efficientnet_lite0": "EfficientNet-Lite0 (this app’s backbone)",
    "scratch_cnn": "Scratch CNN (this app)",
}


def build(name: str, num_classes: int = 1000, device: str = "meta") -> nn.Module:
    """The architecture with its original classifier (ImageNet's 1,000 classes), untrained."""
    if name not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {name!r}; choose one of {', '.join(ARCHITECTURES)}")
    with torch.device(device):
        if name == "scratch_cnn":
            return ScratchCNN(num_classes)
        if name == "efficientnet_lite0":
            from efficientnet_lite_pytorch import EfficientNet
            return EfficientNet.from_name("efficientnet-lite0", num_classes=num_classes)
        import torchvision
        return torchvision.models.get_model(name, weights=None, num_classes=num_classes)


def last_linear(model: nn.Module) -> nn.Linear:
    """The final classifier layer: where transfer cuts the network."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError(f"{type(model).__name__} has no linear layer to replace")
    return linears[-1]


def census(num_classes: int = 2) -> pd.DataFrame:
    """Per architecture: total weights, and the transfer split for a `num_classes` head.

    Columns name, model, total, features (D), frozen, head. The scratch CNN is counted as built
    for `num_classes` and trained whole (frozen 0, head = total); the others as ImageNet models.
    """
    rows = []
    for name, label in ARCHITECTURES.items():
        if name == "scratch_cnn":
            total = count_params(build(name, num_classes))
            rows.append((name, label, total, None, 0, total))
            continue
        model = build(name)
        cut = last_linear(model)
        total = count_params(model)
        rows.append((name, label, total, cut.in_features, total - count_params(cut),
                     head_weights(cut.in_features, num_classes)))
    frame = pd.DataFrame(rows, columns=["name", "model", "total", "features", "frozen", "head"])
    return frame.astype({"features": "Int64"})
