"""Weight counts of real architectures, kept on disk, so the home page shows ResNet-50's count
without importing torch (seconds, on a server that just started). The first time, lib.zoo builds
the network (no weights) and counts; the file is keyed by the torchvision version that built it.
"""
import json
from importlib.metadata import version

from lib import cache


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
