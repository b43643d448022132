"""A way of learning as a small object, like a scikit-learn estimator: it knows its recipe and
the options it reads, and those options are its cache key.

    way.run(task, train_index, val_index, seed, options) -> Run

`reads` names the only options that can change the way's result. A stored result is keyed by
them alone (lib.stored.run_path): turning on the control, or moving the cut, never retrains
the network from scratch, which reads neither. `compare` (lib.comparisons) is a loop over the
ways a page shows; the Dask workers (lib.engine) run one way per job, so the two cores each take one.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Way:
    method: str             # the key of its Run in a Comparison: "scratch", "transfer", ...
    kind: str               # "image" or "text": which tasks it learns
    reads: tuple = ()       # the options its result depends on (its cache key, with the draw)

    def settings(self, options: dict) -> dict:
        """The part of `options` this way reads: what its stored result is keyed by."""
        return {k: options[k] for k in self.reads if k in options}

    def run(self, task, train_index, val_index, seed: int, options: dict, progress=None, stop=None):
        raise NotImplementedError
