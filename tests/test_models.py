"""Parameter counting and the head formula, against real torchvision models."""
import torch
import torchvision

from lib.heads import head_formula
from lib.models import ScratchCNN, count_params, linear_head


def test_resnet50_with_two_class_head_trains_exactly_4098_weights():
    net = torchvision.models.resnet50(weights=None)
    for p in net.parameters():
        p.requires_grad_(False)
    net.fc = linear_head(2048, 2)
    assert count_params(net, trainable_only=True) == (2048 + 1) * (1 + 1) == 4098
    assert count_params(net) == 25_557_032 - 2048 * 1000 - 1000 + 4098
    assert head_formula(2048, 2) == "(2,048 + 1) × 2 = 4,098"


def test_count_equals_sum_of_numel():
    net = ScratchCNN(3)
    assert count_params(net) == sum(p.numel() for p in net.parameters())
    net.features.requires_grad_(False)
    assert count_params(net, trainable_only=True) == sum(p.numel() for p in net.classifier.parameters())


def test_scratch_cnn_maps_64px_images_to_class_logits():
    assert ScratchCNN(4)(torch.zeros(5, 3, 64, 64)).shape == (5, 4)
