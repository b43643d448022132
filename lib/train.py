"""One training loop for every model in the app, recording per-epoch history.

The hyperparameters are fixed on principle *before* looking at any result, and are the same
for every way of learning, so no way gets a better-tuned optimiser than another:
Adam at its default learning rate (1e-3), a little weight decay, mini-batches of 32, and early
stopping on a validation split taken from the labeled draw (never the test set), keeping the
weights of the best validation epoch.
"""
from dataclasses import dataclass, asdict
import time

import numpy as np
import pandas as pd
import torch
from torch import nn

from .device import device, limited_threads


@dataclass(frozen=True)
class TrainConfig:
    max_epochs: int = 60
    lr: float = 1e-3
    weight_decay: float = 1e-4
    batch_size: int = 32
    patience: int | None = 10  # epochs without a better validation loss before stopping;
    # None: no early stopping, every epoch runs and the last epoch's weights are kept

    def describe(self) -> dict:
        return asdict(self)


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
        config: TrainConfig = TrainConfig(), seed: int = 0, stop=None):
    """Train `model` in place; return (model, history, seconds).

    history has columns epoch, split, loss, accuracy (split is "train" or "validation").
    With no validation data (one example per class leaves none to hold out) it trains for
    `max_epochs` and records only the train split. `stop()` returning True ends training early.
    Training runs on `lib.device.device()` (a GPU when there is one); the model comes back on
    the CPU, where the rest of the app uses it.
    """
    with limited_threads():  # small models: one thread is fastest (see lib.device)
        return _fit(model, x_train, y_train, x_val, y_val, config, seed, stop)


def _fit(model, x_train, y_train, x_val, y_val, config, seed, stop):
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
    optimiser = torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    rows, best, best_state, since_best = [], float("inf"), None, 0
    start = time.perf_counter()
    for epoch in range(1, config.max_epochs + 1):
        model.train()
        order = torch.randperm(len(x_train), generator=generator).to(dev)
        for i in range(0, len(order), config.batch_size):
            batch = order[i:i + config.batch_size]
            optimiser.zero_grad()
            loss_fn(model(x_train[batch]), y_train[batch]).backward()
            optimiser.step()
        loss, acc = _evaluate(model, x_train, y_train, loss_fn)
        rows.append((epoch, "train", loss, acc))
        if has_val:
            val_loss, val_acc = _evaluate(model, x_val, y_val, loss_fn)
            rows.append((epoch, "validation", val_loss, val_acc))
            if val_loss < best - 1e-4:
                best, since_best = val_loss, 0
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                since_best += 1
                if config.patience is not None and since_best >= config.patience:
                    break
        if stop is not None and stop():
            break
    if best_state is not None and config.patience is not None:
        model.load_state_dict(best_state)
    model = model.to("cpu")
    seconds = time.perf_counter() - start
    history = pd.DataFrame(rows, columns=["epoch", "split", "loss", "accuracy"])
    return model, history, seconds
