"""The ways of learning an image task, each with its field's standard recipe:

- pixels:    the simplest model, a linear model on a 16 x 16 thumbnail of the photo
             (lib.image.pixels): the from-scratch floor any deep way has to beat;
- scratch:   a small CNN, every weight random at the start (Adam on every labeled photo for
             max(60 epochs, 300 steps), lib.train);
- transfer:  a linear probe on pretrained frozen features, read after stage `cut`;
- finetune:  the network's top unfrozen and trained with a new head (lib.image.finetune);
- control:   the same probe after the same stage of the same architecture with random weights.

`cut="auto"` picks the stage by cross-validation on the labeled draw alone (never the test set).
"""
import functools
import time

import numpy as np
import torch
from torch import nn

from lib.image import features, pixels as pixel_model
from lib.image.backbones import Backbone, load_backbone
from lib.heads import head_formula
from lib.device import training_slot
from lib.image.finetune import FineTuned, unfrozen_stages
from lib.models import ScratchCNN, count_params
from lib.probe import fit_probe
from lib.runs import standardise, train_and_score
from lib.train import FINETUNE, TrainConfig
from lib.way import Way

SCRATCH_SIZE = 64  # px per side the scratch CNN sees (it has to train in seconds on a laptop)
AUTO = "auto"
FINETUNE_MIN_PER_CLASS = 2
RETRY_S = 60.0      # how long a fallback backbone answers before the download is tried again
_loaded: dict = {}  # (name, pretrained) -> (Backbone, when loaded)


def get_backbone(name: str, pretrained: bool = True, progress=None) -> Backbone:
    """Load each backbone once per process: the networks are read-only, so sharing is safe.

    The first load holds the training slot: two sessions asking at once load it once, and its
    torch.manual_seed(0) cannot reseed another session's training halfway. A fallback (the
    download failed) is kept for RETRY_S only, so the real network is tried again once the
    network may be back, without a 3 s wait on every slider move while it is not.
    """
    bb, since = _loaded.get((name, pretrained), (None, 0.0))
    if bb is not None and (bb.notice is None or time.monotonic() - since < RETRY_S):
        return bb
    with training_slot():
        bb, since = _loaded.get((name, pretrained), (None, 0.0))
        if bb is None or (bb.notice is not None and time.monotonic() - since >= RETRY_S):
            bb = load_backbone(name, pretrained, progress)
            _loaded[name, pretrained] = (bb, time.monotonic())
    return bb


def pixels(images: np.ndarray, size: int = SCRATCH_SIZE) -> torch.Tensor:
    """uint8 (n, h, w, 3) -> float (n, 3, size, size) in [-1, 1], what the scratch CNN sees."""
    x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float() / 127.5 - 1
    if x.shape[-1] != size or x.shape[-2] != size:
        x = nn.functional.interpolate(x, size=(size, size), mode="bilinear", antialias=True,
                                      align_corners=False)
    return x


def choose_cut(per_cut: dict, labels: np.ndarray, n_per_class: int) -> tuple:
    """The cut with the best cross-validated probe accuracy on the labeled examples alone.

    Stratified k-fold, k = min(5, n_per_class), scikit-learn's logistic regression on
    standardised features; ties go to the deeper stage. With one example per class there is
    nothing to cross-validate, so the network's usual cut (its last stage) is kept.
    Returns (cut, {cut: mean CV accuracy}).
    """
    cuts = list(per_cut)
    if n_per_class < 2:
        return cuts[-1], {}
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    folds = StratifiedKFold(min(5, n_per_class), shuffle=True, random_state=0)
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=100))
    scores = {c: float(cross_val_score(probe, per_cut[c], labels, cv=folds).mean()) for c in cuts}
    best = max(scores.values())
    return [c for c in cuts if scores[c] >= best - 1e-12][-1], scores


def probe_run(method, bb, cut, task, labeled, seed, iterations=None, stop=None, progress=None):
    """A linear probe after stage `cut` of `bb`, trained on every labeled example."""
    size, keep = task.backbone_size, not task.private
    pool = features.at_cut(bb, task.pool.images, cut, size, progress, keep)
    test = features.at_cut(bb, task.test.images, cut, size, progress, keep)
    pool_z, test_z = standardise(pool[labeled], pool, test)[1:]  # training examples' statistics only
    k, d = len(task.classes), bb.dim(cut)
    where = "" if cut == bb.cuts[-1] else f" after {cut}"
    label = ("Transfer: " if bb.pretrained_on else "Control: random ") + bb.label + where + " + linear head"
    trainer = lambda x, y, t, stop: fit_probe(x, y, k, iterations, t, stop)
    return train_and_score(method, label, None, pool_z, task.pool.labels, labeled, labeled[:0],
                           test_z, task.test.labels, seed, frozen_params=bb.params_up_to(cut),
                           formula=head_formula(d, k), stop=stop, trainer=trainer)


def finetune_run(bb, task, labeled, seed, config=FINETUNE, stop=None, progress=None):
    size, keep = task.backbone_size, not task.private
    pool = torch.from_numpy(features.top_input(bb, task.pool.images, size, progress, keep))
    test = torch.from_numpy(features.top_input(bb, task.test.images, size, progress, keep))
    label = f"Fine-tuned: {bb.label}'s {' + '.join(unfrozen_stages(bb))} + new head"
    return train_and_score("finetune", label, lambda: FineTuned(bb, len(task.classes)), pool,
                           task.pool.labels, labeled, labeled[:0], test, task.test.labels, seed,
                           frozen_params=bb.params_up_to(bb.top_from), config=config, stop=stop)


def _backbone(options, say):
    name = options.get("backbone", "efficientnet_lite0")
    bb = get_backbone(name, True, progress=lambda done, total: say(
        f"Downloading {name} weights ({done / 1e6:.0f} of {total / 1e6:.0f} MB), once", 0.05))
    if options.get("cut", AUTO) != AUTO:
        bb.check_cut(options["cut"])
    return bb


def _where_to_cut(bb, task, labeled, options, say):
    """(cut, its cross-validation scores): the asked-for stage, or the one CV on the labeled
    examples picks (never the test set)."""
    if options.get("cut", AUTO) != AUTO:
        return options["cut"], {}
    feature_progress = lambda done, total: say(
        f"Running the photos through {bb.label} once ({done}/{total} photos)", 0.1 + 0.6 * done / total)
    per_cut = features.all_cuts(bb, task.pool.images, task.backbone_size, feature_progress,
                                not task.private)
    return choose_cut({c: a[labeled] for c, a in per_cut.items()}, task.pool.labels[labeled],
                      len(labeled) // len(task.classes))


class Pixels(Way):
    """The simplest model: the frozen head's linear probe on the photo's 16 x 16 pixels
    (lib.image.pixels), trained on every labeled photo, like the frozen head."""

    def run(self, task, train_index, val_index, seed, options, progress=None, stop=None):
        (progress or _quiet)("Training the linear model on the pixels", 0.1)
        return pixel_model.pixel_run(task, np.concatenate([train_index, val_index]), seed, stop,
                                    iterations=options.get("epochs"))


class Scratch(Way):
    """A small CNN on the photos, every weight random at the start (lib.train's default recipe)."""

    def run(self, task, train_index, val_index, seed, options, progress=None, stop=None):
        config = TrainConfig() if options.get("epochs") is None else TrainConfig().fixed(options["epochs"])
        (progress or _quiet)("Training the small network from scratch", 0.1)
        return train_and_score(
            "scratch", f"From scratch: small CNN on {SCRATCH_SIZE} px photos",
            lambda: ScratchCNN(len(task.classes)), pixels(task.pool.images), task.pool.labels,
            train_index, val_index, pixels(task.test.images), task.test.labels, seed, stop=stop,
            config=config)


class FrozenHead(Way):
    """A linear probe after a stage of a frozen network: pretrained (transfer) or random (control)."""

    def run(self, task, train_index, val_index, seed, options, progress=None, stop=None):
        say = progress or _quiet
        say("Loading the pretrained network", 0.05)
        pre = _backbone(options, say)
        labeled = np.concatenate([train_index, val_index])
        cut, scores = _where_to_cut(pre, task, labeled, options, say)
        bb = pre if self.method == "transfer" else get_backbone(pre.name, False)
        say(f"Training the head on {bb.label}'s features after {cut}", 0.8)
        run = probe_run(self.method, bb, cut, task, labeled, seed, options.get("epochs"), stop)
        run.details = {"cut": cut, "cut_scores": scores, "depth": pre.depth(cut), "cuts": list(pre.cuts),
                       "input": features.describe_input(pre, task.backbone_size),
                       "backbone": pre.description}
        run.notices = [bb.notice] if bb.notice else []
        return run


class FineTune(Way):
    """The pretrained network's top unfrozen and trained with a new head (lib.image.finetune)."""

    def run(self, task, train_index, val_index, seed, options, progress=None, stop=None):
        say = progress or _quiet
        say("Loading the pretrained network", 0.05)
        bb = _backbone(options, say)
        say(f"Fine-tuning the top of {bb.label}", 0.3)
        config = FINETUNE if options.get("epochs") is None else FINETUNE.fixed(options["epochs"])
        run = finetune_run(bb, task, np.concatenate([train_index, val_index]), seed, config, stop,
                           progress=lambda done, total: say(
                               f"Running the photos through {bb.label} once ({done}/{total})",
                               0.05 + 0.25 * done / total))
        run.notices = [bb.notice] if bb.notice else []
        return run


def _quiet(*_):
    pass


PIXELS = Pixels(pixel_model.METHOD, "image", ("epochs",))
SCRATCH = Scratch("scratch", "image", ("epochs",))
TRANSFER = FrozenHead("transfer", "image", ("backbone", "cut", "epochs"))
FINETUNED = FineTune("finetune", "image", ("backbone", "epochs"))
CONTROL = FrozenHead("control", "image", ("backbone", "cut", "epochs"))


class ZeroShot(Way):
    """No labels: the backbone's own ImageNet classifier, restricted to the task's classes
    (lib.image.zero_shot): 0 trained weights. Runs at 0 labeled examples per class only."""

    def run(self, task, train_index, val_index, seed, options, progress=None, stop=None):
        from lib.image import zero_shot
        zero_shot.imagenet_indices(task.classes)  # refuses first: nothing is loaded for the dress
        say = progress or _quiet
        say("Loading the pretrained network", 0.05)
        bb = get_backbone(options.get("backbone", "efficientnet_lite0"), True)
        return zero_shot.zero_shot_run(bb, task, self.method, say)


ZERO_SHOT_IMAGE = ZeroShot("zero_shot", "image", ("backbone",))
# every image way a Dask worker can run by its method name (lib.engine); zero_shot runs only
# at 0 labeled examples per class (lib.comparisons.compare(task, 0)), never in ways_for's cards
WAYS = {w.method: w for w in (PIXELS, SCRATCH, TRANSFER, FINETUNED, CONTROL, ZERO_SHOT_IMAGE)}


def zero_shot_refusal(classes) -> str | None:
    """None when the zero-shot way can run on a task with these class names (each names ImageNet
    classes: ants and bees), else why not, in one line (the dress: "blue/black" is none)."""
    return _refusal(tuple(str(c) for c in classes))


@functools.lru_cache(maxsize=256)
def _refusal(classes: tuple) -> str | None:
    # Matching names against ImageNet's 1,000 took 15 ms of every page run (benchmarks/stored_move.py).
    from lib.image.zero_shot import imagenet_indices
    try:
        imagenet_indices(classes)
    except ValueError as err:
        return str(err)
    return None


def ways_for(options: dict, n_per_class: int) -> list:
    """The ways a comparison with these options shows, in the order of its cards: simplest
    first (the pixel model is the floor the deep ways are read against), left to right."""
    out = [PIXELS, SCRATCH, TRANSFER]
    if options.get("finetune", True) and n_per_class >= FINETUNE_MIN_PER_CLASS:
        out.append(FINETUNED)
    if options.get("control"):
        out.append(CONTROL)
    return out


def describe(task, runs: dict, options: dict, n_per_class: int):
    """(backbone in words, notices, details) of a comparison, read off its runs: where the head
    was cut and why, what the backbone saw, and why a way was left out."""
    details = dict(runs["transfer"].details)
    notes = []
    if options.get("finetune", True) and n_per_class < FINETUNE_MIN_PER_CLASS:
        bb = get_backbone(options.get("backbone", "efficientnet_lite0"), True)
        top = count_params(bb.stages[bb.depth(bb.top_from):])
        labeled = n_per_class * len(task.classes)
        notes.append(f"Fine-tuning is left out at {n_per_class} labeled photo per class: it would "
                     f"train {top:,} weights of the network's top on {labeled} photos, with nothing to "
                     f"learn from but those. Move the slider to {FINETUNE_MIN_PER_CLASS} or more.")
    details["notes"] = notes
    notices = [m for r in runs.values() for m in r.notices]
    return details.pop("backbone"), list(dict.fromkeys(notices)), details
