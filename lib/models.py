"""The models that are trained, and how their parameters are counted.

- `ScratchCNN`: a small convolutional network, every weight random at the start.
- `linear_head`: the only part trained in transfer; (D + 1) x C weights for D features, C classes.
"""
from torch import nn


class ScratchCNN(nn.Module):
    """Three conv blocks and a linear classifier, for 64 x 64 RGB images.

    Small on purpose: it has to train in about a second on a laptop CPU, and a bigger network
    learning from a few dozen images would only memorise them faster.
    """

    def __init__(self, num_classes: int = 2, width: int = 16):
        super().__init__()
        w = width
        self.features = nn.Sequential(
            nn.Conv2d(3, w, 3, stride=2, padding=1), nn.ReLU(), nn.MaxPool2d(2),      # 64 -> 16
            nn.Conv2d(w, 2 * w, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),            # 16 -> 8
            nn.Conv2d(2 * w, 4 * w, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),  # 8 -> 1
            nn.Flatten(),
        )
        self.classifier = nn.Sequential(nn.Dropout(0.25), nn.Linear(4 * w, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def linear_head(num_features: int, num_classes: int) -> nn.Linear:
    """The transfer head: one linear layer on frozen features."""
    return nn.Linear(num_features, num_classes)


def count_params(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of weights, summed from the live tensors (never typed in)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
