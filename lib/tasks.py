"""The tasks the engine learns, and the options it learns them with, resolved to one spelling.

A task is "dress", "ants_bees", "sentiment", "rotten_tomatoes" (real reviews), a `Task`, or a
dataset from `lib.data.load_images` / `lib.data.load_texts` (then a stratified quarter is held out
as its test set). Options are written out with their defaults (`resolve_options`), so one piece
of work has one cache key however it was asked for.
"""
from lib import cache
from lib.data.datasets import ImageDataset, Task, TextDataset, split_task

TASKS = ("dress", "ants_bees", "sentiment", "rotten_tomatoes")
IMAGE_DEFAULTS = {"backbone": "efficientnet_lite0", "control": False, "cut": "auto", "finetune": True}
IMAGE_OPTIONS = {*IMAGE_DEFAULTS, "epochs"}  # every option an image way reads (lib.image.ways)


def resolve_task(task, **options) -> Task:
    """A task name, Task or dataset -> Task."""
    if isinstance(task, Task):
        return task
    if isinstance(task, (ImageDataset, TextDataset)):
        return split_task(task)
    if task == "dress":
        from lib.data.dress import dress_task
        return dress_task()
    if task == "ants_bees":
        from lib.data.photos import ants_bees_task
        return ants_bees_task()
    if task == "sentiment":
        from lib.data.reviews import sentiment_task
        return sentiment_task()
    if task == "rotten_tomatoes":
        from lib.data.rotten import rotten_task
        return rotten_task()
    raise ValueError(f"task must be one of {TASKS}, a Task, or a dataset from lib.data.load_images"
                     f"/load_texts; got {task!r}")


def resolve_options(kind: str, options: dict) -> dict:
    """Options with the defaults written out, so one piece of work has one cache key however
    it was asked for (epochs=None is the default and is dropped)."""
    out = {**IMAGE_DEFAULTS, **options} if kind == "image" else dict(options)
    if out.get("epochs") is None:
        out.pop("epochs", None)
    if kind == "image":
        from lib.image.backbones import CHOICES, cuts_of
        unknown = sorted(set(out) - IMAGE_OPTIONS)
        if unknown:  # a typo would otherwise be a new cache key that nothing reads
            raise ValueError(f"no image way reads the option(s) {', '.join(map(repr, unknown))}; "
                             f"the options are: {', '.join(sorted(IMAGE_OPTIONS))}")
        if out["backbone"] not in CHOICES:
            raise ValueError(f"backbone must be one of: {', '.join(CHOICES)}; got {out['backbone']!r}")
        cuts = cuts_of(out["backbone"]) if out["backbone"] in CHOICES else []
        if out["cut"] != "auto" and cuts and out["cut"] not in cuts:
            raise ValueError(f"{out['backbone']} has no stage {out['cut']!r}; cut after one of: "
                             f"auto, {', '.join(cuts)}")
    return out


def task_kind(task) -> str:
    if isinstance(task, str):
        return "text" if task in ("sentiment", "rotten_tomatoes") else "image"
    return task.kind if hasattr(task, "kind") else resolve_task(task).kind


def task_identity(task) -> str:
    """A named task is defined by the code (hashed above); anything else by its content."""
    if isinstance(task, str):
        return task
    data = [task.pool, task.test] if hasattr(task, "pool") else [task]
    parts = [(d.name, d.classes, cache.fingerprint(d.labels),
              cache.fingerprint(d.images) if d.kind == "image" else cache.key(d.texts)) for d in data]
    return cache.key(parts)


def task_available(task: str) -> bool:
    """False when the code for a named task is not installed (a page then says so)."""
    try:
        if task == "sentiment":
            import lib.data.reviews  # noqa: F401
            import lib.text.ways  # noqa: F401
        if task == "rotten_tomatoes":  # the code; whether the reviews are here: rotten.available()
            import lib.data.rotten  # noqa: F401
            import lib.text.ways  # noqa: F401
        return True
    except Exception:
        return False
