"""ui.waiting: what a long wait says it waits for (issue 26)."""
import pytest

from ui import waiting


def test_no_estimate_before_a_job_has_finished():
    assert waiting.estimate(0.0, 0, 10) is None
    assert waiting.estimate(12.0, 0, 10) is None
    assert "known once the first has trained" in waiting.words(0, 40, "runs", 3.0, None)


def test_the_time_left_weighs_what_is_left_by_size():
    # 2 cells of 1 per class (weight 2 each) took 8 s: 2 s per unit; left: one cell of 128 (129)
    assert waiting.estimate(8.0, 4, 129) == pytest.approx(258.0)
    # the same count left at small sizes is far quicker
    assert waiting.estimate(8.0, 4, 2) == pytest.approx(4.0)


def test_words_say_done_left_and_how_long():
    line = waiting.words(12, 40, "runs", 57.0, 250.0, "training 16 per class, seed 2", trained=7)
    assert line.startswith("12 of 40 runs done, 28 left, about 4 minutes to go (7 trained in 57 s")
    assert line.endswith("Now: training 16 per class, seed 2.")
    assert waiting.words(40, 40, "runs", 99.0, 0.0).startswith("All 40 runs done")


def test_durations_read_as_a_room_reads_them():
    assert waiting.duration(30) == "under a minute"
    assert waiting.duration(90) == "about 2 minutes"
    assert waiting.duration(4800) == "about 1 h 20 min"


class Bar:
    def progress(self, value, text=""):
        self.value, self.text = value, text


def test_waiting_counts_only_what_trained_here_towards_the_pace(monkeypatch):
    clock = iter([100.0, 110.0])  # started at 100 s; read at 110 s
    monkeypatch.setattr(waiting.time, "monotonic", lambda: next(clock))
    jobs = {(1, 0): 2, (1, 1): 2, (128, 0): 129}
    bar = Bar()
    wait = waiting.Waiting(bar, jobs, already={(1, 0)})   # one cell read from disk
    wait.done((1, 1))
    wait.done((1, 1))                                      # counted once
    wait.say("training 128 per class")
    assert bar.value == pytest.approx(2 / 3)
    # pace: 10 s for the weight 2 trained here -> 129 left takes 645 s
    assert "2 of 3 runs done, 1 left, about 11 minutes to go (1 trained in 10 s" in bar.text


def test_the_learning_curve_page_says_what_is_done_and_left_as_it_trains(monkeypatch):
    """Cells of 1 and 2 per class on disk, 4 to 16 trained (made up at once): each step of the
    wait names what is done, what is left, and once a cell has trained, about how long."""
    from test_page_learning_curves import _fake_cells, _page
    trained = _fake_cells(monkeypatch, "lc-waiting")
    said = []
    monkeypatch.setattr(waiting.Waiting, "say", lambda self, now="": said.append(self.text(now)))
    at = _page(largest="16").run()
    assert not at.exception and not at.error and trained == [4, 8, 16]
    assert said[0].startswith("2 of 5 runs done, 3 left; how long the rest takes is known once")
    assert "read from disk" in said[0]
    assert any(s.startswith("3 of 5 runs done, 2 left, ") and "to go (1 trained in" in s for s in said)
    assert said[-1].startswith("All 5 runs done")
