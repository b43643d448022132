"""Parameter counts of the real architectures, built without weights on the meta device."""
import pytest
import torch
import torchvision

from lib.models import ScratchCNN
from lib.zoo import ARCHITECTURES, build, census, last_linear


def _numel(model):
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("name", ["alexnet", "vgg16", "resnet18", "resnet50", "mobilenet_v3_large"])
def test_counts_equal_numel_of_real_torchvision_models(name):
    real = torchvision.models.get_model(name, weights=None)  # on the CPU, with real tensors
    row = census().set_index("name").loc[name]
    assert row.total == _numel(real)
    assert row.frozen == _numel(real) - _numel(last_linear(real))
    assert row.features == last_linear(real).in_features


def test_app_models_and_the_articles_head():
    from efficientnet_lite_pytorch import EfficientNet
    c = census(num_classes=2).set_index("name")
    assert c.loc["efficientnet_lite0", "total"] == _numel(EfficientNet.from_name("efficientnet-lite0"))
    assert c.loc["scratch_cnn", "total"] == c.loc["scratch_cnn", "head"] == _numel(ScratchCNN(2))
    assert c.loc["resnet50", "head"] == (2048 + 1) * 2 == 4098
    assert census(num_classes=5).set_index("name").loc["resnet18", "head"] == 513 * 5


def test_build_uses_no_memory_and_rejects_unknown_names():
    assert all(p.is_meta for p in build("vgg16").parameters())
    assert set(census().name) == set(ARCHITECTURES)
    with pytest.raises(ValueError, match="unknown architecture 'lenet'"):
        build("lenet")
    with pytest.raises(ValueError, match="no linear layer"):
        last_linear(torch.nn.Conv2d(1, 1, 1))
