"""The ways of learning an image task: a CNN from scratch, a head on pretrained frozen features,
and the control, the same head on the same architecture with random frozen weights.
"""
import numpy as np
import torch

from . import backbones
from .device import training_slot
from .counts import head_formula
from .models import ScratchCNN, linear_head
from .runs import standardise, train_and_score
from .train import TrainConfig

_loaded: dict = {}


def get_backbone(name: str, pretrained: bool = True, progress=None) -> backbones.Backbone:
    """Load each backbone once per process: the networks are read-only, so sharing is safe.

    The first load holds the training slot: two sessions asking at once load it once, and its
    torch.manual_seed(0) cannot reseed another session's training halfway.
    """
    if (name, pretrained) not in _loaded:
        with training_slot():
            if (name, pretrained) not in _loaded:
                _loaded[name, pretrained] = backbones.load_backbone(name, pretrained, progress)
    return _loaded[name, pretrained]


def pixels(images: np.ndarray) -> torch.Tensor:
    """uint8 (n, h, w, 3) -> float (n, 3, h, w) in [-1, 1], what the scratch CNN sees."""
    return torch.from_numpy(images).permute(0, 3, 1, 2).float() / 127.5 - 1


def head_run(method, backbone, task, train_index, val_index, seed, progress=None, stop=None,
             config=TrainConfig()):
    """Train a linear head on `backbone`'s cached features of the task's images."""
    pool = backbones.features(backbone, task.pool.images, progress)
    test = backbones.features(backbone, task.test.images, progress)
    # z-scored with the training examples' statistics only
    pool_z, test_z = standardise(pool[train_index], pool, test)[1:]
    k = len(task.classes)
    label = ("Transfer: " if backbone.pretrained_on else "Control: ") + backbone.label + " + linear head"
    return train_and_score(method, label, lambda: linear_head(backbone.feature_dim, k), pool_z,
                           task.pool.labels, train_index, val_index, test_z, task.test.labels,
                           seed, frozen_params=backbone.total_params,
                           formula=head_formula(backbone.feature_dim, k), stop=stop, config=config)


def image_runs(task, train_index, val_index, seed, backbone="efficientnet_lite0", control=False,
                progress=None, stop=None, epochs=None):
    """Run every way on one labeled draw; returns (runs, backbone description, notices).

    epochs=None trains with early stopping; epochs=E runs exactly E epochs and keeps the last
    weights, so the overfitting page can show what happens when nobody stops the training.
    """
    config = TrainConfig() if epochs is None else TrainConfig(max_epochs=int(epochs), patience=None)
    say = progress or (lambda *a: None)
    say("Loading the pretrained backbone", 0.05)
    bb = get_backbone(backbone, True, progress=lambda done, total: say(
        f"Downloading {backbone} weights ({done / 1e6:.0f} of {total / 1e6:.0f} MB), once", 0.05))
    feature_progress = lambda done, total: say(f"Computing {bb.label} features once "
                                               f"({done}/{total} images)", 0.1 + 0.5 * done / total)
    runs = {}
    say("Training the small CNN from scratch", 0.1)
    runs["scratch"] = train_and_score(
        "scratch", "From scratch: small CNN", lambda: ScratchCNN(len(task.classes)), pixels(task.pool.images),
        task.pool.labels, train_index, val_index, pixels(task.test.images), task.test.labels,
        seed, stop=stop, config=config)
    say(f"Training the head on {bb.label} features", 0.6)
    runs["transfer"] = head_run("transfer", bb, task, train_index, val_index, seed, feature_progress, stop,
                                config)
    if control:
        say("Training the control: the same head on random frozen weights", 0.8)
        rnd = get_backbone(bb.name, False)
        runs["control"] = head_run("control", rnd, task, train_index, val_index, seed, None, stop, config)
    return runs, bb.description, [bb.notice] if bb.notice else []
