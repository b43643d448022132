"""One training loop for every network the app trains, recording per-epoch history.

Each way brings its field's standard recipe as a `TrainConfig`, fixed *before* looking at any
result and the same on every task (docs/ARCHITECTURE.md lists them):
- the default (a network from scratch): Adam at its default learning rate (1e-3), a little
  weight decay, mini-batches of 32, early stopping on a validation split taken from the labeled
  draw (never the test set), keeping the weights of the best validation epoch;
- `FINETUNE` (pretrained layers unfrozen): the PyTorch transfer-learning tutorial's SGD.

The test set may be passed in too, for display only: its accuracy is drawn on the pages, and
nothing (no epoch, no cut, no setting) is ever chosen by it. It is measured on the whole test
set at CURVE_EPOCHS (about every 1.5x) and the last epoch, from weights kept at those epochs and
scored after training, never inside the loop: scoring 400 test photos through a fine-tuned top
costs as much as an epoch of training on them, and the trained result (a page's card) is known
before its curve is drawn (`on_trained`).
"""
import copy
from dataclasses import asdict, dataclass, replace
import time

import numpy as np
import pandas as pd
import torch
from torch import nn

from lib.device import device, limited_threads


CURVE_EPOCHS = {1, 2, 3, 5, 8, 12, 18, 27, 40, 60, 90, 135, 200}


@dataclass(frozen=True)
class TrainConfig:
    max_epochs: int = 60
    lr: float = 1e-3
    weight_decay: float = 1e-4
    batch_size: int = 32
    patience: int | None = 10  # epochs without a better validation loss before stopping;
    # None: no early stopping, every epoch runs and the last epoch's weights are kept
    optimizer: str = "adam"    # or "sgd"
    momentum: float = 0.0      # SGD only
    step_size: int | None = None  # multiply the learning rate by `gamma` every step_size epochs
    gamma: float = 0.1

    def fixed(self, epochs: int) -> "TrainConfig":
        """The same recipe run for exactly `epochs` epochs, nobody stopping it, last weights kept."""
        return replace(self, max_epochs=int(epochs), patience=None)

    def describe(self) -> dict:
        return asdict(self)

    def in_words(self) -> str:
        """The recipe as a page shows it, written from these fields (never typed on a page)."""
        opt = (f"SGD, learning rate {self.lr:g}, momentum {self.momentum:g}" if self.optimizer == "sgd"
               else f"Adam, learning rate {self.lr:g}, weight decay {self.weight_decay:g}")
        steps = f", divided by {1 / self.gamma:g} every {self.step_size} epochs" if self.step_size else ""
        stop = (f"at most {self.max_epochs} epochs, early stopping after {self.patience} epochs "
                f"without a better validation loss (best epoch kept) when there is a validation "
                f"split" if self.patience else f"{self.max_epochs} epochs, last weights kept")
        return f"{opt}{steps}; batches of {self.batch_size}; {stop}"


# Fine-tuning pretrained layers: the PyTorch transfer-learning tutorial's recipe (SGD, lr 1e-3,
# momentum 0.9, batches of 4, the rate divided by 10 every 7 epochs, 25 epochs), last weights
# kept: by epoch 15 the rate is 1e-5, so there is nothing left for early stopping to decide.
FINETUNE = TrainConfig(max_epochs=25, lr=1e-3, weight_decay=0.0, batch_size=4, patience=None,
                       optimizer="sgd", momentum=0.9, step_size=7)


def seed_everything(seed: int) -> torch.Generator:
    """Seed torch's global RNG (weight init, dropout) and return a generator for shuffling."""
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


@torch.no_grad()
def predict_proba(model: nn.Module, x: torch.Tensor, batch_size: int = 256) -> np.ndarray:
    """Class probabilities, shape (n, classes)."""
    model.eval()
    out = [torch.softmax(model(x[i:i + batch_size]), dim=1) for i in range(0, len(x), batch_size)]
    return torch.cat(out).numpy() if out else np.zeros((0, 0))


@torch.no_grad()
def _evaluate(model, x, y, loss_fn):
    model.eval()
    logits = torch.cat([model(x[i:i + 256]) for i in range(0, len(x), 256)])
    return float(loss_fn(logits, y)), float((logits.argmax(1) == y).float().mean())


def fit(model: nn.Module, x_train: torch.Tensor, y_train: torch.Tensor,
        x_val: torch.Tensor | None = None, y_val: torch.Tensor | None = None,
        config: TrainConfig = TrainConfig(), seed: int = 0, stop=None, test=None, on_trained=None):
    """Train `model` in place; return (model, history, seconds).

    history has columns epoch, split, loss, accuracy (split is "train", "validation" or, when
    `test=(x_test, y_test)` is given, "test": for display only, it decides nothing).
    With no validation data (one example per class leaves none to hold out) it trains for
    `max_epochs` and records only the train split. `stop()` returning True ends training early.
    Training runs on `lib.device.device()` (a GPU when there is one); the model comes back on
    the CPU, where the rest of the app uses it. `on_trained(model, history, seconds)` is called
    once training is done, before the test curve is scored.
    """
    with limited_threads():  # small models: one thread is fastest (see lib.device)
        return _fit(model, x_train, y_train, x_val, y_val, config, seed, stop, test, on_trained)


def _optimiser(params, config):
    if config.optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=config.lr, momentum=config.momentum,
                              weight_decay=config.weight_decay)
    else:
        opt = torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    steps = config.step_size and torch.optim.lr_scheduler.StepLR(opt, config.step_size, config.gamma)
    return opt, steps


def _fit(model, x_train, y_train, x_val, y_val, config, seed, stop, test, on_trained):
    if len(x_train) == 0:
        raise ValueError("fit() needs at least one training example, got 0")
    if len(x_train) != len(y_train):
        raise ValueError(f"x_train has {len(x_train)} rows but y_train has {len(y_train)}")
    generator = seed_everything(seed)  # the shuffling generator stays on the CPU: same order anywhere
    dev = device()
    model = model.to(dev)
    x_train, y_train = x_train.to(dev), y_train.to(dev)
    has_val = x_val is not None and len(x_val) > 0
    if has_val:
        x_val, y_val = x_val.to(dev), y_val.to(dev)
    loss_fn = nn.CrossEntropyLoss()
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser, schedule = _optimiser(params, config)
    rows, best, best_state, since_best, kept = [], float("inf"), None, 0, {}
    start = time.perf_counter()
    for epoch in range(1, config.max_epochs + 1):
        model.train()
        order = torch.randperm(len(x_train), generator=generator).to(dev)
        for i in range(0, len(order), config.batch_size):
            batch = order[i:i + config.batch_size]
            optimiser.zero_grad()
            loss_fn(model(x_train[batch]), y_train[batch]).backward()
            optimiser.step()
        if schedule:
            schedule.step()
        loss, acc = _evaluate(model, x_train, y_train, loss_fn)
        rows.append((epoch, "train", loss, acc))
        if test is not None and (epoch in CURVE_EPOCHS or epoch == config.max_epochs):
            kept[epoch] = _copy(model.state_dict())  # scored after training (test_curve)
        if has_val:
            val_loss, val_acc = _evaluate(model, x_val, y_val, loss_fn)
            rows.append((epoch, "validation", val_loss, val_acc))
            if val_loss < best - 1e-4:
                best, since_best = val_loss, 0
                best_state = _copy(model.state_dict())
            else:
                since_best += 1
                if config.patience is not None and since_best >= config.patience:
                    break
        if stop is not None and stop():
            break
    if best_state is not None and config.patience is not None:
        model.load_state_dict(best_state)
    seconds = time.perf_counter() - start
    history = pd.DataFrame(rows, columns=["epoch", "split", "loss", "accuracy"])
    if on_trained is not None:
        on_trained(copy.deepcopy(model).to("cpu"), history, seconds)
    if kept:
        history = _with_test_curve(history, test_curve(model, kept, test, loss_fn, dev))
    return model.to("cpu"), history, seconds


def _copy(state: dict) -> dict:
    return {k: v.detach().clone() for k, v in state.items()}


def test_curve(model, kept: dict, test, loss_fn, dev) -> list:
    """(epoch, "test", loss, accuracy) for each kept epoch's weights, on the whole test set."""
    x_test, y_test = test[0].to(dev), test[1].to(dev)
    vessel = copy.deepcopy(model)
    rows = []
    for epoch, state in sorted(kept.items()):
        vessel.load_state_dict(state)
        rows.append((epoch, "test", *_evaluate(vessel, x_test, y_test, loss_fn)))
    return rows


def _with_test_curve(history: pd.DataFrame, rows: list) -> pd.DataFrame:
    """The test rows in their place: each epoch's train, then test, then validation row."""
    order = {"train": 0, "test": 1, "validation": 2}
    both = pd.concat([history, pd.DataFrame(rows, columns=history.columns)], ignore_index=True)
    both = both.assign(_rank=both.split.map(order)).sort_values(["epoch", "_rank"], kind="stable")
    return both.drop(columns="_rank").reset_index(drop=True)
