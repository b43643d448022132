"""Fine-tuning, the third way: unfreeze the top of a pretrained network and train it with a head.

As in the PyTorch transfer-learning tutorial and Yosinski et al. (2014): the stages after
`backbone.top_from` (for EfficientNet-Lite0 its last stage and its 1x1 head convolution) start
from the pretrained weights and are trained together with a new linear head; everything below
stays frozen. The network below never changes, so its output is computed once and cached
(lib.image.features.top_input): an epoch costs only the top.

Batch-norm statistics stay as pretrained (the top runs in eval mode): a batch of 4 photos is
too small to re-estimate them, the usual practice when fine-tuning on little data.
"""
import copy

from torch import nn

from lib.image.backbones import Backbone, _Pool


class FineTuned(nn.Module):
    def __init__(self, backbone: Backbone, num_classes: int):
        super().__init__()
        first = backbone.depth(backbone.top_from)
        self.top = copy.deepcopy(backbone.stages[first:])  # a copy: the shared backbone stays frozen
        for p in self.top.parameters():
            p.requires_grad_(True)
        self.pool = _Pool()
        self.head = nn.Linear(backbone.feature_dim, num_classes)

    def forward(self, maps):
        x = maps.float()
        for stage in self.top:
            x = stage(x)
        return self.head(self.pool(x))

    def train(self, mode: bool = True):
        super().train(mode)
        self.top.eval()  # pretrained batch-norm statistics, no drop-connect
        return self


def unfrozen_stages(backbone: Backbone) -> list:
    """The names of the stages fine-tuning trains."""
    return backbone.cuts[backbone.depth(backbone.top_from):]
