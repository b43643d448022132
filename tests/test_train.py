"""The training loop: history contract, the budget rule, the display-only test curve, determinism,
input checks."""
import numpy as np
import pytest
import torch
from torch import nn

from lib.train import TrainConfig, fit


def _blobs(n, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 5, generator=g)
    return x, (x[:, 0] > 0).long()


def test_history_has_contract_columns_and_learns_a_separable_problem():
    x, y = _blobs(80)
    model, history, seconds = fit(nn.Linear(5, 2), x[:60], y[:60],
                                  TrainConfig(lr=0.05, max_epochs=30, min_steps=0), test=(x[60:], y[60:]))
    assert list(history.columns) == ["epoch", "split", "loss", "accuracy"]
    assert set(history.split) == {"train", "test"}
    assert history[history.split == "test"].accuracy.iloc[-1] > 0.85
    assert seconds > 0


def test_every_epoch_runs_and_only_the_train_split_is_recorded():
    x, y = _blobs(10)
    _, history, _ = fit(nn.Linear(5, 2), x, y, config=TrainConfig().fixed(7))
    assert history.epoch.max() == 7 and set(history.split) == {"train"}


def test_the_budget_is_max_of_epochs_and_optimiser_steps():
    """max(max_epochs, enough epochs for min_steps steps), counted by the optimiser itself."""
    config = TrainConfig(max_epochs=3, min_steps=12, batch_size=4)
    for n, epochs in [(1, 12), (4, 12), (5, 6), (8, 6), (12, 4), (16, 3), (40, 3)]:
        x, y = _blobs(n)
        model = nn.Linear(5, 2)
        steps = []
        model.register_forward_pre_hook(lambda m, a: steps.append(m.training))
        _, history, _ = fit(model, x, y, config=config)
        assert history.epoch.max() == epochs == config.epochs_for(n), n
        assert sum(steps) == epochs * -(-n // 4) >= 12, n  # training forwards: one per step


def test_the_default_recipe_has_one_regime_at_every_size():
    """Issue 20: no early stopping, no validation split, and a budget that never shrinks as the
    draw grows: at least 60 epochs and at least 300 optimiser steps, for every size 1-500 per class
    (2 and 3 classes), where the old recipe fell from 60 steps at 16 per class to ~20 at 32."""
    config = TrainConfig()
    assert (config.max_epochs, config.min_steps, config.batch_size) == (60, 300, 32)
    for k in (2, 3):
        last = 0
        for per_class in range(1, 501):
            n = k * per_class  # every drawn example trains (test_experiments: the draw)
            epochs = config.epochs_for(n)
            steps = epochs * -(-n // 32)
            assert epochs >= 60 and steps >= 300 and steps >= last, (k, per_class)
            last = steps
    assert "no validation split" in config.in_words() and "300 optimiser steps" in config.in_words()


def test_same_seed_same_history():
    x, y = _blobs(30)
    def run():
        torch.manual_seed(3)  # the initial weights, as lib.runs.train_and_score draws them
        return fit(nn.Sequential(nn.Dropout(0.3), nn.Linear(5, 2)), x, y, seed=3,
                   config=TrainConfig().fixed(5))[1]
    runs = [run(), run()]
    assert np.array_equal(runs[0].loss.values, runs[1].loss.values)


def test_stop_callback_ends_training():
    x, y = _blobs(10)
    _, history, _ = fit(nn.Linear(5, 2), x, y, config=TrainConfig(max_epochs=50), stop=lambda: True)
    assert history.epoch.max() == 1


def test_input_checks_say_what_was_wrong():
    with pytest.raises(ValueError, match="at least one training example"):
        fit(nn.Linear(5, 2), torch.zeros(0, 5), torch.zeros(0, dtype=torch.long))
    with pytest.raises(ValueError, match="3 rows but y_train has 2"):
        fit(nn.Linear(5, 2), torch.zeros(3, 5), torch.zeros(2, dtype=torch.long))


def test_the_test_curve_is_for_reading_only():
    """Drawn on the whole test set at CURVE_EPOCHS and the last epoch; with or without it, the
    same training happens."""
    from lib.train import CURVE_EPOCHS
    x, y = _blobs(120)
    config = TrainConfig(lr=0.05, max_epochs=12, min_steps=0)
    torch.manual_seed(0)
    plain, h_plain, _ = fit(nn.Linear(5, 2), x[:40], y[:40], config)
    torch.manual_seed(0)
    flipped = 1 - y[60:]  # the worst possible test labels: if they steered anything, it would show
    seen, h_seen, _ = fit(nn.Linear(5, 2), x[:40], y[:40], config, test=(x[60:], flipped))
    assert torch.equal(plain.weight, seen.weight)
    assert h_seen[h_seen.split != "test"].reset_index(drop=True).equals(h_plain)
    tested = h_seen[h_seen.split == "test"]
    ran = int(h_seen.epoch.max())
    assert ran == 12 and set(tested.epoch) == {e for e in CURVE_EPOCHS if e <= ran} | {ran}
    assert all(abs(a * 60 - round(a * 60)) < 1e-6 for a in tested.accuracy)  # all 60 test examples


def test_the_fine_tuning_recipe_decays_its_learning_rate():
    from lib.train import FINETUNE, _optimiser
    opt, schedule = _optimiser(nn.Linear(2, 2).parameters(), FINETUNE)
    rates = []
    for _ in range(FINETUNE.max_epochs):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        schedule.step()
    assert rates[0] == 1e-3 and rates[7] == pytest.approx(1e-4) and rates[14] == pytest.approx(1e-5)
    assert isinstance(opt, torch.optim.SGD) and opt.param_groups[0]["momentum"] == 0.9


def test_fine_tuning_gets_at_least_300_steps_and_its_rate_falls_at_the_same_fractions():
    """At 2 per class (4 photos, one batch of 4 an epoch) the tutorial's 25 epochs were 25 steps;
    now max(25 epochs, 300 steps), the rate divided by 10 at 7/25, 14/25 and 21/25 of the run.
    From 23 per class up (two classes) it is the tutorial's 25 epochs unchanged."""
    from lib.train import FINETUNE, _optimiser
    assert FINETUNE.epochs_for(4) == 300 and FINETUNE.epochs_for(32) == 38
    assert FINETUNE.epochs_for(46) == FINETUNE.epochs_for(256) == 25 and FINETUNE.step_every(25) == 7
    for n in (4, 8, 16, 32, 46, 64, 256):
        epochs = FINETUNE.epochs_for(n)
        assert epochs * -(-n // 4) >= 300
        opt, schedule = _optimiser(nn.Linear(2, 2).parameters(), FINETUNE, epochs)
        rates = []
        for _ in range(epochs):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            schedule.step()
        for fraction, rate in [(6 / 25, 1e-3), (8 / 25, 1e-4), (15 / 25, 1e-5), (22 / 25, 1e-6)]:
            assert rates[int(fraction * epochs)] == pytest.approx(rate), (n, fraction)
    fixed = FINETUNE.fixed(10)  # the overfitting page's epochs: exactly that many, no schedule
    assert fixed.epochs_for(4) == 10 and fixed.step_every(10) is None


def test_fixed_epoch_fine_tuning_trains_at_a_constant_rate_to_its_last_epoch(monkeypatch):
    """The overfitting page's fine-tuning (FINETUNE.fixed(E)) runs exactly E epochs at the
    tutorial's starting rate throughout: with the schedule kept, the rate was divided by 10
    every 7 epochs whatever E, 1e-6 from epoch 21 on (issue 27). Read off the optimiser fit uses."""
    from lib import train
    from lib.train import FINETUNE
    seen = []
    real = train._optimiser

    def spy(params, config, epochs=None):
        opt, schedule = real(params, config, epochs)
        seen.append(opt)
        return opt, schedule

    monkeypatch.setattr(train, "_optimiser", spy)
    x, y = _blobs(8)
    rates = []
    fit(nn.Linear(5, 2), x, y, config=FINETUNE.fixed(30),
        stop=lambda: rates.append(seen[0].param_groups[0]["lr"]) and False)
    assert len(rates) == 30 and rates[0] == rates[-1] == FINETUNE.lr
    assert "constant rate" in FINETUNE.fixed(30).in_words() and "exactly 30 epochs" in FINETUNE.fixed(30).in_words()
    assert "divided by 10 every 7 epochs" in FINETUNE.in_words()  # the default recipe keeps its schedule


def test_a_runs_numbers_are_announced_before_its_display_only_test_curve():
    """A page draws the card as soon as the numbers are known; the test curve, which decides
    nothing, is scored afterwards from weights kept at its epochs, and is the same as before."""
    from lib.runs import announcing, train_and_score
    x, y = _blobs(120)
    heard = []
    with announcing(heard.append):
        run = train_and_score("scratch", "toy", lambda: nn.Linear(5, 2), x[:80], y[:80], np.arange(40),
                              np.zeros(0, dtype=np.int64), x[80:], y[80:], seed=0,
                              config=TrainConfig(lr=0.05, max_epochs=12, min_steps=0))
    assert len(heard) == 1 and "test" not in set(heard[0].history.split)
    assert heard[0].test_accuracy == run.test_accuracy and "test" in set(run.history.split)
    torch.manual_seed(0)
    _, inside, _ = fit(nn.Linear(5, 2), x[:40], y[:40], TrainConfig(lr=0.05, max_epochs=12, min_steps=0),
                       test=(x[80:], y[80:]))
    assert inside.equals(run.history)  # the curve is where fit puts it, epoch by epoch
