"""The ants-and-bees photos: downloaded once through the shared download code, checked by their
structure, cached, and an honest message when they cannot be had. Served from 127.0.0.1 with
generated photos: the real set is never downloaded by a test."""
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from lib import downloads
from lib.data import photos
from standin import Server

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "ants_bees.py")
COUNTS = {("train", "ants"): 62, ("train", "bees"): 61, ("val", "ants"): 31, ("val", "bees"): 30}


def photo(seed: int, bright: int) -> bytes:
    rng = np.random.default_rng(seed)
    h, w = rng.integers(40, 80, 2)  # photos of every size, as on the web
    pixels = rng.integers(0, 120, (h, w, 3)) + bright
    out = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(out, "JPEG")
    return out.getvalue()


def hymenoptera_zip(counts=COUNTS, junk=True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for (split, cls), n in counts.items():
            for i in range(n):
                z.writestr(f"hymenoptera_data/{split}/{cls}/{i}.jpg", photo(i, 100 if cls == "bees" else 0))
        if junk:  # the real set has one file in train/ants that is not a photo
            z.writestr("hymenoptera_data/train/ants/imageNotFound.gif", b"<html>not found</html>")
    return out.getvalue()


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("TRANSFER_LAB_CACHE", str(tmp_path))
    monkeypatch.delenv("TRANSFER_LAB_OFFLINE", raising=False)
    monkeypatch.setattr(photos, "_task", None)
    return tmp_path


def serve(monkeypatch, body: bytes) -> Server:
    server = Server({"hymenoptera_data.zip": body})
    monkeypatch.setenv(photos.MIRROR_ENV, server.url)
    return server


def test_downloaded_once_checked_recorded_and_then_used_offline(fresh, monkeypatch):
    body = hymenoptera_zip()
    server = serve(monkeypatch, body)
    seen = []
    task = photos.ants_bees_task(progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(body), len(body))
    assert task.name == "ants_bees" and task.classes == ["ants", "bees"]
    assert np.bincount(task.pool.labels).tolist() == [62, 61]        # the non-photo file is left out
    assert np.bincount(task.test.labels).tolist() == [31, 30]
    assert task.skipped == ["train/ants/imageNotFound.gif"]
    assert task.pool.images.shape[1:] == (256, 256, 3) and task.backbone_size is None
    import hashlib
    assert photos.checksum() == hashlib.sha256(body).hexdigest()
    monkeypatch.setenv("TRANSFER_LAB_OFFLINE", "1")
    monkeypatch.setattr(photos, "_task", None)
    assert len(photos.ants_bees_task().pool) == 123 and len(server.hits) == 1
    server.close()


@pytest.mark.parametrize("body, why", [
    (b"<html>captive portal</html>", "not a zip"),
    (hymenoptera_zip({("train", "ants"): 62, ("train", "bees"): 3, ("val", "ants"): 31,
                      ("val", "bees"): 30}), "too few photos in train/bees"),
], ids=["not a zip", "too few bees"])
def test_a_wrong_download_says_why_and_leaves_nothing_behind(fresh, monkeypatch, body, why):
    server = serve(monkeypatch, body)
    with pytest.raises(downloads.Unavailable, match=why):
        photos.ants_bees_task()
    assert not photos.available() and photos.checksum() is None
    assert not list((fresh / "data").iterdir())                       # no half-written file
    server.close()


def test_no_network_says_how_to_get_the_photos(fresh, monkeypatch):
    monkeypatch.setenv("TRANSFER_LAB_OFFLINE", "1")
    with pytest.raises(downloads.Unavailable, match="prefetch.py"):
        photos.ants_bees_task()


def test_the_page_without_the_photos_says_what_to_do_and_offers_your_own(fresh, monkeypatch):
    monkeypatch.setenv("TRANSFER_LAB_OFFLINE", "1")
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception and not at.error
    text = " ".join(w.value for w in at.warning) + " ".join(m.value for m in at.markdown)
    assert "The ants-and-bees photos are not on this computer" in at.warning[0].value
    assert "With a network" in text and f"({photos.SIZE_MB} MB)" in text and "bring a pack" in text
    assert "*The dress*" in text and "*Your own data*" in text and "camera" in text
    assert not at.metric                                              # nothing pretends to be a result
    # the commands that write and read a pack, each as it is typed; the raw error only in a detail
    assert [c.value for c in at.code][:2] == ["python scripts/prefetch.py --write pack.tar.gz",
                                             "python scripts/prefetch.py --read pack.tar.gz"]
    assert "TRANSFER_LAB_OFFLINE" not in text and "urlopen" not in text
    assert at.expander[0].label == "What the download said"
    assert any("TRANSFER_LAB_OFFLINE is set" in c.value for c in at.code[2:])


@pytest.mark.slow  # trains every way, every draw and the depth profile on real photos
def test_the_page_with_the_photos_shows_four_ways_and_where_to_cut(fresh, monkeypatch):
    server = serve(monkeypatch, hymenoptera_zip())
    at = AppTest.from_file(PAGE, default_timeout=900)
    at.query_params["n_per_class"] = "4"
    at.run()
    assert not at.exception and not at.error
    assert len([m for m in at.metric if m.label == "Test accuracy"]) == 4   # the simplest model too
    assert any("ImageNet" in m.value and "classes" in m.value for m in at.markdown)
    assert any("shorter side resized to 256 px, then its centre 224 × 224 px" in c.value for c in at.caption)
    assert any("Read on the test photos" in m.value for m in at.markdown)  # the depth profile's reading
    server.close()


def test_the_notices_pack_commands_are_the_ones_prefetch_takes():
    import ast
    from ui import offline
    tree = ast.parse((Path(__file__).resolve().parents[1] / "scripts" / "prefetch.py").read_text())
    flags = {a.value for n in ast.walk(tree) if isinstance(n, ast.Call)
             and getattr(n.func, "attr", "") == "add_argument" for a in n.args if isinstance(a, ast.Constant)}
    for command, flag in ((offline.WRITE, "--write"), (offline.READ, "--read")):
        assert command.split()[:3] == ["python", "scripts/prefetch.py", flag] and flag in flags
