"""ui.network only draws: counts in (as lib.counts.stage_weights returns them), an SVG out, every
number on it the one it was given and each way in its palette colour."""
import re
import subprocess
import sys
from pathlib import Path

from lib.counts import trained_by_way
from ui import network
from ui.palette import COLOURS, FROZEN

ROOT = Path(__file__).resolve().parents[1]

# made-up counts, so a number on the picture can only come from here
COUNTS = {"stages": [{"cut": "stage1", "weights": 1_111, "features": 16},
                     {"cut": "stage2", "weights": 22_222, "features": 40},
                     {"cut": "stage3", "weights": 333_333, "features": 96},
                     {"cut": "head", "weights": 444_444, "features": 640}],
          "finetuned": ["stage3", "head"], "classifier": 641_000, "scratch": 5_555, "pixels": 300,
          "thumb": 10}


def test_the_picture_writes_the_counts_it_is_given():
    svg = network.picture(COUNTS, 3)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    for s in COUNTS["stages"]:
        assert f">{s['weights']:,}<" in svg
    assert f"{sum(s['weights'] for s in COUNTS['stages']):,} weights" in svg      # the whole network
    learns = trained_by_way(COUNTS, 3)
    assert learns == {"pixels": 301 * 3, "scratch": 5_555, "transfer": 641 * 3,
                      "finetune": 333_333 + 444_444 + 641 * 3}
    for way, n in learns.items():                                             # in the way's colour
        assert re.search(rf"fill='{COLOURS[way]}'[^>]*>{n:,} weights<", svg), way
    assert "(640 + 1) × 3 = 1,923" in svg and "(300 + 1) × 3 = 903" in svg  # (D + 1) × C, in tooltips
    assert "10 × 10 pixels" in svg


def test_fine_tuning_trains_the_stages_the_counts_name_and_keeps_the_rest_frozen():
    svg = network.picture(COUNTS, 2)
    frozen_head, tuned = svg.split("Transfer: frozen head")[1].split("Fine-tuned")
    assert frozen_head.count(">trained<") == 0 and frozen_head.count(">frozen<") == 4
    assert tuned.count(">trained<") == 2 and tuned.count(">frozen<") == 2
    assert f"stroke='{FROZEN}'" in svg
    one = network.picture({**COUNTS, "finetuned": ["head"]}, 2).split("Fine-tuned")[1]
    assert one.count(">trained<") == 1


def test_drawing_never_loads_torch():
    # home draws on a server that just started, before torch is imported (seconds on 2 cores)
    code = ("import sys; from tests.test_network import COUNTS; from ui import network; "
            "network.picture(COUNTS); assert 'torch' not in sys.modules, 'torch loaded'")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_an_earlier_cut_leaves_the_later_stages_unused_and_the_head_reads_that_stage():
    svg = network.picture(COUNTS, 2, cut="stage2")
    frozen_head = svg.split("Transfer: frozen head")[1].split("Fine-tuned")[0]
    assert frozen_head.count(">not used<") == 2 and frozen_head.count(">frozen<") == 2  # stage3, head unused
    assert ">reads 40<" in frozen_head and re.search(rf"fill='{COLOURS['transfer']}'[^>]*>82 weights<", svg)
    assert network.picture(COUNTS, 2, cut="nope") == network.picture(COUNTS, 2)  # unknown: the last stage
