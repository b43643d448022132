"""Every test runs with its own cache folder and with the network declared off."""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # AppTest.from_file and the app resolve paths from the repository root


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """A fresh cache per test session, shared by its tests (features computed once)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TRANSFER_LAB_CACHE", str(tmp_path_factory.mktemp("cache")))
    mp.setenv("TRANSFER_LAB_OFFLINE", "1")
    mp.setenv("HF_HUB_OFFLINE", "1")
    mp.setenv("TRANSFER_LAB_WARMUP", "0")  # no background loading racing the tests' own patches
    mp.setenv("TRANSFER_LAB_WORKERS", "0")  # ways train in this process, where tests can patch them
    yield
    mp.undo()


def toy_images(n_per_class: int, seed: int):
    """Tiny noisy images where class 1 is brighter: fast to train on, not trivial at 1 example."""
    import numpy as np
    from lib.data.datasets import ImageDataset
    rng = np.random.default_rng(seed)
    labels = np.arange(2 * n_per_class) % 2
    images = rng.integers(0, 200, (len(labels), 16, 16, 3)) + 40 * labels[:, None, None, None]
    return ImageDataset(images.astype(np.uint8), labels, ["dark", "bright"], name="toy")


@pytest.fixture(scope="module")
def toy_task():
    from lib.data.datasets import Task
    return Task("toy", toy_images(8, 0), toy_images(10, 1))


@pytest.fixture(scope="module")
def insects():
    """Six random 48 px photos of two of ImageNet's own classes: the zero-shot way's tiny task."""
    import numpy as np
    from lib.data.datasets import ImageDataset, Task
    rng = np.random.default_rng(1)
    images = rng.integers(0, 255, (6, 48, 48, 3), dtype=np.uint8)
    data = ImageDataset(images, np.array([0, 1, 0, 1, 0, 1]), ["ants", "bees"], "insects")
    return Task("insects", data, data)


@pytest.fixture
def steady(monkeypatch):
    """One torch thread (these nets are tiny; a busy 2-core box slows 2 threads ~20x), and a fixed
    code version, so an edit elsewhere in lib/ during the run does not look like a cache miss."""
    import torch
    from lib import versions
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    monkeypatch.setattr(versions, "code_version", lambda: "test")
    yield
    torch.set_num_threads(threads)


def _quick(mp) -> None:
    """Every network trains 2 epochs (lib.train.TrainConfig.epochs_for), under its own code
    version, which keeps these runs apart from full-length ones in the session's cache."""
    from lib import versions
    from lib.train import TrainConfig
    mp.setattr(TrainConfig, "epochs_for", lambda self, n_train: 2)
    mp.setattr(versions, "code_version", lambda: "quick-training")


@pytest.fixture
def quick_training(steady, monkeypatch):
    """For tests of flows and contracts (what is stored, shown, kept private), never of accuracy
    or of the recipes' length (tests/test_train.py and test_floor.py check those)."""
    _quick(monkeypatch)


@pytest.fixture(scope="module")
def quick_training_module():
    """quick_training for a module-scoped page (one torch thread, as `steady`)."""
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with pytest.MonkeyPatch.context() as mp:
        _quick(mp)
        yield
    torch.set_num_threads(threads)


def toy_texts(n_per_class: int, seed: int):
    """Tiny reviews in a six-word vocabulary, class 1 leaning on the positive words."""
    import numpy as np
    from lib.data.datasets import TextDataset
    rng = np.random.default_rng(seed)
    words = np.array(["awful", "dull", "bad", "great", "fine", "good"])
    labels = np.arange(2 * n_per_class) % 2
    texts = [" ".join(rng.choice(words, 5, p=[.3, .2, .2, .1, .1, .1] if y == 0 else [.1, .1, .1, .2, .2, .3]))
             for y in labels]
    return TextDataset(texts, labels, ["negative", "positive"], "toy reviews")


@pytest.fixture(scope="module")
def tiny_text_task():
    """A few dozen short texts over six words: what an engine test of a text way trains in well
    under a second (the named 'sentiment' task trains on thousands)."""
    from lib.data.datasets import Task
    return Task("toy reviews", toy_texts(12, 0), toy_texts(15, 1))


# What a page reads when the engine stored a view before (lib.stored): the numbers are stand-ins
# drawn from the seed, the files and their keys are the real ones, read by the page's real code.
STANDIN_ACCURACY = {"pixels": 0.61, "scratch": 0.58, "transfer": 0.74, "finetune": 0.77, "control": 0.55}
LITE0_DIMS = {"stage1": 16, "stage2": 24, "stage3": 40, "stage4": 80, "stage5": 112, "stage6": 192,
              "stage7": 320, "head": 1280}  # the features after each of EfficientNet-Lite0's cuts


def standin_run(method: str, n_per_class: int, seed: int, test_labels, options: dict):
    """A Run as an image way stores it, its numbers drawn from (method, seed): what each card,
    chart and sentence of a page reads, without training anything."""
    import numpy as np
    import pandas as pd
    from lib.heads import head_formula, head_weights
    from lib.image.backbones import IMAGENET, cuts_of
    from lib.image.pixels import THUMB, label as pixels_label
    from lib.runs import Run, accuracy_interval
    rng = np.random.default_rng([seed, sorted(STANDIN_ACCURACY).index(method)])
    y = np.asarray(test_labels)
    right = rng.random(len(y)) < STANDIN_ACCURACY[method] + 0.01 * seed
    correct = int(right.sum())
    last = options.get("epochs") or 60
    rows = [(e, "train", 1 / (e + 1), min(1.0, 0.5 + 0.05 * e)) for e in range(1, last + 1)]
    shown = {e for e in (1, 2, 3, 5, 8, 12, 18, 27, 40, 60) if e <= last} | {last}
    rows += [(e, "test", 0.7, STANDIN_ACCURACY[method]) for e in shown]
    history = pd.DataFrame(sorted(rows, key=lambda r: (r[0], r[1] == "test")), columns=["epoch", "split", "loss", "accuracy"])
    cut = options.get("cut") if options.get("cut") in LITE0_DIMS else "head"
    # cut="auto": the head reads where the labeled photos' cross-validation scored best (here the last)
    scores = {c: round(0.5 + 0.02 * i, 2) for i, c in enumerate(LITE0_DIMS)} if options.get("cut") == "auto" else {}
    details, frozen = {}, 3_371_008
    if method == "pixels":
        label, trainable, formula, frozen = pixels_label(), head_weights(THUMB * THUMB * 3, 2), head_formula(THUMB * THUMB * 3, 2), 0
    elif method == "scratch":
        label, trainable, formula, frozen = "From scratch: small CNN", 23_714, "", 0
    elif method == "finetune":
        label, trainable, formula = "Fine-tuned: EfficientNet-Lite0's stage7 + head + new head", 1_020_162, ""
    else:
        label = ("Transfer: " if method == "transfer" else "Control: random ") + f"EfficientNet-Lite0 after {cut} + linear head"
        trainable, formula = head_weights(LITE0_DIMS[cut], 2), head_formula(LITE0_DIMS[cut], 2)
        details = {"cut": cut, "cut_scores": scores, "depth": cuts_of("efficientnet_lite0").index(cut) + 1,
                   "cuts": cuts_of("efficientnet_lite0"), "input": "each photo resized to 128 × 128 px",
                   "backbone": f"EfficientNet-Lite0, pretrained on {IMAGENET}"}
    return Run(method, label, correct / len(y), 1.0, trainable, trainable + frozen, history, 0.5,
               accuracy_interval(correct, len(y)), len(y), np.where(right, y, 1 - y).astype(np.int64),
               np.arange(2 * n_per_class, dtype=np.int64) % 2, formula, n_train=2 * n_per_class, details=details)


@pytest.fixture
def stored_results(steady):
    """store(task, n_per_class, seeds, **options) writes every image way's Run of that view where
    the pages look it up (lib.stored.run_path, the key the engine stores under), and
    store_profile(task, n_per_class, **options) a depth profile at lib.stored.profile_path: a page
    test then reads stored results through the page's real code instead of training real views.
    Both return what they wrote, for the test to find on the page."""
    import numpy as np
    import pandas as pd
    from lib import stored
    from lib.comparisons import DEPTH_SEEDS
    from lib.image.ways import ways_for
    from lib.tasks import resolve_options, resolve_task

    def store(task: str, n_per_class: int, seeds=(0,), **options) -> dict:
        options = resolve_options("image", options)
        labels = resolve_task(task).test.labels
        out = {}
        for seed in seeds:
            for way in ways_for(options, n_per_class):
                run = standin_run(way.method, n_per_class, seed, labels, options)
                assert stored.save_run(stored.run_path(way, task, n_per_class, seed, options), run)
                out.setdefault(seed, {})[way.method] = run
        return out

    def store_profile(task: str, n_per_class: int, backbone="efficientnet_lite0", control=False) -> pd.DataFrame:
        rows = [(cut, depth, dim, pretrained, seed, round(0.55 + 0.03 * depth * pretrained + 0.01 * seed, 4))
                for depth, (cut, dim) in enumerate(LITE0_DIMS.items(), 1)
                for pretrained in ([True, False] if control else [True]) for seed in DEPTH_SEEDS]
        profile = pd.DataFrame(rows, columns=["cut", "depth", "feature_dim", "pretrained", "seed", "test_accuracy"])
        path = stored.profile_path(task, n_per_class, {"backbone": backbone, "control": bool(control)})
        assert stored._write(path, profile.to_csv(index=False))
        return profile

    store.profile = store_profile
    return store
