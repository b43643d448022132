"""One training loop for every network the app trains, recording per-epoch history.

Each way brings its field's standard recipe as a `TrainConfig`, fixed *before* looking at any
result and the same on every task and at every size (docs/ARCHITECTURE.md lists them):
- the default (a network from scratch, and the text ways' small heads): Adam at its default
  learning rate (1e-3), a little weight decay, mini-batches of 32, every labeled example trains
  (no validation split), for max(60 epochs, 300 optimiser steps), last weights kept;
- `FINETUNE` (pretrained layers unfrozen): the PyTorch transfer-learning tutorial's SGD, for
  max(25 epochs, 300 optimiser steps), its learning-rate steps at the same fractions of the run.

Why one rule at every size (issue 20). The old default held 20 % of the draw out for early
stopping from 25 per class up and ran 60 fixed epochs below: two regimes, with the kink inside
the sizes the pages show (16 per class got 60 optimiser steps, 32 per class as few as 20), and
the held-out examples taken from the front of each class's draw broke the nesting of draws.
Early stopping on a few examples per class is decided by chance (a validation loss read off 5
photos), and every held-out example is one the network does not learn from, which costs most
exactly where the pages compare the ways: at few labels. So no way holds anything out.
Without a stopping rule the budget has to be fixed, and counted where the learning happens: in
optimiser steps. Epochs alone collapse at small draws (60 epochs of one batch is 60 steps of
Adam at 1e-3, each moving a weight by about 1e-3, too few to fit even 4 photos from a random
start), so every network gets at least MIN_STEPS = 300 steps, and at least its recipe's epochs
(every example seen that many times) when the draw is large. Why 300: an Adam step moves each
weight by about the learning rate, so 300 steps let a weight travel about 0.3, the scale of the
small CNN's initial weights (PyTorch's default initialisation: at most 1/sqrt(27) = 0.19 in its
first layer); 60 epochs was the old recipe's maximum. Neither number was tuned on any result.
For two classes scratch runs 300 steps up to 64 per class and 60 epochs (more steps) above.
The same floor serves fine-tuning. The oracle bound
(benchmarks/oracle_bound.py: the same run read at its best epoch on the test set, never in the
app) measures what a perfect stopping rule could still add.

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
MIN_STEPS = 300  # every trained network gets at least this many optimiser steps (see above)


@dataclass(frozen=True)
class TrainConfig:
    max_epochs: int = 60       # at least this many epochs, and...
    lr: float = 1e-3
    weight_decay: float = 1e-4
    batch_size: int = 32
    optimizer: str = "adam"    # or "sgd"
    momentum: float = 0.0      # SGD only
    step_size: int | None = None  # multiply the learning rate by `gamma` every step_size epochs
    gamma: float = 0.1
    min_steps: int = MIN_STEPS  # ...at least this many optimiser steps (`epochs_for`)

    def epochs_for(self, n_train: int) -> int:
        """How many epochs run on n_train examples: max(max_epochs, enough epochs for min_steps
        optimiser steps), one rule at every size."""
        batches = -(-int(n_train) // self.batch_size)
        return max(self.max_epochs, -(-self.min_steps // max(batches, 1)))

    def step_every(self, epochs: int) -> int | None:
        """The learning rate's step (in epochs) for a run of `epochs`: `step_size` of
        `max_epochs`, scaled so that the rate falls at the same fractions of a longer run."""
        if not self.step_size:
            return None
        return max(1, round(self.step_size * epochs / self.max_epochs))

    def fixed(self, epochs: int) -> "TrainConfig":
        """The same optimiser run for exactly `epochs` epochs at a constant learning rate, nobody
        stopping it, last weights kept: the overfitting page's runs, whose slider says how long
        training goes on. The step schedule is dropped (issue 27): kept, it fell every
        `step_size` epochs whatever the length (`step_every` of a run as long as its own
        max_epochs), so fine-tuning's rate was 1e-6 from epoch 21 and the page's last 180 epochs
        barely moved; and at a constant rate a run of E epochs is the first E epochs of a longer
        one, so every slider position draws the same curve, only longer or shorter."""
        return replace(self, max_epochs=int(epochs), min_steps=0, step_size=None)

    def describe(self) -> dict:
        return asdict(self)

    def in_words(self) -> str:
        """The recipe as a page shows it, written from these fields (never typed on a page)."""
        rate = f"learning rate {self.lr:g}"
        if self.step_size:  # the schedule beside the rate it divides (not after the momentum)
            rate += (f", divided by {1 / self.gamma:g} every {self.step_size} epochs"
                     + (f" of {self.max_epochs} (at the same fractions of a longer run)"
                        if self.min_steps else ""))
        else:
            rate += " (constant rate, no schedule)"
        opt = (f"SGD, {rate}, momentum {self.momentum:g}" if self.optimizer == "sgd"
               else f"Adam, {rate}, weight decay {self.weight_decay:g}")
        length = (f"max({self.max_epochs} epochs, {self.min_steps} optimiser steps)" if self.min_steps
                  else f"exactly {self.max_epochs} epochs")
        return (f"{opt}; batches of {self.batch_size}; every labeled example trains, "
                f"no validation split; {length}, last weights kept")


# Fine-tuning pretrained layers: the PyTorch transfer-learning tutorial's recipe (SGD, lr 1e-3,
# momentum 0.9, batches of 4, the rate divided by 10 every 7 epochs, 25 epochs), last weights
# kept: by epoch 15 the rate is 1e-5, so there is nothing left for early stopping to decide.
# The tutorial's 25 epochs were of 244 photos, 61 steps each; at 2 per class an epoch is one
# step, and 25 epochs were 25 steps, 7 of them at the full rate. So fine-tuning gets the same
# floor as every network, max(25 epochs, 300 steps), and its rate falls at 7/25, 14/25 and 21/25
# of whatever it runs (`step_every`): for two classes from 23 per class up (46 photos, 12 steps
# an epoch) it is the tutorial's recipe unchanged.
FINETUNE = TrainConfig(max_epochs=25, lr=1e-3, weight_decay=0.0, batch_size=4, optimizer="sgd", momentum=0.9, step_size=7)


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
        config: TrainConfig = TrainConfig(), seed: int = 0, stop=None, test=None, on_trained=None):
    """Train `model` in place; return (model, history, seconds).

    history has columns epoch, split, loss, accuracy (split is "train" or, when
    `test=(x_test, y_test)` is given, "test": for display only, it decides nothing).
    It trains for `config.epochs_for(len(x_train))` epochs on every example it is given (no
    validation split, no early stopping: see the module's docstring); `stop()` returning True
    ends training early.
    Training runs on `lib.device.device()` (a GPU when there is one); the model comes back on
    the CPU, where the rest of the app uses it. `on_trained(model, history, seconds)` is called
    once training is done, before the test curve is scored.
    """
    with limited_threads():  # small models: one thread is fastest (see lib.device)
        return _fit(model, x_train, y_train, config, seed, stop, test, on_trained)


def _optimiser(params, config, epochs=None):
    if config.optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=config.lr, momentum=config.momentum,
                              weight_decay=config.weight_decay)
    else:
        opt = torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    every = config.step_every(epochs or config.max_epochs)
    steps = every and torch.optim.lr_scheduler.StepLR(opt, every, config.gamma)
    return opt, steps


def _fit(model, x_train, y_train, config, seed, stop, test, on_trained):
    if len(x_train) == 0:
        raise ValueError("fit() needs at least one training example, got 0")
    if len(x_train) != len(y_train):
        raise ValueError(f"x_train has {len(x_train)} rows but y_train has {len(y_train)}")
    generator = seed_everything(seed)  # the shuffling generator stays on the CPU: same order anywhere
    dev = device()
    model = model.to(dev)
    x_train, y_train = x_train.to(dev), y_train.to(dev)
    loss_fn = nn.CrossEntropyLoss()
    params = [p for p in model.parameters() if p.requires_grad]
    epochs = config.epochs_for(len(x_train))
    optimiser, schedule = _optimiser(params, config, epochs)
    rows, kept = [], {}
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
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
        if test is not None and (epoch in CURVE_EPOCHS or epoch == epochs):
            kept[epoch] = _copy(model.state_dict())  # scored after training (test_curve)
        if stop is not None and stop():
            break
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
    """The test rows in their place: each epoch's train row, then its test row."""
    order = {"train": 0, "test": 1}
    both = pd.concat([history, pd.DataFrame(rows, columns=history.columns)], ignore_index=True)
    both = both.assign(_rank=both.split.map(order)).sort_values(["epoch", "_rank"], kind="stable")
    return both.drop(columns="_rank").reset_index(drop=True)
