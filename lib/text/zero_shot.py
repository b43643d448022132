"""Zero labels: what the pretrained sentence encoder knows before the first labeled example.

Each class gets one short description; a text is put in the class whose description its
all-MiniLM-L6-v2 embedding is closest to (cosine similarity). Nothing is trained, so no labeled
example is used: the point where a learning curve starts (CLIP's zero-shot classifier, Radford et
al. 2021, does the same with images and captions).

The descriptions were written once, on principle, before anything was measured, and are not tuned
to any test set:
- the movie-review tasks: "a negative movie review" / "a positive movie review";
- a user's texts: Hugging Face's zero-shot pipeline's default template, "This example is {name}.",
  over the user's own label names (`descriptions_for`), which must carry a word to compare with.
"""
import re
import time

import numpy as np
import pandas as pd

from lib.runs import Run, accuracy_interval
from lib.text import encoders

# Indexed like the classes of the movie-review tasks: ["negative", "positive"]
DESCRIPTIONS = {name: ["a negative movie review", "a positive movie review"]
                for name in ("sentiment", "rotten_tomatoes")}
TEMPLATE = "This example is {}."  # transformers' ZeroShotClassificationPipeline's default
GENERIC = {"class", "label", "category", "group", "type", "kind", "cls"}  # say nothing of a class
SCALE = 20.0  # all-MiniLM-L6-v2 was trained on cosine similarity × 20 (sentence-transformers'
#               MultipleNegativesRankingLoss): its own temperature, for `predict`'s probabilities


def descriptions_for(classes) -> list[str]:
    """One description per class from a user's label names ("not_spam" -> "This example is not
    spam."). Raises ValueError saying why when the names cannot be compared with a text: an empty
    name, a name without a word (numbers, single letters, "class 1"), or two that read the same."""
    classes = [str(c) for c in classes]
    if len(classes) < 2:
        raise ValueError(f"zero-shot needs at least 2 classes to choose between, got {len(classes)}")
    names = [" ".join(re.sub(r"[_\-./]+", " ", c).split()) for c in classes]
    for raw, name in zip(classes, names):
        if not name:
            raise ValueError(f"the label {raw!r} has no name to describe its class with")
        words = [w for w in re.findall(r"[^\W\d_]{2,}", name.lower()) if w not in GENERIC]
        if not words:
            raise ValueError(f"the label {raw!r} holds no word that says what its class is about "
                             f"(numbers, single letters and words like 'class' do not), so the "
                             f"encoder has nothing to compare a text with")
    seen = {}
    for raw, name in zip(classes, names):
        if name.lower() in seen:
            raise ValueError(f"the labels {seen[name.lower()]!r} and {raw!r} read the same "
                             f"({name!r}), so their descriptions could not tell them apart")
        seen[name.lower()] = raw
    return [TEMPLATE.format(name) for name in names]


def task_descriptions(task) -> list[str]:
    """The fixed descriptions of a movie-review task, else descriptions_for(its label names)."""
    if task.name in DESCRIPTIONS and list(task.classes) == ["negative", "positive"]:
        return list(DESCRIPTIONS[task.name])
    return descriptions_for(task.classes)


def _unit(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float32)
    return a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)


class ZeroShotPredictor:
    """texts -> class probabilities: softmax of SCALE × cosine similarity to each description."""

    def __init__(self, description_vectors):
        self.classes = _unit(description_vectors)

    def __call__(self, texts) -> np.ndarray:
        texts = list(texts)
        logits = SCALE * _unit(encoders.embed(texts, remember=len(texts) > 20)) @ self.classes.T
        e = np.exp(logits - logits.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)


def zero_shot_run(task, descriptions, progress=None) -> Run:
    """Score the task's test texts with no labeled example: each goes to the class whose
    description is most similar (cosine) to it. Raises encoders.EncoderUnavailable if the
    encoder cannot be loaded, ValueError if there is not one description per class."""
    descriptions = [str(d) for d in descriptions]
    if len(descriptions) != len(task.classes):
        raise ValueError(f"need one description per class ({len(task.classes)}: "
                         f"{', '.join(map(str, task.classes))}), got {len(descriptions)}")
    t0 = time.perf_counter()
    test = encoders.embed(task.test.texts, progress)
    # not cached: a user's label names stay in memory (a few short texts are fast to embed)
    predictor = ZeroShotPredictor(encoders.embed(descriptions, remember=False))
    pred = (_unit(test) @ predictor.classes.T).argmax(1).astype(np.int64)
    seconds = time.perf_counter() - t0
    y = np.asarray(task.test.labels)
    correct = int((pred == y).sum())
    run = Run(method="zero_shot", label="No labels: sentence encoder vs class descriptions",
              test_accuracy=correct / len(y) if len(y) else float("nan"),
              train_accuracy=float("nan"),  # no labeled example to score on
              trainable_params=0, total_params=encoders.total_params(),
              history=pd.DataFrame({"epoch": pd.Series(dtype="int64"), "split": pd.Series(dtype="object"),
                                    "loss": pd.Series(dtype="float64"),
                                    "accuracy": pd.Series(dtype="float64")}),  # no training: no epochs
              train_seconds=seconds, test_interval=accuracy_interval(correct, len(y)), n_test=len(y),
              test_pred=pred, train_pred=np.zeros(0, dtype=np.int64),
              formula=f"0 trained weights: {encoders.MODEL} compares each text with one "
                      f"description per class ({'; '.join(repr(d) for d in descriptions)})")
    run.predict = predictor
    run.descriptions = descriptions
    return run
