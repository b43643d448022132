"""One server, many sessions: trainings take turns, so a seed gives the same numbers whoever
else is training, and a backbone asked for by two sessions at once is loaded once."""
import threading
from types import SimpleNamespace
import time

import pytest
import torch

from lib import device

from lib.image import ways as image_ways


def test_training_goes_to_a_gpu_when_there_is_one_unless_told_not_to(monkeypatch):
    monkeypatch.delenv(device.DEVICE_ENV, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)   # a GPU, as torch sees it
    assert device.device() == torch.device("cuda")
    monkeypatch.setenv(device.DEVICE_ENV, "cpu")
    assert device.device() == torch.device("cpu")                   # forced, GPU or not
    monkeypatch.delenv(device.DEVICE_ENV)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # no GPU
    assert device.device() == torch.device("cpu")


def test_a_bad_device_setting_names_the_variable(monkeypatch):
    monkeypatch.setenv(device.DEVICE_ENV, "gpu")
    with pytest.raises(ValueError, match="TRANSFER_LAB_DEVICE='gpu' is not a device"):
        device.device()
    monkeypatch.setenv(device.DEVICE_ENV, "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="no CUDA GPU"):
        device.device()


def test_fit_trains_where_device_says_and_returns_the_model_on_the_cpu(monkeypatch):
    from torch import nn
    from lib import train
    seen = []

    class RanThere(Exception):
        pass

    class Spy(nn.Linear):
        def forward(self, x):
            seen.append((x.device.type, self.weight.device.type))
            if x.device.type == "meta":  # shapes only: nothing to train on, we know where it ran
                raise RanThere
            return super().forward(x)

    x, y = torch.randn(12, 3), (torch.randn(12) > 0).long()
    # a device other than the CPU ("meta": tensors with shapes and no data, on any machine)
    monkeypatch.setattr(train, "device", lambda: torch.device("meta"))
    with pytest.raises(RanThere):
        train.fit(Spy(3, 2), x, y, config=train.TrainConfig().fixed(2))
    assert seen == [("meta", "meta")]  # the batch and the weights went where device() said
    monkeypatch.setattr(train, "device", lambda: torch.device("cpu"))
    model, _, _ = train.fit(Spy(3, 2), x, y, config=train.TrainConfig().fixed(2))
    assert {p.device.type for p in model.parameters()} == {"cpu"}


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
        return SimpleNamespace(notice=None)

    monkeypatch.setattr(image_ways, "_loaded", {})
    monkeypatch.setattr(image_ways, "load_backbone", slow_load)
    got = []
    threads = [threading.Thread(target=lambda: got.append(image_ways.get_backbone("resnet18")))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["resnet18"] and got[0] is got[1]


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
