"""One server, many sessions: trainings take turns, so a seed gives the same numbers whoever
else is training, and a backbone asked for by two sessions at once is loaded once."""
import threading
import time

import torch

from lib import device, image_ways


def test_device_is_cpu_or_cuda_as_available():
    assert device.device().type == ("cuda" if torch.cuda.is_available() else "cpu")


def _seeded_draws(seed, out, waits):
    with device.training_slot(waiting=lambda: waits.append(seed)):
        torch.manual_seed(seed)
        draws = []
        for _ in range(5):
            time.sleep(0.01)  # let the other thread run, as a training step would
            draws.append(float(torch.rand(1)))
        out[seed] = draws


def test_concurrent_seeded_work_gives_the_sequential_numbers():
    alone = {}
    for seed in (1, 2):
        _seeded_draws(seed, alone, [])
    together, waits = {}, []
    threads = [threading.Thread(target=_seeded_draws, args=(s, together, waits)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert together == alone
    assert len(waits) == 1  # the second one was told it had to wait


def test_two_sessions_loading_one_backbone_load_it_once(monkeypatch):
    calls = []

    def slow_load(name, pretrained, progress=None):
        calls.append(name)
        time.sleep(0.2)
        return object()

    monkeypatch.setattr(image_ways, "_loaded", {})
    monkeypatch.setattr(image_ways.backbones, "load_backbone", slow_load)
    got = []
    threads = [threading.Thread(target=lambda: got.append(image_ways.get_backbone("resnet18")))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["resnet18"] and got[0] is got[1]
