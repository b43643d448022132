"""What a slider move shows, as it becomes ready: each way's card the moment that way is done,
then the next positions trained before anyone asks for them.

A way already on disk is a file read and its card is drawn at once. The others are Dask tasks
(lib.engine) at a page's priority, one way per task, so the workers each take one and the quick
ways' cards appear while fine-tuning still trains, with its own progress. Once a view is drawn,
`prefetch` asks for the neighbouring slider positions of the same settings (nearest first, both
ways), the control and every cut at this position, then the rest of the ladder: moving the
slider then reads a file.

Each session holds its own futures (`_asks`, in its session state, so they go when it does), by
group: the view it shows and what it asked for ahead. A move re-aims the group at once: the
futures of the position left are released, and Dask drops a task only when no session holds it,
so an attendee who moves on never cancels what another attendee waits for. Every wait loop
touches the session state each poll: that is where Streamlit stops a script whose slider moved,
so the new position starts at once instead of after the old one's cards.
"""
import threading
import time

import streamlit as st

from lib import (DRAW_SEEDS, LATER, NEXT, NOW, PROFILE, ZERO_SHOT_IMAGE, Asks, Job, assemble, current_engine,
                 doubling_sizes, draw_jobs, engine_started, keep_run, next_jobs, not_stored, resolve_options,
                 stored_profile, stored_run, task_kind, view_jobs, ways_of)
from ui import cards, waiting

POLL_S = 0.15  # how often a waiting page looks at its jobs
WAITING = ("Waiting for a free worker", 0.0)
STARTING = ("Starting the workers (once per server)…", 0.0)


def _asks() -> Asks:
    """This session's futures (reading the session state is also a point where Streamlit stops
    a script whose page reran)."""
    if "_transfer_lab_asks" not in st.session_state:
        st.session_state["_transfer_lab_asks"] = Asks()
    return st.session_state["_transfer_lab_asks"]


def _yield() -> None:
    """Called by every wait loop each poll: if the presenter moved the slider (or touched any
    widget) meanwhile, stop waiting and rerun with the new value now. Streamlit does not let a
    fragment's rerun (the slider lives in one) preempt a run in progress
    (script_requests.py, _fragment_run_should_not_preempt_script): without this, 8 -> 4 -> 2
    finished the whole 4-per-class view, about 100 s, before 2 started (issue 26). A pending
    request is read from the run's ScriptRequests, which has no public reader."""
    _asks()
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    requests = getattr(get_script_run_ctx(), "script_requests", None)
    if getattr(requests, "_state", None) != ScriptRequestType.RERUN:
        return
    try:
        st.rerun(scope="fragment")  # the new position, merged with the pending widget values
    except st.errors.StreamlitAPIException:  # the fragment runs inside a whole-page run
        st.rerun()


def failure(err: Exception) -> str:
    """A worker's failure in words a presenter can act on (never a traceback)."""
    name = type(err).__name__
    if name == "KilledWorker":
        return ("a worker process stopped while training it, twice (the machine may be out of memory). "
                "The rest of the page stands: move the slider or press R to try again; if it happens "
                "again, close other programs or set TRANSFER_LAB_WORKERS=1.")
    if name in ("CancelledError", "FutureCancelledError"):
        return "the compute cluster dropped the job (it restarted or lost its connection): press R to try again."
    return str(err) or name


def notices() -> list:
    """What the engine could not do, for the page to say: a cluster that did not answer, a
    cache folder that is full or read-only. Nothing before the engine is needed (a stored view)."""
    if not engine_started():
        return []
    e = current_engine()
    out = [e.notice] if e.notice else []
    return out + list(dict.fromkeys(e.notices))[-1:]


def _card_slot(slot, way, message, fraction):
    with slot.container():
        cards.title(way.method)
        st.progress(min(max(float(fraction), 0.0), 1.0), text=message)


def comparison(task: str, n: int, seed: int, draws: bool = False, **options):
    """Every way's card for (task, n, seed, options), each drawn as soon as it is ready; returns
    the Comparison once all are (None if a way failed: the page says which, and why).
    draws=True queues the same view on every draw of lib.draws.DRAW_SEEDS right behind it, so a
    core left idle by the cards starts on them (`over_draws` waits for them)."""
    options = resolve_options(task_kind(task), options)
    ways = ways_of(task, options, n)
    behind = _draw_jobs(task, n, options) if draws else []
    for notice in notices():
        st.warning(notice, icon=":material/warning:")
    slots = {w.method: col.empty() for w, col in zip(ways, st.columns(len(ways)))}
    note = st.empty()  # under the cards: what is still scored once every card is in

    def show(way, what, payload):
        if what == "curves":
            note.caption(payload) if payload else note.empty()
            return
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


def computed(task: str, n: int, seed: int, assembled: bool = True, **options):
    """The Comparison from the workers, under one progress bar (for a page that draws its own
    charts instead of cards, such as the overfitting page); None and an st.error if a way failed.
    assembled=False: the runs by way (an image Comparison is assembled from runs; see `trained`)."""
    options = resolve_options(task_kind(task), options)
    ways = ways_of(task, options, n)
    bar, done = cards.Progress("Training every way…"), set()

    def show(way, what, payload):
        if what == "error":
            st.error(f"{cards.way_title(way.method)} could not be trained: {payload}", icon=":material/error:")
        elif what == "card":
            done.add(way.method)
        elif what == "curves":
            bar(payload or "Training every way…", 1.0)
        else:
            bar(f"{cards.way_title(way.method)}: {payload[0]}", (len(done) + payload[1]) / len(ways))

    try:
        return _gather(task, n, seed, options, ways, show, assembled=assembled)
    finally:
        bar.done()


def trained(task: str, n: int, seed: int, **options) -> bool:
    """Every way of a text view trained by the workers and stored, under one progress bar, for a
    page that reads its Comparison back itself (lib.stored.compare_stored: the movie-review page,
    whose comparison also carries the live models it trains on demand). False, with an st.error
    saying which way and why, if a way failed."""
    return computed(task, n, seed, assembled=False, **options) is not None


def _gather(task, n, seed, options, ways, show, behind=(), assembled: bool = True):
    """Each way from disk or from the workers; `show(way, what, payload)` hears each way's
    progress ("progress", (message, fraction)), its numbers ("card", run) or its failure.
    `behind`: jobs asked for right after this view's (its other draws), in the same group.
    Returns the image Comparison (assembled=False: the runs by way), or None if a way failed."""
    runs = {w.method: stored_run(w, task, n, seed, options) for w in ways}
    jobs = {w.method: Job.run(task, w.method, n, seed, options, w.kind) for w in ways if runs[w.method] is None}
    # The position this session asked for before is released here, at once: a move never waits
    # for the old position's cards, draws or profile (a task another session holds goes on).
    asked = [(job, NOW) for job in jobs.values()] + [(job, PROFILE) for job in behind]
    if jobs:
        _engine_ready(lambda: [show(w, "progress", STARTING) for w in ways if runs[w.method] is None])
    futures = _asks().want(_view_group(task), asked)
    shown, failed, cards_in, asked_at = set(), {}, None, time.monotonic()
    while True:
        futures = _still(futures, _view_group(task), asked)
        e = current_engine() if jobs else None
        for way in ways:
            m = way.method
            if m in failed:
                continue
            if runs[m] is None and futures[jobs[m]].done():
                try:
                    runs[m] = futures[jobs[m]].result()
                    keep_run(way, task, n, seed, options, runs[m])
                except Exception as err:  # a worker died twice, a download failed...
                    failed[m] = err
                    show(way, "error", failure(err))
                    continue
                finally:
                    e.done(jobs[m])
            if m in shown:
                continue
            card = runs[m] if runs[m] is not None else e.cards.get(jobs[m].key)
            if card is not None:  # its numbers are known; its test curve may still be scored
                show(way, "card", card)
                shown.add(m)
            else:
                show(way, "progress", _waited(e.progress.get(jobs[m].key, WAITING), asked_at))
        if all(runs[w.method] is not None or w.method in failed for w in ways):
            break
        if len(shown) + len(failed) == len(ways):  # every card is in; the curves are still scored
            cards_in = cards_in or time.monotonic()
            show(None, "curves", _scoring([w for w in ways if w.method not in failed], runs,
                                          time.monotonic() - cards_in))
        time.sleep(POLL_S)
        _yield()
    if cards_in:
        show(None, "curves", "")
    if failed:
        return None
    return assemble(task, n, seed, runs, options) if assembled else runs


def _so_far(since: float) -> str:
    """Seconds waited, in steps of 5: a waiting line that changes now and then, so a page never
    goes quiet for minutes (a room sees it working; a client that hears nothing for two minutes
    gives up, as benchmarks/load_test.py does)."""
    return _in_fives(time.monotonic() - since)


def _in_fives(seconds: float) -> str:
    return f"{5 * int(seconds // 5)} s so far"


def _waited(progress: tuple, since: float) -> tuple:
    """A job's (message, fraction), with the time waited while it is still queued."""
    return (f"{progress[0]} ({_so_far(since)})", progress[1]) if progress == WAITING else progress


def _scoring(ways, runs, seconds: float) -> str:
    """What a view waits for once every card is in (with the time, as `_so_far`)."""
    left = [cards.way_title(w.method) for w in ways if runs[w.method] is None]
    return (f"Every way's numbers are in. Still scoring the test accuracy after each round, for the "
            f"training curves below: {', '.join(left)} ({_in_fives(seconds)}).")


def _draw_jobs(task, n, options) -> list:
    """The view's jobs on every draw of DRAW_SEEDS that are not on disk yet."""
    if int(n) == 0:
        return []
    return [job for job, _ in not_stored((job, NOW) for job in draw_jobs(task, n, options))]


def over_draws(task: str, n: int, progress=None, **options):
    """{seed: {method: Run}} for every draw of DRAW_SEEDS at this view's settings, from disk or
    from the workers (behind this view, before its depth profile); `progress(message, fraction)`
    hears how many runs are done. Raises what a worker raised (a way that cannot be trained)."""
    options = resolve_options(task_kind(task), options)
    ways = ways_of(task, options, n)
    runs = {s: {w.method: stored_run(w, task, n, s, options) for w in ways} for s in DRAW_SEEDS}
    jobs = {(s, w.method): Job.run(task, w.method, n, s, options, w.kind) for s, by_way in runs.items()
            for w in ways if by_way[w.method] is None}
    asked = [(job, PROFILE) for job in jobs.values()]
    if jobs:
        _engine_ready(lambda: progress and progress(*STARTING))
    futures = _asks().want(_view_group(task), asked, keep=True)
    total, before, t0 = len(DRAW_SEEDS) * len(ways), len(jobs), time.monotonic()
    while jobs:
        futures = _still(futures, _view_group(task), asked, keep=True)
        for (s, m), job in list(jobs.items()):
            if futures[job].done():
                runs[s][m] = futures[job].result()
                del jobs[(s, m)]
        if progress:  # what is done, what is left, and about how long at the pace of this wait
            left_s = waiting.estimate(time.monotonic() - t0, before - len(jobs), len(jobs))
            progress(f"Repeating this view on {len(DRAW_SEEDS)} random draws: {total - len(jobs)} of "
                     f"{total} trainings done, {len(jobs)} left"
                     + (f", {waiting.duration(left_s)} to go" if left_s is not None else
                        f" ({_so_far(t0)})"),
                     1 - len(jobs) / total)
        if jobs:
            time.sleep(POLL_S)
            _yield()
    return runs


def profile(task: str, n: int, backbone: str, progress=None, control: bool = False):
    """The depth profile at this size: from disk at once, else from the workers, with progress.
    The random-weight control's features are computed only when the page shows the control."""
    options = {"backbone": backbone, "control": bool(control)}
    found = stored_profile(task, n, options)
    if found is not None:
        return found
    job = Job.profile(task, n, backbone, control)
    _engine_ready(lambda: progress and progress(*STARTING))
    future = _asks().want(_view_group(task), [(job, PROFILE)], keep=True)[job]
    asked_at = time.monotonic()
    while not future.done():
        future = _still({job: future}, _view_group(task), [(job, PROFILE)], keep=True)[job]
        e = current_engine()
        if progress:
            progress(*_waited(e.progress.get(job.key, WAITING), asked_at))
        time.sleep(POLL_S)
        _yield()
    current_engine().done(job)
    return future.result()


def _still(futures: dict, group: str, pairs: list, keep: bool = False) -> dict:
    """`futures`, or the same jobs asked again where the engine they were asked of was replaced
    (lib.engine.Engine.alive: its event loop had stopped, so they could never finish)."""
    if futures and next(iter(futures.values())).client is not current_engine().client:
        return _asks().want(group, pairs, keep=keep)
    return futures


def _engine_ready(waiting_for) -> None:
    """Return once the cluster is up, starting it behind the page if no one has: meanwhile
    `waiting_for()` says so and a slider move stops the wait (starting takes seconds)."""
    if engine_started():
        return
    _start_engine_behind()
    waiting_for()
    while not engine_started() and _starting.is_alive():
        time.sleep(POLL_S)
        _yield()


def _start_engine_behind() -> None:
    """Start (or connect to) the cluster in a thread of its own, once per process."""
    global _starting
    with _starting_lock:
        if _starting is None or not _starting.is_alive():
            _starting = threading.Thread(target=current_engine, name="transfer-lab-engine-start", daemon=True)
            _starting.start()


_starting, _starting_lock = None, threading.Lock()


def _view_group(task: str) -> str:
    """This session's group for what its current view waits for (re-aimed when it moves on)."""
    return f"{task}:view"


def prefetch(task: str, n: int, seed: int, hi: int, zero: bool = False, **options) -> None:
    """Ask for what the presenter will likely ask for next (lib.plan.next_jobs), replacing this
    session's earlier asks ahead: a change of settings re-aims them. zero=True: the slider starts
    at 0 (the zero-shot way can run on this task), so that step is asked for too; from 0 the next
    moves are those from the first step, and the first step itself. Nothing is asked ahead when
    the engine runs in this process (TRANSFER_LAB_WORKERS=0): it would queue in front of the
    pages' own work on its one thread."""
    if not engine_started():  # a stored view never waits for the cluster to start: it starts
        _start_engine_behind()  # behind the page, and the next view asks ahead (a move made
        return                  # meanwhile would have waited 9 s: no wait loop to stop it)
    if not current_engine().ahead:
        return
    if task_kind(task) == "text":  # the neighbouring sizes, nearest first (no cuts to toggle)
        options = resolve_options("text", options)
        sizes = sorted((s for s in doubling_sizes(hi) if s != n), key=lambda s: (abs(s - n), s))
        _asks().want(f"{task}:ahead", not_stored((job, NEXT) for s in sizes for job in view_jobs(task, s, seed, options)))
        return
    options = resolve_options("image", options)
    if int(n) == 0:
        jobs = [(job, NEXT) for job in view_jobs(task, 1, seed, options)]
        jobs += next_jobs(task, 1, seed, hi, options)
    else:
        jobs = next_jobs(task, n, seed, hi, options)
        if zero:
            jobs.append((Job.run(task, ZERO_SHOT_IMAGE.method, 0, seed, options), LATER))
    _asks().want(f"{task}:ahead", not_stored(jobs))
