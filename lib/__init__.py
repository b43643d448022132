"""Transfer Lab's engine: plain Python + torch and scikit-learn, never Streamlit.

    from lib import compare, sweep, depth_profile, load_images, TASKS
    c = compare("dress", n_per_class=8, seed=0)        # every way side by side on one draw
    c.runs["transfer"].test_accuracy

One door into the engine: the names below (`lib.__all__`) are its public API, and the app (app.py,
app_pages/, ui/) imports nothing else from lib, only `from lib import name` (tests/test_public_api.py
fails on any deeper import). Each name is imported from the module that defines it when first
used, so `import lib` stays light: the home page shows without loading torch. The public API, by
purpose:

- tasks and data: TASKS, task_kind, task_available, resolve_task, resolve_options; load_images,
  load_texts, split_task, split_indices, TEST_FRACTION, SPLIT_SEED; the dress (dress_task,
  DRESS_CLASSES, POOL_PER_CLASS), the ants and bees (ANTS_BEES_CLASSES), the movie reviews
  (sentiment_task, UNLABELED, handwritten_reviews, toy_corpus, rotten_task, ROTTEN_NAME,
  ROTTEN_CREDIT); the user's own files (ImageCollection, TextCollection, Message, UploadError,
  IMAGE_TYPES, TEXT_TYPES, IMAGE_SIZE, MAX_CLASSES, MAX_FILES_PER_CLASS, MAX_TOTAL_BYTES, MB,
  cache_scope) and the head they can take home (train_head, load_head, bundle, HEAD_USAGE).
- ways and comparisons: compare, depth_profile, DEPTH_SEEDS, assemble; the image ways (ways_for,
  AUTO, SCRATCH_SIZE, ZERO_SHOT_IMAGE, FINETUNE_MIN_PER_CLASS, zero_shot_refusal, get_backbone,
  RETRY_S, BACKBONES, cuts_of, THUMB); training and the probe (TrainConfig, FINETUNE,
  probe_recipe).
- text: toy_runs, SkipGramConfig, neighbours, polarity, polarity_agreement, TEXT_HIDDEN,
  ENCODER_MODEL, load_encoder, ZERO_SHOT_DESCRIPTIONS; the sentence encoder fine-tuned and cut
  (issue 28): text_live, text_depth_profile, text_where_to_cut, TEXT_CUTS, TEXT_FINETUNE.
- stored results and workers: compare_stored, stored_run, keep_run, stored_profile; sweep, run_sweep,
  sweep_options, doubling_sizes, DEFAULT_SIZES, DEFAULT_SEEDS; what to compute next (ways_of, view_jobs,
  draw_jobs, next_jobs, sweep_jobs, not_stored); the Dask engine (current_engine, engine_started, Asks, Job, NOW, PROFILE,
  NEXT, LATER, SWEEP); the imports (import_engine, import_all).
- readings and statistics: summarise, first_reach, equivalence, equivalence_table, Equivalence,
  beats_zero, BeatsZero, compare_depths, summarise_depth, DepthComparison, ZERO_SHOT; paired_difference,
  disagreements, clearly_ahead; DRAW_SEEDS, over_draws; held_out, confusion_cells,
  per_class_accuracy; the tests behind every verdict (lib.stats): SIGNIFICANT, LEVEL, mcnemar,
  paired_t, holm, all_pairs.
- counts: LITE0, stage_weights, total_weights, trained_by_way, head_weights, head_formula, weight_census.
- downloads: Unavailable, offline; photos_available, fetch_photos, photos_checksum,
  PHOTOS_SIZE_MB; rotten_available, fetch_rotten, rotten_checksum, ROTTEN_SIZE_MB,
  start_background_fetch.

Layers, top to bottom (lower never imports higher): experiments -> sweeps -> stored -> comparisons
-> image/, text/ (the ways) -> runs, train, probe, models -> data/, tasks, cache, device.
docs/ARCHITECTURE.md draws them from the code.
"""
import importlib

# Public name -> the module that defines it ("module:name" where the module calls it otherwise:
# a flat namespace needs `photos_available` and `rotten_available` where each module says `available`).
_API = {
    # tasks and data
    "TASKS": "lib.tasks", "task_kind": "lib.tasks", "task_available": "lib.tasks",
    "resolve_task": "lib.tasks", "resolve_options": "lib.tasks",
    "load_images": "lib.data", "load_texts": "lib.data",
    "split_task": "lib.data.datasets", "split_indices": "lib.data.datasets",
    "TEST_FRACTION": "lib.data.datasets", "SPLIT_SEED": "lib.data.datasets",
    "dress_task": "lib.data.dress", "DRESS_CLASSES": "lib.data.dress:CLASSES",
    "POOL_PER_CLASS": "lib.data.dress",
    "ANTS_BEES_CLASSES": "lib.data.photos:CLASSES",
    "sentiment_task": "lib.data.reviews", "UNLABELED": "lib.data.reviews",
    "handwritten_reviews": "lib.data.reviews", "toy_corpus": "lib.data.reviews",
    "rotten_task": "lib.data.rotten", "ROTTEN_NAME": "lib.data.rotten:NAME",
    "ROTTEN_CREDIT": "lib.data.rotten:CREDIT",
    "ImageCollection": "lib.data.uploads", "TextCollection": "lib.data.uploads",
    "Message": "lib.data.uploads", "UploadError": "lib.data.uploads", "IMAGE_TYPES": "lib.data.uploads",
    "TEXT_TYPES": "lib.data.uploads", "IMAGE_SIZE": "lib.data.uploads", "MAX_CLASSES": "lib.data.uploads",
    "MAX_FILES_PER_CLASS": "lib.data.uploads", "MAX_TOTAL_BYTES": "lib.data.uploads", "MB": "lib.data.uploads",
    "cache_scope": "lib.cache:scope",
    "train_head": "lib.export", "load_head": "lib.export", "bundle": "lib.export",
    "HEAD_USAGE": "lib.export:USAGE",
    # ways and comparisons
    "compare": "lib.comparisons", "depth_profile": "lib.comparisons", "DEPTH_SEEDS": "lib.comparisons",
    "assemble": "lib.comparisons",
    "ways_for": "lib.image.ways", "AUTO": "lib.image.ways", "SCRATCH_SIZE": "lib.image.ways",
    "ZERO_SHOT_IMAGE": "lib.image.ways", "FINETUNE_MIN_PER_CLASS": "lib.image.ways",
    "zero_shot_refusal": "lib.image.ways", "get_backbone": "lib.image.ways", "RETRY_S": "lib.image.ways",
    "BACKBONES": "lib.image.backbones:CHOICES", "cuts_of": "lib.image.backbones",
    "THUMB": "lib.image.pixels",
    "TrainConfig": "lib.train", "FINETUNE": "lib.train",
    "probe_recipe": "lib.probe:in_words",
    # text
    "toy_runs": "lib.text.ways",
    "SkipGramConfig": "lib.text.skipgram", "neighbours": "lib.text.skipgram", "polarity": "lib.text.skipgram",
    "polarity_agreement": "lib.text.skipgram",
    "TEXT_HIDDEN": "lib.text.models:HIDDEN",
    "ENCODER_MODEL": "lib.text.encoders:MODEL", "load_encoder": "lib.text.encoders:load",
    "ZERO_SHOT_DESCRIPTIONS": "lib.text.zero_shot:DESCRIPTIONS",
    "text_live": "lib.text.ways:live", "text_depth_profile": "lib.text.depth:depth_profile",
    "TEXT_CUTS": "lib.text.depth:CUTS", "TEXT_FINETUNE": "lib.text.finetune:FINETUNE_TEXT",
    "text_where_to_cut": "lib.text.depth:where_to_cut",
    # stored results and workers
    "compare_stored": "lib.stored", "stored_run": "lib.stored", "keep_run": "lib.stored", "stored_profile": "lib.stored",
    "sweep": "lib.sweeps", "run_sweep": "lib.sweeps", "sweep_options": "lib.sweeps",
    "DEFAULT_SIZES": "lib.sweeps", "DEFAULT_SEEDS": "lib.sweeps",
    "doubling_sizes": "lib.plan", "ways_of": "lib.plan", "view_jobs": "lib.plan", "draw_jobs": "lib.plan", "next_jobs": "lib.plan",
    "sweep_jobs": "lib.plan", "not_stored": "lib.plan",
    "current_engine": "lib.engine:current", "engine_started": "lib.engine:started", "Asks": "lib.engine", "Job": "lib.engine", "NOW": "lib.engine",
    "PROFILE": "lib.engine", "NEXT": "lib.engine", "LATER": "lib.engine", "SWEEP": "lib.engine",
    "import_engine": "lib.imports:engine", "import_all": "lib.imports",
    # readings and statistics
    "summarise": "lib.curves", "first_reach": "lib.curves", "equivalence": "lib.curves",
    "equivalence_table": "lib.curves", "Equivalence": "lib.curves", "beats_zero": "lib.curves",
    "BeatsZero": "lib.curves", "compare_depths": "lib.curves", "summarise_depth": "lib.curves",
    "DepthComparison": "lib.curves", "ZERO_SHOT": "lib.curves",
    "SIGNIFICANT": "lib.stats", "LEVEL": "lib.stats", "mcnemar": "lib.stats", "paired_t": "lib.stats",
    "holm": "lib.stats", "all_pairs": "lib.stats",
    "paired_difference": "lib.runs", "disagreements": "lib.runs", "clearly_ahead": "lib.runs",
    "DRAW_SEEDS": "lib.draws", "over_draws": "lib.draws",
    "held_out": "lib.metrics", "confusion_cells": "lib.metrics", "per_class_accuracy": "lib.metrics",
    # counts
    "LITE0": "lib.counts", "stage_weights": "lib.counts", "total_weights": "lib.counts",
    "trained_by_way": "lib.counts", "head_weights": "lib.heads", "head_formula": "lib.heads",
    "weight_census": "lib.zoo:census",
    # downloads
    "Unavailable": "lib.downloads", "offline": "lib.cache",
    "photos_available": "lib.data.photos:available", "fetch_photos": "lib.data.photos:fetch",
    "photos_checksum": "lib.data.photos:checksum", "PHOTOS_SIZE_MB": "lib.data.photos:SIZE_MB",
    "rotten_available": "lib.data.rotten:available", "fetch_rotten": "lib.data.rotten:fetch",
    "rotten_checksum": "lib.data.rotten:checksum", "ROTTEN_SIZE_MB": "lib.data.rotten:SIZE_MB",
    "start_background_fetch": "lib.data.rotten",
}
__all__ = list(_API)


def _where(name: str) -> tuple:
    """(module, name there) of a public name: where `from lib import name` finds it."""
    module, _, attr = _API[name].partition(":")
    return module, attr or name


def __getattr__(name):
    # Looked up on every use, never kept here: a test that patches the defining module is seen.
    if name in _API:
        module, attr = _where(name)
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'lib' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
