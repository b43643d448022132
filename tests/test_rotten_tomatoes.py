"""The real movie reviews (Pang and Lee's sentence polarity set): downloaded once through the shared
download code, checked by their structure, split into a fixed balanced test set and a pool that
skip-gram reads without labels; and the zero-shot way, which scores texts with no label at all.
Served from 127.0.0.1 with generated snippets: the real set is never downloaded by a test."""
import gzip
import hashlib
import importlib.util
import io
import random
import tarfile
import threading
from pathlib import Path

import numpy as np
import pytest

from lib import downloads, tasks
from lib.data import rotten
from lib.data.datasets import Task, TextDataset
from lib.text import encoders, ways, zero_shot
from standin import Server

N = rotten.MIN_LINES + 150  # per class: enough for the real check and the real 1,000-per-class test set
WORDS = "film plot cast scene actor story script score shot pace tone ending twist hero".split()
SPECIAL = {  # lines as the real files hold them: raw bytes -> the text they must read as
    "pos": (b"a caf\xe9 of a film , charming \x85 and light .", "a café of a film , charming \x85 and light ."),
    "neg": (b"\xe2\x80\xa6 passable enough , barely \x85", "â\x80¦ passable enough , barely \x85"),
}
BOTH = "a line filed under both classes ."


def repeated(kind: str) -> str:
    return f"a line the {kind} file holds twice ."


def snippets(kind: str, n: int = N, seed: int = 0) -> list[bytes]:
    r = random.Random(f"{kind}{seed}")
    lines = [f"{kind} {i} {' '.join(r.choices(WORDS, k=6))} .".encode() for i in range(n)]
    return lines + [SPECIAL[kind][0], repeated(kind).encode(), repeated(kind).encode(), BOTH.encode()]


def tarball(pos=None, neg=None, gz=True) -> bytes:
    """rt-polaritydata.tar.gz as released: a README beside the folder of the two files."""
    files = {"rt-polaritydata.README.1.0.txt": b"sentence polarity dataset v1.0\n",
             "rt-polaritydata/rt-polarity.pos": b" \n".join(snippets("pos") if pos is None else pos) + b" \n",
             "rt-polaritydata/rt-polarity.neg": b" \n".join(snippets("neg") if neg is None else neg) + b" \n"}
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in files.items():
            if data is not None and not (name.endswith(".pos") and pos == []):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return gzip.compress(out.getvalue(), mtime=0) if gz else out.getvalue()


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("TRANSFER_LAB_CACHE", str(tmp_path))
    monkeypatch.delenv("TRANSFER_LAB_OFFLINE", raising=False)
    monkeypatch.setattr(rotten, "_task", None)
    monkeypatch.setattr(rotten, "_background", None)
    return tmp_path


@pytest.fixture
def served(monkeypatch):
    """serve(body): the mirror variable points at a stand-in holding `body` as the tarball."""
    servers = []

    def serve(body: bytes) -> Server:
        servers.append(Server({rotten.FILE: body}))
        monkeypatch.setenv(rotten.MIRROR_ENV, servers[-1].url)
        return servers[-1]
    yield serve
    for s in servers:
        s.close()


def test_downloaded_once_checked_recorded_split_and_then_used_offline(fresh, served, monkeypatch):
    """The whole path a page takes: download with progress, check, sha256 recorded, the task built
    with the real sizes (1,000 per class in the test set), then read from the cache offline."""
    body = tarball()
    server = served(body)
    seen = []
    task = rotten.rotten_task(progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(body), len(body))
    assert rotten.checksum() == hashlib.sha256(body).hexdigest() and rotten.available()
    assert task.name == "rotten_tomatoes" and task.kind == "text" and task.classes == ["negative", "positive"]
    assert np.bincount(task.test.labels).tolist() == [1000, 1000]
    # per class: N generated + the special line + one repeat kept once; the both-ways line dropped
    assert np.bincount(task.pool.labels).tolist() == [N + 2 - 1000] * 2
    assert task.dropped == 2 * 2  # per class one repeat and the line filed under both
    everything = set(task.pool.texts) | set(task.test.texts)
    assert len(everything) == len(task.pool) + len(task.test) and BOTH not in everything
    labelled = dict(zip(task.pool.texts + task.test.texts, np.concatenate([task.pool.labels, task.test.labels])))
    assert labelled[SPECIAL["pos"][1]] == 1 and labelled[SPECIAL["neg"][1]] == 0  # \x85 does not split a line
    assert labelled[repeated("pos")] == 1 and labelled[repeated("neg")] == 0
    assert all((y == 1) == t.startswith("pos ") for t, y in labelled.items()
               if t.startswith(("pos ", "neg ")))  # each snippet keeps its file's label
    assert "Pang" in task.description and "Lillian Lee" in rotten.CREDIT and "ACL 2005" in rotten.CREDIT
    assert tasks.resolve_task("rotten_tomatoes") is task                   # cached per process
    monkeypatch.setenv("TRANSFER_LAB_OFFLINE", "1")
    monkeypatch.setattr(rotten, "_task", None)
    assert rotten.rotten_task().test.texts == task.test.texts and len(server.hits) == 1


def bad(kind: str) -> bytes:
    good = tarball()
    return {
        "not a tar.gz": b"<html>captive portal</html>",
        "truncated": good[: len(good) // 2],
        "corrupt": good[:200] + bytes(b ^ 0xFF for b in good[200:260]) + good[260:],
        "a plain tar": tarball(gz=False),
        "no .pos file": tarball(pos=[]),
        "too few lines": tarball(neg=snippets("neg", rotten.MIN_LINES - 10)),
        "binary .pos": tarball(pos=[bytes(random.Random(i).randbytes(90)).replace(b"\n", b" ")
                                    for i in range(N)]),
    }[kind]


@pytest.mark.parametrize("kind, why", [
    ("not a tar.gz", "not a whole tar.gz"),
    ("truncated", "not a whole tar.gz"),
    ("corrupt", "not a whole tar.gz"),
    ("a plain tar", "not a whole tar.gz"),
    ("no .pos file", "rt-polaritydata/rt-polarity.pos missing"),
    ("too few lines", "rt-polarity.neg .* has 4,9.. snippets"),
    ("binary .pos", "rt-polarity.pos .* does not decode as ISO-8859-1 text"),
])
def test_a_wrong_download_says_why_and_leaves_nothing_behind(fresh, served, kind, why):
    served(bad(kind))
    with pytest.raises(downloads.Unavailable, match=why):
        rotten.rotten_task()
    assert not rotten.available() and rotten.checksum() is None
    assert not list((fresh / "data").iterdir())                       # no half-written file
    assert rotten._task is None                                        # a later visit tries again


def test_a_few_lines_of_noise_are_dropped_not_fatal(fresh, served):
    """The real files hold stray bytes on some lines; a handful of control characters must not
    refuse the whole set (only a file that is mostly not text is refused)."""
    pos = snippets("pos") + [b"odd \x0c line ."] * 3
    served(tarball(pos=pos))
    texts = rotten.read(rotten.fetch())
    assert len(texts["positive"]) == len(pos) - 3 and not any("\x0c" in t for t in texts["positive"])


def test_offline_says_how_to_get_them_and_never_asks_the_network(fresh, served, monkeypatch):
    server = served(tarball())
    monkeypatch.setenv("TRANSFER_LAB_OFFLINE", "1")
    with pytest.raises(downloads.Unavailable, match="prefetch.py"):
        rotten.rotten_task()
    assert rotten.start_background_fetch() is None
    assert server.hits == [] and not rotten.available()


def test_a_cached_tarball_damaged_later_is_removed_so_it_can_be_fetched_again(fresh, served):
    path = rotten.tar_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(tarball()[:1000])
    with pytest.raises(downloads.Unavailable, match="removed and will be downloaded again"):
        rotten.rotten_task()
    assert not path.exists()
    served(tarball())
    assert len(rotten.rotten_task().test) == 2000


def test_background_fetch_downloads_once_and_swallows_a_failure(fresh, served, monkeypatch):
    """Started by the server's warm-up: it must never raise into that thread, and must not
    download twice when a page asks meanwhile."""
    failures = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))
    server = served(b"not a tarball")
    thread = rotten.start_background_fetch()
    thread.join(30)
    assert not thread.is_alive() and failures == [] and not rotten.available()
    assert not list((fresh / "data").iterdir())
    monkeypatch.setattr(rotten, "_background", None)
    server = served(tarball())
    thread = rotten.start_background_fetch()
    assert rotten.start_background_fetch() is None                     # once per process
    assert len(rotten.rotten_task().pool) > 0                          # a page asking meanwhile waits
    thread.join(30)
    assert rotten.available() and len(server.hits) == 1 and failures == []
    assert rotten.start_background_fetch() is None


def test_the_warm_up_starts_the_download_early():
    from ui import warmup
    assert warmup._reviews in warmup.STEPS[:3]


def corpus(n: int, seed: int = 0) -> dict:
    return {"negative": [f"neg {seed} {i}" for i in range(n)], "positive": [f"pos {seed} {i}" for i in range(n)]}


def test_the_split_is_balanced_fixed_and_never_shares_a_text():
    texts = corpus(60)
    texts["positive"] += ["neg 0 3", "pos 0 5"]  # one text under both classes, one repeated
    pool, test, dropped = rotten.split(texts, test_per_class=20, seed=0)
    assert np.bincount(test.labels).tolist() == [20, 20]
    assert np.bincount(pool.labels).tolist() == [39, 40] and dropped == 3  # "neg 0 3" from both
    assert not set(pool.texts) & set(test.texts) and "neg 0 3" not in pool.texts + test.texts
    again = rotten.split(texts, test_per_class=20, seed=0)
    assert again[0].texts == pool.texts and again[1].texts == test.texts
    assert (again[0].labels == pool.labels).all()
    other = rotten.split(texts, test_per_class=20, seed=1)
    assert set(other[1].texts) != set(test.texts)
    assert len(set(pool.labels[:10])) == 2  # the pool is mixed: its first n texts hold both classes
    with pytest.raises(downloads.Unavailable, match="too few"):
        rotten.split(corpus(20), test_per_class=20)


def test_skipgram_reads_the_pool_without_labels_and_never_a_test_text():
    pool, test, _ = rotten.split(corpus(60), test_per_class=20)
    task = Task("rotten_tomatoes", pool, test)
    read = ways.unlabeled_texts(task)
    assert read == pool.texts and not set(read) & set(test.texts)
    assert ways.unlabeled_texts(task, 7) == pool.texts[:7]
    assert not ways.skipgram_reads_own_texts(task)                     # the article's setting
    with pytest.raises(ValueError, match="between 0 and 80"):
        ways.unlabeled_texts(task, 81)
    assert ways.default_extra_tests(task) == {}
    assert "rotten_tomatoes" in tasks.TASKS and tasks.task_kind("rotten_tomatoes") == "text"
    assert tasks.task_available("rotten_tomatoes")


def test_prefetch_fills_the_cache_with_the_reviews(fresh, served, monkeypatch):
    spec = importlib.util.spec_from_file_location("prefetch", Path(__file__).parents[1] / "scripts" / "prefetch.py")
    prefetch = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(prefetch)
    monkeypatch.setattr(prefetch.backbones, "CHOICES", {})            # no weights: nothing to serve
    body = tarball()
    served(body)
    said = []
    prefetch.fetch_all_downloads(said.append)
    assert any("movie reviews" in s and hashlib.sha256(body).hexdigest() in s for s in said)
    assert any("ants and bees" in s and "not cached" in s for s in said)  # the stand-in has no photos
    assert rotten.available()


# ------------------------------------------------------------------ zero-shot

def test_descriptions_come_from_the_label_names_or_say_why_not():
    assert zero_shot.descriptions_for(["sports", "not_spam"]) == ["This example is sports.",
                                                                  "This example is not spam."]
    for classes, why in [(["good", ""], "no name"), (["0", "1"], "no word"), (["class_1", "class_2"], "no word"),
                         (["a", "b"], "no word"), (["not_spam", "Not spam"], "read the same"),
                         (["only"], "at least 2")]:
        with pytest.raises(ValueError, match=why):
            zero_shot.descriptions_for(classes)
    review = Task("rotten_tomatoes", *rotten.split(corpus(30), test_per_class=5)[:2])
    assert zero_shot.task_descriptions(review) == ["a negative movie review", "a positive movie review"]


@pytest.fixture
def fake_encoder(monkeypatch):
    """Texts embed by which word they hold: fast, and the right answer is known."""
    axes = {"dull": 0, "negative": 0, "great": 1, "positive": 1, "fine": 2}

    def embed(texts, progress=None, remember=True):
        out = np.full((len(texts), 3), 0.1, np.float32)
        for i, t in enumerate(texts):
            for word, axis in axes.items():
                out[i, axis] += word in t
        return out
    monkeypatch.setattr(encoders, "embed", embed)
    monkeypatch.setattr(encoders, "total_params", lambda: 1234)


def test_zero_shot_picks_the_closest_description_and_trains_nothing(fake_encoder):
    texts = ["a dull film", "a great film", "a dull plot", "a great cast", "a fine dull day"]
    data = TextDataset(texts, [0, 1, 0, 0, 1], ["negative", "positive"], "t")
    run = zero_shot.zero_shot_run(Task("rotten_tomatoes", data, data), ["negative review", "positive review"])
    assert run.test_pred.tolist() == [0, 1, 0, 1, 0] and run.test_accuracy == pytest.approx(3 / 5)
    assert run.method == "zero_shot" and run.trainable_params == 0 and run.total_params == 1234
    assert run.n_test == 5 and run.train_pred.dtype == np.int64 and len(run.train_pred) == 0
    assert list(run.history.columns) == ["epoch", "split", "loss", "accuracy"] and run.history.empty
    assert run.formula.startswith("0 trained weights") and "'positive review'" in run.formula
    lo, hi = run.test_interval
    assert lo < 0.6 < hi
    p = run.predict(["so dull", "so great"])
    assert np.allclose(p.sum(1), 1) and p[0, 0] > 0.5 and p[1, 1] > 0.5
    with pytest.raises(ValueError, match="one description per class"):
        zero_shot.zero_shot_run(Task("t", data, data), ["only one"])


def test_zero_shot_without_the_encoder_raises_for_the_page_to_say(monkeypatch):
    def missing(*a, **k):
        raise encoders.EncoderUnavailable("not installed")
    monkeypatch.setattr(encoders, "embed", missing)
    data = TextDataset(["a"], [0], ["negative", "positive"])
    with pytest.raises(encoders.EncoderUnavailable):
        zero_shot.zero_shot_run(Task("t", data, data), zero_shot.DESCRIPTIONS["rotten_tomatoes"])


def test_the_real_encoder_reads_obvious_reviews_with_no_labels():
    """The packaged all-MiniLM-L6-v2, offline: unmistakable reviews land on the right side."""
    texts = ["an absolute masterpiece , i loved every minute of it .", "a dull , tedious waste of two hours .",
             "one of the best films of the year , moving and funny .", "the worst movie i have seen in ages ."]
    data = TextDataset(texts, [1, 0, 1, 0], ["negative", "positive"], "obvious")
    run = zero_shot.zero_shot_run(Task("rotten_tomatoes", data, data), zero_shot.DESCRIPTIONS["rotten_tomatoes"])
    assert run.test_pred.tolist() == [1, 0, 1, 0]
    assert run.total_params == encoders.total_params() > 20_000_000
