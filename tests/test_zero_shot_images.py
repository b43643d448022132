"""Zero labels on the image pages and the learning curves (issue 19, parts 3 and 4, photos): the
zero-shot way is a way like the others (WAYS, stored by run_stored at n = 0, assembled without a
draw), the ants-and-bees slider starts at 0 where the dress's does not, and the learning curves
say how many labels beat zero. The photos are a generated stand-in served from 127.0.0.1."""
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import comparisons, stored
from lib.data import photos
from lib.image.ways import ZERO_SHOT_IMAGE
from lib.tasks import resolve_options
from test_photos import hymenoptera_zip, serve

ROOT = Path(__file__).resolve().parents[1]


def _fail(*_a, **_k):
    pytest.fail("nothing may be drawn or trained here")


def test_zero_shot_is_a_way_the_workers_can_run_by_name():
    from lib.image.ways import WAYS, ways_for, zero_shot_refusal
    from lib.engine import Job
    assert WAYS["zero_shot"] is ZERO_SHOT_IMAGE
    assert ZERO_SHOT_IMAGE not in ways_for({}, 8)  # never among the trained ways' cards
    assert Job.run("ants_bees", "zero_shot", 0, 0, {"backbone": "efficientnet_lite0"}).key.startswith("zero_shot-")
    assert zero_shot_refusal(["ants", "bees"]) is None
    assert "no ImageNet class is named 'blue/black'" in zero_shot_refusal(["blue/black", "white/gold"])


def test_run_stored_keeps_the_zero_shot_run_at_zero_labels_and_reads_it_back(insects, monkeypatch, steady):
    monkeypatch.setattr(stored, "draw", _fail)  # no labeled example: nothing to draw
    first = stored.run_stored(ZERO_SHOT_IMAGE, insects, "insects-zero", 0, 0, {})
    path = stored.run_path(ZERO_SHOT_IMAGE, "insects-zero", 0, 0, resolve_options("image", {}))
    assert path.exists() and json.loads(path.read_text())["method"] == "zero_shot"
    monkeypatch.setattr(type(ZERO_SHOT_IMAGE), "run", _fail)  # from now on only the file answers
    again = stored.run_stored(ZERO_SHOT_IMAGE, insects, "insects-zero", 0, 0, {})
    assert again.test_accuracy == first.test_accuracy and np.array_equal(again.test_pred, first.test_pred)
    assert again.trainable_params == 0 and again.history.empty and math.isnan(again.train_accuracy)
    assert again.details["imagenet_classes"] == {"ants": ["ant"], "bees": ["bee"]}
    # keyed by what it reads (the backbone): another cut, the control or epochs find the same file
    other = {"cut": "stage3", "control": True, "epochs": 3}
    assert stored.stored_run(ZERO_SHOT_IMAGE, "insects-zero", 0, 0, other).test_accuracy == first.test_accuracy
    # assembled like any other view, without a draw
    monkeypatch.setattr(comparisons, "draw", _fail)
    c = comparisons.assemble(insects, 0, 0, {"zero_shot": again}, {})
    assert list(c.runs) == ["zero_shot"] and len(c.train_index) == len(c.val_index) == 0
    assert c.train_index.dtype == np.int64 and "ImageNet" in c.backbone
    assert c.details["imagenet_classes"]["bees"] == ["bee"]


@pytest.fixture
def stand_in(monkeypatch, tmp_path):
    monkeypatch.setenv("TRANSFER_LAB_CACHE", str(tmp_path))
    monkeypatch.delenv("TRANSFER_LAB_OFFLINE", raising=False)
    monkeypatch.setattr(photos, "_task", None)
    server = serve(monkeypatch, hymenoptera_zip())
    yield server
    server.close()


def test_ants_and_bees_slider_starts_at_no_labels_with_the_zero_shot_card_alone(stand_in):
    at = AppTest.from_file(str(ROOT / "app_pages" / "ants_bees.py"), default_timeout=900)
    at.query_params["n_per_class"] = "0"
    at.run()
    assert not at.exception and not at.error
    slider = at.select_slider(key="n_per_class")
    assert slider.value == 0 and slider.options[0] == "0: no labeled examples"
    accuracies = [m for m in at.metric if m.label == "Test accuracy"]
    assert len(accuracies) == 1                                       # the zero-shot run alone
    assert [m.value for m in at.metric if m.label == "Trained weights"] == ["0"]
    assert any("No labeled examples." in m.value and "ImageNet" in m.value for m in at.markdown)
    needs = " ".join(i.value for i in at.info)
    assert "at least 1 per class" in needs and "fine-tuning 2" in needs


def test_the_dress_says_in_one_line_why_it_has_no_zero_labels_step(monkeypatch):
    from ui import live
    monkeypatch.setattr(live, "comparison", lambda *a, **k: None)  # the ways themselves: tested elsewhere
    at = AppTest.from_file(str(ROOT / "app_pages" / "dress_colour.py"), default_timeout=600).run()
    assert not at.exception
    assert at.select_slider(key="n_per_class").options[0] == "1"      # starts at 1 labeled example
    said = [c.value for c in at.caption if c.value.startswith("No zero-labels step here")]
    assert len(said) == 1 and "no ImageNet class is named 'blue/black'" in said[0] and "\n" not in said[0]


def _fake_cell(task, n, seed, options, identity=None):
    """A sweep cell without training: the frozen head near-perfect, scratch at chance."""
    acc = {"pixels": 0.5, "scratch": 0.5, "transfer": 0.999 - 0.001 * seed, "finetune": 0.998 - 0.001 * seed}
    ways = [m for m in acc if m != "finetune" or n >= 2]
    rows = [(m, n, seed, acc[m] if m != "scratch" else 0.5 + 0.01 * ((seed % 2) * 2 - 1), m, 1.0,
             "EfficientNet-Lite0, pretrained on ImageNet") for m in ways]
    from lib.sweeps import COLUMNS
    return pd.DataFrame(rows, columns=COLUMNS), []


def test_learning_curves_draw_zero_shot_and_say_how_many_labels_beat_it(stand_in, monkeypatch):
    from lib import sweeps
    from ui import images as ui_images
    monkeypatch.setattr(sweeps, "train_cell", _fake_cell)
    monkeypatch.setattr(ui_images, "depth_section", lambda *a, **k: None)  # drawn and tested elsewhere
    at = AppTest.from_file(str(ROOT / "app_pages" / "learning_curves.py"), default_timeout=900)
    for key, value in {"task": "ants_bees", "largest": "2", "seeds": "3"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception and not at.error
    zero = [c.value for c in at.caption if c.value.startswith("Dashed line: no labeled examples")]
    assert len(zero) == 1 and "own ImageNet classifier" in zero[0]
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert '"rule"' in json.dumps(spec)                               # zero-shot's line on the chart
    said = [m.value for m in at.markdown if "zero labels" in m.value]
    assert any(s.startswith("The frozen head first beats zero labels") for s in said)
    assert any(s.startswith("Even with the most labels measured (2 per class) the network from scratch is not ahead") for s in said)
