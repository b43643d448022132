"""The user's own files: a corpus of malformed inputs, each refused with its exact message while
what the session already had stays intact; odd-but-valid images simply work; the loaders
(`lib.data.load_images` / `load_texts`) feed compare() like a task name does."""
import warnings
import zipfile

import numpy as np
import pytest

from lib.data import load_images, load_texts, split_task
from lib.data import uploads
from lib.data.uploads import IMAGE_SIZE, ImageCollection, TextCollection, UploadError, decode_image

S = IMAGE_SIZE  # photos are kept at this many px per side (room for every backbone's own crop)


def px(i: int) -> int:
    """A position given on a 64-px grid, where these checks were first written, at S px."""
    return i * S // 64
from upload_files import (blue, class_zip, csv_bytes, exif_rotated, image, png_bomb, red, reviews,
                          sixteen_bit, transparent, zipped)

MB = uploads.MB
NOT_IMAGE = ("{} is not an image Pillow can read (is it another kind of file renamed?). "
             "Use a JPEG, PNG, GIF, BMP, WebP or TIFF file.")
DAMAGED = "{} could not be decoded: the file is probably truncated or damaged. Export or download it again."
KEPT = " Your earlier texts are kept."


@pytest.fixture
def col():
    """The session's earlier work: 3 red and 3 blue pictures."""
    c = ImageCollection(["red", "blue"])
    assert c.add_files(0, [(f"r{i}.png", red(i)) for i in range(3)]) == []
    assert c.add_files(1, [(f"b{i}.png", blue(i)) for i in range(3)]) == []
    return c


def snapshot(c: ImageCollection):
    return [(n, [(p.name, p.digest, p.pixels.tobytes()) for p in ps])
            for n, ps in zip(c.names, c.pictures)]


def messages(msgs):
    return [(m.level, m.text) for m in msgs]


# ---------------------------------------------------------------- bad single images

def _jpeg():
    return image(size=(300, 300), fmt="JPEG", quality=90)


IMAGE_CASES = {
    "zero-byte": ("empty.jpg", lambda: b"", "empty.jpg is empty (0 bytes). Upload the image file again."),
    "truncated jpeg": ("half.jpg", lambda: _jpeg()[: len(_jpeg()) // 2], DAMAGED.format("half.jpg")),
    "truncated png": ("half.png", lambda: red(size=(300, 300))[:2000], DAMAGED.format("half.png")),
    "text renamed .jpg": ("notes.jpg", lambda: b"shopping list: eggs, milk\n" * 20,
                          NOT_IMAGE.format("notes.jpg")),
    "html renamed .png": ("page.png", lambda: b"<!doctype html><html><body>hi</body></html>",
                          NOT_IMAGE.format("page.png")),
    "svg renamed .png": ("logo.png", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>',
                         NOT_IMAGE.format("logo.png")),
    "pdf renamed .jpg": ("scan.jpg", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
                         NOT_IMAGE.format("scan.jpg")),
    "zip renamed .jpg": ("photos.jpg", lambda: class_zip(2), NOT_IMAGE.format("photos.jpg")),
    "random bytes": ("noise.png", lambda: np.random.default_rng(0).bytes(5000), NOT_IMAGE.format("noise.png")),
    "png signature only": ("stub.png", lambda: b"\x89PNG\r\n\x1a\n", NOT_IMAGE.format("stub.png")),
    "decompression bomb 20000x20000": (
        "bomb.png", png_bomb,
        "bomb.png declares far more than 40 million pixels, the most one image may have (a "
        "decompression bomb?). Use a smaller copy of it."),
    "just over the pixel limit": (
        "wide.png", lambda: png_bomb(6400),  # 6,400² = 41 million
        "wide.png is 6,400 × 6,400 pixels; one image may have at most 40 million. Use a smaller "
        "copy of it."),
    "45 MB file": ("huge.jpg", lambda: b"\xff\xd8\xff" + bytes(45 * MB),
                   "huge.jpg is 45.0 MB; one image may be at most 30.0 MB. Use a smaller copy of it."),
}


@pytest.mark.parametrize("case", IMAGE_CASES, ids=list(IMAGE_CASES))
def test_bad_image_is_refused_and_earlier_images_stay(col, case):
    name, make, expected = IMAGE_CASES[case]
    before = snapshot(col)
    assert messages(col.add_files(0, [(name, make())])) == [("error", expected)]
    assert snapshot(col) == before


def test_a_bad_file_among_good_ones_refuses_only_itself(col):
    msgs = col.add_files(1, [("b7.png", blue(7)), ("empty.png", b""), ("b8.png", blue(8))])
    assert messages(msgs) == [("error", "empty.png is empty (0 bytes). Upload the image file again.")]
    assert col.counts() == [3, 5]


def test_duplicate_across_classes_is_refused_with_where_it_is(col):
    before = snapshot(col)
    msgs = col.add_files(1, [("copy.png", red(0))])
    assert messages(msgs) == [("warning", "copy.png was not added to 'blue': the same file is already "
                                          "in 'red' (as r0.png). One photo cannot teach two classes; "
                                          "if it belongs in 'blue', remove it from 'red' first.")]
    assert snapshot(col) == before


def test_duplicate_within_a_class_is_skipped_quietly(col):
    assert messages(col.add_files(0, [("again.png", red(1))])) == [
        ("info", "again.png is already in 'red' (as r1.png); skipped.")]
    assert col.counts() == [3, 3]


def test_total_size_limit_is_said(col, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_TOTAL_BYTES", col.total_bytes() + 10)
    before = snapshot(col)
    msgs = col.add_files(0, [("r9.png", red(9))])
    limit = f"{(col.total_bytes() + 10) / MB:.1f} MB"
    assert messages(msgs) == [("error", f"r9.png was not added: it would take your images past the "
                                        f"{limit} limit (now {col.total_bytes() / MB:.1f} MB). Remove "
                                        f"some images or use smaller ones.")]
    assert snapshot(col) == before


def test_per_class_file_limit_is_said(col, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILES_PER_CLASS", 3)
    before = snapshot(col)
    assert messages(col.add_files(0, [("r9.png", red(9))])) == [
        ("error", "r9.png was not added: 'red' already has 3 images, the most one class may have. "
                  "Make another class or remove some.")]
    assert snapshot(col) == before


# ---------------------------------------------------------------- odd images that simply work

def test_exif_rotated_photo_is_turned_upright():
    a = decode_image(exif_rotated(), "portrait.jpg")
    assert a.shape == (S, S, 3)
    top, bottom = a[:px(24)].reshape(-1, 3).mean(0), a[px(40):].reshape(-1, 3).mean(0)
    assert top[0] > 180 and top[2] < 60      # red on top, as the phone showed it
    assert bottom[2] > 180 and bottom[0] < 60


def test_sixteen_bit_is_scaled_not_clipped():
    for fmt in ("PNG", "TIFF"):
        a = decode_image(sixteen_bit(fmt), f"deep.{fmt.lower()}")
        assert abs(int(a[px(5), px(5), 0]) - round(49151 / 65535 * 255)) <= 1 and a[px(60), px(60)].max() == 0


def test_transparent_pixels_become_white_not_black():
    a = decode_image(transparent(), "cutout.png")
    assert tuple(a[px(32), px(2)]) == (220, 0, 0) and tuple(a[px(32), px(61)]) == (255, 255, 255)


@pytest.mark.parametrize("mode,fmt", [("CMYK", "JPEG"), ("P", "PNG"), ("P", "GIF"), ("LA", "PNG"),
                                      ("L", "BMP"), ("RGB", "WEBP"), ("RGBA", "TIFF")])
def test_other_modes_and_formats_decode_to_rgb(mode, fmt):
    a = decode_image(image((210, 40, 40), mode=mode, fmt=fmt), f"x.{fmt.lower()}")
    assert a.shape == (S, S, 3) and a.dtype == np.uint8
    if mode not in ("L", "LA"):
        assert a[..., 0].mean() > a[..., 2].mean() + 80   # still red


# ---------------------------------------------------------------- bad zips

def _bomb_zip():
    return zipped({"red/r0.png": red(0), "blue/big.png": bytes(60 * MB)})


def _lying_zip():
    """Its headers say 10 bytes; the entry really holds 5,000."""
    raw = bytearray(zipped({"red/r0.png": red(0), "blue/b0.png": b"A" * 5000}, compression=zipfile.ZIP_STORED))
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = raw.rfind(sig)
        raw[at + offset: at + offset + 4] = (10).to_bytes(4, "little")
    return bytes(raw)


ZIP_CASES = {
    "not a zip": ("photos.zip", lambda: b"PK\x03\x04 this is not really a zip",
                  "photos.zip is not a readable zip file. Create the zip again (one folder per "
                  "class) and upload it."),
    "truncated zip": ("cut.zip", lambda: class_zip(3)[:-200],
                      "cut.zip is not a readable zip file. Create the zip again (one folder per class) "
                      "and upload it."),
    "empty zip": ("empty.zip", lambda: zipped({}),
                  "empty.zip has no class folders (0 loose files). Put each class's images in a "
                  "folder named after the class, e.g. cats/1.jpg, dogs/1.jpg, and zip those folders."),
    "no class folders": ("flat.zip", lambda: zipped({"r0.png": red(0), "b0.png": blue(0)}),
                         "flat.zip has no class folders (2 loose files). Put each class's images in a "
                         "folder named after the class, e.g. cats/1.jpg, dogs/1.jpg, and zip those "
                         "folders."),
    "one class": ("cats.zip", lambda: zipped({"cats/a.png": red(0), "cats/b.png": red(1)}),
                  "cats.zip has only one class folder, 'cats'. A classifier needs at least 2: add a "
                  "folder per class, e.g. cats/…, other/…."),
    "dot-dot entry": ("evil.zip", lambda: zipped({"red/r0.png": red(0), "../../etc/evil.png": red(1)}),
                      "evil.zip was refused: entry '../../etc/evil.png' points outside the zip (..). "
                      "Zip your class folders with relative paths."),
    "dot-dot inside a class": ("sneaky.zip", lambda: zipped({"red/../../x.png": red(0), "blue/b.png": blue(0)}),
                               "sneaky.zip was refused: entry 'red/../../x.png' points outside the zip "
                               "(..). Zip your class folders with relative paths."),
    "absolute entry": ("abs.zip", lambda: zipped({"/tmp/red/r0.png": red(0), "blue/b0.png": blue(0)}),
                       "abs.zip was refused: entry '/tmp/red/r0.png' has an absolute path. Zip your "
                       "class folders with relative paths."),
    "windows drive entry": ("win.zip", lambda: zipped({"C:/red/r0.png": red(0), "blue/b0.png": blue(0)}),
                            "win.zip was refused: entry 'C:/red/r0.png' has an absolute path. Zip your "
                            "class folders with relative paths."),
    "symlink entry": ("link.zip", lambda: zipped({"red/r0.png": red(0), "blue/passwd.png": b"/etc/passwd"},
                                                 symlinks={"blue/passwd.png"}),
                      "link.zip was refused: entry 'blue/passwd.png' is a symbolic link. Zip the image "
                      "files themselves."),
    "zip bomb": ("bomb.zip", _bomb_zip,
                 "bomb.zip was refused: it unpacks to far more than it holds (a zip bomb?), over "
                 "200.0 MB or 200× compression. Zip the image files themselves, at most 200.0 MB."),
    "lying sizes": ("liar.zip", _lying_zip,
                    "liar.zip: entry 'blue/b0.png' is damaged (its size or checksum is wrong). Create "
                    "the zip again."),
    "eleven classes": ("many.zip", lambda: zipped({f"c{i}/x.png": image(seed=i) for i in range(9)}),
                       "many.zip would make 11 classes; at most 10. Remove classes or use a zip with "
                       "fewer folders."),
}


@pytest.mark.parametrize("case", ZIP_CASES, ids=list(ZIP_CASES))
def test_bad_zip_adds_nothing_and_earlier_images_stay(col, case, tmp_path):
    name, make, expected = ZIP_CASES[case]
    before = snapshot(col)
    assert messages(col.add_zip(make(), name)) == [("error", expected)]
    assert snapshot(col) == before
    assert list(tmp_path.iterdir()) == []  # nothing is ever extracted


def test_too_many_zip_entries(col, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_ENTRIES", 5)
    before = snapshot(col)
    assert messages(col.add_zip(class_zip(3), "lots.zip")) == [
        ("error", "lots.zip has 6 entries; at most 5 are read. Put at most 200 images in each class "
                  "folder.")]
    assert snapshot(col) == before


def test_zip_with_a_bad_image_adds_the_good_ones(col):
    data = zipped({"red/r5.png": red(5), "red/broken.png": b"nope", "green/g0.png": image((0, 200, 0))})
    msgs = col.add_zip(data, "mixed.zip")
    assert messages(msgs) == [("error", NOT_IMAGE.format("red/broken.png"))]
    assert col.names == ["red", "blue", "green"] and col.counts() == [4, 3, 1]
    assert col.problems() == ["Class 'green' has 1 image; every class needs at least 2 (one to learn "
                              "from, one to test on). Add more to 'green'."]


def test_zip_of_one_top_folder_and_mac_junk_is_understood():
    c = ImageCollection()
    data = zipped({**{f"pets/red/r{i}.png": red(i) for i in range(2)},
                   **{f"pets/blue/b{i}.png": blue(i) for i in range(2)},
                   "__MACOSX/pets/red/._r0.png": b"junk", "pets/.DS_Store": b"junk"})
    assert c.add_zip(data, "pets.zip") == []
    assert c.names == ["blue", "red"] and c.counts() == [2, 2]


def test_too_few_classes_or_images_cannot_train():
    c = ImageCollection(["red", "blue"])
    c.add_files(0, [("r0.png", red(0)), ("r1.png", red(1))])
    with pytest.raises(UploadError, match=r"^Add images to at least 2 classes \(now 1 with images\)\.$"):
        c.dataset()
    c.add_files(1, [("b0.png", blue(0))])
    with pytest.raises(UploadError) as err:
        c.dataset()
    assert str(err.value) == ("Class 'blue' has 1 image; every class needs at least 2 (one to learn "
                              "from, one to test on). Add more to 'blue'.")


def test_remove_one_picture(col):
    assert col.remove(0, ["r1.png"]) == 1
    assert [p.name for p in col.pictures[0]] == ["r0.png", "r2.png"]


# ---------------------------------------------------------------- bad CSVs

@pytest.fixture
def texts():
    t = TextCollection()
    assert messages(t.use(reviews(), "reviews.csv")) == []
    return t


def _table(t: TextCollection):
    d = t.table.dataset
    return t.name, d.texts, d.labels.tolist(), d.classes


def _million():
    body = "".join(f"review {i} {'great' if i % 2 else 'awful'},{'pos' if i % 2 else 'neg'}\n"
                   for i in range(1_000_000))
    return ("text,label\n" + body).encode()


CSV_CASES = {
    "latin-1 encoding": ("old.csv", lambda: "text,label\ncafé was good,pos\n".encode("latin-1"),
                         "old.csv is not UTF-8 text (byte 0xe9 at position 14). Save it as 'CSV "
                         "UTF-8' and upload it again." + KEPT),
    "an image renamed .csv": ("photo.csv", lambda: red(0),
                              "photo.csv is not UTF-8 text (byte 0x89 at position 0). Save it as 'CSV "
                              "UTF-8' and upload it again." + KEPT),
    "empty file": ("empty.csv", lambda: b"",
                   "empty.csv needs a header row with at least 2 columns, a text column and a label "
                   "column; found 0: []. Add a header such as text,label." + KEPT),
    "one column": ("lines.csv", lambda: b"text\nhello\nworld\n",
                   "lines.csv needs a header row with at least 2 columns, a text column and a label "
                   "column; found 1: ['text']. Add a header such as text,label." + KEPT),
    "one label": ("same.csv", lambda: csv_bytes([("good film", "pos"), ("great film", "pos")]),
                  "same.csv: column 'label' has only one label, 'pos'. A classifier needs at least 2 "
                  "labels; add examples of another one." + KEPT),
    "a label with one text": ("thin.csv", lambda: csv_bytes([("a fine film", "pos"), ("a good film", "pos"),
                                                                  ("a bad film", "neg")]),
                              "thin.csv: every label needs at least 2 texts (one to learn from, one to "
                              "test on); too few for 'neg' (1). Add more." + KEPT),
    "header only": ("head.csv", lambda: b"text,label\n",
                    "head.csv has no rows with both a text and a label. Fill in the 'text' and "
                    "'label' columns." + KEPT),
    "too many labels": ("ids.csv", lambda: csv_bytes([(f"text {i}", f"id{i}") for i in range(60)]),
                        "ids.csv: column 'label' has 60 different labels; at most 10. Is 'label' "
                        "really the label column?" + KEPT),
    "duplicate header": ("dup.csv", lambda: b"text,text\na,b\nc,d\n",
                         "dup.csv: every column needs its own non-empty name in the header row; found "
                         "['text', 'text']." + KEPT),
    "NUL bytes": ("bin.csv", lambda: b"text,label\nab\x00c,pos\n",
                  "bin.csv contains NUL bytes, so it is not a text CSV. Upload a CSV file." + KEPT),
    "unclosed quote, huge field": ("quote.csv", lambda: b'text,label\n"' + b"x" * 200_000 + b",pos\n",
                                   "quote.csv could not be read as CSV (a field is too long or its "
                                   "quotes do not close). Check its quotes, or save it again as CSV."
                                   + KEPT),
}


@pytest.mark.parametrize("case", CSV_CASES, ids=list(CSV_CASES))
def test_bad_csv_is_refused_and_earlier_texts_stay(texts, case):
    name, make, expected = CSV_CASES[case]
    before = _table(texts)
    assert messages(texts.use(make(), name)) == [("error", expected)]
    assert _table(texts) == before


def test_wrong_column_names_say_which_exist(texts):
    before = _table(texts)
    assert messages(texts.repick("review", "label")) == [
        ("error", "reviews.csv has no column 'review'; its columns are: text, label. Pick one of "
                  "those." + KEPT)]
    assert messages(texts.repick("label", "label")) == [
        ("error", "reviews.csv: the text and label columns must differ (both are 'label'). Pick two "
                  "different columns." + KEPT)]
    assert _table(texts) == before


def test_total_size_limit_for_csv(texts, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_TOTAL_BYTES", 100)
    before = _table(texts)
    assert messages(texts.use(reviews(), "big.csv")) == [
        ("error", f"big.csv is {len(reviews()) / MB:.1f} MB; at most 0.0 MB." + KEPT)]
    assert _table(texts) == before


def test_million_rows_are_sampled_with_a_warning(texts):
    assert messages(texts.use(_million(), "million.csv")) == [
        ("warning", "million.csv has 1,000,000 rows; a random sample of 20,000 (seed 0) is used so "
                    "training stays quick.")]
    d = texts.table.dataset
    assert len(d) == 20_000 and d.classes == ["neg", "pos"]
    assert 0.45 < d.labels.mean() < 0.55   # a fair sample, not the first 20,000 rows
    assert int(d.texts[-1].split()[1]) > 900_000


def test_unquoted_commas_are_said(texts):
    data = b"text,label\ngreat film,pos,10/10\nfine,pos\nbad,neg\nawful,neg\n"
    assert messages(texts.use(data, "commas.csv")) == [
        ("warning", "1 rows have more fields than the header (a comma inside an unquoted text?); "
                    "their extra fields were ignored. Put such texts in double quotes.")]


def test_empty_lines_are_skipped_and_said(texts):
    data = b"text,label\n\nnice film,pos\n,\n  \nbad film,neg\ngood,pos\nawful,neg\nno label,\n"
    assert messages(texts.use(data, "gaps.csv")) == [("warning", "Skipped 4 empty or incomplete rows.")]
    assert texts.table.dataset.texts == ["nice film", "bad film", "good", "awful"]


def test_columns_are_guessed_and_semicolons_and_utf16_work(texts):
    data = csv_bytes([("1", "a long review text " * 3, "pos"), ("2", "another long text " * 3, "neg"),
                      ("3", "more words in this one " * 2, "pos"), ("4", "and the last one here " * 2, "neg")],
                     header=("id", "review", "sentiment"), encoding="utf-16", sep=";")
    assert messages(texts.use(data, "excel.csv")) == []
    t = texts.table
    assert (t.text_column, t.label_column, t.dataset.classes) == ("review", "sentiment", ["neg", "pos"])


# ---------------------------------------------------------------- the notebook loaders

def test_load_images_from_folder_and_zip_agree(tmp_path):
    for cls, make in (("red", red), ("blue", blue)):
        (tmp_path / "pets" / cls).mkdir(parents=True)
        for i in range(3):
            (tmp_path / "pets" / cls / f"{i}.png").write_bytes(make(i))
    (tmp_path / "pets.zip").write_bytes(zipped({f"{c}/{i}.png": m(i) for c, m in (("red", red), ("blue", blue))
                                                for i in range(3)}))
    a, b = load_images(tmp_path / "pets"), load_images(tmp_path / "pets.zip")
    assert a.classes == b.classes == ["blue", "red"] and a.images.shape == (6, S, S, 3)
    assert np.array_equal(a.images, b.images) and np.array_equal(a.labels, b.labels)


def test_load_images_raises_with_the_message(tmp_path):
    (tmp_path / "bad.zip").write_bytes(zipped({"cats/a.png": red(0)}))
    with pytest.raises(UploadError, match="only one class folder, 'cats'"):
        load_images(tmp_path / "bad.zip")


def test_load_texts_warns_notes_and_raises_errors(tmp_path):
    (tmp_path / "r.csv").write_bytes(b"text,label\n\n" + reviews().split(b"\n", 1)[1])
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        d = load_texts(tmp_path / "r.csv")
    assert d.classes == ["neg", "pos"] and len(d) == 12
    assert [str(w.message) for w in seen] == ["Skipped 1 empty or incomplete rows."]
    with pytest.raises(UploadError, match="no column 'review'"):
        load_texts(tmp_path / "r.csv", text_column="review")


def test_split_keeps_every_class_on_both_sides():
    """Two examples of a class: one trains, one tests (sklearn's splitter refused this)."""
    c = ImageCollection(["red", "blue"])
    c.add_files(0, [(f"r{i}.png", red(i)) for i in range(2)])
    c.add_files(1, [(f"b{i}.png", blue(i)) for i in range(9)])
    task = split_task(c.dataset())
    assert np.bincount(task.test.labels).tolist() == [1, 2]
    assert np.bincount(task.pool.labels).tolist() == [1, 7] and task.max_per_class() == 1
