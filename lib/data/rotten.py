"""Real movie reviews: Pang and Lee's sentence polarity dataset v1.0 (Rotten Tomatoes snippets).

5,331 positive and 5,331 negative one-sentence snippets, lower-cased and tokenised as released,
one a line in `rt-polaritydata/rt-polarity.pos` and `.neg` of a 0.5 MB tarball. The files are
ISO-8859-1 as the dataset's README says (a few lines hold UTF-8 bytes, read as released).

Downloaded once into the cache through the same code as the photos and the network weights
(lib.downloads: a short timeout, `.part` renamed only after the check, the same mirror variable,
TRANSFER_LAB_OFFLINE), and carried in the prefetch pack. Its checksum cannot be known in advance
here, so what arrives is checked by its structure (a tar.gz holding both files, each at least
MIN_LINES snippets of text) and its sha256 is recorded beside it. `start_background_fetch()`
downloads it when the server starts, so it is there before anyone asks.

The task: a fixed, seeded, balanced test set (TEST_PER_CLASS per class), and the rest as the
labeled pool; skip-gram reads the pool's texts without their labels (`unlabeled_texts`), never a
test text. A snippet that appears twice is kept once, and one filed under both classes is dropped,
so no text is both in the test set and in the pool.
"""
import encodings.idna  # noqa: F401  urlopen imports it on its first host look-up: here, not in a thread
import gzip
import io
import os
import re
import tarfile
import threading
import zlib
from pathlib import Path

import numpy as np

from lib import cache, downloads
from lib.data.datasets import Task, TextDataset
# ["negative", "positive"], in the generated reviews' order, so a page can switch between the two
from lib.data.reviews import CLASSES

URL = "https://www.cs.cornell.edu/people/pabo/movie-review-data/rt-polaritydata.tar.gz"
HOME = "https://www.cs.cornell.edu/people/pabo/movie-review-data/"
FILE = "rt-polaritydata.tar.gz"
MIRROR_ENV = "TRANSFER_LAB_DATA_MIRROR"  # as lib.data.photos: a folder URL holding FILE
MEMBERS = {"negative": "rt-polaritydata/rt-polarity.neg", "positive": "rt-polaritydata/rt-polarity.pos"}
SIZE_MB = 0.5
MIN_LINES = 5000          # per file: the real ones have 5,331; a file cut short has fewer
MAX_MEMBER_BYTES = 20 << 20  # the real files are under 0.7 MB each; anything huge is not them
MAX_CONTROL_SHARE = 0.01  # lines holding control characters: a few may be noise, more is not text
TEST_PER_CLASS = 1000     # the fixed, balanced test set: 2,000 snippets
SPLIT_SEED = 0
NAME = "rotten_tomatoes"
PAPER = ('Bo Pang and Lillian Lee, "Seeing stars: Exploiting class relationships for sentiment '
         'categorization with respect to rating scales", Proceedings of ACL 2005')
CREDIT = (f"Real reviews: the [sentence polarity dataset v1.0]({HOME}) of Bo Pang and Lillian Lee, "
          "5,331 positive and 5,331 negative snippets from Rotten Tomatoes, introduced in "
          "*Seeing stars: Exploiting class relationships for sentiment categorization with respect "
          "to rating scales* (ACL 2005).")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # never in a snippet (tab, LF, CR may be)


def url() -> str:
    mirror = os.environ.get(MIRROR_ENV)
    return mirror.rstrip("/") + "/" + FILE if mirror else URL


def tar_path() -> Path:
    return cache.cache_dir("data") / FILE


def checksum() -> str | None:
    """The sha256 recorded when the tarball arrived, or None before that."""
    p = tar_path().with_suffix(".sha256")
    return p.read_text().strip() if p.exists() else None


def available() -> bool:
    return tar_path().exists()


_fetching = threading.Lock()  # the background download and a page asking meanwhile: one download


def fetch(progress=None, timeout: float | None = None) -> Path:
    """The tarball in the cache, downloading it first if needed. Raises downloads.Unavailable."""
    def check(tmp, sha):
        read(tmp)
        cache.save_text(tar_path().with_suffix(".sha256"), sha + "\n")

    with _fetching:  # lib.downloads names its .part by process: two threads must not share one
        return downloads.fetch(url(), tar_path(), f"the real movie reviews ({SIZE_MB} MB)", check,
                               progress, timeout)


def read(path: Path) -> dict:
    """{class: [snippets as released]} from the tarball; downloads.Unavailable if it is not the
    sentence polarity set (not a whole tar.gz, a file missing, too short, or not text)."""
    try:
        raw = gzip.decompress(Path(path).read_bytes())  # the whole stream: its length and CRC checked
        with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
            found = {}
            for m in tar.getmembers():
                name = m.name.removeprefix("./")
                if m.isfile() and name in MEMBERS.values() and name not in found:
                    if m.size > MAX_MEMBER_BYTES:
                        raise downloads.Unavailable(f"{name} in the tarball that arrived is "
                                                    f"{m.size / 1e6:.0f} MB, not a file of snippets")
                    found[name] = tar.extractfile(m).read()
    except downloads.Unavailable:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error) as err:
        raise downloads.Unavailable(f"the file that arrived is not a whole tar.gz (truncated or "
                                    f"corrupt: {err})") from err
    missing = [n for n in MEMBERS.values() if n not in found]
    if missing:
        raise downloads.Unavailable(f"the tarball that arrived is not the sentence polarity set: "
                                    f"{' and '.join(missing)} missing")
    return {c: _lines(found[MEMBERS[c]], MEMBERS[c]) for c in CLASSES}


def _lines(data: bytes, name: str) -> list[str]:
    """The non-empty lines of one file, decoded as ISO-8859-1 (every byte decodes, so what is not
    text shows as control characters: binary data holds them on nearly every line)."""
    # \n and ASCII blanks only: str.splitlines and strip would also cut at \x85 (a byte of text here)
    lines = [line.strip(" \t\r") for line in data.decode("iso-8859-1").split("\n")]
    lines = [line for line in lines if line]
    binary = [line for line in lines if _CONTROL.search(line)]
    if len(binary) > MAX_CONTROL_SHARE * max(len(lines), 1):
        raise downloads.Unavailable(f"{name} in the tarball that arrived does not decode as "
                                    f"ISO-8859-1 text ({len(binary):,} of {len(lines):,} lines hold "
                                    f"control characters)")
    lines = [line for line in lines if not _CONTROL.search(line)]
    if len(lines) < MIN_LINES:
        raise downloads.Unavailable(f"{name} in the tarball that arrived has {len(lines):,} "
                                    f"snippets; the sentence polarity set has 5,331 (at least "
                                    f"{MIN_LINES:,} expected): a truncated or different file")
    return lines


def split(texts: dict, test_per_class: int = TEST_PER_CLASS, seed: int = SPLIT_SEED) -> tuple:
    """(pool, test, dropped): the fixed test set of `test_per_class` per class drawn with `seed`,
    the rest as the pool in a seeded mixed order (so its first n texts hold both classes), and how
    many lines were dropped as repeats or as filed under both classes. Depends only on the texts
    and the seed."""
    first = {}
    for label, c in enumerate(CLASSES):
        for t in texts[c]:
            first.setdefault(t, set()).add(label)
    both = {t for t, labels in first.items() if len(labels) > 1}
    pool_t, pool_y, test_t, test_y, kept = [], [], [], [], 0
    for label, c in enumerate(CLASSES):
        mine = [t for t in dict.fromkeys(texts[c]) if t not in both]  # first occurrence, in order
        kept += len(mine)
        if len(mine) <= test_per_class:
            raise downloads.Unavailable(f"only {len(mine):,} distinct {c} snippets: too few for a "
                                        f"test set of {test_per_class:,} and a pool")
        order = np.random.default_rng([seed, label]).permutation(len(mine))
        test_t += [mine[i] for i in order[:test_per_class]]
        test_y += [label] * test_per_class
        pool_t += [mine[i] for i in order[test_per_class:]]
        pool_y += [label] * (len(mine) - test_per_class)
    mix = np.random.default_rng([seed, len(CLASSES)]).permutation(len(pool_t))
    pool = TextDataset([pool_t[i] for i in mix], np.asarray(pool_y)[mix], CLASSES, f"{NAME}_pool")
    test = TextDataset(test_t, test_y, CLASSES, f"{NAME}_test")
    return pool, test, sum(len(v) for v in texts.values()) - kept


_task: Task | None = None
_lock = threading.Lock()  # two sessions opening the page at once read the tarball once


def rotten_task(progress=None) -> Task:
    """The task: labeled snippets drawn from the pool, scored on the fixed 2,000. Downloads once
    if needed; raises downloads.Unavailable when the reviews cannot be had."""
    global _task
    with _lock:
        if _task is None:
            path = fetch(progress)
            try:
                texts = read(path)
            except downloads.Unavailable as err:  # damaged since it arrived: fetch it anew next time
                path.unlink(missing_ok=True)
                path.with_suffix(".sha256").unlink(missing_ok=True)
                raise downloads.Unavailable(f"the cached real movie reviews could not be read "
                                            f"({err}); they were removed and will be downloaded "
                                            f"again") from err
            pool, test, dropped = split(texts)
            _task = Task(NAME, pool, test, "Real movie-review snippets from Rotten Tomatoes: the "
                         f"sentence polarity dataset v1.0 ({PAPER}).")
            _task.dropped = dropped  # lines left out as repeats or as filed under both classes
        return _task


def unlabeled_texts(n: int | None = None, task: Task | None = None) -> list[str]:
    """What skip-gram may read: the first n texts of the pool (default all), labels dropped.
    Never a test text. `task` defaults to rotten_task()."""
    texts = (task or rotten_task()).pool.texts
    if n is not None and not 0 <= n <= len(texts):
        raise ValueError(f"n must be between 0 and {len(texts):,} unlabeled reviews, got {n}")
    return list(texts if n is None else texts[:n])


_background: threading.Thread | None = None
_background_lock = threading.Lock()


def start_background_fetch() -> threading.Thread | None:
    """Download the tarball in a daemon thread, once per process (when the server starts), so it
    is there before anyone asks. Returns the thread if this call started one. A failure is
    swallowed: the page that needs the reviews calls fetch() itself and says why."""
    global _background
    with _background_lock:
        if _background is not None or available() or cache.offline():
            return None
        _background = threading.Thread(target=_fetch_quietly, name="transfer-lab-reviews", daemon=True)
    _background.start()
    return _background


def _fetch_quietly():
    try:
        fetch()
    except downloads.Unavailable:
        pass
