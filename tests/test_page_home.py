"""Home under AppTest: a link to every page of the navigation, and the picture of the idea drawn
from the real network's counts."""
import ast
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.counts import stage_weights, trained_by_way
from ui.palette import COLOURS

ROOT = Path(__file__).resolve().parents[1]


def navigation() -> list[tuple]:
    """app.py's PAGES, read from its source (importing app.py would run the app)."""
    tree = ast.parse((ROOT / "app.py").read_text())
    [node] = [n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "PAGES"]
    return ast.literal_eval(node.value)


@pytest.fixture(scope="module")
def home():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    assert not at.exception
    return at


def test_home_links_every_page_of_the_navigation_with_its_own_title_and_icon(home):
    links = [(e.proto.page, e.proto.label, e.proto.icon) for e in home.get("page_link")]
    pages = [(path, title, icon) for path, title, icon in navigation() if path != "app_pages/home.py"]
    assert len(pages) == 7
    linked = {page: (label, icon) for page, label, icon in links}        # by URL path
    for path, title, icon in pages:
        assert Path(path).stem in linked, f"home has no link to {title}"
        assert linked[Path(path).stem] == (title, icon)


def test_the_picture_draws_the_real_stages_and_what_each_way_trains(home):
    svg = next(m.value for m in home.markdown if m.value.startswith("<svg"))
    counts = stage_weights(2)
    # the counts are the network's own: the staged backbone the ways train on, summed from its tensors
    from lib.image.backbones import load_backbone
    from lib.image.finetune import FineTuned
    from lib.models import count_params
    bb = load_backbone("efficientnet_lite0", pretrained=False)
    assert [s["weights"] for s in counts["stages"]] == [count_params(s) for s in bb.stages]
    assert [s["cut"] for s in counts["stages"]] == bb.cuts
    assert [s["features"] for s in counts["stages"]] == bb.dims
    learns = trained_by_way(counts, 2)
    assert learns["finetune"] == count_params(FineTuned(bb, 2), trainable_only=True)  # the live model
    assert learns["transfer"] == (bb.feature_dim + 1) * 2
    for s in counts["stages"]:
        assert f">{s['weights']:,}<" in svg                 # each stage's count, written on it
    for way in ("pixels", "scratch", "transfer", "finetune"):
        assert re.search(rf"fill='{COLOURS[way]}'[^>]*>{learns[way]:,} weights<", svg), way
    # the frozen head trains none of the network's blocks; fine-tuning its top two
    rows = svg.split("Transfer: frozen head")[1].split("Fine-tuned")
    assert rows[0].count(">trained<") == 0 and rows[0].count(">frozen<") == len(bb.cuts)
    assert rows[1].count(">trained<") == 2 and rows[1].count(">frozen<") == len(bb.cuts) - 2
    assert "(1,280 + 1) × 2 = 2,562" in svg                  # the live (D + 1) × C, in a tooltip


def test_the_presenters_point_counts_the_network_the_picture_draws():
    """Issue 26: the talking point counted ResNet-50 (25,557,032 weights, a 4,098-weight head)
    beside a picture of EfficientNet-Lite0 (a 2,562-weight head)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception
    svg = next(m.value for m in at.markdown if m.value.startswith("<svg"))
    [point] = [i.value for i in at.info if "rocket" in i.value]
    counts = stage_weights(2)
    total = sum(s["weights"] for s in counts["stages"])
    head = trained_by_way(counts, 2)["transfer"]
    assert f"{total:,} weights" in svg                       # the picture's header
    assert f"EfficientNet-Lite0, has {total:,} weights" in point and f"has {head:,}," in point
    assert "25,557,032" not in point and "4,098" not in point
