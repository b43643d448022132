"""The ways of learning an image task, each with its field's standard recipe:

- scratch:   a small CNN, every weight random at the start (Adam, early stopping when the
             labeled draw is big enough to hold a validation split);
- transfer:  a linear probe on pretrained frozen features, read after stage `cut`;
- finetune:  the network's top unfrozen and trained with a new head (lib.image.finetune);
- control:   the same probe after the same stage of the same architecture with random weights.

`cut="auto"` picks the stage by cross-validation on the labeled draw alone (never the test set).
"""
import time

import numpy as np
import torch
from torch import nn

from lib.image import features
from lib.image.backbones import Backbone, load_backbone
from lib.heads import head_formula
from lib.device import training_slot
from lib.image.finetune import FineTuned, unfrozen_stages
from lib.models import ScratchCNN, count_params
from lib.probe import fit_probe
from lib.runs import standardise, train_and_score
from lib.train import FINETUNE, TrainConfig

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


def image_runs(task, train_index, val_index, seed, backbone="efficientnet_lite0", control=False,
               cut=AUTO, finetune=True, progress=None, stop=None, epochs=None):
    """Run every way on one labeled draw; returns (runs, backbone description, notices).

    epochs=None trains each way by its recipe; epochs=E runs exactly E epochs (the probe: E
    iterations) and keeps the last weights, so the overfitting page can show what happens when
    nobody stops the training. The fourth value says where the head was cut, why (the
    cross-validation scores behind an "auto" choice), and what the backbone saw of each photo.
    """
    say = progress or (lambda *a: None)
    say("Loading the pretrained network", 0.05)
    bb = get_backbone(backbone, True, progress=lambda done, total: say(
        f"Downloading {backbone} weights ({done / 1e6:.0f} of {total / 1e6:.0f} MB), once", 0.05))
    if cut != AUTO:
        bb.check_cut(cut)
    feature_progress = lambda done, total: say(
        f"Running the photos through {bb.label} once ({done}/{total} photos)", 0.1 + 0.4 * done / total)
    labeled = np.concatenate([train_index, val_index])
    n_per_class = len(labeled) // len(task.classes)
    per_cut = features.all_cuts(bb, task.pool.images, task.backbone_size, feature_progress,
                                not task.private)
    chosen, cv = choose_cut({c: a[labeled] for c, a in per_cut.items()}, task.pool.labels[labeled],
                            n_per_class) if cut == AUTO else (cut, {})
    scratch_config = TrainConfig() if epochs is None else TrainConfig().fixed(epochs)
    runs = {}
    say("Training the small network from scratch", 0.5)
    runs["scratch"] = train_and_score(
        "scratch", f"From scratch: small CNN on {SCRATCH_SIZE} px photos",
        lambda: ScratchCNN(len(task.classes)), pixels(task.pool.images), task.pool.labels,
        train_index, val_index, pixels(task.test.images), task.test.labels, seed, stop=stop,
        config=scratch_config)
    say(f"Training the head on {bb.label}'s features after {chosen}", 0.65)
    runs["transfer"] = probe_run("transfer", bb, chosen, task, labeled, seed, epochs, stop, feature_progress)
    notes = []
    if finetune and n_per_class < FINETUNE_MIN_PER_CLASS:
        top = count_params(bb.stages[bb.depth(bb.top_from):])
        notes.append(f"Fine-tuning is left out at {n_per_class} labeled photo per class: it would "
                     f"train {top:,} weights of the network's top on {len(labeled)} photos, with nothing to "
                     f"learn from but those. Move the slider to {FINETUNE_MIN_PER_CLASS} or more.")
    elif finetune:
        say(f"Fine-tuning the top of {bb.label}", 0.7)
        runs["finetune"] = finetune_run(bb, task, labeled, seed,
                                        FINETUNE if epochs is None else FINETUNE.fixed(epochs), stop)
    if control:
        say("Training the control: the same head on random frozen weights", 0.9)
        rnd = get_backbone(bb.name, False)
        runs["control"] = probe_run("control", rnd, chosen, task, labeled, seed, epochs, stop)
    details = {"cut": chosen, "cut_scores": cv, "depth": bb.depth(chosen), "cuts": list(bb.cuts),
               "input": features.describe_input(bb, task.backbone_size), "notes": notes}
    return runs, bb.description, [bb.notice] if bb.notice else [], details
