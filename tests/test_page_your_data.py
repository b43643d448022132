"""The "your data" page through AppTest. Streamlit 1.67's AppTest *can* drive st.file_uploader
(FileUploader.set_value registers the bytes), so real files go through the page's own widgets."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.export import bundle, load_head
from upload_files import blue, class_zip, red, reviews, zipped

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "your_data.py")


def uploader(at, prefix):
    """The uploader whose key starts with `prefix` (keys carry a generation, bumped per upload)."""
    return next(u for u in at.file_uploader if u.key.startswith(prefix))


def texts(elements):
    return [e.value for e in elements]


@pytest.fixture
def at():
    return AppTest.from_file(PAGE, default_timeout=900).run()


def add(at, slot, files):
    uploader(at, f"files_{slot}_").set_value([(n, b, "image/png") for n, b in files]).run()
    assert not at.exception
    return at


def test_images_good_and_bad_then_train_and_download(at, quick_training):
    add(at, 0, [(f"r{i}.png", red(i)) for i in range(6)] + [("empty.png", b"")])
    assert texts(at.error) == ["empty.png is empty (0 bytes). Upload the image file again."]
    assert texts(at.warning) == ["Add images to at least 2 classes (now 1 with images)."]
    assert "train" not in [b.key for b in at.button]
    add(at, 1, [(f"b{i}.png", blue(i)) for i in range(6)] + [("copy.png", red(0))])
    assert texts(at.warning) == ["copy.png was not added to 'class 2': the same file is already in "
                                 "'class 1' (as r0.png). One photo cannot teach two classes; if it "
                                 "belongs in 'class 2', remove it from 'class 1' first."]
    assert at.session_state["images"].counts() == [6, 6]
    assert at.slider(key="n_per_class").max == 4       # 6 per class, a quarter (2) held out
    assert at.slider(key="n_per_class").value == 4     # the scarce default, here also the largest

    at.button(key="train").click().run()
    assert not at.exception and not at.error
    metrics = texts(at.metric)
    assert len(metrics) == 8 and len({metrics[1], metrics[3], metrics[5], metrics[7]}) == 4  # 4 ways
    c = at.session_state["result_Images"]["comparison"]
    assert list(c.runs) == ["pixels", "scratch", "transfer", "finetune"]  # the simplest model first
    assert metrics[1] == "1,538"                        # its (16 × 16 × 3 + 1) × 2 weights
    assert len(c.test_labels) == 4 and set(c.classes) == {"class 1", "class 2"}
    assert len(at.dataframe) >= 1                       # per-class table
    # the verdict sentences the example pages say: each pretrained way against scratch, the test
    # behind them in the tooltip; nothing says "validation" where none is held out
    said = [m for m in at.markdown if m.value.startswith("On this draw of 4 labeled examples per class")]
    assert len(said) == 2 and all("McNemar" in m.proto.help for m in said)   # transfer, fine-tuned
    assert not [t for t in texts(at.caption) if "validation" in t]

    trained = at.session_state["result_Images"]["head"]
    assert load_head(bundle(trained)).classes == ["class 1", "class 2"]

    # a bad head upload keeps nothing broken; a good one classifies a new image
    uploader(at, "head_").set_value(("head.zip", class_zip(2), "application/zip")).run()
    assert texts(at.error) == ["head.zip holds no head.json and head.pt; upload the zip this page downloaded."]
    uploader(at, "head_").set_value(("transfer-head.zip", bundle(trained), "application/zip")).run()
    at.file_uploader(key="classify").set_value(("new.png", red(50), "image/png")).run()
    assert not at.exception
    assert any(m.value.startswith("**class 1**") for m in at.markdown)


def test_bad_zip_keeps_earlier_images_and_good_zip_merges(at):
    add(at, 0, [(f"r{i}.png", red(10 + i)) for i in range(3)])
    uploader(at, "zip_").set_value(("evil.zip", zipped({"a/x.png": red(9), "../evil.png": red(8)}),
                                    "application/zip")).run()
    assert texts(at.error) == ["evil.zip was refused: entry '../evil.png' points outside the zip (..). "
                               "Zip your class folders with relative paths."]
    assert at.session_state["images"].counts() == [3, 0]
    uploader(at, "zip_").set_value(("pets.zip", class_zip(3), "application/zip")).run()
    assert not at.error and not at.info
    # the empty box the page started with goes once the zip brings classes; the one with images stays
    assert at.session_state["images"].names == ["class 1", "blue", "red"]
    assert at.session_state["images"].counts() == [3, 3, 3]
    assert [at.text_input(key=f"name_{i}").value for i in range(3)] == ["class 1", "blue", "red"]


def captions(at) -> list[str]:
    return [img.caption for e in at.main if type(e).__name__ == "Image" for img in e.proto.imgs]


def test_a_zip_replaces_the_empty_boxes_names_its_photos_readably_and_starts_scarce(at):
    from upload_files import zipped
    files = {f"cats/{i:02x}9c0e7b1d4e5f8a6b3c2d.jpg": red(30 + i) for i in range(7)}
    files |= {f"dogs/holiday-at-the-beach-{i}.png": blue(30 + i) for i in range(7)}
    files["dogs/rex.png"] = blue(50)
    uploader(at, "zip_").set_value(("pets.zip", zipped(files), "application/zip")).run()
    assert not at.exception and not at.error
    assert at.session_state["images"].names == ["cats", "dogs"]      # no empty 'class 1', 'class 2'
    assert [at.text_input(key=f"name_{i}").value for i in range(2)] == ["cats", "dogs"]
    shown = captions(at)
    assert shown[:7] == [f"cats {i}" for i in range(1, 8)]             # hashes read as class + number
    assert shown[7] == "holida…each-0" and "rex" in shown              # long names cut in the middle
    assert at.slider(key="n_per_class").max == 5                       # 7 cats, a quarter (2) held out
    assert at.slider(key="n_per_class").value == 4                     # scarce labels first, not 5
    assert "Now: 15 images" in " ".join(c.value for c in at.caption)


def test_rename_and_remove_keep_the_rest(at):
    add(at, 0, [(f"r{i}.png", red(i)) for i in range(3)])
    at.text_input(key="name_0").input("apples").run()
    assert at.session_state["images"].names[0] == "apples"
    at.multiselect(key="remove_0").select("r1.png").run()
    at.button(key="remove_btn_0").click().run()
    assert [p.name for p in at.session_state["images"].pictures[0]] == ["r0.png", "r2.png"]
    assert texts(at.info) == ["Removed 1 image."]


def test_texts_csv_paste_and_bad_csv_keeps_the_table(at):
    at.radio(key="kind").set_value("Texts").run()
    uploader(at, "csv_").set_value(("reviews.csv", reviews(), "text/csv")).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="text_col").value == "text" and at.selectbox(key="label_col").value == "label"
    uploader(at, "csv_").set_value(("old.csv", "text,label\ncafé,pos\n".encode("latin-1"), "text/csv")).run()
    assert texts(at.error) == ["old.csv is not UTF-8 text (byte 0xe9 at position 14). Save it as 'CSV "
                               "UTF-8' and upload it again. Your earlier texts are kept."]
    assert at.session_state["texts"].name == "reviews.csv"
    at.text_area(key="paste").input("text,label\nlovely,pos\ngreat,pos\nawful,neg\nbad,neg\n").run()
    at.button(key="use_paste").click().run()
    assert at.session_state["texts"].name == "pasted lines"
    assert at.session_state["texts"].table.dataset.classes == ["neg", "pos"]


def test_training_and_a_learning_curve_on_uploads_write_nothing_to_the_cache(at, quick_training):
    from lib import cache
    files = lambda: {p for p in Path(cache.cache_dir()).rglob("*") if p.is_file()}
    add(at, 0, [(f"r{i}.png", red(i)) for i in range(3)])
    add(at, 1, [(f"b{i}.png", blue(i)) for i in range(3)])
    before = files()
    at.button(key="train").click().run()
    at.slider(key="n_per_class").set_value(1).run()
    at.button(key="train").click().run()
    at.button(key="curve").click().run()
    assert not at.exception and not at.error and at.session_state["result_Images"].get("curve") is not None
    assert files() == before
    task = at.session_state["result_Images"]["task"]
    assert task.private and task.pool.derived          # kept with the upload, in the session


def test_pasted_texts_train_every_text_way_and_keep_the_images(at, quick_training):
    add(at, 0, [(f"r{i}.png", red(i)) for i in range(3)])
    at.radio(key="kind").set_value("Texts").run()
    lines = ["text,label"] + [f"a wonderful lovely film take {i},pos" for i in range(8)] + \
            [f"a dull boring waste of time take {i},neg" for i in range(8)]
    at.text_area(key="paste").input("\n".join(lines)).run()
    at.button(key="use_paste").click().run()
    assert not at.exception and not at.error
    assert at.slider(key="n_per_class").max == 6            # 8 per class, a quarter (2) held out
    assert at.slider(key="n_per_class").value == 4          # scarce first
    at.slider(key="n_per_class").set_value(6).run()
    at.button(key="train").click().run()
    assert not at.exception and not at.error
    c = at.session_state["result_Texts"]["comparison"]
    assert list(c.runs) == ["scratch", "transfer", "skipgram", "finetune", "bow"]   # the encoder leads
    assert c.transfer.label.startswith("Transfer: all-MiniLM-L6-v2")
    assert c.runs["skipgram"].label.startswith("Skip-gram on your 12 texts (")
    assert len(c.test_labels) == 4 and c.classes == ["neg", "pos"]   # a quarter of 8 per class
    assert len([m for m in at.metric if m.label == "Test accuracy"]) == 5
    assert len([m for m in at.markdown if m.value.startswith("On this draw of 6 labeled examples per class")]) == 2
    # the texts' result is the texts'; the photos added before are still there
    at.radio(key="kind").set_value("Images").run()
    assert at.session_state["images"].counts() == [3, 0] and "result_Images" not in at.session_state
