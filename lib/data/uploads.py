"""The user's own files -> datasets, safely: every limit is a named constant below, every refusal
is an `UploadError` whose message says what was wrong and what to do.

Images are decoded with Pillow only, after checking byte size and pixel count from the header;
zips are read entry by entry in memory (never extracted), so nothing is written to disk.
`ImageCollection` holds what a user has added so far; a bad file is refused on its own and
never disturbs what the collection already holds.
"""
from dataclasses import dataclass
import csv
import codecs
import hashlib
import io
import random
import stat
import warnings
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image, ImageOps

from lib.data.datasets import PHOTO_SIZE, ImageDataset, TextDataset

MB = 1024 * 1024
MAX_CLASSES = 10
MIN_PER_CLASS = 2                  # one to learn from, one to test on
MAX_FILES_PER_CLASS = 200
MAX_TOTAL_BYTES = 200 * MB         # all files of one session together (and one upload)
MAX_IMAGE_BYTES = 30 * MB          # one image file
MAX_PIXELS = 40_000_000            # one image, width x height, read from its header
MAX_ZIP_ENTRIES = MAX_CLASSES * MAX_FILES_PER_CLASS + 100  # some slack for folders and junk
MAX_ZIP_RATIO = 200                # uncompressed / compressed; photos barely compress at all
MAX_TEXT_ROWS = 20_000             # larger CSVs are sampled down to this, with a warning
MAX_TEXT_CHARS = 5_000             # longer texts are cut, with a warning
IMAGE_SIZE = PHOTO_SIZE            # every backbone's own resize and crop to 224 px has room
IMAGE_TYPES = ("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff")
TEXT_TYPES = ("csv", "tsv", "txt")


class UploadError(ValueError):
    """Bad input; the message says what was wrong and what to do."""


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB"


# ---------------------------------------------------------------- one image

def decode_image(data: bytes, name: str) -> np.ndarray:
    """Image file bytes -> uint8 (IMAGE_SIZE, IMAGE_SIZE, 3), or UploadError saying why not."""
    if len(data) == 0:
        raise UploadError(f"{name} is empty (0 bytes). Upload the image file again.")
    if len(data) > MAX_IMAGE_BYTES:
        raise UploadError(f"{name} is {_mb(len(data))}; one image may be at most "
                          f"{_mb(MAX_IMAGE_BYTES)}. Use a smaller copy of it.")
    with warnings.catch_warnings():
        # Pillow's own bomb check warns first; we want a refusal, never a 1 GB decode
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
            width, height = img.size                     # from the header, nothing decoded yet
            if width * height > MAX_PIXELS:
                raise UploadError(f"{name} is {width:,} × {height:,} pixels; one image may have at "
                                  f"most {MAX_PIXELS / 1e6:.0f} million. Use a smaller copy of it.")
            # (Pillow refuses far larger ones itself, inside open(): see below)
            img.draft("RGB", (IMAGE_SIZE * 2, IMAGE_SIZE * 2))  # JPEG: decode at a reduced scale
            img.load()
            img = ImageOps.exif_transpose(img)           # phones store portraits sideways
            return _square(_to_rgb(img))
        except UploadError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadError(f"{name} declares far more than {MAX_PIXELS / 1e6:.0f} million pixels, "
                              f"the most one image may have (a decompression bomb?). Use a smaller "
                              f"copy of it.") from None
        except Image.UnidentifiedImageError:
            raise UploadError(f"{name} is not an image Pillow can read (is it another kind of file "
                              f"renamed?). Use a JPEG, PNG, GIF, BMP, WebP or TIFF file.") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise UploadError(f"{name} could not be decoded: the file is probably truncated or "
                              f"damaged. Export or download it again.") from None


def _to_rgb(img: Image.Image) -> Image.Image:
    """Any mode -> RGB: 16-bit scaled (not clipped), transparency laid on white like a viewer does."""
    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        a = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") or a.max() > 255 else 255.0
        img = Image.fromarray(np.clip(a / top * 255 + 0.5, 0, 255).astype(np.uint8), "L")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    return img.convert("RGB")


def _square(img: Image.Image) -> np.ndarray:
    # Centre-crop, not pad: the backbones were pretrained on centre-cropped ImageNet photos, so a
    # crop shows them what they know; padding adds bars they never saw and shrinks the subject.
    out = ImageOps.fit(img, (IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.LANCZOS)
    return np.asarray(out, dtype=np.uint8).copy()


# ---------------------------------------------------------------- zips, read in memory

def zip_files(data: bytes, name: str) -> list[tuple[str, bytes]]:
    """Every file in a zip as (path inside the zip, bytes), after refusing anything unsafe."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadError(f"{name} is not a readable zip file. Create the zip again (one folder "
                          f"per class) and upload it.") from None
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UploadError(f"{name} has {len(infos):,} entries; at most {MAX_ZIP_ENTRIES:,} are "
                          f"read. Put at most {MAX_FILES_PER_CLASS} images in each class folder.")
    declared = 0
    for info in infos:
        p = info.filename.replace("\\", "/")
        if p.startswith("/") or (len(p) > 1 and p[1] == ":"):
            raise UploadError(f"{name} was refused: entry '{info.filename}' has an absolute path. "
                              f"Zip your class folders with relative paths.")
        if ".." in PurePosixPath(p).parts:
            raise UploadError(f"{name} was refused: entry '{info.filename}' points outside the zip "
                              f"(..). Zip your class folders with relative paths.")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UploadError(f"{name} was refused: entry '{info.filename}' is a symbolic link. "
                              f"Zip the image files themselves.")
        declared += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if declared > MAX_TOTAL_BYTES or ratio > MAX_ZIP_RATIO:
            raise UploadError(f"{name} was refused: it unpacks to far more than it holds (a zip "
                              f"bomb?), over {_mb(MAX_TOTAL_BYTES)} or {MAX_ZIP_RATIO}× compression. "
                              f"Zip the image files themselves, at most {_mb(MAX_TOTAL_BYTES)}.")
    files, total = [], 0
    for info in infos:
        if info.is_dir():
            continue
        body = _read_entry(zf, info, name)
        total += len(body)
        if total > MAX_TOTAL_BYTES:  # the declared sizes lied
            raise UploadError(f"{name} was refused: it unpacks to more than "
                              f"{_mb(MAX_TOTAL_BYTES)}. Use fewer or smaller images.")
        files.append((info.filename.replace("\\", "/"), body))
    return files


def _read_entry(zf, info, name) -> bytes:
    """Read one entry, stopping as soon as it is longer than it said (a lying header)."""
    out, limit = bytearray(), min(info.file_size, MAX_IMAGE_BYTES)
    try:
        with zf.open(info) as f:
            while chunk := f.read(1 << 16):
                out += chunk
                if len(out) > limit:
                    raise UploadError(f"{name} was refused: entry '{info.filename}' unpacks to more "
                                      f"than {_mb(MAX_IMAGE_BYTES)}, the most one file may be.")
    except UploadError:
        raise
    except RuntimeError:  # encrypted
        raise UploadError(f"{name}: entry '{info.filename}' is encrypted. "
                          f"Use a zip without a password.") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error):
        raise UploadError(f"{name}: entry '{info.filename}' is damaged (its size or checksum is "
                          f"wrong). Create the zip again.") from None
    return bytes(out)


def _skipped(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def classes_in_zip(files: list[tuple[str, bytes]], name: str) -> dict[str, list[tuple[str, bytes]]]:
    """{class folder: [(file name, bytes)]}: one folder per class, perhaps inside one top folder."""
    files = [(p, b) for p, b in files if not _skipped(p)]
    parts = [PurePosixPath(p).parts for p, _ in files]
    tops = {q[0] for q in parts if len(q) > 1}
    if len(tops) == 1 and all(len(q) > 2 for q in parts):  # zip of a folder holding class folders
        parts = [q[1:] for q in parts]
    groups: dict[str, list] = {}
    loose = 0
    for q, (_, body) in zip(parts, files):
        if len(q) < 2:
            loose += 1
            continue
        groups.setdefault(q[0], []).append(("/".join(q[1:]), body))
    if not groups:
        raise UploadError(f"{name} has no class folders ({loose} loose files). Put each class's "
                          f"images in a folder named after the class, e.g. cats/1.jpg, dogs/1.jpg, "
                          f"and zip those folders.")
    if len(groups) == 1:
        only = next(iter(groups))
        raise UploadError(f"{name} has only one class folder, '{only}'. A classifier needs at "
                          f"least 2: add a folder per class, e.g. {only}/…, other/….")
    return dict(sorted(groups.items()))


# ---------------------------------------------------------------- what a user has added so far

@dataclass
class Picture:
    name: str
    digest: str          # sha256 of the file's bytes: finds the same file added twice
    pixels: np.ndarray   # uint8 (IMAGE_SIZE, IMAGE_SIZE, 3)
    size: int            # bytes of the original file, counted against MAX_TOTAL_BYTES


@dataclass
class Message:
    level: str           # "error": refused; "warning": partly used; "info": fine, worth saying
    text: str


class ImageCollection:
    """Classes (name + pictures) in the order they were made; adding never removes anything."""

    def __init__(self, names=()):
        self.names: list[str] = list(names)
        self.pictures: list[list[Picture]] = [[] for _ in self.names]
        self._last = (None, None)     # (what dataset() was made from, the data set)

    def total_bytes(self) -> int:
        return sum(p.size for ps in self.pictures for p in ps)

    def counts(self) -> list[int]:
        return [len(ps) for ps in self.pictures]

    def add_class(self, name: str) -> int:
        if len(self.names) >= MAX_CLASSES:
            raise UploadError(f"At most {MAX_CLASSES} classes. Remove a class first.")
        self.names.append(name)
        self.pictures.append([])
        return len(self.names) - 1

    def remove(self, slot: int, names) -> int:
        """Remove the pictures of class `slot` with these file names; returns how many went."""
        before = len(self.pictures[slot])
        self.pictures[slot] = [p for p in self.pictures[slot] if p.name not in set(names)]
        return before - len(self.pictures[slot])

    def add_files(self, slot: int, files) -> list[Message]:
        """Add (file name, bytes) pairs to class `slot`; a bad file is refused on its own."""
        msgs, label = [], self.names[slot]
        owner = {p.digest: (self.names[i], p.name) for i, ps in enumerate(self.pictures) for p in ps}
        for name, data in files:
            if len(self.pictures[slot]) >= MAX_FILES_PER_CLASS:
                msgs.append(Message("error", f"{name} was not added: '{label}' already has "
                                             f"{MAX_FILES_PER_CLASS} images, the most one class may "
                                             f"have. Make another class or remove some."))
                continue
            if self.total_bytes() + len(data) > MAX_TOTAL_BYTES:
                msgs.append(Message("error", f"{name} was not added: it would take your images past "
                                             f"the {_mb(MAX_TOTAL_BYTES)} limit (now "
                                             f"{_mb(self.total_bytes())}). Remove some images or "
                                             f"use smaller ones."))
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in owner:
                where, first = owner[digest]
                msgs.append(Message("info", f"{name} is already in '{label}' (as {first}); "
                                            f"skipped.") if where == label else
                            Message("warning", f"{name} was not added to '{label}': the same file "
                                               f"is already in '{where}' (as {first}). One photo "
                                               f"cannot teach two classes; if it belongs in "
                                               f"'{label}', remove it from '{where}' first."))
                continue
            try:
                pixels = decode_image(data, name)
            except UploadError as err:
                msgs.append(Message("error", f"{err}"))
                continue
            self.pictures[slot].append(Picture(name, digest, pixels, len(data)))
            owner[digest] = (label, name)
        return msgs

    def add_zip(self, data: bytes, name: str) -> list[Message]:
        """Add a zip of class folders, merged into classes of the same name. An unsafe or
        unstructured zip adds nothing; a bad image inside it is refused on its own."""
        try:
            groups = classes_in_zip(zip_files(data, name), name)
            new = [c for c in groups if c not in self.names]
            if len(self.names) + len(new) > MAX_CLASSES:
                raise UploadError(f"{name} would make {len(self.names) + len(new)} classes; at most "
                                  f"{MAX_CLASSES}. Remove classes or use a zip with fewer folders.")
        except UploadError as err:
            return [Message("error", str(err))]
        msgs = []
        for cls, files in groups.items():
            slot = self.names.index(cls) if cls in self.names else self.add_class(cls)
            msgs += self.add_files(slot, [(f"{cls}/{f}", b) for f, b in files])
        return msgs

    def problems(self) -> list[str]:
        """Why this cannot be trained on yet (empty when it can)."""
        out = []
        used = [(n, ps) for n, ps in zip(self.names, self.pictures) if ps]
        names = [n.strip() for n, _ in used]
        if len(used) < 2:
            out.append(f"Add images to at least 2 classes (now {len(used)} with images).")
        if any(not n for n in names):
            out.append("Every class with images needs a name.")
        if len(set(names)) < len(names):
            out.append("Two classes have the same name; give each class its own name.")
        for n, ps in used:
            if len(ps) < MIN_PER_CLASS:
                out.append(f"Class '{n}' has {len(ps)} image; every class needs at least "
                           f"{MIN_PER_CLASS} (one to learn from, one to test on). Add more to '{n}'.")
        return out

    def dataset(self, name: str = "your images") -> ImageDataset:
        """The images as a private data set; the same one while nothing changes, so what the
        engine derived from it (kept on it, see lib.cache) serves the next training too."""
        if msgs := self.problems():
            raise UploadError(" ".join(msgs))
        used = [(n.strip(), ps) for n, ps in zip(self.names, self.pictures) if ps]
        same = (name, [(n, [p.digest for p in ps]) for n, ps in used])
        if self._last[0] == same:
            return self._last[1]
        images = np.stack([p.pixels for _, ps in used for p in ps])
        labels = np.concatenate([np.full(len(ps), i) for i, (_, ps) in enumerate(used)])
        self._last = (same, ImageDataset(images, labels, [n for n, _ in used], name, private=True))
        return self._last[1]

    def file_names(self) -> list[str]:
        """Which file each row of dataset() came from, in the same order."""
        return [p.name for ps in self.pictures if ps for p in ps]


def load_images(path, name: str | None = None) -> ImageDataset:
    """A folder of class folders, or a zip of them -> ImageDataset. Any bad file raises UploadError."""
    path = Path(path)
    col = ImageCollection()
    if path.is_dir():
        for folder in sorted(p for p in path.iterdir() if p.is_dir() and not _skipped(p.name)):
            files = sorted(f for f in folder.rglob("*") if f.is_file() and not f.is_symlink()
                           and not _skipped(str(f.relative_to(folder))))
            if len(col.names) >= MAX_CLASSES:
                raise UploadError(f"{path} has more than {MAX_CLASSES} class folders; at most "
                                  f"{MAX_CLASSES} classes.")
            slot = col.add_class(folder.name)
            msgs = col.add_files(slot, [(f"{folder.name}/{f.relative_to(folder)}", _read_file(f))
                                        for f in files])
            _raise_errors(msgs)
    elif path.is_file():
        _raise_errors(col.add_zip(_read_file(path, MAX_TOTAL_BYTES), path.name))
    else:
        raise UploadError(f"{path} does not exist; give a folder of class folders or a zip of them.")
    return col.dataset(name or path.stem)


def _read_file(path: Path, limit: int = MAX_IMAGE_BYTES) -> bytes:
    if path.stat().st_size > limit:
        raise UploadError(f"{path} is {_mb(path.stat().st_size)}; at most {_mb(limit)}.")
    return path.read_bytes()


def _raise_errors(msgs):
    bad = [m.text for m in msgs if m.level in ("error", "warning")]
    if bad:
        raise UploadError(" ".join(bad))


# ---------------------------------------------------------------- texts

@dataclass
class TextTable:
    dataset: TextDataset
    columns: list[str]
    text_column: str
    label_column: str
    notes: list[str]     # warnings worth showing: sampled rows, skipped empty lines, cut texts


def decode_text(data: bytes, name: str) -> str:
    """CSV bytes -> str: UTF-8 (with or without BOM) or UTF-16 with a BOM, else a clear refusal."""
    if len(data) > MAX_TOTAL_BYTES:
        raise UploadError(f"{name} is {_mb(len(data))}; at most {_mb(MAX_TOTAL_BYTES)}.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise UploadError(f"{name} is not UTF-8 text (byte 0x{data[err.start]:02x} at position "
                          f"{err.start:,}). Save it as 'CSV UTF-8' and upload it again.") from None


def read_texts(data: bytes, name: str = "texts.csv", text_column: str | None = None,
               label_column: str | None = None, max_rows: int = MAX_TEXT_ROWS,
               seed: int = 0) -> TextTable:
    """CSV bytes with a header row -> TextTable; columns are guessed unless given."""
    text = decode_text(data, name)
    if "\x00" in text:
        raise UploadError(f"{name} contains NUL bytes, so it is not a text CSV. Upload a CSV file.")
    try:
        dialect = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    try:
        header = [h.strip() for h in next(rows, [])]
        kept, n_rows, empty, wide = _sample_rows(rows, len(header), max_rows, seed)
    except csv.Error:
        raise UploadError(f"{name} could not be read as CSV (a field is too long or its quotes "
                          f"do not close). Check its quotes, or save it again as CSV.") from None
    if len(header) < 2:
        raise UploadError(f"{name} needs a header row with at least 2 columns, a text column and "
                          f"a label column; found {len(header)}: {header}. Add a header such as "
                          f"text,label.")
    if len(set(header)) < len(header) or "" in header:
        raise UploadError(f"{name}: every column needs its own non-empty name in the header row; "
                          f"found {header}.")
    text_column, label_column = _pick_columns(header, kept, text_column, label_column, name)
    ti, li = header.index(text_column), header.index(label_column)
    pairs = [(r[ti].strip(), r[li].strip()) for r in kept]
    blank = sum(1 for t, l in pairs if not t or not l)
    pairs = [(t, l) for t, l in pairs if t and l]
    notes = []
    if n_rows > max_rows:
        notes.append(f"{name} has {n_rows:,} rows; a random sample of {max_rows:,} (seed {seed}) "
                     f"is used so training stays quick.")
    if empty or blank:
        notes.append(f"Skipped {empty + blank:,} empty or incomplete rows.")
    if wide:
        notes.append(f"{wide:,} rows have more fields than the header (a comma inside an unquoted "
                     f"text?); their extra fields were ignored. Put such texts in double quotes.")
    long = sum(1 for t, _ in pairs if len(t) > MAX_TEXT_CHARS)
    if long:
        notes.append(f"{long:,} texts were longer than {MAX_TEXT_CHARS:,} characters and were cut.")
        pairs = [(t[:MAX_TEXT_CHARS], l) for t, l in pairs]
    classes = sorted({l for _, l in pairs})
    if not pairs:
        raise UploadError(f"{name} has no rows with both a text and a label. Fill in the "
                          f"'{text_column}' and '{label_column}' columns.")
    if len(classes) < 2:
        raise UploadError(f"{name}: column '{label_column}' has only one label, '{classes[0]}'. "
                          f"A classifier needs at least 2 labels; add examples of another one.")
    if len(classes) > MAX_CLASSES:
        raise UploadError(f"{name}: column '{label_column}' has {len(classes):,} different labels; "
                          f"at most {MAX_CLASSES}. Is '{label_column}' really the label column?")
    counts = {c: sum(1 for _, l in pairs if l == c) for c in classes}
    few = [f"'{c}' ({k})" for c, k in counts.items() if k < MIN_PER_CLASS]
    if few:
        raise UploadError(f"{name}: every label needs at least {MIN_PER_CLASS} texts (one to learn "
                          f"from, one to test on); too few for {', '.join(few)}. Add more.")
    ds = TextDataset([t for t, _ in pairs], [classes.index(l) for _, l in pairs], classes,
                     Path(name).stem, private=True)
    return TextTable(ds, header, text_column, label_column, notes)


def _sample_rows(rows, width, max_rows, seed):
    """Reservoir-sample at most max_rows non-empty rows (memory stays bounded), in file order."""
    rng, kept, n, empty, wide = random.Random(seed), [], 0, 0, 0
    for row in rows:
        if not any(cell.strip() for cell in row):
            empty += 1
            continue
        wide += len(row) > width
        row = (row + [""] * width)[:width]
        if n < max_rows:
            kept.append((n, row))
        elif (j := rng.randrange(n + 1)) < max_rows:
            kept[j] = (n, row)
        n += 1
    return [r for _, r in sorted(kept)], n, empty, wide


def _pick_columns(header, rows, text_column, label_column, name):
    """Given columns must exist; otherwise text = longest on average, label = fewest distinct."""
    for col in (text_column, label_column):
        if col is not None and col not in header:
            raise UploadError(f"{name} has no column '{col}'; its columns are: "
                              f"{', '.join(header)}. Pick one of those.")
    if text_column is None:
        options = [h for h in header if h != label_column]
        mean_len = {h: np.mean([len(r[header.index(h)]) for r in rows]) if rows else 0
                    for h in options}
        text_column = max(options, key=lambda h: (mean_len[h], -header.index(h)))
    if label_column is None:
        options = [h for h in header if h != text_column]
        distinct = {h: len({r[header.index(h)].strip() for r in rows}) for h in options}
        label_column = min(options, key=lambda h: (distinct[h], header.index(h)))
    if text_column == label_column:
        raise UploadError(f"{name}: the text and label columns must differ (both are "
                          f"'{text_column}'). Pick two different columns.")
    return text_column, label_column


def load_texts(path, text_column: str | None = None, label_column: str | None = None,
               max_rows: int = MAX_TEXT_ROWS) -> TextDataset:
    """A CSV with a header, a text column and a label column -> TextDataset (notes as warnings)."""
    path = Path(path)
    if not path.is_file():
        raise UploadError(f"{path} does not exist; give a CSV file with a header row.")
    table = read_texts(_read_file(path, MAX_TOTAL_BYTES), path.name, text_column, label_column,
                       max_rows)
    for note in table.notes:
        warnings.warn(note, stacklevel=2)
    return table.dataset


class TextCollection:
    """The texts a user is working with: a new CSV replaces them only if it is usable."""

    def __init__(self):
        self.table: TextTable | None = None
        self.data: bytes = b""          # kept so the user can re-pick columns without re-uploading
        self.name: str = ""

    def use(self, data: bytes, name: str, text_column=None, label_column=None) -> list[Message]:
        try:
            table = read_texts(data, name, text_column, label_column)
        except UploadError as err:
            return [Message("error", f"{err} Your earlier texts are kept." if self.table else str(err))]
        self.table, self.data, self.name = table, data, name
        return [Message("warning", note) for note in table.notes]

    def repick(self, text_column: str, label_column: str) -> list[Message]:
        return self.use(self.data, self.name, text_column, label_column)
