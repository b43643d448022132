"""What a slider move shows, as it becomes ready: each way's card the moment that way is done,
then the next positions trained before anyone asks for them.

A way already on disk is a file read and its card is drawn at once. The others go to the
server's workers (lib.workers) at the front of the queue, one way per job, so the two cores
each take one and the quick ways' cards appear while fine-tuning still trains, with its own
progress. Once a view is drawn, `prefetch` queues the neighbouring slider positions of the same
settings (nearest first, both ways), the control and every cut at this position, then the rest
of the ladder: moving the slider then reads a file. A change of settings re-aims the queue.
"""
import time

import streamlit as st

from lib import (DRAW_SEEDS, LATER, NEXT, NOW, PROFILE, ZERO_SHOT_IMAGE, Job, assemble, draw_jobs, next_jobs,
                 not_stored, pool, resolve_options, stored_profile, stored_run, view_jobs, ways_for)
from ui import cards

POLL_S = 0.15  # how often a waiting page looks at its jobs


def _card_slot(slot, way, message, fraction):
    with slot.container():
        cards.title(way.method)
        st.progress(min(max(float(fraction), 0.0), 1.0), text=message)


def comparison(task: str, n: int, seed: int, draws: bool = False, **options):
    """Every way's card for (task, n, seed, options), each drawn as soon as it is ready; returns
    the Comparison once all are (None if a way failed: the page says which, and why).
    draws=True queues the same view on every draw of lib.draws.DRAW_SEEDS right behind it, so a
    core left idle by the cards starts on them (`over_draws` waits for them)."""
    options = resolve_options("image", options)
    ways = _ways(options, n)
    behind = _draw_jobs(task, n, options) if draws else []
    slots = {w.method: col.empty() for w, col in zip(ways, st.columns(len(ways)))}

    def show(way, what, payload):
        slot = slots[way.method]
        if what == "card":
            with slot.container():
                cards.run_card(payload)
        elif what == "error":
            slot.error(f"{cards.way_title(way.method)} could not be trained: {payload}",
                       icon=":material/error:")
        else:
            _card_slot(slot, way, *payload)

    return _gather(task, n, seed, options, ways, show, behind)


def computed(task: str, n: int, seed: int, **options):
    """The Comparison from the workers, under one progress bar (for a page that draws its own
    charts instead of cards, such as the overfitting page); None and an st.error if a way failed."""
    options = resolve_options("image", options)
    ways = _ways(options, n)
    bar, done = cards.Progress("Training every way…"), set()

    def show(way, what, payload):
        if what == "error":
            st.error(f"{cards.way_title(way.method)} could not be trained: {payload}", icon=":material/error:")
        elif what == "card":
            done.add(way.method)
        else:
            bar(f"{cards.way_title(way.method)}: {payload[0]}", (len(done) + payload[1]) / len(ways))

    try:
        return _gather(task, n, seed, options, ways, show)
    finally:
        bar.done()


def _ways(options: dict, n: int) -> list:
    """The ways of a view: at 0 labeled examples per class the zero-shot way alone
    (lib.comparisons.compare(task, 0)), else ways_for's."""
    return [ZERO_SHOT_IMAGE] if int(n) == 0 else ways_for(options, n)


def _gather(task, n, seed, options, ways, show, behind=()):
    """Each way from disk or from the workers; `show(way, what, payload)` hears each way's
    progress ("progress", (message, fraction)), its numbers ("card", run) or its failure.
    `behind`: jobs queued right after this view's, in the same group (see `comparison`)."""
    runs = {w.method: stored_run(w, task, n, seed, options) for w in ways}
    jobs = {w.method: Job.run(task, w.method, n, seed, options) for w in ways if runs[w.method] is None}
    view = _view_group(task)
    pool().drop(view)  # the positions this session asked for before and has moved on from
    futures = {m: pool().submit(job, NOW, view) for m, job in jobs.items()}
    for job in behind:
        pool().submit(job, PROFILE, view)
    shown, failed = set(), {}
    while True:
        for way in ways:
            m = way.method
            if m in failed:
                continue
            if runs[m] is None and futures[m].done():
                try:
                    runs[m] = futures[m].result()
                except Exception as err:  # a worker died twice, a download failed...
                    failed[m] = err
                    show(way, "error", err)
                    continue
            if m in shown:
                continue
            card = runs[m] if runs[m] is not None else pool().cards.get(jobs[m].key)
            if card is not None:  # its numbers are known; its test curve may still be scored
                show(way, "card", card)
                shown.add(m)
            else:
                show(way, "progress", pool().progress.get(jobs[m].key, ("Waiting for a free worker", 0.0)))
        if all(runs[w.method] is not None or w.method in failed for w in ways):
            break
        time.sleep(POLL_S)
    return None if failed else assemble(task, n, seed, runs, options)


def _draw_jobs(task, n, options) -> list:
    """The view's jobs on every draw of DRAW_SEEDS that are not on disk yet."""
    if int(n) == 0:
        return []
    return [job for job, _ in not_stored((job, NOW) for job in draw_jobs(task, n, options))]


def over_draws(task: str, n: int, progress=None, **options):
    """{seed: {method: Run}} for every draw of DRAW_SEEDS at this view's settings, from disk or
    from the workers (behind this view, before its depth profile); `progress(message, fraction)`
    hears how many runs are done. Raises what a worker raised (a way that cannot be trained)."""
    options = resolve_options("image", options)
    ways = _ways(options, n)
    runs = {s: {w.method: stored_run(w, task, n, s, options) for w in ways} for s in DRAW_SEEDS}
    futures = {(s, m): pool().submit(Job.run(task, m, n, s, options), PROFILE, _view_group(task))
               for s, by_way in runs.items() for m, run in by_way.items() if run is None}
    total = len(DRAW_SEEDS) * len(ways)
    while futures:
        for (s, m), future in list(futures.items()):
            if future.done():
                runs[s][m] = future.result()
                del futures[(s, m)]
        if progress:
            progress(f"Repeating this view on {len(DRAW_SEEDS)} random draws: "
                     f"{total - len(futures)} of {total} trainings done", 1 - len(futures) / total)
        if futures:
            time.sleep(POLL_S)
    return runs


def profile(task: str, n: int, backbone: str, progress=None):
    """The depth profile at this size: from disk at once, else from the workers, with progress."""
    options = {"backbone": backbone}
    found = stored_profile(task, n, options)
    if found is not None:
        return found
    job = Job.profile(task, n, backbone)
    future = pool().submit(job, PROFILE, _view_group(task))
    while not future.done():
        if progress:
            progress(*pool().progress.get(job.key, ("Waiting for a free worker", 0.0)))
        time.sleep(POLL_S)
    return future.result()


def _view_group(task: str) -> str:
    """The pool group of what this session's current view waits for (dropped when it moves on)."""
    return f"{_session()}:{task}:view"


def _session() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "anonymous"


def prefetch(task: str, n: int, seed: int, hi: int, zero: bool = False, **options) -> None:
    """Queue what the presenter will likely ask for next (lib.plan.next_jobs), replacing this
    session's earlier queue: a change of settings re-aims it. zero=True: the slider starts at 0
    (the zero-shot way can run on this task), so that step is queued too; from 0 the next moves
    are those from the first step, and the first step itself."""
    options = resolve_options("image", options)
    if int(n) == 0:
        jobs = [(job, NEXT) for job in view_jobs(task, 1, seed, options)]
        jobs += next_jobs(task, 1, seed, hi, options)
    else:
        jobs = next_jobs(task, n, seed, hi, options)
        if zero:
            jobs.append((Job.run(task, ZERO_SHOT_IMAGE.method, 0, seed, options), LATER))
    pool().prefetch(f"{_session()}:{task}", not_stored(jobs))
