"""Recipe words come from the recipe objects that train (issue 27): change a config and the
pages' words change with it; and the overfitting page describes the very config its ways train
with at the slider's epochs (spied on the way's trainer, never a copy of its rule)."""
from dataclasses import replace

import pytest

from lib import train
from ui import words


def test_the_image_pages_recipes_follow_the_configs(monkeypatch):
    from ui import images
    monkeypatch.setattr(train, "FINETUNE", replace(train.FINETUNE, lr=0.0123, batch_size=7))
    rows = images.recipes()
    assert "learning rate 0.0123" in rows["Fine-tuned"] and "batches of 7" in rows["Fine-tuned"]
    assert "learning rate 0.001 " in rows["From scratch"]  # TrainConfig's own default, not patched


def test_the_overfitting_pages_recipes_follow_the_configs(monkeypatch):
    monkeypatch.setattr(train, "FINETUNE", replace(train.FINETUNE, lr=0.0456, momentum=0.5))
    said = words.fixed_epoch_recipes(["pixels", "scratch", "transfer", "finetune"], 33, images=True)
    assert list(said) == ["pixels", "scratch", "transfer", "finetune"]
    assert "learning rate 0.0456 (constant rate, no schedule), momentum 0.5" in said["finetune"]
    assert "exactly 33 epochs" in said["finetune"] and "exactly 33 epochs" in said["scratch"]
    assert "exactly 33 iterations" in said["pixels"] and "the pixels" in said["pixels"]
    assert "divided" not in said["finetune"]  # no schedule runs there (lib.train.TrainConfig.fixed)


class _Caught(Exception):
    pass


def _catch(seen, key):
    def spy(*args, **kwargs):
        seen[key] = (args, kwargs)
        raise _Caught
    return spy


def test_the_image_ways_train_with_the_config_the_overfitting_page_describes(monkeypatch):
    """FineTune and Scratch at epochs=E: the config handed to their trainer is the one whose
    words the page shows; the linear ways get exactly E iterations."""
    from types import SimpleNamespace

    import numpy as np

    from lib.image import ways
    seen = {}
    monkeypatch.setattr(ways, "_backbone", lambda options, say: SimpleNamespace(label="net", notice=None))
    monkeypatch.setattr(ways, "finetune_run", _catch(seen, "finetune"))
    monkeypatch.setattr(ways, "train_and_score", _catch(seen, "scratch"))
    monkeypatch.setattr(ways, "pixels", lambda images: images)
    monkeypatch.setattr(ways.pixel_model, "pixel_run", _catch(seen, "pixels"))
    task = SimpleNamespace(classes=["a", "b"], pool=SimpleNamespace(images=np.zeros((4, 2)), labels=np.zeros(4)),
                           test=SimpleNamespace(images=np.zeros((2, 2)), labels=np.zeros(2)))
    idx, none = np.arange(4), np.zeros(0, dtype=int)
    for way in (ways.FINETUNED, ways.SCRATCH, ways.PIXELS):
        with pytest.raises(_Caught):
            way.run(task, idx, none, 0, {"epochs": 41})
    said = words.fixed_epoch_recipes(["pixels", "scratch", "finetune"], 41, images=True)
    assert seen["finetune"][0][4].in_words() in said["finetune"]
    assert seen["scratch"][1]["config"].in_words() == said["scratch"]
    assert seen["pixels"][1]["iterations"] == 41 and "exactly 41 iterations" in said["pixels"]


def test_the_text_ways_train_with_the_config_the_overfitting_page_describes(monkeypatch):
    from types import SimpleNamespace

    import numpy as np

    from lib.text import ways
    seen = {}
    monkeypatch.setattr(ways, "scratch_run", _catch(seen, "scratch"))
    monkeypatch.setattr(ways, "_extra_tests", lambda task, options: {})
    monkeypatch.setattr(ways.FineTuneText, "prepare", lambda self, task, extra, say: None)
    monkeypatch.setattr(ways.finetune, "finetune_run", _catch(seen, "finetune"))
    task = SimpleNamespace(classes=["a", "b"])
    idx, none = np.arange(4), np.zeros(0, dtype=int)
    with pytest.raises(_Caught):
        ways.SCRATCH.train(task, idx, none, 0, {"epochs": 9}, lambda *a: None, None)
    with pytest.raises(_Caught):
        ways.FINETUNE_TEXT.run(task, idx, none, 0, {"epochs": 9})
    said = words.fixed_epoch_recipes(["scratch", "finetune", "bow"], 9, images=False)
    assert seen["scratch"][0][-1].in_words() == said["scratch"]
    assert seen["finetune"][0][4].in_words() in said["finetune"]
    assert "exactly 9 iterations" in said["bow"]
