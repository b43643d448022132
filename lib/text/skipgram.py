"""Skip-gram with negative sampling (word2vec), in torch: word vectors from unlabeled text.

Each word is pulled towards the words around it and pushed away from a few random words. Words
used in the same places end up close, so "superb" lands near "brilliant" without a single label.

Settings, fixed on principle before any result was seen (they are word2vec's published
defaults, except the size): window 5, 5 negatives drawn from unigram counts ** 0.75, words seen
fewer than 5 times dropped, 5 epochs; 50 dimensions (the smallest GloVe size, plenty for a
vocabulary of a few hundred words). Adam at 0.01, a common choice for mini-batch SGNS in torch,
with batches of 4,096 pairs so an epoch is a few hundred vectorised steps. The gradients are
dense: for a vocabulary this small that is far faster than torch's sparse embedding updates.
"""
import time
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from lib import cache
from lib.device import limited_threads
from lib.data.reviews import lexicon
from lib.text.models import Vocab, tokenize

CODE = cache.code_of(__file__)  # in every key: edited training code never reads old vectors


@dataclass(frozen=True)
class SkipGramConfig:
    dims: int = 50
    window: int = 5
    negatives: int = 5
    epochs: int = 5
    min_count: int = 5
    lr: float = 0.01
    batch_size: int = 4096

    def in_words(self) -> str:
        return (f"window {self.window}, {self.dims} dimensions, {self.negatives} negatives, "
                f"{self.epochs} epochs, words seen < {self.min_count} times dropped")


@dataclass
class WordVectors:
    words: list[str]      # vocabulary, most frequent first (no padding entry)
    vectors: np.ndarray   # (len(words), dims) float32
    seconds: float = 0.0  # training time; 0 when read back from the cache

    def vocab(self) -> Vocab:
        return Vocab(self.words)


def pairs(ids: np.ndarray, review: np.ndarray, window: int, rng: np.random.Generator):
    """(centre, context) pairs within each review, word2vec's way: each centre word draws its own
    window size in 1..window, so near neighbours count more than far ones."""
    reach = rng.integers(1, window + 1, size=len(ids))
    centre, context = [], []
    for d in range(1, window + 1):
        same = review[:-d] == review[d:]
        left = np.flatnonzero(same & (reach[:-d] >= d))   # centre i sees i + d
        right = np.flatnonzero(same & (reach[d:] >= d))   # centre i + d sees i
        centre += [ids[left], ids[right + d]]
        context += [ids[left + d], ids[right]]
    return np.concatenate(centre), np.concatenate(context)


class SGNS(nn.Module):
    def __init__(self, vocab_size: int, dims: int):
        super().__init__()
        self.inp = nn.Embedding(vocab_size, dims)   # the vectors we keep
        self.out = nn.Embedding(vocab_size, dims)   # context vectors, thrown away
        nn.init.uniform_(self.inp.weight, -0.5 / dims, 0.5 / dims)  # word2vec's initialisation
        nn.init.zeros_(self.out.weight)

    def loss(self, centre, context, negative):
        v = self.inp(centre)                                        # (b, d)
        pos = (v * self.out(context)).sum(1)                        # (b,)
        neg = torch.bmm(self.out(negative), v.unsqueeze(2)).squeeze(2)  # (b, k)
        return -(nn.functional.logsigmoid(pos) + nn.functional.logsigmoid(-neg).sum(1)).mean()


def train(texts, config: SkipGramConfig = SkipGramConfig(), seed: int = 0, progress=None) -> WordVectors:
    """Train word vectors on `texts` (no labels). progress(done, total) counts batches."""
    with limited_threads():  # tiny operations: one thread is faster
        return _train(texts, config, seed, progress)


def _train(texts, config, seed, progress):
    start = time.perf_counter()
    vocab = Vocab.from_texts(texts, config.min_count)
    words = vocab.words[1:]
    if not words:  # no text, or no word frequent enough: nothing to learn
        return WordVectors([], np.zeros((0, config.dims), np.float32))
    rows = [[vocab.index[w] - 1 for w in tokenize(t) if w in vocab.index] for t in texts]
    ids = np.fromiter((i for r in rows for i in r), np.int64)
    review = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    noise = torch.from_numpy(np.bincount(ids, minlength=len(words)) ** 0.75)

    torch.manual_seed(seed)
    gen, rng = torch.Generator().manual_seed(seed), np.random.default_rng(seed)
    model = SGNS(len(words), config.dims)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
    epoch_pairs = [pairs(ids, review, config.window, rng) for _ in range(config.epochs)]
    total = sum(-(-len(c) // config.batch_size) for c, _ in epoch_pairs)
    done = 0
    for centre, context in epoch_pairs:
        order = torch.from_numpy(rng.permutation(len(centre)))
        centre, context = torch.from_numpy(centre)[order], torch.from_numpy(context)[order]
        for i in range(0, len(centre), config.batch_size):
            c, o = centre[i:i + config.batch_size], context[i:i + config.batch_size]
            negative = torch.multinomial(noise, len(c) * config.negatives, True, generator=gen)
            optimiser.zero_grad()
            model.loss(c, o, negative.view(len(c), -1)).backward()
            optimiser.step()
            done += 1
            if progress:
                progress(done, total)
    return WordVectors(words, model.inp.weight.detach().numpy().copy(), time.perf_counter() - start)


def pretrained(texts, config: SkipGramConfig = SkipGramConfig(), seed: int = 0, progress=None) -> WordVectors:
    """`train`, read back from the disk cache when these texts and settings were seen before.
    Inside `cache.scope()` of private data (an upload), kept in its own store only."""
    texts = list(texts)
    k = cache.key("skipgram", CODE, asdict(config), seed,
                  cache.fingerprint(np.array(texts, dtype=str)))
    if (private := cache.private_store()) is not None:
        if ("skipgram", k) not in private:
            private["skipgram", k] = train(texts, config, seed, progress)
        return private["skipgram", k]
    folder = cache.cache_dir("skipgram")
    vec_path, word_path = folder / f"{k}-vectors.npy", folder / f"{k}-words.npy"
    vectors, words = cache.load_array(vec_path), cache.load_array(word_path)
    if vectors is not None and words is not None and len(words) == len(vectors):
        return WordVectors([str(w) for w in words], vectors)
    wv = train(texts, config, seed, progress)
    cache.save_array(vec_path, wv.vectors)
    cache.save_array(word_path, np.array(wv.words, dtype=str))
    return wv


def neighbours(words: list[str], vectors: np.ndarray, word: str, k: int = 8) -> list[tuple[str, float]]:
    """The k words whose vectors point most nearly the same way as `word`'s (cosine similarity)."""
    if word not in words:
        raise KeyError(f"{word!r} is not in the vocabulary ({len(words)} words)")
    from sklearn.metrics.pairwise import cosine_similarity
    sims = cosine_similarity(vectors, vectors[[words.index(word)]])[:, 0]
    order = [i for i in np.argsort(-sims, kind="stable") if words[i] != word][:k]
    return [(words[i], float(sims[i])) for i in order]


def polarity(word: str) -> str:
    """"positive", "negative" or "neutral": the word's sign in the review generator's lexicon."""
    sign = lexicon().get(word, (0, 0))[0]
    return "positive" if sign > 0 else "negative" if sign < 0 else "neutral"


def polarity_agreement(words, vectors, k: int = 5) -> tuple:
    """(share of sentiment words' k nearest sentiment neighbours with the same polarity, chance)."""
    lex = lexicon()
    known = [w for w in words if w in lex]
    if len(known) <= k:
        return float("nan"), float("nan")
    v = vectors[[words.index(w) for w in known]]
    same = [lex[n][0] == lex[w][0] for w in known for n, _ in neighbours(known, v, w, k)]
    share = np.mean([lex[w][0] > 0 for w in known])
    return float(np.mean(same)), float(share ** 2 + (1 - share) ** 2)
