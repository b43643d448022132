"""One server, many sessions: trainings take turns, so a seed gives the same numbers whoever
else is training, and a backbone asked for by two sessions at once is loaded once."""
import threading
import time

import pytest
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


def test_the_device_can_be_forced_to_the_cpu(monkeypatch):
    monkeypatch.setenv(device.DEVICE_ENV, "cpu")
    assert device.device() == torch.device("cpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU; nothing else does")
def test_training_on_a_gpu_gives_the_cpu_numbers_within_tolerance(monkeypatch):
    from lib.experiments import compare
    monkeypatch.setenv(device.DEVICE_ENV, "cpu")
    cpu = compare("dress", 8, seed=0)
    monkeypatch.setenv(device.DEVICE_ENV, "cuda")
    gpu = compare("dress", 8, seed=0)
    for way in ("scratch", "transfer"):
        # float sums run in another order on a GPU, so early stopping may pick another epoch
        assert abs(cpu.runs[way].test_accuracy - gpu.runs[way].test_accuracy) <= 0.05, way
        assert next(iter(gpu.runs[way].history.epoch)) == 1
