"""Words to numbers, and the small text classifier both ways share.

The classifier is the article's: a review's vector is the mean of its word vectors, and a
network with one hidden layer maps it to a class. From scratch, the word vectors are weights
learned from the labeled reviews; in transfer, they are skip-gram vectors, frozen, and only the
hidden layer and output (the head) learn.
"""
import re
from collections import Counter
from functools import lru_cache

import numpy as np
import torch
from torch import nn

from lib import cache

# Hidden units of the head, fixed before any result: 16 is enough for a non-linear boundary on
# 50 inputs, and keeps the head, (50 + 1) x 16 + (16 + 1) x 2 = 850 weights, about the size of the
# sentence encoder's (384 + 1) x 2 = 770-weight linear head, so both transfer ways train alike.
HIDDEN = 16
MAX_TOKENS = 128  # longer texts are cut; the generated reviews have at most about 60 tokens

# The article removes stop words before skip-gram. Negations and "but" stay: they carry meaning.
STOP_WORDS = frozenset("""a an the and or of to in on at by for with from as is was were be been
being are am it its it's this that these those i me my we our you your he him his she her they
them their there here what which who whom so than then too just also has have had do does did
will would could should can may might must shall into about over after before up out""".split()) - {
    "would"}  # "would recommend" vs "would not recommend": keep it
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def tokenize(text: str) -> tuple[str, ...]:
    """Lower-case words, stop words removed: 'Not bad at all!' -> ('not', 'bad', 'all').

    Remembered per text (every way tokenizes the same reviews), except an upload's: inside
    `cache.scope()` of private data nothing is kept in memory the process shares."""
    return _words(text) if cache.private_store() is not None else _remembered(text)


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS)


_remembered = lru_cache(maxsize=200_000)(_words)


class Vocab:
    """Word <-> id. Id 0 is padding, which also stands for every word not in the vocabulary."""

    def __init__(self, words):
        self.words = ["<pad>"] + list(words)
        self.index = {w: i for i, w in enumerate(self.words)}

    @classmethod
    def from_texts(cls, texts, min_count: int = 1) -> "Vocab":
        """Words seen at least min_count times, most frequent first (ties alphabetical)."""
        counts = Counter(w for t in texts for w in tokenize(t))
        return cls(w for w, c in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0])) if c >= min_count)

    def __len__(self):
        return len(self.words)

    def encode(self, texts, max_tokens: int = MAX_TOKENS) -> torch.Tensor:
        """(n, L) ids, padded with 0; unknown words are dropped (they become padding)."""
        rows = [[self.index.get(w, 0) for w in tokenize(t)][:max_tokens] for t in texts]
        out = np.zeros((len(rows), max(1, max((len(r) for r in rows), default=1))), dtype=np.int64)
        for i, r in enumerate(rows):
            out[i, :len(r)] = r
        return torch.from_numpy(out)


def mean_vectors(ids: torch.Tensor, vectors: np.ndarray) -> np.ndarray:
    """Each text's mean word vector (padding excluded); zeros for a text with no known word.

    `vectors` has one row per vocabulary word, without the padding row.
    """
    table = np.vstack([np.zeros((1, vectors.shape[1]), np.float32), vectors.astype(np.float32)])
    ids = ids.numpy()
    known = (ids > 0).sum(1, keepdims=True)
    return table[ids].sum(1) / np.maximum(known, 1)


def head(dim: int, num_classes: int, hidden: int = HIDDEN) -> nn.Sequential:
    """The part transfer trains: one hidden layer on a review's mean vector."""
    return nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, num_classes))


class MeanVectorClassifier(nn.Module):
    """Word ids -> mean of learned word vectors -> the head. Every weight learns (from scratch)."""

    def __init__(self, vocab_size: int, dim: int, num_classes: int, hidden: int = HIDDEN):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, dim, mode="mean", padding_idx=0)
        self.head = head(dim, num_classes, hidden)

    def forward(self, ids):
        return self.head(self.embedding(ids))

    def word_vectors(self) -> np.ndarray:
        """One row per vocabulary word (padding row dropped), for neighbours and pictures."""
        return self.embedding.weight.detach()[1:].numpy().copy()


def word_sets(ids: torch.Tensor) -> torch.Tensor:
    """Each row of encoded ids with repeats replaced by padding: which words a text contains."""
    s = ids.sort(dim=1).values
    s[:, 1:][s[:, 1:] == s[:, :-1]] = 0
    return s


class WordSets:
    """texts -> word_sets(vocab.encode(texts)); a class, not a lambda, so a Predictor pickles."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, texts) -> torch.Tensor:
        return word_sets(self.vocab.encode(texts))


class BagOfWords(nn.Module):
    """Logistic regression on which words a text contains, shaped as scikit-learn shapes it: for
    two classes one weight per word and one bias (the first class's logit is fixed at 0), else
    one per word and class. All start at zero. Input: word_sets(ids), with 0 as padding."""

    def __init__(self, n_words: int, num_classes: int):
        super().__init__()
        rows = 1 if num_classes == 2 else num_classes
        self.weight = nn.Parameter(torch.zeros(n_words, rows))
        self.bias = nn.Parameter(torch.zeros(rows))

    def forward(self, ids):
        table = torch.cat([self.weight.new_zeros(1, self.weight.shape[1]), self.weight])  # padding: 0
        z = nn.functional.embedding_bag(ids, table, mode="sum", padding_idx=0) + self.bias
        return torch.cat([torch.zeros_like(z), z], dim=1) if z.shape[1] == 1 else z
