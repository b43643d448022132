"""The ways of learning a text task, side by side on one labeled draw:

- "scratch":  mean of word vectors -> hidden layer -> classes, every weight learned from the labels;
- skip-gram:  the same classifier on skip-gram vectors pretrained on unlabeled text, frozen
              (the article's method): only the head learns;
- MiniLM:     a linear head on a real pretrained sentence encoder (all-MiniLM-L6-v2), frozen,
              trained as the image ways' frozen head (lib.probe, every labeled text);
- "bow":      bag-of-words logistic regression (C = 1, lib.probe's recipe), the classic baseline;
- "zero_shot": no labeled example at all: the sentence encoder against one description per class
              (lib.text.zero_shot), with zero_shot=True, where it can run.

Each is a `lib.way.Way` (SCRATCH, SKIPGRAM, ENCODER, BOW, ZERO_SHOT; TEXT_WAYS by method) that
reads exactly the options its result depends on; `text_ways_for(task, options)` gives a task's
ways in card order, `describe_text` what they were pretrained on and why a way is missing, and
`text_runs` loops over them (lib.comparisons.compare does the same through `run_way`).

Which pretrained way leads (`Comparison.transfer`) depends on what skip-gram can read. On the
movie-review tasks it reads unlabeled reviews (the generated task's 20,000; the real reviews'
pool without its labels), and the two ways are the article's
"transfer" (skip-gram's word vectors) and "encoder" (the sentence encoder). On any other texts (a user's
upload) it could only read the same few texts it is tested on, which is not pretraining on a large
corpus: there the encoder is "transfer", and skip-gram is "skipgram", labeled with how much text
it had. (Measured on real review sentences: benchmarks/uploaded_texts.py, docs/FINDINGS.md.)

The networks (scratch, skip-gram's head) train with one loop and settings (lib.train.TrainConfig:
every labeled text trains, no validation split, max(60 epochs, 300 optimiser steps), last weights
kept, at every size); the two linear heads (the encoder's, bag-of-words) are the convex probe
(lib.probe), the same recipe as the image ways' frozen head (issue 20: one frozen-head recipe).
`epochs=E` runs each exactly E epochs (the probe: E iterations) and keeps the last weights.
A way's Run is plain numbers (lib.stored keeps it, a worker sends it back): the extra test sets
(the hand-written reviews) are scored inside the run. Trained in this process, its live model stays
reachable through `live(run)`: `.predict(texts) -> probabilities` and, for word-vector ways,
`.word_vectors` = (words, vectors), so a page can classify a typed sentence and show what the
vectors learned.
"""
import dataclasses
import threading
import uuid
from collections import OrderedDict

import numpy as np
import torch

from lib import cache

from lib.text import depth, encoders, finetune, skipgram, zero_shot
from lib.heads import head_formula
from lib.models import linear_head
from lib.probe import fit_probe
from lib.runs import Run, standardise, train_and_score
from lib.device import limited_threads
from lib.text.models import (HIDDEN, BagOfWords, MeanVectorClassifier, Vocab, WordSets, head,
                             mean_vectors, tokenize)
from lib.train import TrainConfig, predict_proba
from lib.way import Way

# The encoder's card title on the movie reviews, in plain words (the model's name is in the caption).
ENCODER_TITLE = "Transfer: sentence encoder + linear head"


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
        method, label or f"Transfer: word vectors from {n_unlabeled:,} unlabeled texts + head",
        model, pool_z, task.pool.labels, train_index, val_index, test_z, task.test.labels, seed,
        frozen_params=wv.vectors.size, formula=head_formula(dims, k, HIDDEN), stop=stop, config=config)
    run.predict = Predictor(MeanVectorFeatures(vocab, wv.vectors, pool[train_index]), model)
    run.word_vectors = (wv.words, wv.vectors)
    return run


def encoder_run(task, train_index, val_index, seed, progress=None, stop=None, iterations=None,
                method="encoder", label=ENCODER_TITLE) -> Run:
    """A linear head on frozen all-MiniLM-L6-v2 sentence embeddings, trained exactly as the image
    ways' frozen head (lib.probe.fit_probe: scikit-learn's logistic regression, C = 1, on the
    embeddings standardised with the labeled texts' statistics), on every labeled text.
    iterations=None runs to convergence, an int exactly that many L-BFGS iterations."""
    pool = encoders.embed(task.pool.texts, progress)
    test = encoders.embed(task.test.texts, progress)
    labeled = np.concatenate([train_index, val_index])
    pool_z, test_z = standardise(pool[labeled], pool, test)[1:]  # the labeled texts' statistics only
    k, d = len(task.classes), pool.shape[1]
    model = linear_head(d, k)  # zeroed by the probe: no seed decides its start
    trainer = lambda x, y, t, stop: fit_probe(x, y, k, iterations, t, stop, head=model)
    run = train_and_score(
        method, label, None, pool_z, task.pool.labels, labeled, labeled[:0], test_z,
        task.test.labels, seed, frozen_params=encoders.total_params(), formula=head_formula(d, k),
        stop=stop, trainer=trainer)
    run.predict = Predictor(EncoderFeatures(pool[labeled]), model)
    return run


def encoder_cut_run(task, labeled, seed, cut, scores, stop=None, iterations=None, method="encoder") -> Run:
    """The encoder's linear head (lib.probe, as `encoder_run`) on the mean-pooled token vectors
    after `cut` (lib.text.depth.CUTS) instead of the sentence embedding: the frozen head at the
    cut cross-validation chose. Only the labeled texts and the test set go through the encoder."""
    texts = [task.pool.texts[i] for i in labeled]
    train, test = depth.layer_features(texts)[cut], depth.layer_features(task.test.texts)[cut]
    train_z, test_z = standardise(train, train, test)[1:]
    k, d = len(task.classes), train.shape[1]
    model = linear_head(d, k)
    trainer = lambda x, y, t, stop: fit_probe(x, y, k, iterations, t, stop, head=model)
    where = "" if cut == depth.CUTS[-1] else f" after its {cut}"
    run = train_and_score(
        method, f"Transfer: sentence encoder{where} + linear head", None, train_z,
        task.pool.labels[labeled], np.arange(len(labeled)), np.zeros(0, np.int64), test_z,
        task.test.labels, seed, frozen_params=depth.params_up_to(cut), formula=head_formula(d, k),
        stop=stop, trainer=trainer)
    run.predict = Predictor(CutFeatures(cut, train), model)
    run.details = {"backbone": encoders.DESCRIPTION, "cut": cut, "cut_scores": scores,
                   "depth": depth.CUTS.index(cut), "cuts": list(depth.CUTS)}
    return run


class CutFeatures:
    """texts -> the encoder's mean-pooled token vectors after `cut`, z-scored with the labeled
    texts' statistics."""

    def __init__(self, cut, train_features):
        self.cut, self.train = cut, train_features

    def __call__(self, texts):
        texts = list(texts)
        return standardise(self.train, depth.layer_features(texts)[self.cut])[1]


class FineTunedFeatures:
    """texts -> rows of a token store holding them, for a fine-tuned model's typed sentences."""

    def __init__(self, model):
        self.model = model

    def __call__(self, texts):
        tokens, offsets = depth.top_input(list(texts))
        self.model.tokens = finetune.Tokens(tokens, offsets)
        return torch.arange(len(offsets) - 1)


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


@dataclasses.dataclass(frozen=True)
class Live:
    """What a text run trained in this process can still do with its model, beside its numbers:
    `predict(texts) -> probabilities` (a typed sentence) and, for word-vector ways,
    `word_vectors` = (words, vectors)."""
    predict: object = None
    word_vectors: tuple | None = None


LIVE_ENTRIES = 96  # live models kept (a view's five draws of six ways is 30; a fine-tuned top is ~7 MB)
_live: OrderedDict = OrderedDict()  # token -> Live, the most recently made last
_live_lock = threading.Lock()


def plain(run: Run) -> Run:
    """The run as plain numbers (what lib.stored keeps and a worker sends back): its live model
    and word vectors move to `live(run)`, found by a token in `run.details["live"]`, so a copy of
    the run (st.cache_data pickles what it returns) finds them too, in this process only. Every
    number a page reads (the extra test sets' accuracies too) is computed before this."""
    parts = {k: vars(run).pop(k) for k in ("predict", "word_vectors") if k in vars(run)}
    if parts:
        token = uuid.uuid4().hex
        run.details = {**run.details, "live": token}
        with _live_lock:
            _live[token] = Live(**parts)
            while len(_live) > LIVE_ENTRIES:
                _live.popitem(last=False)
    return run


def live(run: Run) -> Live | None:
    """The live model of a run trained in this process (while among the last LIVE_ENTRIES), or
    None (a run read from disk or sent back by a worker: plain numbers only)."""
    with _live_lock:
        found = _live.get(run.details.get("live"))
        if found is not None:
            _live.move_to_end(run.details["live"])
        return found


def default_extra_tests(task) -> dict:
    """The sentiment task is also scored on the hand-written reviews."""
    if task.name == "sentiment":
        from lib.data.reviews import handwritten_reviews
        return {"hand-written": handwritten_reviews()}
    return {}


class TextWay(Way):
    """A way of learning a text task (lib.way.Way). `run` prepares what needs every thread (the
    sentence encoder's embeddings, cached), then trains on one thread (lib.device.limited_threads:
    these models are small) and scores the extra test sets (`extra_tests`, default: the
    hand-written reviews of the sentiment task)."""

    def run(self, task, train_index, val_index, seed, options, progress=None, stop=None):
        say = progress or _quiet
        extra = _extra_tests(task, options)
        self.prepare(task, extra, say)
        with limited_threads():
            run = self.train(task, train_index, val_index, seed, options, say, stop)
            run.extra_tests = {name: float((run.predict(ds.texts).argmax(1) == ds.labels).mean())
                               for name, ds in extra.items()}
        return plain(run)

    def prepare(self, task, extra, say):
        pass

    def train(self, task, train_index, val_index, seed, options, say, stop):
        raise NotImplementedError


class TextScratch(TextWay):
    """Word vectors and head, every weight learned from the labeled texts (`scratch_run`)."""

    def train(self, task, train_index, val_index, seed, options, say, stop):
        say("Training the small classifier from scratch", 0.1)
        return scratch_run(task, train_index, val_index, seed, _skipgram_config(options).dims, stop,
                           _config(options))


class SkipGramHead(TextWay):
    """The article's method: skip-gram vectors pretrained on unlabeled text, frozen, averaged;
    only the head learns (`skipgram_run`). On a user's texts it can only read those texts."""

    def train(self, task, train_index, val_index, seed, options, say, stop):
        cfg, unlabeled = _skipgram_config(options), options.get("unlabeled")
        texts = unlabeled_texts(task, unlabeled)
        own = skipgram_reads_own_texts(task, unlabeled)
        what = "of your texts" if own else "unlabeled reviews"
        say(f"Pretraining skip-gram on {len(texts):,} {what} (once, then kept)", 0.05)
        wv = skipgram.pretrained(texts, cfg, int(options.get("pretrain_seed") or 0),
                                 progress=lambda done, total: say(
                                     f"Pretraining skip-gram on {len(texts):,} {what}: batch "
                                     f"{done}/{total} (once, then kept)", 0.05 + 0.85 * done / total))
        say("Training the head on skip-gram vectors", 0.9)
        config = _config(options)
        if own:
            n_words = sum(len(tokenize(t)) for t in texts)
            amount = f"your {len(texts):,} text{'s' * (len(texts) != 1)} ({n_words:,} words)"
            run = skipgram_run(task, train_index, val_index, seed, wv, len(texts), stop, config,
                               method=self.method, label=f"Skip-gram on {amount} + head")
        else:
            n_words = None
            run = skipgram_run(task, train_index, val_index, seed, wv, len(texts), stop, config,
                               method=self.method)
        run.details = {"skipgram": {"dims": cfg.dims, "vocabulary": len(wv.words), "texts": len(texts),
                                    "words": n_words, "own_texts": own}}
        return run


class EncoderHead(TextWay):
    """A linear head on frozen all-MiniLM-L6-v2 sentence embeddings (`encoder_run`)."""

    def prepare(self, task, extra, say):
        _embed_first(task, extra, say)

    def run(self, task, train_index, val_index, seed, options, progress=None, stop=None):
        if options.get("cut", depth.OUTPUT) != depth.OUTPUT:  # every layer of the test texts, on every thread
            depth.layer_features(task.test.texts, True, lambda done, total: (progress or _quiet)(
                f"Reading the test texts after every layer of {encoders.MODEL} (once, then kept): "
                f"{done}/{total}", 0.5 * done / total))
        return super().run(task, train_index, val_index, seed, options, progress, stop)

    def train(self, task, train_index, val_index, seed, options, say, stop):
        cut = options.get("cut", depth.OUTPUT)
        if cut != depth.OUTPUT:  # a cut of the encoder (or the one cross-validation picks)
            labeled = np.concatenate([train_index, val_index])
            say(f"Choosing where to cut {encoders.MODEL} on the labeled texts", 0.85)
            cut, scores = depth.where_to_cut(task, labeled, cut)
            say(f"Training the linear head on {encoders.MODEL} after its {cut}", 0.9)
            if cut != depth.OUTPUT:
                return encoder_cut_run(task, labeled, seed, cut, scores, stop,
                                       options.get("epochs"), self.method)
        say(f"Training the linear head on {encoders.MODEL} embeddings", 0.9)
        label = (ENCODER_TITLE if self.method == "encoder" else
                 f"Transfer: {encoders.MODEL} sentence encoder + linear head")
        run = encoder_run(task, train_index, val_index, seed, stop=stop,
                          iterations=options.get("epochs"), method=self.method, label=label)
        run.details = {"backbone": encoders.DESCRIPTION}
        return run


class FineTuneText(TextWay):
    """The encoder's top layer unfrozen and trained with a new head (lib.text.finetune): the
    layers below run once per text (cached), so a step costs only the top."""

    def prepare(self, task, extra, say):
        say(f"Loading {encoders.MODEL}", 0.01)
        encoders.load()
        for texts in [task.test.texts] + [ds.texts for ds in extra.values()]:
            depth.top_input(texts, lambda done, total: say(
                f"Running the test texts through {encoders.MODEL} once (then cached): {done}/{total}",
                0.02 + 0.5 * done / total))

    def run(self, task, train_index, val_index, seed, options, progress=None, stop=None):
        say = progress or _quiet
        extra = _extra_tests(task, options)
        self.prepare(task, extra, say)
        config = finetune.FINETUNE_TEXT
        if options.get("epochs") is not None:
            config = config.fixed(options["epochs"])
        say(f"Fine-tuning the top layer of {encoders.MODEL}", 0.6)
        with limited_threads():
            run, model = finetune.finetune_run(task, train_index, val_index, seed, config, stop, extra=extra)
        model.tokens = None  # the draw's token vectors (MBs): typed texts bring their own
        run.predict = Predictor(FineTunedFeatures(model), model)
        run.details = {"backbone": encoders.DESCRIPTION}
        return plain(run)


class BagOfWordsWay(TextWay):
    """Bag-of-words logistic regression, the classic baseline (`bow_run`)."""

    def train(self, task, train_index, val_index, seed, options, say, stop):
        say("Training the bag-of-words baseline", 0.5)
        return bow_run(task, train_index, val_index, seed, stop, options.get("epochs"))


class ZeroShotText(TextWay):
    """No labeled example: each text goes to the class whose description the sentence encoder
    finds most similar (lib.text.zero_shot). Raises ValueError, saying why, where it cannot run
    (the encoder is missing, or the label names give nothing to describe a class with)."""

    def prepare(self, task, extra, say):
        if (problem := zero_shot_problem(task)) is not None:
            raise ValueError(f"zero-shot cannot run here: {problem}")
        _embed_first(task, extra, say, pool=False)

    def train(self, task, train_index, val_index, seed, options, say, stop):
        descriptions = zero_shot.task_descriptions(task)
        run = zero_shot.zero_shot_run(task, descriptions)
        run.method = self.method
        run.details = {"backbone": encoders.DESCRIPTION, "descriptions": descriptions}
        return run


def _quiet(*_):
    pass


def _config(options) -> TrainConfig:
    epochs = options.get("epochs")
    return TrainConfig() if epochs is None else TrainConfig().fixed(epochs)


def _skipgram_config(options) -> skipgram.SkipGramConfig:
    dims = options.get("dims")
    return skipgram.SkipGramConfig() if dims is None else skipgram.SkipGramConfig(dims=int(dims))


def _extra_tests(task, options) -> dict:
    extra = options.get("extra_tests")
    return default_extra_tests(task) if extra is None else extra


def _embed_first(task, extra, say, pool=True):
    """The texts through the encoder once (cached), on every thread, before the one-thread block."""
    say(f"Loading {encoders.MODEL}", 0.01)
    encoders.load()
    texts = ([task.pool.texts] if pool else []) + [task.test.texts] + [ds.texts for ds in extra.values()]
    for chunk in texts:
        encoders.embed(chunk, lambda done, total: say(
            f"Embedding reviews with {encoders.MODEL} (once, then cached): {done}/{total}",
            0.02 + 0.8 * done / total))


# Each way reads exactly these options (its cache key, with the task and the labeled draw):
# `extra_tests` adds the extra test sets' accuracies to every result. Two options only choose
# which ways run: `encoder` (the encoder's head) and `zero_shot` (the no-label way, default off).
SCRATCH = TextScratch("scratch", "text", ("dims", "epochs", "extra_tests"))
SKIPGRAM = SkipGramHead("transfer", "text",  # the article's method
                        ("unlabeled", "dims", "pretrain_seed", "epochs", "extra_tests"))
# a real pretrained sentence encoder; `cut`: "output" (the sentence embedding, the default),
# "auto" (cross-validated on the labeled draw) or a layer (lib.text.depth.CUTS)
ENCODER = EncoderHead("encoder", "text", ("epochs", "extra_tests", "cut"))
FINETUNE_TEXT = FineTuneText("finetune", "text", ("epochs", "extra_tests"))
BOW = BagOfWordsWay("bow", "text", ("epochs", "extra_tests"))  # epochs: the probe's iterations
ZERO_SHOT = ZeroShotText("zero_shot", "text", ("extra_tests",))
# On a user's texts skip-gram can read only those texts: the encoder leads as "transfer" and
# skip-gram is "skipgram" beside it (the module's docstring says why).
ENCODER_LEADS = dataclasses.replace(ENCODER, method="transfer")
SKIPGRAM_OWN = dataclasses.replace(SKIPGRAM, method="skipgram")
# By method, as the movie-review tasks name them (with skip-gram on a user's own texts as
# "skipgram"); `text_ways_for` gives a task's ways under its own names.
TEXT_WAYS = {w.method: w for w in (SCRATCH, SKIPGRAM, ENCODER, SKIPGRAM_OWN, FINETUNE_TEXT, BOW, ZERO_SHOT)}


def encoder_problem() -> str | None:
    """Why the sentence encoder cannot be used here, or None when it loads."""
    try:
        encoders.load()
        return None
    except encoders.EncoderUnavailable as err:
        return str(err)


def zero_shot_problem(task) -> str | None:
    """Why the zero-shot way cannot run on `task`, in one line, or None when it can."""
    if (problem := encoder_problem()) is not None:
        return f"it needs the sentence encoder, and {problem}"
    try:
        zero_shot.task_descriptions(task)
    except ValueError as err:
        return str(err)
    return None


def text_ways_for(task, options: dict) -> list:
    """The ways a text comparison with these options shows, in the order of its cards: scratch,
    the leading pretrained way ("transfer"), the other one, bag of words, then zero-shot
    (options zero_shot=True, where it can run). On the movie-review tasks skip-gram is "transfer"
    and the encoder "encoder"; on a user's texts the encoder is "transfer" and skip-gram
    "skipgram". Without the encoder (encoder=False, or not installed) skip-gram is "transfer"."""
    use_encoder = options.get("encoder", True) and encoder_problem() is None
    if skipgram_reads_own_texts(task, options.get("unlabeled")) and use_encoder:
        out = [SCRATCH, ENCODER_LEADS, SKIPGRAM_OWN]
    else:
        out = [SCRATCH, SKIPGRAM] + ([ENCODER] if use_encoder else [])
    if use_encoder and options.get("finetune", True):
        out.append(FINETUNE_TEXT)
    out.append(BOW)
    if options.get("zero_shot") and zero_shot_problem(task) is None:
        out.append(ZERO_SHOT)
    return out


def describe_text(task, runs: dict, options: dict) -> tuple:
    """(the pretrained models in words, notices) of a text comparison, read off its runs: what
    skip-gram read, which encoder, and why a way was left out."""
    sg = next((r.details["skipgram"] for r in runs.values() if "skipgram" in r.details), None)
    encoder = any("backbone" in r.details for m, r in runs.items() if m != "zero_shot")
    parts = []
    if sg is not None:
        vectors = (f"skip-gram word vectors ({sg['dims']} dimensions, {sg['vocabulary']:,} words) "
                   f"pretrained by this app on {sg['texts']:,} ")
        if sg["own_texts"]:
            mine = f"{vectors}of your texts alone ({sg['words']:,} words)"
            parts = [f"{encoders.DESCRIPTION}. Beside it: {mine}" if encoder else mine[0].upper() + mine[1:]]
        else:
            parts = [f"Word vectors: {vectors}unlabeled texts"]
            if encoder:
                parts.append(f"Sentence encoder: {encoders.DESCRIPTION}")
    if "zero_shot" in runs and not encoder:
        parts.append(f"No labels: {encoders.DESCRIPTION}" if parts else encoders.DESCRIPTION)
    notices = []
    if options.get("encoder", True) and runs.keys() - {"zero_shot"} and (p := encoder_problem()):
        notices.append(f"The sentence encoder is not shown: {p}. Skip-gram works without it.")
    if options.get("zero_shot") and "zero_shot" not in runs and (p := zero_shot_problem(task)):
        notices.append(f"Zero-shot (no labeled examples) cannot run here: {p}.")
    notices += [m for r in runs.values() for m in r.notices]
    return ". ".join(parts), list(dict.fromkeys(notices))


def text_runs(task, train_index, val_index, seed, progress=None, stop=None, unlabeled=None,
              encoder=True, dims=None, extra_tests=None, pretrain_seed=0, epochs=None, zero_shot=False):
    """Run every way on one labeled draw; returns (runs, backbone description, notices).

    unlabeled: how many unlabeled reviews skip-gram reads (sentiment: 0 to 20,000), or a list of
    texts. encoder: also train on all-MiniLM-L6-v2. dims: word-vector size (default 50).
    pretrain_seed: the skip-gram seed; the vectors are pretrained once, like a downloaded model,
    while `seed` varies the labeled draw and the heads' initial weights. epochs=None trains each
    way with its recipe (the networks max(60 epochs, 300 steps), the linear heads to convergence);
    epochs=E runs every way exactly E epochs and keeps the last weights (skip-gram's
    own pretraining is unchanged: it is part of the pretrained model, not of the training shown).
    zero_shot: also the no-label way, where it can run. A loop over `text_ways_for`.
    """
    options = {k: v for k, v in dict(unlabeled=unlabeled, encoder=encoder, dims=dims,
                                     extra_tests=extra_tests, pretrain_seed=pretrain_seed,
                                     epochs=epochs, zero_shot=zero_shot).items() if v is not None}
    chosen = text_ways_for(task, options)
    runs = {}
    for i, way in enumerate(chosen):
        say = progress and (lambda m, f, i=i: progress(m, (i + min(max(f, 0), 1)) / len(chosen)))
        runs[way.method] = way.run(task, train_index, val_index, seed, options, say, stop)
    described, notices = describe_text(task, runs, options)
    return runs, described, notices


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
