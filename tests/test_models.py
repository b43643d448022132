"""Parameter counting, against numbers counted by hand and torchvision's own published counts."""
import torch
import torchvision

from lib.models import ScratchCNN, count_params, linear_head


def test_the_scratch_cnn_has_the_weights_counted_by_hand():
    # conv 3->16 (3x3) + bias, conv 16->32, conv 32->64, linear 64->2: weights and biases, by hand
    by_hand = (27 * 16 + 16) + (144 * 32 + 32) + (288 * 64 + 64) + (64 * 2 + 2)
    assert by_hand == 23_714
    net = ScratchCNN(2)
    assert count_params(net) == by_hand
    net.features.requires_grad_(False)  # frozen weights are counted, but not as trainable
    assert count_params(net, trainable_only=True) == 64 * 2 + 2
    assert count_params(net) == by_hand


def test_torchvisions_networks_have_their_published_counts():
    # torchvision's model docs: ResNet-18 11,689,512 parameters, ResNet-50 25,557,032
    assert count_params(torchvision.models.resnet18(weights=None)) == 11_689_512
    net = torchvision.models.resnet50(weights=None)
    assert count_params(net) == 25_557_032
    net.requires_grad_(False)
    net.fc = linear_head(2048, 2)  # a new two-class head: the only part that trains
    assert count_params(net, trainable_only=True) == 2049 * 2
    assert count_params(net) == 25_557_032 - 2049 * 1000 + 2049 * 2


def test_scratch_cnn_maps_64px_images_to_class_logits():
    assert ScratchCNN(4)(torch.zeros(5, 3, 64, 64)).shape == (5, 4)
