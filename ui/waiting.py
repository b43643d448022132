"""A wait that says what it waits for: what is done, what is left, and about how long, estimated
from the jobs done so far in this wait (issue 26: a cold learning-curve page waited 257 s behind
a bare progress bar).

Jobs differ in size: a cell of the learning curves at 128 labeled examples per class trains for
far longer than one at 2. Each job carries a weight (its labeled examples per class, plus one for
the fixed part every job pays), and the time left is the time per unit of weight so far times
the weight left: a linear model of cost that is rough, so the page says "about", and nothing
until a job has finished. `estimate` and `words` are plain functions (tested without Streamlit).
"""
import time


def estimate(elapsed_s: float, done_weight: float, left_weight: float) -> float | None:
    """Seconds left at the pace so far, or None before any job has finished."""
    if done_weight <= 0 or elapsed_s <= 0:
        return None
    return elapsed_s / done_weight * left_weight


def duration(seconds: float) -> str:
    """A time left as a room reads it: "under a minute", "about 4 minutes", "about 1 h 20 min"."""
    if seconds < 60:
        return "under a minute"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    return f"about {minutes // 60} h {minutes % 60:02d} min"


def words(done: int, total: int, what: str, elapsed_s: float, left_s: float | None, now: str = "",
          trained: int | None = None) -> str:
    """One line: "12 of 40 runs done, 28 left, about 4 minutes to go (7 trained in 57 s, the
    larger sizes counted as slower). Now: training 16 per class, seed 2." `trained`: how many of
    the `done` were trained during this wait (the rest were read from disk), default all."""
    trained = done if trained is None else trained
    line = f"{done} of {total} {what} done, {total - done} left"
    if done >= total:
        line = f"All {total} {what} done"
    elif left_s is None:
        line += "; how long the rest takes is known once the first has trained"
    else:
        line += (f", {duration(left_s)} to go ({trained} trained in {elapsed_s:.0f} s, "
                 f"the larger sizes counted as slower)")
    return line + (f". Now: {now}." if now else ".")


class Waiting:
    """Counts weighted jobs as they finish and shows `words(...)` on a Streamlit progress bar.

    jobs: {key: weight}; `done(key)` when one finishes (a key done twice counts once); `say(now)`
    redraws the bar with what runs now. Jobs already done before the wait began are passed as
    `already` and count as done but not towards the pace."""

    def __init__(self, bar, jobs: dict, what: str = "runs", already=()):
        self.bar, self.jobs, self.what = bar, dict(jobs), what
        self.finished = set(already) & set(jobs)
        self.fresh_weight, self.trained = 0.0, 0  # finished during this wait: the pace's measure
        self.t0 = time.monotonic()

    def done(self, key) -> None:
        if key in self.jobs and key not in self.finished:
            self.finished.add(key)
            self.fresh_weight += self.jobs[key]
            self.trained += 1

    def text(self, now: str = "") -> str:
        left = sum(w for k, w in self.jobs.items() if k not in self.finished)
        elapsed = time.monotonic() - self.t0
        return words(len(self.finished), len(self.jobs), self.what, elapsed,
                     estimate(elapsed, self.fresh_weight, left), now, self.trained)

    def say(self, now: str = "") -> None:
        self.bar.progress(len(self.finished) / max(len(self.jobs), 1), text=self.text(now))
