"""One key policy for every cache: the same work has one key however it was asked for, and
anything that can change a number (options, code, device, weights, input transform) is in it."""
from types import SimpleNamespace

import numpy as np
import pytest

from lib.image import features

from lib import stored, sweeps, versions
from lib.image.ways import TRANSFER
from lib.tasks import resolve_options


def test_options_are_keyed_as_compare_resolves_them():
    spelled = [{}, {"cut": "auto"}, {"backbone": "efficientnet_lite0", "finetune": True},
               {"control": False, "epochs": None}]
    keys = {stored.run_path(TRANSFER, "dress", 8, 0, resolve_options("image", o)) for o in spelled}
    assert len(keys) == 1
    other = stored.run_path(TRANSFER, "dress", 8, 0, resolve_options("image", {"cut": "stage4"}))
    assert other not in keys


def test_a_wrong_cut_is_refused_before_any_work():
    with pytest.raises(ValueError, match="cut after one of: auto, layer1, layer2, layer3, layer4"):
        resolve_options("image", {"backbone": "resnet50", "cut": "stage4"})


def test_the_device_is_part_of_every_stored_key(monkeypatch):
    cpu = stored.run_path(TRANSFER, "dress", 8, 0, {}), sweeps.cell_path("dress", 8, 0, {}, "v")
    monkeypatch.setattr(versions, "computed_on", lambda: "cuda")
    gpu = stored.run_path(TRANSFER, "dress", 8, 0, {}), sweeps.cell_path("dress", 8, 0, {}, "v")
    assert cpu[0] != gpu[0] and cpu[1] != gpu[1]


def test_the_code_that_counts_weights_is_part_of_the_code_version():
    hashed = {str(p.relative_to(versions.ROOT)) for p in versions.engine_files()}
    assert "lib/heads.py" in hashed and "lib/models.py" in hashed  # the head formula is in every result
    assert not any(p.startswith("ui/") for p in hashed)              # the app only draws


def test_feature_keys_hold_weights_transform_and_extracting_code(monkeypatch):
    images = np.zeros((2, 8, 8, 3), np.uint8)
    bb = SimpleNamespace(name="efficientnet_lite0", weights="w", mean=(0.5,) * 3, std=(0.5,) * 3,
                         resize=256, crop=224)
    base = features._key(bb, images, None)
    assert features._key(bb, images, 128) != base                      # another input size
    assert features._key(SimpleNamespace(**{**vars(bb), "weights": "x"}), images, None) != base
    monkeypatch.setattr(features, "CODE", "changed")
    assert features._key(bb, images, None) != base                     # other extraction code


def test_the_code_that_counts_weights_for_the_parameters_page_is_hashed_too():
    hashed = {str(p.relative_to(versions.ROOT)) for p in versions.engine_files()}
    assert "lib/counts.py" in hashed  # sweeps store its formula beside their numbers


def test_word_vectors_and_sentence_embeddings_are_keyed_by_the_code_that_makes_them(monkeypatch, tmp_path):
    from lib import cache
    from lib.text import encoders, skipgram
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    trained, encoded = [], []
    monkeypatch.setattr(skipgram, "train", lambda texts, config, seed, progress: trained.append(1)
                        or skipgram.WordVectors(["good"], np.ones((1, 2), np.float32)))
    fake = SimpleNamespace(encode=lambda texts, **kw: encoded.append(1) or np.ones((len(texts), 3)),
                           get_sentence_embedding_dimension=lambda: 3)
    monkeypatch.setattr(encoders, "load", lambda: fake)
    texts = ["a good film", "a bad film"]
    for _ in range(2):
        skipgram.pretrained(texts)
        encoders.embed(texts)
    assert len(trained) == 1 and len(encoded) == 1   # the second time: from the cache
    monkeypatch.setattr(skipgram, "CODE", "edited")   # as a changed line of either file would
    monkeypatch.setattr(encoders, "CODE", "edited")
    skipgram.pretrained(texts)
    encoders.embed(texts)
    assert len(trained) == 2 and len(encoded) == 2   # edited code never reads the old ones
