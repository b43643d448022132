"""Fine-tuning the sentence encoder, the third way for texts: its top layer unfrozen and trained
together with a new linear head, as lib.image.finetune does for photos.

What is trained: the last of all-MiniLM-L6-v2's six transformer layers (TOP_FROM, lib.text.depth),
starting from its pretrained weights, then the encoder's own pooling (the mean of the token
vectors, L2-normalised: the sentence embedding), then a new nn.Linear(384, classes). The embeddings
and layers 1-5 stay frozen, so their output (the token vectors entering the top layer) is computed
once per text and cached (lib.text.depth.top_input, the image side's `top_input`): a step costs
only the top layer. One layer, like the image side's last stage: the top sixth of the network,
and the first layer ULMFiT's gradual unfreezing trains.

The recipe, fixed from the field's reference before any result was seen (docs/ARCHITECTURE.md,
"Choices fixed before any result was seen"): SetFit's defaults for training a sentence
transformer end to end with a differentiable head (setfit.TrainingArguments, the classifier
phase, end_to_end=True): AdamW, the body's learning rate 1e-5 and the new head's 1e-2 (a head
from random weights needs large steps, pretrained weights small ones that keep what they know),
weight decay 0.01 (`l2_weight`), batches of 2, 16 epochs; dropout as in the pretrained model
(0.1, on while training). SetFit is the reference because it is the field's few-shot recipe for
exactly these models (sentence-transformers bodies, 8-64 labels per class) and its published
tables are what this way is compared with. Not taken: SetFit's first, contrastive phase (it trains
the whole body on pairs of texts before any head exists; this way is the image side's "top
unfrozen + new head", and SetFit's numbers with it are quoted beside ours in docs/FINDINGS.md).
Like every network here (lib.train), it gets at least MIN_STEPS optimiser steps:
max(16 epochs, 300 steps), every labeled text trains, nothing held out, the last weights kept.
"""
import copy
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from lib.text import depth, encoders
from lib.train import CURVE_EPOCHS, MIN_STEPS, TrainConfig


@dataclass(frozen=True)
class TextFineTuneConfig:
    epochs: int = 16           # SetFit's num_epochs for the classifier phase
    body_lr: float = 1e-5      # SetFit's body_learning_rate for that phase
    head_lr: float = 1e-2      # SetFit's head_learning_rate
    weight_decay: float = 0.01  # SetFit's l2_weight (AdamW's decoupled decay)
    batch_size: int = 2        # SetFit's batch size for that phase
    min_steps: int = MIN_STEPS  # the optimiser-step floor of every network (lib.train)

    def epochs_for(self, n_train: int) -> int:
        """lib.train's rule: max(epochs, enough epochs for min_steps optimiser steps)."""
        return TrainConfig(max_epochs=self.epochs, batch_size=self.batch_size,
                           min_steps=self.min_steps).epochs_for(n_train)

    def fixed(self, epochs: int) -> "TextFineTuneConfig":
        return TextFineTuneConfig(int(epochs), self.body_lr, self.head_lr, self.weight_decay,
                                  self.batch_size, 0)

    def in_words(self) -> str:
        length = (f"max({self.epochs} epochs, {self.min_steps} optimiser steps)" if self.min_steps
                  else f"{self.epochs} epochs")
        return (f"AdamW, learning rate {self.body_lr:g} for the encoder's top layer and {self.head_lr:g} "
                f"for the new head, weight decay {self.weight_decay:g}; batches of {self.batch_size}; "
                f"every labeled text trains, no validation split; {length}, last weights kept")


FINETUNE_TEXT = TextFineTuneConfig()
# The test curve (test accuracy at lib.train.CURVE_EPOCHS, for the pages' charts) costs more than
# the training itself at small draws (13 passes over the test set against 300 steps of 2 texts);
# a benchmark that reads only the final accuracy turns it off. It never changes that accuracy.
TEST_CURVE = True


class Tokens:
    """Texts' cached token vectors (lib.text.depth.top_input), handed out as padded batches by
    row number: the model's input is a text's row, so the lib.runs machinery can slice it."""

    def __init__(self, tokens: np.ndarray, offsets: np.ndarray):
        self.tokens, self.offsets = torch.from_numpy(tokens), np.asarray(offsets)

    def __deepcopy__(self, memo):  # shared, never copied with a model
        return self

    def __len__(self):
        return len(self.offsets) - 1

    def lengths(self, rows) -> np.ndarray:
        rows = torch.as_tensor(rows).reshape(-1).numpy()
        return self.offsets[rows + 1] - self.offsets[rows]

    def batch(self, rows) -> tuple:
        rows = [int(r) for r in torch.as_tensor(rows).reshape(-1)]
        lengths = [int(self.offsets[r + 1] - self.offsets[r]) for r in rows]
        width = max(lengths, default=1)
        h = self.tokens.new_zeros((len(rows), width, self.tokens.shape[1]))
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, (r, n) in enumerate(zip(rows, lengths)):
            h[i, :n] = self.tokens[self.offsets[r]:self.offsets[r] + n]
            mask[i, :n] = 1
        return h, mask


class FineTunedText(nn.Module):
    """The encoder's top layer(s) (a copy: the shared encoder stays frozen), its pooling, a new head."""

    def __init__(self, layers: nn.ModuleList, dim: int, num_classes: int, tokens: Tokens):
        super().__init__()
        self.top = copy.deepcopy(layers)
        for p in self.top.parameters():
            p.requires_grad_(True)
        self.head = nn.Linear(dim, num_classes)
        self.tokens = tokens

    def forward(self, rows):
        h, mask = self.tokens.batch(rows)
        extended = (1.0 - mask[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
        for layer in self.top:
            out = layer(h, attention_mask=extended)
            h = out[0] if isinstance(out, tuple) else out
        return self.head(nn.functional.normalize(depth._masked_mean(h, mask), dim=1))


def top_layers() -> nn.ModuleList:
    return encoders.load()[0].auto_model.encoder.layer[depth.TOP_FROM:]


def trained_weights(num_classes: int) -> int:
    """How many weights fine-tuning trains, counted from the live layers as the card counts them."""
    return sum(p.numel() for p in top_layers().parameters()) + (encoders.dim() + 1) * num_classes


def frozen_weights() -> int:
    return encoders.total_params() - sum(p.numel() for p in top_layers().parameters())


def fit_finetune(model: FineTunedText, x, y, config: TextFineTuneConfig = FINETUNE_TEXT, seed: int = 0,
                 test=None, stop=None):
    """Train `model` on rows x (labels y); return (model, history, seconds), lib.train.fit's
    history (train each epoch; test at lib.train.CURVE_EPOCHS and the last, for display only)."""
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)  # dropout
    x, y = torch.as_tensor(x), torch.as_tensor(y, dtype=torch.long)
    opt = torch.optim.AdamW([{"params": model.top.parameters(), "lr": config.body_lr},
                             {"params": model.head.parameters(), "lr": config.head_lr}],
                            weight_decay=config.weight_decay)
    loss_fn, rows, kept = nn.CrossEntropyLoss(), [], {}
    epochs = config.epochs_for(len(x))
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(x), generator=generator)
        for i in range(0, len(order), config.batch_size):
            batch = order[i:i + config.batch_size]
            opt.zero_grad()
            loss_fn(model(x[batch]), y[batch]).backward()
            opt.step()
        rows.append((epoch, "train", *_evaluate(model, x, y, loss_fn)))
        if test is not None and (epoch in CURVE_EPOCHS or epoch == epochs):
            kept[epoch] = {k: v.detach().clone() for k, v in model.state_dict().items()}
        if stop is not None and stop():
            break
    seconds = time.perf_counter() - start
    if kept:
        last = {k: v.detach().clone() for k, v in model.state_dict().items()}
        for epoch, state in sorted(kept.items()):
            model.load_state_dict(state)
            rows.append((epoch, "test", *_evaluate(model, *test, loss_fn)))
        model.load_state_dict(last)
        order = {"train": 0, "test": 1}
        rows.sort(key=lambda r: (r[0], order[r[1]]))
    model.eval()
    return model, pd.DataFrame(rows, columns=["epoch", "split", "loss", "accuracy"]), seconds


@torch.no_grad()
def _evaluate(model, x, y, loss_fn):
    """(loss, accuracy) on rows x, in batches of texts of similar length (padding a short text
    to the longest of a random batch cost most of the test curve's time)."""
    model.eval()
    x, y = torch.as_tensor(x), torch.as_tensor(y, dtype=torch.long)
    order = torch.as_tensor(np.argsort(model.tokens.lengths(x), kind="stable"))
    x, y = x[order], y[order]
    logits = torch.cat([model(x[i:i + 256]) for i in range(0, len(x), 256)])
    return float(loss_fn(logits, y)), float((logits.argmax(1) == y).float().mean())


def finetune_run(task, train_index, val_index, seed, config=FINETUNE_TEXT, stop=None, progress=None,
                 extra=None):
    """The way's Run on one labeled draw: rows 0..n-1 are the labeled texts, then the test set's,
    then each extra test set's (scored inside the run: the Run stays plain numbers)."""
    from lib.runs import train_and_score
    labeled = np.concatenate([train_index, val_index])
    texts = [task.pool.texts[i] for i in labeled]
    parts = [texts, list(task.test.texts)] + [list(ds.texts) for ds in (extra or {}).values()]
    pieces = [depth.top_input(p, progress) for p in parts]
    tokens = np.concatenate([t for t, _ in pieces]) if pieces else None
    offsets, base = [np.zeros(1, np.int64)], 0
    for t, o in pieces:
        offsets.append(o[1:] + base)
        base += len(t)
    store = Tokens(tokens, np.concatenate(offsets))
    starts = np.cumsum([0] + [len(p) for p in parts])
    rows = torch.arange(len(store))
    k = len(task.classes)
    model = [None]

    def trainer(x, y, test, stop):
        torch.manual_seed(seed)  # the new head's initial weights
        model[0] = FineTunedText(top_layers(), encoders.dim(), k, store)
        return fit_finetune(model[0], x, y, config, seed, test if TEST_CURVE else None, stop)

    y_rows = np.concatenate([task.pool.labels[labeled], task.test.labels])  # rows 0..starts[2]
    label = f"Fine-tuned: {encoders.MODEL}'s top layer + new head"
    run = train_and_score("finetune", label, None, rows[:starts[2]], y_rows, np.arange(len(labeled)), np.zeros(0, np.int64), rows[starts[1]:starts[2]],
                          task.test.labels, seed, frozen_params=frozen_weights(), stop=stop,
                          trainer=trainer,
                          formula=f"the top layer's {trained_weights(k) - (encoders.dim() + 1) * k:,} "
                                  f"weights and the new head's ({encoders.dim()} + 1) × {k}")
    run.extra_tests = {}
    for (name, ds), a, b in zip((extra or {}).items(), starts[2:], starts[3:]):
        with torch.no_grad():
            pred = torch.cat([model[0](rows[i:min(i + 256, b)]) for i in range(a, b, 256)]).argmax(1).numpy()
        run.extra_tests[name] = float((pred == np.asarray(ds.labels)).mean())
    return run, model[0]
