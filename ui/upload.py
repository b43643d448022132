"""The "your data" page's Streamlit pieces: adding files, training on them, showing the results.

Everything a user uploads lives in *their* session state, in memory (zips are read, never
extracted). Results are kept per session, not in the process-wide st.cache_data that the
example pages use. Uploaded data sets are marked private, and everything the engine derives from
them (backbone features, sentence embeddings, skip-gram vectors, learning-curve cells) is kept on
the data set itself (lib.cache.scope): nothing is written to disk or kept in memory the server
shares, and it all goes when the session ends or the data set is replaced.
"""
import importlib.util
import re
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import streamlit as st

from lib import (HEAD_USAGE, IMAGE_TYPES, MAX_CLASSES, MAX_FILES_PER_CLASS, MAX_TOTAL_BYTES, MB, TEST_FRACTION,
                 TEXT_TYPES, ImageCollection, Message, TextCollection, UploadError, bundle, cache_scope, compare,
                 confusion_cells, doubling_sizes, load_head, per_class_accuracy, split_indices, split_task,
                 summarise, sweep, train_head)
from ui import cards, charts


SHOWN_MESSAGES = 8        # a zip with 300 bad files should not bury the page
THUMBNAILS = 40           # per class; the count says how many there are in all
CURVE_SEEDS = (0, 1, 2)
SCARCE = 4                # the slider's first position: labels per class are scarce, the app's point
DEFAULT_CLASS = re.compile(r"class \d+")  # the names of the boxes the page starts with
HASHED = re.compile(r"[0-9a-fA-F_-]{16,}")   # a file named by a hash (a phone, a web download)
CAPTION_CHARS = 14        # a thumbnail's caption, at the width it is shown


def readable(file_name: str, class_name: str, i: int) -> str:
    """A thumbnail's caption: the file's name without folders or extension, shortened in the
    middle when long; a name that is only a hash reads as the class and a number instead."""
    stem = PurePosixPath(file_name).stem
    if HASHED.fullmatch(stem) or not stem:
        return f"{class_name} {i + 1}"
    if len(stem) <= CAPTION_CHARS:
        return stem
    half = (CAPTION_CHARS - 1) // 2
    return stem[:half] + "…" + stem[-half:]


# ---------------------------------------------------------------- session state

def session():
    """This session's collections, created on first use."""
    s = st.session_state
    s.setdefault("images", ImageCollection(["class 1", "class 2"]))
    s.setdefault("texts", TextCollection())
    s.setdefault("messages", [])
    s.setdefault("gen", 0)          # bumped after each upload, so the uploaders come back empty
    return s


def say(msgs: list[Message]) -> None:
    """Remember messages to show on this run (a callback runs before the page draws)."""
    st.session_state["messages"] = list(msgs)
    st.session_state["gen"] += 1


def show_messages() -> None:
    msgs = st.session_state.get("messages", [])
    for m in msgs[:SHOWN_MESSAGES]:
        {"error": st.error, "warning": st.warning}.get(m.level, st.info)(m.text)
    if len(msgs) > SHOWN_MESSAGES:
        st.error(f"… and {len(msgs) - SHOWN_MESSAGES:,} more files with problems.")


# ---------------------------------------------------------------- adding images

def _add_files(slot: int, key: str) -> None:
    files = st.session_state.get(key) or []
    files = files if isinstance(files, list) else [files]
    say(st.session_state["images"].add_files(slot, [(f.name, f.getvalue()) for f in files]))


def _add_zip(key: str) -> None:
    f = st.session_state.get(key)
    if f is None:
        return
    col: ImageCollection = st.session_state["images"]
    before = sum(col.counts())
    say(col.add_zip(f.getvalue(), f.name))
    if sum(col.counts()) > before:
        _drop_empty_default_classes(col)


def _drop_empty_default_classes(col: ImageCollection) -> None:
    """The empty boxes the page started with ('class 1', 'class 2'), once a zip has brought
    classes of its own; a box with images, or one the user named, stays."""
    keep = [i for i, (name, pics) in enumerate(zip(col.names, col.pictures))
            if pics or not DEFAULT_CLASS.fullmatch(name)]
    if len(keep) == len(col.names):
        return
    col.names[:] = [col.names[i] for i in keep]
    col.pictures[:] = [col.pictures[i] for i in keep]
    for key in [k for k in st.session_state if re.fullmatch(r"(name|remove)_\d+", str(k))]:
        del st.session_state[key]  # the boxes' widgets are keyed by position, which moved


def _add_camera(key: str) -> None:
    f = st.session_state.get(key)
    col: ImageCollection = st.session_state["images"]
    slot = col.names.index(st.session_state["camera_class"])
    if f is not None:
        say(col.add_files(slot, [(f"snapshot-{len(col.pictures[slot]) + 1}.jpg", f.getvalue())]))


def _rename(slot: int) -> None:
    st.session_state["images"].names[slot] = st.session_state[f"name_{slot}"].strip()


def _remove(slot: int) -> None:
    gone = st.session_state["images"].remove(slot, st.session_state.get(f"remove_{slot}", []))
    say([Message("info", f"Removed {gone} image{'s' * (gone != 1)}.")])


def _new_class() -> None:
    col: ImageCollection = st.session_state["images"]
    try:
        col.add_class(f"class {len(col.names) + 1}")
    except UploadError as err:
        say([Message("error", str(err))])


def image_inputs() -> ImageCollection:
    """Per-class name, uploader, thumbnails and remove; then a zip and the camera."""
    col, gen = st.session_state["images"], st.session_state["gen"]
    # The uploaders print Streamlit's own "200MB per file" (server.maxUploadSize); say both limits
    # in one sentence, so the per-file and the total read as two limits, not two answers.
    st.caption(f"2 to {MAX_CLASSES} classes, at least 2 images each, at most {MAX_FILES_PER_CLASS:,} "
               f"per class. Each file up to {st.get_option('server.maxUploadSize')} MB, and "
               f"{MAX_TOTAL_BYTES // MB:,} MB for all files together. Now: {sum(col.counts()):,} images, "
               f"{col.total_bytes() / MB:.1f} MB.")
    for slot, name in enumerate(col.names):
        with st.container(border=True):
            left, right = st.columns([1, 2])
            st.session_state.setdefault(f"name_{slot}", name)
            left.text_input("Class name", key=f"name_{slot}", on_change=_rename, args=(slot,))
            n = len(col.pictures[slot])
            left.markdown(f"**{n:,}** image{'s' * (n != 1)}")
            right.file_uploader(f"Images of '{name}'", type=IMAGE_TYPES, accept_multiple_files=True,
                                key=f"files_{slot}_{gen}", on_change=_add_files,
                                args=(slot, f"files_{slot}_{gen}"))
            if n:
                pics = col.pictures[slot][:THUMBNAILS]
                st.image([p.pixels for p in pics], width=56,
                         caption=[readable(p.name, name, i) for i, p in enumerate(pics)])
                if n > THUMBNAILS:
                    st.caption(f"… and {n - THUMBNAILS:,} more")
                a, b = st.columns([3, 1], vertical_alignment="bottom")
                a.multiselect("Remove images", [p.name for p in col.pictures[slot]], key=f"remove_{slot}")
                b.button("Remove", key=f"remove_btn_{slot}", on_click=_remove, args=(slot,))
    st.button("Add a class", icon=":material/add:", key="add_class", on_click=_new_class,
              disabled=len(col.names) >= MAX_CLASSES)
    with st.expander("…or upload one zip with a folder per class"):
        st.file_uploader("Zip of class folders (e.g. cats/1.jpg, dogs/1.jpg)", type=["zip"],
                         key=f"zip_{gen}", on_change=_add_zip, args=(f"zip_{gen}",))
    if st.toggle("Take snapshots with the camera", key="camera_on"):
        st.selectbox("Snapshots go to class", col.names, key="camera_class")
        st.camera_input("Snapshot", key=f"camera_{gen}", on_change=_add_camera, args=(f"camera_{gen}",))
    return col


# ---------------------------------------------------------------- adding texts

def _add_csv(key: str) -> None:
    f = st.session_state.get(key)
    if f is not None:
        say(st.session_state["texts"].use(f.getvalue(), f.name))


def _use_paste() -> None:
    text = st.session_state.get("paste", "")
    say(st.session_state["texts"].use(text.encode("utf-8"), "pasted lines"))


def _repick() -> None:
    say(st.session_state["texts"].repick(st.session_state["text_col"], st.session_state["label_col"]))


def text_inputs() -> TextCollection:
    texts, gen = st.session_state["texts"], st.session_state["gen"]
    st.file_uploader("A CSV with a header row, a text column and a label column", type=TEXT_TYPES,
                     key=f"csv_{gen}", on_change=_add_csv, args=(f"csv_{gen}",))
    with st.expander("…or paste lines"):
        st.text_area("CSV lines, header first", key="paste", height=160,
                     placeholder="text,label\nI loved it,pos\nWhat a waste of time,neg\n…")
        st.button("Use these lines", key="use_paste", on_click=_use_paste)
    if texts.table is not None:
        t = texts.table
        st.session_state["text_col"], st.session_state["label_col"] = t.text_column, t.label_column
        a, b = st.columns(2)
        a.selectbox("Text column", t.columns, key="text_col", on_change=_repick)
        b.selectbox("Label column", t.columns, key="label_col", on_change=_repick)
        counts = np.bincount(t.dataset.labels, minlength=len(t.dataset.classes))
        st.caption(f"{texts.name}: {len(t.dataset):,} texts; " +
                   ", ".join(f"'{c}' {k:,}" for c, k in zip(t.dataset.classes, counts)))
        st.dataframe(pd.DataFrame({"text": t.dataset.texts[:5],
                                   "label": [t.dataset.classes[i] for i in t.dataset.labels[:5]]}),
                     hide_index=True)
    return texts


def text_training_available() -> bool:
    return importlib.util.find_spec("lib.text.ways") is not None


# ---------------------------------------------------------------- training

def train(dataset, names, n_per_class: int, seed: int, **options):
    """compare() on the user's data with a progress bar; a result dict, or None after an st.error."""
    task = split_task(dataset)
    _, test_index = split_indices(dataset.labels, len(dataset.classes))  # which files are test
    bar = cards.Progress("Training every way on your data…")
    try:
        with cache_scope(task):  # what is derived from the upload stays with it, in this session
            c = compare(task, n_per_class, seed, progress=bar, **options)
            head = train_head(task, c, options["backbone"]) if dataset.kind == "image" else None
    except (UploadError, ValueError) as err:
        st.error(f"Could not train: {err}")
        return None
    finally:
        bar.done()
    return {"comparison": c, "task": task, "test_names": [names[i] for i in test_index],
            "head": head, "options": options}


def learning_curve(result) -> pd.DataFrame | None:
    """sweep() over the sizes this data allows, a few seeds; None (and an st.error) on failure."""
    task, hi = result["task"], result["task"].max_per_class()
    sizes = doubling_sizes(hi, and_hi=True)
    bar = cards.Progress("Drawing the learning curve…")
    try:
        return sweep(task, sizes, CURVE_SEEDS, progress=lambda done, total: bar(
            f"Learning curve: {done} of {total} runs", done / total), **result["options"])
    except ValueError as err:
        st.error(f"Could not draw the learning curve: {err}")
        return None
    finally:
        bar.done()


# ---------------------------------------------------------------- results

def per_class(result) -> pd.DataFrame:
    """Each way's share of each class's test examples it got right (lib.metrics, scikit-learn)."""
    c = result["comparison"]
    rows = {"class": c.classes, "test examples": np.bincount(c.test_labels, minlength=len(c.classes))}
    for m, run in c.runs.items():
        recall = per_class_accuracy(c.test_labels, run.test_pred, c.classes)["accuracy"]
        rows[charts.NAMES.get(m, m)] = [cards.percent(a) for a in recall]
    return pd.DataFrame(rows)


def confusion(run, c) -> pd.DataFrame:
    return confusion_cells(c.test_labels, run.test_pred, c.classes, run.method)


def mistakes(run, result) -> None:
    """Each off-diagonal cell of the confusion matrix, with the test examples in it."""
    c, test = result["comparison"], result["task"].test
    wrong = np.flatnonzero(run.test_pred != c.test_labels)
    if not len(wrong):
        st.caption("No test example was misclassified.")
    for i, j in sorted({(int(c.test_labels[k]), int(run.test_pred[k])) for k in wrong}):
        idx = [k for k in wrong if c.test_labels[k] == i and run.test_pred[k] == j]
        st.markdown(f"**{c.classes[i]}** taken for **{c.classes[j]}**: {len(idx):,}")
        if test.kind == "image":
            st.image([test.images[k] for k in idx], width=64,
                     caption=[readable(result["test_names"][k], c.classes[i], n) for n, k in enumerate(idx)])
        else:
            st.dataframe(pd.DataFrame({"text": [test.texts[k] for k in idx]}), hide_index=True)


def show_result(result) -> None:
    c = result["comparison"]
    cards.show_notices(c)
    st.caption(f"Pretrained network: {c.backbone}. Trained on {len(c.train_index) + len(c.val_index):,} "
               f"of your examples, tested on {len(c.test_labels):,} held out ({100 * TEST_FRACTION:.0f} % "
               f"of each class), seed {c.seed}.",
               help="Every labeled example trains (no validation split), and the test examples, "
                    "drawn in the same share from each class (stratified), never choose anything.")
    cards.side_by_side(c)
    for way in ("transfer", "finetune"):  # the same sentences as the example pages
        if way in c.runs and "scratch" in c.runs:
            cards.verdict(c, way, "scratch")
    if result["task"].kind == "text" and "backbone" in c.transfer.details:  # the encoder leads here
        from ui import text as ui_text
        with st.expander("Where to cut the sentence encoder", icon=":material/layers:"):
            ui_text.depth_section(result["task"], c.n_per_class, np.concatenate([c.train_index, c.val_index]),
                                  store=result.setdefault("depth", {}))
    st.subheader("Train vs test, round by round")
    st.caption("Accuracy after each round over the labeled examples. Dashed: on the examples a way "
               "trains on. Solid: on the held-out test examples, shown for reading only (no way "
               "stops or chooses by it).", help="A round over every labeled example is an epoch.")
    st.altair_chart(charts.history_chart(cards.histories(c)), width="stretch")
    st.subheader("Per class")
    st.dataframe(per_class(result), hide_index=True)
    st.subheader("Confusion matrices: what was taken for what")
    for col, (m, run) in zip(st.columns(len(c.runs)), c.runs.items()):
        with col:
            st.markdown(f"**{run.label}**")
            st.altair_chart(charts.confusion_chart(confusion(run, c)), width="stretch")
            with st.expander("The misclassified test examples"):
                mistakes(run, result)


def show_curve(result) -> None:
    st.subheader("Learning curve on your data")
    st.caption(f"Test accuracy as the labeled examples per class grow, {len(CURVE_SEEDS)} seeds "
               f"each (line: mean; band: its 95 % interval over seeds, wide with so few).")
    if st.button("Draw the learning curve", key="curve"):
        result["curve"] = learning_curve(result)
    if result.get("curve") is not None:
        cards.chart(charts.learning_curve_chart, summarise(result["curve"]), height=280)


# ---------------------------------------------------------------- the head: download, load back

def _load_head(key: str) -> None:
    f = st.session_state.get(key)
    if f is None:
        return
    try:
        st.session_state["loaded_head"] = load_head(f.getvalue(), f.name)
        say([Message("info", f"Loaded {f.name}: classes {', '.join(st.session_state['loaded_head'].classes)}.")])
    except UploadError as err:
        say([Message("error", f"{err}" + (" The head loaded before is kept."
                                          if "loaded_head" in st.session_state else ""))])


def head_section(result) -> None:
    st.subheader("Take the transfer head with you")
    head = result.get("head")
    if head is not None:
        st.caption(f"A zip with head.pt (the {head.linear.weight.numel() + head.linear.bias.numel():,} "
                   f"trained weights), head.json (classes, backbone, preprocessing and the feature "
                   f"mean and spread the head expects) and a README.")
        st.download_button("Download the transfer head", bundle(head), "transfer-head.zip",
                           "application/zip", key="download_head", icon=":material/download:")
        st.code(HEAD_USAGE.format(file="transfer-head.zip"), language="python")
    gen = st.session_state["gen"]
    st.file_uploader("Load a downloaded head back", type=["zip"], key=f"head_{gen}",
                     on_change=_load_head, args=(f"head_{gen}",))
    loaded = st.session_state.get("loaded_head")
    if loaded is None:
        return
    photo = st.file_uploader(f"Classify a new image with the loaded head ({', '.join(loaded.classes)})",
                             type=IMAGE_TYPES, key="classify")
    if photo is not None:
        try:
            probs = loaded.predict_files({photo.name: photo.getvalue()})[photo.name]
        except UploadError as err:
            st.error(str(err))
            return
        best = max(probs, key=probs.get)
        st.markdown(f"**{best}** ({cards.percent(probs[best])})")
        st.dataframe(pd.DataFrame({"class": list(probs), "probability": list(probs.values())}),
                     hide_index=True, column_config={"probability": st.column_config.ProgressColumn(
                         format="percent", min_value=0.0, max_value=1.0)})
