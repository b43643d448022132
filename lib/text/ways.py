"""The ways of learning a text task, side by side on one labeled draw:

- "scratch":  mean of word vectors -> hidden layer -> classes, every weight learned from the labels;
- skip-gram:  the same classifier on skip-gram vectors pretrained on unlabeled text, frozen
              (the article's method): only the head learns;
- MiniLM:     a linear head on a real pretrained sentence encoder (all-MiniLM-L6-v2), frozen;
- "bow":      bag-of-words logistic regression (C = 1, lib.probe's recipe), the classic baseline.

Which pretrained way leads (`Comparison.transfer`) depends on what skip-gram can read. On the
movie-review task it reads 20,000 unlabeled reviews, and the two ways are the article's
"transfer" (skip-gram, transfer A) and "encoder" (transfer B). On any other texts (a user's
upload) it could only read the same few texts it is tested on, which is not pretraining on a large
corpus: there the encoder is "transfer", and skip-gram is "skipgram", labeled with how much text
it had. (Measured on real review sentences: benchmarks/uploaded_texts.py, docs/FINDINGS.md.)

The networks train with one loop and settings (lib.train.TrainConfig), bag-of-words as a convex
probe (lib.probe); `epochs=E` runs each exactly E epochs (the probe: E iterations) and keeps the
last weights. Each Run also carries `.predict(texts) ->
probabilities` and, for word-vector ways, `.word_vectors` = (words, vectors), so a page can
classify a typed sentence and show what the vectors learned.
"""
import numpy as np
import torch

from lib import cache

from lib.text import encoders, skipgram
from lib.heads import head_formula
from lib.models import linear_head
from lib.probe import fit_probe
from lib.runs import Run, standardise, train_and_score
from lib.device import limited_threads
from lib.text.models import (HIDDEN, BagOfWords, MeanVectorClassifier, Vocab, WordSets, head,
                             mean_vectors, tokenize)
from lib.train import TrainConfig, predict_proba


class Predictor:
    """texts -> class probabilities for a trained torch way. One trained on private data (an
    upload) keeps working inside that data's cache scope, so what it derives stays there too."""

    def __init__(self, features, model):
        self.features, self.model, self.private = features, model, cache.private_store()

    def __call__(self, texts) -> np.ndarray:
        with cache.using(self.private):
            return predict_proba(self.model, torch.as_tensor(self.features(list(texts))))


class MeanVectorFeatures:
    """texts -> mean of frozen word vectors, z-scored with the training reviews' statistics."""

    def __init__(self, vocab, vectors, train_features):
        self.vocab, self.vectors, self.train = vocab, vectors, train_features

    def __call__(self, texts):
        return standardise(self.train, mean_vectors(self.vocab.encode(texts), self.vectors))[1]


class EncoderFeatures:
    """texts -> sentence-encoder embeddings, z-scored with the training reviews' statistics."""

    def __init__(self, train_features):
        self.train = train_features

    def __call__(self, texts):
        texts = list(texts)  # a batch is worth caching; a typed sentence is not
        return standardise(self.train, encoders.embed(texts, remember=len(texts) > 20))[1]


def unlabeled_texts(task, unlabeled=None) -> list[str]:
    """What skip-gram may read: never a test text, and never a label.

    For the sentiment task: the first `unlabeled` reviews (default all 20,000) of its unlabeled
    pool; for the real reviews ("rotten_tomatoes"): the first `unlabeled` texts of its pool, every
    snippet but the fixed test set (lib.data.rotten.unlabeled_texts). For any other task: its
    labeled pool's texts with the labels dropped (or the first `unlabeled` of them). A list of
    texts is used as given.
    """
    if isinstance(unlabeled, (list, tuple)):
        return list(unlabeled)
    if task.name == "sentiment":
        from lib.data.reviews import UNLABELED, unlabeled_reviews
        return unlabeled_reviews(UNLABELED if unlabeled is None else int(unlabeled))
    if task.name == "rotten_tomatoes":
        from lib.data import rotten
        return rotten.unlabeled_texts(None if unlabeled is None else int(unlabeled), task)
    texts = task.pool.texts
    return list(texts if unlabeled is None else texts[:int(unlabeled)])


def skipgram_reads_own_texts(task, unlabeled=None) -> bool:
    """True when skip-gram would read only the task's own labeled pool (a user's texts), not a
    separate unlabeled corpus (the movie reviews' 20,000, the real reviews' pool read without
    its labels, or a list passed as `unlabeled`)."""
    return not isinstance(unlabeled, (list, tuple)) and task.name not in ("sentiment", "rotten_tomatoes")


def scratch_run(task, train_index, val_index, seed, dims, stop=None, config=TrainConfig()) -> Run:
    """Word vectors and head all learned from the labeled training reviews only."""
    texts, k = task.pool.texts, len(task.classes)
    vocab = Vocab.from_texts([texts[i] for i in train_index])  # the training reviews' words only
    torch.manual_seed(seed)
    model = MeanVectorClassifier(len(vocab), dims, k)
    n_words = (len(vocab) - 1) * dims
    run = train_and_score(
        "scratch", "From scratch: word vectors + head", model,
        vocab.encode(texts), task.pool.labels, train_index, val_index, vocab.encode(task.test.texts),
        task.test.labels, seed, stop=stop, config=config,
        formula=f"{len(vocab) - 1:,} words × {dims} = {n_words:,} word-vector weights (+ {dims} "
                f"for padding) and the head, {head_formula(dims, k, HIDDEN)}")
    run.predict = Predictor(vocab.encode, model)
    run.word_vectors = (vocab.words[1:], model.word_vectors())
    return run


def skipgram_run(task, train_index, val_index, seed, wv, n_unlabeled, stop=None, config=TrainConfig(),
                 method="transfer", label=None) -> Run:
    """The article's method: frozen skip-gram vectors, averaged; only the head learns."""
    vocab, k, dims = wv.vocab(), len(task.classes), wv.vectors.shape[1]
    pool = mean_vectors(vocab.encode(task.pool.texts), wv.vectors)
    test = mean_vectors(vocab.encode(task.test.texts), wv.vectors)
    pool_z, test_z = standardise(pool[train_index], pool, test)[1:]
    torch.manual_seed(seed)
    model = head(dims, k)
    run = train_and_score(
        method, label or f"Transfer A: skip-gram ({n_unlabeled:,} unlabeled) + head",
        model, pool_z, task.pool.labels, train_index, val_index, test_z, task.test.labels, seed,
        frozen_params=wv.vectors.size, formula=head_formula(dims, k, HIDDEN), stop=stop, config=config)
    run.predict = Predictor(MeanVectorFeatures(vocab, wv.vectors, pool[train_index]), model)
    run.word_vectors = (wv.words, wv.vectors)
    return run


def encoder_run(task, train_index, val_index, seed, progress=None, stop=None, config=TrainConfig(),
                method="encoder", label="Transfer B: MiniLM encoder + linear head") -> Run:
    """A linear head on frozen all-MiniLM-L6-v2 sentence embeddings."""
    pool = encoders.embed(task.pool.texts, progress)
    test = encoders.embed(task.test.texts, progress)
    pool_z, test_z = standardise(pool[train_index], pool, test)[1:]
    k, d = len(task.classes), pool.shape[1]
    torch.manual_seed(seed)
    model = linear_head(d, k)
    run = train_and_score(
        method, label, model, pool_z,
        task.pool.labels, train_index, val_index, test_z, task.test.labels, seed,
        frozen_params=encoders.total_params(), formula=head_formula(d, k), stop=stop, config=config)
    run.predict = Predictor(EncoderFeatures(pool[train_index]), model)
    return run


def bow_run(task, train_index, val_index, seed, stop=None, epochs=None) -> Run:
    """Bag-of-words logistic regression, scikit-learn's defaults (C = 1), trained by lib.probe like
    the image ways' frozen head, on which words a text contains: per word of the labeled texts one
    weight (two classes) or one per class, plus a bias, as scikit-learn shapes it. Convex, so every labeled text trains and nothing stops it
    early; epochs=None runs to convergence, epochs=E exactly E iterations (full passes)."""
    texts, k = task.pool.texts, len(task.classes)
    labeled = np.concatenate([train_index, val_index])
    vocab = Vocab.from_texts([texts[i] for i in labeled])  # the labeled texts' words only
    n_words, features = len(vocab) - 1, WordSets(vocab)
    model = BagOfWords(n_words, k)
    rows = model.weight.shape[1]  # one weight per word for two classes, as scikit-learn has it
    trainer = lambda x, y, test, stop: fit_probe(x, y, k, epochs, test, stop, head=model)
    run = train_and_score(
        "bow", "Bag-of-words baseline", None, features(texts), task.pool.labels, labeled,
        labeled[:0], features(task.test.texts), task.test.labels, seed, stop=stop, trainer=trainer,
        formula=f"({n_words:,} words + 1) × {rows} = {(n_words + 1) * rows:,}")
    run.predict = Predictor(features, model)
    return run


def default_extra_tests(task) -> dict:
    """The sentiment task is also scored on the hand-written reviews."""
    if task.name == "sentiment":
        from lib.data.reviews import handwritten_reviews
        return {"hand-written": handwritten_reviews()}
    return {}


def text_runs(task, train_index, val_index, seed, progress=None, stop=None, unlabeled=None,
              encoder=True, dims=None, extra_tests=None, pretrain_seed=0, epochs=None):
    """Run every way on one labeled draw; returns (runs, backbone description, notices).

    unlabeled: how many unlabeled reviews skip-gram reads (sentiment: 0 to 20,000), or a list of
    texts. encoder: also train on all-MiniLM-L6-v2. dims: word-vector size (default 50).
    pretrain_seed: the skip-gram seed; the vectors are pretrained once, like a downloaded model,
    while `seed` varies the labeled draw and the heads' initial weights. epochs=None trains with
    early stopping; epochs=E runs every way exactly E epochs and keeps the last weights (skip-gram's
    own pretraining is unchanged: it is part of the pretrained model, not of the training shown).
    """
    config = TrainConfig() if epochs is None else TrainConfig(max_epochs=int(epochs), patience=None)
    say = progress or (lambda *a: None)
    extra = default_extra_tests(task) if extra_tests is None else extra_tests
    notices = []
    if encoder:  # embed first, on every thread; the small models below train on one
        try:
            say(f"Loading {encoders.MODEL}", 0.01)
            encoders.load()
            for texts in [task.pool.texts, task.test.texts] + [ds.texts for ds in extra.values()]:
                encoders.embed(texts, lambda done, total: say(
                    f"Embedding reviews with {encoders.MODEL} (once, then cached): {done}/{total}",
                    0.02 + 0.2 * done / total))
        except encoders.EncoderUnavailable as err:
            encoder = False
            notices.append(f"The sentence encoder is not shown: {err}. Skip-gram works without it.")
    with limited_threads():
        runs, described = _small_runs(task, train_index, val_index, seed, say, stop, unlabeled,
                                      encoder, dims, pretrain_seed, config, epochs)
        for run in runs.values():
            run.extra_tests = {name: float((run.predict(ds.texts).argmax(1) == ds.labels).mean())
                               for name, ds in extra.items()}
    return runs, described, notices


def _small_runs(task, train_index, val_index, seed, say, stop, unlabeled, encoder, dims, pretrain_seed,
                config, epochs):
    cfg = skipgram.SkipGramConfig() if dims is None else skipgram.SkipGramConfig(dims=int(dims))
    texts = unlabeled_texts(task, unlabeled)
    own = skipgram_reads_own_texts(task, unlabeled)
    runs = {}
    say("Training the small classifier from scratch", 0.22)
    runs["scratch"] = scratch_run(task, train_index, val_index, seed, cfg.dims, stop, config)
    what = "of your texts" if own else "unlabeled reviews"
    say(f"Pretraining skip-gram on {len(texts):,} {what} (once, then kept)", 0.25)
    wv = skipgram.pretrained(texts, cfg, pretrain_seed, progress=lambda done, total: say(
        f"Pretraining skip-gram on {len(texts):,} {what}: batch {done}/{total} "
        "(once, then kept)", 0.25 + 0.6 * done / total))
    vectors = (f"skip-gram word vectors ({cfg.dims} dimensions, {len(wv.words):,} words) "
               f"pretrained by this app on {len(texts):,} ")
    if own:  # a user's texts: the encoder, pretrained on a billion sentence pairs, leads
        n_words = sum(len(tokenize(t)) for t in texts)
        amount = f"your {len(texts):,} text{'s' * (len(texts) != 1)} ({n_words:,} words)"
        say("Training the head on skip-gram vectors", 0.85)
        lead = "skipgram" if encoder else "transfer"
        runs[lead] = skipgram_run(task, train_index, val_index, seed, wv, len(texts), stop, config,
                                  method=lead, label=f"Skip-gram on {amount} + head")
        mine = f"{vectors}of your texts alone ({n_words:,} words)"
        described = mine[0].upper() + mine[1:]
        if encoder:
            say(f"Training the linear head on {encoders.MODEL} embeddings", 0.9)
            runs = {"scratch": runs["scratch"], "transfer": encoder_run(
                task, train_index, val_index, seed, stop=stop, config=config, method="transfer",
                label=f"Transfer: {encoders.MODEL} sentence encoder + linear head"), **runs}
            described = f"{encoders.DESCRIPTION}. Beside it: {mine}"
    else:  # the article's setup: skip-gram pretrained on a separate corpus is transfer A
        say("Training the head on skip-gram vectors", 0.85)
        runs["transfer"] = skipgram_run(task, train_index, val_index, seed, wv, len(texts), stop, config)
        described = f"Transfer A: {vectors}unlabeled texts"
        if encoder:
            say(f"Training the linear head on {encoders.MODEL} embeddings", 0.9)
            runs["encoder"] = encoder_run(task, train_index, val_index, seed, stop=stop, config=config)
            described += f". Transfer B: {encoders.DESCRIPTION}"
    say("Training the bag-of-words baseline", 0.95)
    runs["bow"] = bow_run(task, train_index, val_index, seed, stop, epochs)
    return runs, described


def toy_runs(seed: int, encoder: bool = False):
    """The article's toy, as it was set up: skip-gram (4 dimensions) on 62 unlabeled reviews,
    8 labeled reviews to train on (no validation split: the article used all 8), 2 to test.
    Every way is also scored on the full 1,000-review test set. Returns text_runs' triple."""
    from lib.data.datasets import Task
    from lib.data.reviews import sentiment_task, toy_corpus
    unlabeled, train, test = toy_corpus(seed)
    task = Task("toy", train, test, "the article's toy setup")
    return text_runs(task, np.arange(len(train)), np.array([], dtype=np.int64), seed,
                     unlabeled=unlabeled, dims=4, encoder=encoder, pretrain_seed=seed,
                     extra_tests={"full test set": sentiment_task().test})
