"""Good and bad upload files, generated here (no fixtures on disk): used by the unit, AppTest
and browser tests of the "your data" page."""
import csv
import io
import stat
import struct
import zipfile
import zlib

import numpy as np
from PIL import Image


def image(colour=(200, 30, 30), size=(48, 40), fmt="PNG", mode="RGB", seed=0, **save) -> bytes:
    """A noisy picture of one colour (noise so no two seeds give the same file)."""
    rng = np.random.default_rng(seed)
    a = np.clip(np.array(colour, float) + rng.normal(0, 25, (size[1], size[0], 3)), 0, 255)
    img = Image.fromarray(a.astype(np.uint8), "RGB")
    if mode != "RGB":
        img = img.convert(mode)
    out = io.BytesIO()
    img.save(out, fmt, **save)
    return out.getvalue()


def red(i=0, **kw):
    return image((210, 40, 40), seed=100 + i, **kw)


def blue(i=0, **kw):
    return image((40, 40, 210), seed=200 + i, **kw)


def zipped(entries: dict, symlinks=(), compression=zipfile.ZIP_DEFLATED) -> bytes:
    """{path in zip: bytes} -> zip bytes; paths in `symlinks` are stored as symbolic links."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for path, data in entries.items():
            info = zipfile.ZipInfo(path)
            info.compress_type = compression
            if path in symlinks:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, data)
    return out.getvalue()


def class_zip(n=4, top="") -> bytes:
    return zipped({**{f"{top}red/r{i}.png": red(i) for i in range(n)},
                   **{f"{top}blue/b{i}.png": blue(i) for i in range(n)}})


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(side=20_000) -> bytes:
    """A real side x side 1-bit black PNG: a few dozen KB that would decode to side² pixels."""
    comp, parts = zlib.compressobj(9), []
    row = b"\x00" * (1 + (side + 7) // 8)
    for _ in range(side):
        parts.append(comp.compress(row))
    parts.append(comp.flush())
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b""))


def sixteen_bit(fmt="PNG") -> bytes:
    """A true 16-bit greyscale picture: top half at 3/4 of full scale, bottom half black."""
    a = np.zeros((40, 40), np.uint16)
    a[:20] = 49151
    out = io.BytesIO()
    Image.fromarray(a).save(out, fmt)
    return out.getvalue()


def transparent() -> bytes:
    """RGBA: left half opaque red, right half fully transparent (its hidden colour is black)."""
    a = np.zeros((40, 40, 4), np.uint8)
    a[:, :20] = (220, 0, 0, 255)
    out = io.BytesIO()
    Image.fromarray(a, "RGBA").save(out, "PNG")
    return out.getvalue()


def exif_rotated() -> bytes:
    """Stored 80 x 40, left half red and right half blue, with EXIF 'rotate 90° clockwise' (6):
    shown upright it is 40 x 80 with red on top."""
    a = np.zeros((40, 80, 3), np.uint8)
    a[:, :40] = (220, 0, 0)
    a[:, 40:] = (0, 0, 220)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    Image.fromarray(a).save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def csv_bytes(rows, header=("text", "label"), encoding="utf-8", sep=",") -> bytes:
    out = io.StringIO()
    w = csv.writer(out, delimiter=sep, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode(encoding)


def reviews(n=6) -> bytes:
    good = [f"I loved this film, wonderful acting number {i}" for i in range(n)]
    bad = [f"Dull and boring, a waste of time number {i}" for i in range(n)]
    return csv_bytes([(t, "pos") for t in good] + [(t, "neg") for t in bad])
