"""Weight counts of real architectures, kept on disk, so the home page shows ResNet-50's count
and EfficientNet-Lite0's stages without importing torch (seconds, on a server that just started).
The first time, lib.zoo builds the network (no weights, PyTorch's meta device) and counts; each
file is keyed by what the count depends on (the package that built the network, this app's code).
"""
import hashlib
import json
from importlib.metadata import version
from pathlib import Path

from lib import cache
from lib.heads import head_weights

LITE0 = "efficientnet_lite0"  # the image pages' network, whose stages stage_weights counts


def total_weights(name: str) -> int:
    """Every weight of torchvision's (or this app's) architecture `name`, with its ImageNet head."""
    path = cache.cache_dir("counts") / f"{name}-torchvision-{version('torchvision')}.json"
    try:
        return int(json.loads(path.read_text())["total"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not counted yet, or an unreadable file: count again
    from lib.imports import engine
    engine()  # torch, one importing thread at a time (the warm-up may be importing it right now)
    from lib.models import count_params
    from lib.zoo import build
    total = count_params(build(name))
    cache.save_text(path, json.dumps({"name": name, "total": total}))
    return total


def _stages_key() -> str:
    """What the stage counts depend on: the packaged network's version, and this app's code that
    cuts it into stages (backbones), says what fine-tuning trains (finetune), builds the scratch
    network (models) and sets the thumbnail (pixels)."""
    here = Path(__file__).resolve().parent
    code = b"".join((here / p).read_bytes() for p in
                    ("models.py", "image/backbones.py", "image/finetune.py", "image/pixels.py"))
    return f"{LITE0}-stages-{version('efficientnet-lite-pytorch')}-{hashlib.sha256(code).hexdigest()[:12]}"


def stage_weights(classes: int = 2) -> dict:
    """EfficientNet-Lite0 as the image pages cut it, and what the other ways are made of:
    {"stages": [{"cut", "weights", "features"}] (the stem in the first, the head convolution
    last), "finetuned": the cuts fine-tuning trains, "classifier": weights of ImageNet's last
    layer (the one a new head replaces), "scratch": the from-scratch network's weights for
    `classes`, "pixels": the simplest model's features, "thumb": its thumbnail's side}.
    Read from disk, else counted once (torch loads)."""
    path = cache.cache_dir("counts") / f"{_stages_key()}-{classes}.json"
    try:
        found = json.loads(path.read_text())
        if set(KEYS) <= set(found):
            return found
    except (OSError, ValueError, TypeError):
        pass  # not counted yet, or an unreadable file: count again
    found = _count_stages(classes)
    cache.save_text(path, json.dumps(found))
    return found


KEYS = ("stages", "finetuned", "classifier", "scratch", "pixels", "thumb")


def _count_stages(classes: int) -> dict:
    from lib.imports import engine
    engine()  # torch, one importing thread at a time (the warm-up may be importing it right now)
    from lib.image.backbones import load_backbone
    from lib.image.finetune import unfrozen_stages
    from lib.image.pixels import THUMB
    from lib.models import count_params
    from lib.zoo import build
    # the backbone the ways train on, with random weights (nothing downloaded), so each count is
    # the stage's own: what a card and this count call a stage are the same modules
    bb = load_backbone(LITE0, pretrained=False)
    stages = [{"cut": cut, "weights": count_params(stage), "features": dim}
              for cut, stage, dim in zip(bb.cuts, bb.stages, bb.dims)]
    return {"stages": stages, "finetuned": unfrozen_stages(bb),
            "classifier": count_params(build(LITE0)._fc),  # meta device: shapes only
            "scratch": count_params(build("scratch_cnn", classes)), "pixels": THUMB * THUMB * 3,
            "thumb": THUMB}


def trained_by_way(counts: dict, classes: int = 2) -> dict:
    """Weights each image way learns from the labeled photos, from stage_weights' counts, the
    head read after the last stage."""
    d = counts["stages"][-1]["features"]
    tuned = sum(s["weights"] for s in counts["stages"] if s["cut"] in counts["finetuned"])
    return {"pixels": head_weights(counts["pixels"], classes), "scratch": counts["scratch"],
            "transfer": head_weights(d, classes), "finetune": tuned + head_weights(d, classes)}
