"""On a fresh server the warm-up and the first visitor ask for the same default view at once; a
classroom's sessions may ask for the same new slider position at once. It is computed once: the
others wait, then read what the first stored."""
import threading
import time

import pandas as pd

from lib import comparisons, stored


def test_the_same_result_asked_for_at_once_is_computed_once(monkeypatch):
    calls = []

    def slow_profile(task, n_per_class, seeds, progress=None, **options):
        calls.append(n_per_class)
        time.sleep(0.5)  # long enough for the other threads to ask meanwhile
        return pd.DataFrame({"cut": ["stage1"], "depth": [1], "feature_dim": [16], "pretrained": [True],
                             "seed": [0], "test_accuracy": [0.5]})

    monkeypatch.setattr(comparisons, "depth_profile", slow_profile)
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        stored.depth_profile_stored("dress", 3, [0], backbone="efficientnet_lite0"))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [3]
    assert len(results) == 3 and all(r.test_accuracy.tolist() == [0.5] for r in results)


def test_a_forked_child_can_take_a_lock_another_thread_held(monkeypatch):
    lock = stored._memory_lock
    lock.acquire()  # as a session reading a stored run while a sweep forks its workers
    try:
        stored._forked()  # what os.register_at_fork runs in the child
        assert stored._memory_lock.acquire(timeout=1)
        stored._memory_lock.release()
    finally:
        lock.release()
