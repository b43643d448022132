"""Where to cut the sentence encoder: what each of its layers gives a linear head.

all-MiniLM-L6-v2 is a BERT-like encoder: an embeddings layer (word pieces + positions) and six
transformer layers; the sentence embedding the encoder's head reads is the mean of the last layer's
token vectors, L2-normalised. Here every layer's token vectors are mean-pooled the same way (over
the text's word pieces, padding excluded), so the linear probe (lib.probe, the image ways' frozen
head) can read the encoder after any of its seven cuts: "embeddings", "layer1" ... "layer6". One
forward pass gives every cut (the hidden states), cached by the exact texts like the embeddings.

The control is the same architecture at random weights (transformers' own initialisation of a
BertModel from the same config, seeded 0: the image side's control, for text), through the same
tokenizer: what the probe reads off the architecture alone.

`choose_cut` picks a cut on the labeled draw alone by cross-validation, exactly as the image ways'
(lib.image.ways.choose_cut, the one implementation); `depth_profile` gives a test accuracy per
cut, weights and seed in the image depth profile's columns, so lib.curves.compare_depths and
summarise_depth read it (Holm over the cuts) and ui.charts draws it.

The same pass also keeps the token vectors entering the top layer (`top_input`), which is what
fine-tuning (lib.text.finetune) trains from: the layers below never change, so they run once.
"""
import numpy as np
import pandas as pd
import torch

from lib import cache
from lib.text import encoders

CUTS = ("embeddings", "layer1", "layer2", "layer3", "layer4", "layer5", "layer6")
OUTPUT = "output"   # the sentence embedding itself (layer6 pooled, then L2-normalised): the way's default
AUTO = "auto"
TOP_FROM = 5        # fine-tuning trains the layers from this index on (the last of six)
BATCH = 64
CODE = cache.code_of(__file__)
_memory: dict = {}
_random = {}


def random_encoder():
    """The encoder's architecture at random weights (seeded 0, without touching torch's global
    generator): the control."""
    if "model" not in _random:
        from transformers import AutoModel
        config = encoders.load()[0].auto_model.config
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            _random["model"] = AutoModel.from_config(config).eval()
    return _random["model"]


def tokenize(texts):
    model = encoders.load()
    return model.tokenizer(list(texts), padding=True, truncation=True, max_length=model.max_seq_length,
                           return_tensors="pt")


def _masked_mean(h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask[:, :, None].to(h.dtype)
    return (h * m).sum(1) / m.sum(1).clamp(min=1)


@torch.no_grad()
def _forward(texts, pretrained: bool, progress=None):
    """(pooled (7, n, d) float32, top-layer input as (tokens (t, d) float32, offsets (n + 1,)))."""
    net = encoders.load()[0].auto_model if pretrained else random_encoder()
    net.eval()
    pooled, tokens, lengths = [], [], []
    for i in range(0, len(texts), BATCH):
        f = tokenize(texts[i:i + BATCH])
        out = net(input_ids=f["input_ids"], attention_mask=f["attention_mask"],
                  token_type_ids=f.get("token_type_ids"), output_hidden_states=True)
        mask = f["attention_mask"]
        pooled.append(torch.stack([_masked_mean(h, mask) for h in out.hidden_states]).numpy())
        keep = mask.bool()
        tokens.append(out.hidden_states[TOP_FROM][keep].numpy())
        lengths.append(mask.sum(1).numpy())
        if progress:
            progress(min(i + BATCH, len(texts)), len(texts))
    d = net.config.hidden_size
    if not pooled:
        return np.zeros((len(CUTS), 0, d), np.float32), (np.zeros((0, d), np.float32), np.zeros(1, np.int64))
    offsets = np.concatenate([[0], np.cumsum(np.concatenate(lengths))]).astype(np.int64)
    return (np.concatenate(pooled, axis=1).astype(np.float32),
            (np.concatenate(tokens).astype(np.float32), offsets))


def _computed(texts, pretrained: bool, progress=None):
    """Both results of `_forward`, cached in memory and on disk by the exact texts (an upload's
    inside its own private store only, as lib.text.encoders.embed keeps them)."""
    texts = [str(t) for t in texts]
    k = cache.key("layers", encoders.MODEL, encoders._versions(), CODE, bool(pretrained),
                  cache.fingerprint(np.array(texts, dtype=str)))
    private = cache.private_store()
    memory = _memory if private is None else private
    if ("layers", k) in memory:
        return memory["layers", k]
    folder = None if private is not None else cache.cache_dir("layers")
    parts = [cache.load_array(folder / f"{k}-{p}.npy") for p in ("pooled", "tokens", "offsets")] if folder else [None]
    if any(p is None for p in parts) or parts[0].shape[1] != len(texts):
        pooled, (tokens, offsets) = _forward(texts, pretrained, progress)
        parts = [pooled, tokens, offsets]
        if folder:
            for name, a in zip(("pooled", "tokens", "offsets"), parts):
                cache.save_array(folder / f"{k}-{name}.npy", a)
    out = (parts[0], (parts[1], parts[2]))
    memory["layers", k] = out
    return out


def layer_features(texts, pretrained: bool = True, progress=None) -> dict:
    """cut -> (n, d) mean-pooled token vectors after that cut, for every cut in CUTS."""
    pooled = _computed(texts, pretrained, progress)[0]
    return dict(zip(CUTS, pooled))


def top_input(texts, progress=None) -> tuple:
    """(tokens (t, d), offsets (n + 1,)): each text's token vectors entering the top layer
    (pretrained weights), text i's rows tokens[offsets[i]:offsets[i + 1]]."""
    return _computed(texts, True, progress)[1]


def check_cut(cut) -> None:
    if cut not in (AUTO, OUTPUT, *CUTS):
        raise ValueError(f"the sentence encoder has no cut {cut!r}; cut after one of: "
                         f"{AUTO}, {OUTPUT}, {', '.join(CUTS)}")


def where_to_cut(task, labeled, cut=AUTO, progress=None) -> tuple:
    """(cut, {cut: mean cross-validated accuracy}): the asked-for cut, or the one the image ways'
    cross-validation (lib.image.ways.choose_cut) picks on the labeled texts alone."""
    check_cut(cut)
    if cut != AUTO:
        return cut, {}
    from lib.image.ways import choose_cut
    texts = [task.pool.texts[i] for i in labeled]
    with cache.scope(task):  # an upload's vectors stay in its own store
        per_cut = layer_features(texts, True, progress)
    return choose_cut(per_cut, task.pool.labels[labeled], len(labeled) // len(task.classes))


def depth_profile(task, n_per_class: int, seeds=range(5), control: bool = True, progress=None) -> pd.DataFrame:
    """Test accuracy of the linear probe after every cut of the sentence encoder, over seeds.

    Rows cut x weights x seed, in lib.comparisons.depth_profile's columns (cut, depth, feature_dim,
    pretrained, seed, test_accuracy), so lib.curves reads it and ui.charts draws it. Each seed
    draws the same labeled texts as the comparison of that seed (lib.runs.draw)."""
    from lib.probe import fit_probe
    from lib.runs import draw, standardise
    t = task  # a Task (lib.tasks.resolve_task gives a named one): lib.tasks imports the ways
    if getattr(t, "kind", None) != "text":
        raise ValueError(f"a text depth profile needs a text Task, got {t!r}")
    seeds = [int(s) for s in seeds]
    k, rows = len(t.classes), []
    weights = [True] + ([False] if control else [])
    total, done = len(weights) * len(seeds) * len(CUTS), 0
    with cache.scope(t):
        for pretrained in weights:
            test = layer_features(t.test.texts, pretrained)
            for seed in seeds:
                labeled = np.concatenate(draw(t.pool.labels, int(n_per_class), seed))
                train = layer_features([t.pool.texts[i] for i in labeled], pretrained)
                y = torch.as_tensor(t.pool.labels[labeled])
                for depth, cut in enumerate(CUTS):
                    x, x_test = standardise(train[cut], test[cut])
                    head = fit_probe(torch.as_tensor(x), y, k)[0]
                    with torch.no_grad():
                        pred = head(torch.as_tensor(x_test)).argmax(1).numpy()
                    rows.append((cut, depth, x.shape[1], pretrained, seed,
                                 float((pred == t.test.labels).mean())))
                    done += 1
                    if progress:
                        progress(done, total)
    out = pd.DataFrame(rows, columns=["cut", "depth", "feature_dim", "pretrained", "seed", "test_accuracy"])
    out.attrs.update(backbone=encoders.DESCRIPTION, notices=[])
    return out


def params_up_to(cut) -> int:
    """The encoder's weights up to and including `cut` (the embeddings layer, then each layer)."""
    net = encoders.load()[0].auto_model
    n = sum(p.numel() for p in net.embeddings.parameters())
    return n + sum(p.numel() for layer in net.encoder.layer[:CUTS.index(cut)] for p in layer.parameters())
