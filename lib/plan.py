"""What to train before anyone asks: the jobs behind a view, and the views a presenter will
likely ask for next, in the order they will likely ask.

From a drawn view (task, size, seed, options) the next moves are, nearest first: this position's
control and other cuts (a toggle, a selectbox), the slider's neighbouring positions in both
directions with their other draws (lib.draws) and depth profiles, then the rest of the ladder. Positions above NEAR_LIMIT per
class cost the most and are asked for the least, so they come last. A session holds these as
Dask futures (lib.engine.Asks) at lower priorities than what a page asks for, on the workers
that are not kept for pages.
"""
from lib.draws import DRAW_SEEDS
from lib.image.backbones import cuts_of
from lib.image.ways import CONTROL, TRANSFER, ZERO_SHOT_IMAGE, ways_for
from lib.tasks import resolve_options, resolve_task, task_kind
from lib.engine import LATER, NEXT, SWEEP, Job

NEAR_LIMIT = 64  # per class: the presenter's range, prefetched first


def doubling_sizes(hi: int, lo: int = 1, and_hi: bool = False) -> list[int]:
    """1, 2, 4, ... up to hi (and hi itself when and_hi): the labeled sizes a learning curve
    measures and a slider steps through, so every slider position is a measured point."""
    sizes = [2 ** i for i in range(max(int(hi), 1).bit_length()) if lo <= 2 ** i <= hi]
    return sizes + [int(hi)] if and_hi and int(hi) not in sizes else sizes


def ways_of(task: str, options: dict, n: int) -> list:
    """The ways a view of a named task shows, in the order of its cards, image or text (at 0
    labeled examples per class an image view is the zero-shot way alone)."""
    if task_kind(task) == "text":
        from lib.text.ways import text_ways_for
        return text_ways_for(resolve_task(task), options)
    return [ZERO_SHOT_IMAGE] if int(n) == 0 else ways_for(options, n)


def view_jobs(task: str, n: int, seed: int, options: dict) -> list:
    """The jobs behind one view: each way's run (the depth profile is asked for separately)."""
    options = resolve_options(task_kind(task), options)
    return [Job.run(task, w.method, n, seed, options, w.kind) for w in ways_of(task, options, n)]


def draw_jobs(task: str, n: int, options: dict, but: int | None = None) -> list:
    """The jobs behind one view on every draw of lib.draws.DRAW_SEEDS (but seed `but`): what
    the sentence a room reads first is computed from."""
    return [job for s in DRAW_SEEDS if s != but for job in view_jobs(task, n, s, options)]


def next_jobs(task: str, n: int, seed: int, hi: int, options: dict) -> list:
    """(job, priority) pairs for what will likely be asked next after the view (task, n, seed,
    options), nearest first; `hi` is the slider's largest position."""
    options = resolve_options("image", options)
    here = []
    for cut in ["auto", *cuts_of(options["backbone"])]:
        moved = {**options, "cut": cut}
        here += [(Job.run(task, w.method, n, seed, moved), NEXT) for w in (TRANSFER, CONTROL)]
    ladder = doubling_sizes(hi)
    if n not in ladder:
        ladder = sorted({*ladder, n})
    steps = lambda s: abs(ladder.index(s) - ladder.index(n))
    around = []
    for size in sorted((s for s in ladder if s != n), key=lambda s: (steps(s), s)):
        priority = NEXT if size <= NEAR_LIMIT else LATER
        around += [(job, priority) for job in view_jobs(task, size, seed, options)]
        around += [(job, priority if steps(size) == 1 else LATER)  # its sentence over draws
                   for job in draw_jobs(task, size, options, but=seed)]
        around.append((Job.profile(task, size, options["backbone"], options.get("control", False)), LATER))
    return here + around


def sweep_jobs(task: str, sizes, seeds, options: dict) -> list:
    """(job, SWEEP) for every way of every cell of a learning-curve sweep, smallest size first
    (the chart draws from the left)."""
    return [(job, SWEEP) for n in sizes for s in seeds for job in view_jobs(task, n, s, options)]


def not_stored(jobs) -> list:
    """The (job, priority) pairs whose result is not on disk yet."""
    from lib import stored
    out = []
    for job, priority in jobs:
        options = dict(job.options)
        if job.kind == "profile":
            done = stored.profile_path(job.task, job.n_per_class, options).exists()
        else:
            done = stored.run_path(job.way, job.task, job.n_per_class, job.seed, options).exists()
        if not done:
            out.append((job, priority))
    return out
