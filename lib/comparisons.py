"""The two experiments on one labeled draw: `compare` (every way side by side) and `depth_profile`
(test accuracy of the frozen head after every stage of a backbone, pretrained against random
weights). `lib.sweeps.sweep` repeats `compare` over sizes and seeds; `lib.stored` keeps results;
`lib.experiments` gathers them all for callers.

A task is a name from lib.tasks.TASKS, a `Task`, or a dataset from `lib.data.load_images` /
`lib.data.load_texts` (then a stratified quarter is held out as its test set).
"""
import numpy as np
import pandas as pd

from lib import cache
from lib.device import training_slot
from lib.runs import Comparison, draw
from lib.tasks import resolve_options, resolve_task

def compare(task, n_per_class: int, seed: int = 0, progress=None, stop=None, run_way=None,
            **options) -> Comparison:
    """Learn the same `n_per_class` labeled examples per class every way, side by side.

    options for images: backbone="efficientnet_lite0" (or "resnet50", "resnet18",
    "mobilenet_v3_large"); cut="auto" (cross-validated on the labeled draw) or a stage name such
    as "stage4" (lib.image.backbones.cuts_of lists them); finetune=True (the third way); control=False
    (the same head on random frozen weights); epochs=None (each way's own budget, lib.train; an
    int: run exactly that many epochs, keep the last weights). For text, see lib.text.ways (zero_shot=True adds
    the no-label way where it can run).
    progress(message, fraction) is called as work proceeds; stop() -> True ends training early.
    Both kinds loop over their ways (lib.image.ways.ways_for, lib.text.ways.text_ways_for);
    `run_way(way, task, train_index, val_index, seed, options, progress, stop) -> Run` runs each
    (default: `run_here`; lib.stored passes one that keeps each way's result on disk).

    n_per_class=0, no labeled example: the comparison holds the zero-shot run alone (what the
    pretrained network knows before the first label: lib.image.zero_shot for photos,
    lib.text.zero_shot for texts), with empty train and validation indices. Where the network
    cannot name the task's classes (the dress; an upload whose class names match nothing) it
    raises ValueError saying why. It runs here, never through `run_way`.
    """
    t = resolve_task(task)
    options = resolve_options(t.kind, options)
    if not isinstance(n_per_class, (int, np.integer)) or isinstance(n_per_class, bool):
        raise TypeError(f"n_per_class must be an int, got {type(n_per_class).__name__}")
    n_per_class = int(n_per_class)
    if n_per_class < 0:
        raise ValueError(f"n_per_class must be 0 (no labels: the zero-shot way) or more, got {n_per_class}")
    if n_per_class == 0:
        return _zero_labels(t, seed, options, progress, stop)
    train_index, val_index = draw(t.pool.labels, n_per_class, seed)
    with cache.scope(t):  # an upload's derived data stays with it (lib.cache)
        if t.kind == "image":
            from lib.image import ways as image
            runs = _each_way(image.ways_for(options, n_per_class), t, train_index, val_index, seed,
                             options, progress, stop, run_way or run_here)
            return assemble(t, n_per_class, seed, runs, options)
        from lib.text import ways as text
        runs = _each_way(text.text_ways_for(t, options), t, train_index, val_index, seed, options,
                         progress, stop, run_way or run_here)
        backbone, notices = text.describe_text(t, runs, options)
        details = []
    return Comparison(t.name, n_per_class, seed, list(t.classes), runs, backbone, train_index,
                      val_index, t.test.labels, notices, dict(options), *details)


def _each_way(ways, t, train_index, val_index, seed, options, progress, stop, run_way) -> dict:
    """method -> Run for each way in turn; each way's progress is a slice of the whole."""
    runs = {}
    for i, way in enumerate(ways):
        say = progress and (lambda m, f, i=i: progress(m, (i + min(max(f, 0), 1)) / len(ways)))
        runs[way.method] = run_way(way, t, train_index, val_index, seed, options, say, stop)
    return runs


def _zero_labels(t, seed, options, progress=None, stop=None) -> Comparison:
    """compare(task, 0): the zero-shot way alone, on no labeled example (lib.runs.draw needs one)."""
    if t.kind == "image":
        from lib.image.ways import ZERO_SHOT_IMAGE as way
    else:
        from lib.text.ways import ZERO_SHOT as way
    none = np.zeros(0, dtype=np.int64)
    run = run_here(way, t, none, none, seed, options, progress, stop)
    details = {k: v for k, v in run.details.items() if k != "backbone"}
    return Comparison(t.name, 0, seed, list(t.classes), {run.method: run}, run.details.get("backbone", ""),
                      none, none, t.test.labels, list(run.notices), dict(options), details)


def assemble(task, n_per_class: int, seed: int, runs: dict, options: dict) -> Comparison:
    """An image task's Comparison from its ways' runs, however they were had (trained here, read
    from disk, or sent back by a worker): the draw is recomputed, the rest read off the runs. At
    n_per_class == 0 (the zero-shot run alone) nothing is drawn: empty train and validation indices."""
    from lib.image import ways as image
    t = resolve_task(task)
    options = resolve_options(t.kind, options)
    if int(n_per_class) == 0:  # zero labels: the zero-shot run alone, nothing drawn
        train_index = val_index = np.zeros(0, dtype=np.int64)
        details = {k: v for r in runs.values() for k, v in r.details.items()}
        backbone = details.pop("backbone", "")
        notices = list(dict.fromkeys(m for r in runs.values() for m in r.notices))
    else:
        train_index, val_index = draw(t.pool.labels, int(n_per_class), seed)
        backbone, notices, details = image.describe(t, runs, options, int(n_per_class))
    return Comparison(t.name, int(n_per_class), seed, list(t.classes), runs, backbone, train_index,
                      val_index, t.test.labels, notices, dict(options), details)


def _waiting(progress):
    return lambda: progress and progress("Waiting for another session's training to finish", 0.0)


def run_here(way, task, train_index, val_index, seed, options, progress=None, stop=None):
    """One way, trained in this process. One training at a time per process: torch's random
    generator is shared by all its threads, so this is what makes the same seed give the same
    numbers on a classroom server (lib.engine runs ways on Dask workers instead)."""
    with cache.scope(task), training_slot(_waiting(progress)):
        return way.run(task, train_index, val_index, seed, options, progress, stop)


DEPTH_SEEDS = range(5)  # seeds per point of a depth profile: enough for a band, fast enough to wait for


def depth_profile(task, n_per_class: int, seeds=DEPTH_SEEDS, backbone: str = "efficientnet_lite0",
                  control: bool = True, progress=None) -> pd.DataFrame:
    """Test accuracy of the frozen head (the linear probe) after every stage of `backbone` (a text
    task: after every layer of the sentence encoder, lib.text.depth).

    One row per stage x weights x seed: columns cut, depth, feature_dim, pretrained, seed,
    test_accuracy. `control=True` adds the same architecture with random frozen weights, which
    tells what pretraining adds at each depth. Every stage comes from one cached forward pass.
    """
    from lib.image import features
    from lib.image.ways import get_backbone, probe_run
    t = resolve_task(task)
    if t.kind == "text":  # the sentence encoder's layers (it has one network: `backbone` names it)
        from lib.text.depth import depth_profile as text_profile
        return text_profile(t, n_per_class, seeds, control=control, progress=progress)
    seeds = [int(s) for s in seeds]
    pre = get_backbone(backbone, True)  # offline, a downloadable network falls back to Lite0...
    nets = [pre] + ([get_backbone(pre.name, False)] if control else [])  # ...and so does its control
    rows, total, done = [], len(nets) * len(seeds) * len(nets[0].cuts), 0
    for bb in nets:
        for images in (t.pool.images, t.test.images):  # once per network, before the probes
            features.all_cuts(bb, images, t.backbone_size, persist=not t.private)
        for seed in seeds:
            train_index, val_index = draw(t.pool.labels, int(n_per_class), seed)
            labeled = np.concatenate([train_index, val_index])
            for cut in bb.cuts:
                r = probe_run("probe", bb, cut, t, labeled, seed)
                rows.append((cut, bb.depth(cut), bb.dim(cut),
                             bool(bb.pretrained_on), seed, r.test_accuracy))
                done += 1
                if progress:
                    progress(done, total)
    out = pd.DataFrame(rows, columns=["cut", "depth", "feature_dim", "pretrained", "seed", "test_accuracy"])
    out.attrs.update(backbone=nets[0].description, notices=[nets[0].notice] if nets[0].notice else [])
    return out
