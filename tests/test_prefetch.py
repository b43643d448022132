"""The offline pack: what is written is what is read back; a damaged or hostile archive is
refused with a message that says so, and leaves the cache as it was."""
import importlib.util
import io
import tarfile
from pathlib import Path

import numpy as np
import pytest

spec = importlib.util.spec_from_file_location("prefetch", Path(__file__).parents[1] / "scripts" / "prefetch.py")
prefetch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(prefetch)


@pytest.fixture
def filled(tmp_path):
    root = tmp_path / "cache"
    (root / "features").mkdir(parents=True)
    np.save(root / "features" / "abc.npy", np.arange(1000, dtype=np.float32))
    (root / "weights").mkdir()
    (root / "weights" / "w.pth").write_bytes(bytes(range(256)) * 40)
    (root / "features" / "half.npy.tmp").write_bytes(b"a write that never finished")
    return root


def test_round_trip_restores_every_file(filled, tmp_path):
    archive = tmp_path / "pack.tar.gz"
    manifest = prefetch.write_pack(filled, archive)
    assert set(manifest) == {"features/abc.npy", "weights/w.pth"}  # no half-written files
    fresh = tmp_path / "elsewhere"
    fresh.mkdir()
    prefetch.read_pack(archive, fresh)
    for rel in manifest:
        assert (fresh / rel).read_bytes() == (filled / rel).read_bytes()
    assert np.load(fresh / "features" / "abc.npy")[-1] == 999


def test_truncated_archive_gives_a_clear_error_and_changes_nothing(filled, tmp_path):
    archive = tmp_path / "pack.tar.gz"
    prefetch.write_pack(filled, archive)
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    fresh = tmp_path / "elsewhere"
    fresh.mkdir()
    with pytest.raises(prefetch.PackError, match="truncated or corrupt"):
        prefetch.read_pack(archive, fresh)
    assert not any(fresh.iterdir())


def _tar(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            if kind == "link":
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


def test_a_file_that_does_not_match_its_checksum_is_refused(tmp_path):
    archive = tmp_path / "pack.tar.gz"
    manifest = b'{"features/a.npy": {"bytes": 3, "sha256": "00"}}'
    _tar(archive, [(prefetch.MANIFEST, manifest, "file"), ("features/a.npy", b"abc", "file")])
    with pytest.raises(prefetch.PackError, match="does not match its checksum"):
        prefetch.read_pack(archive, tmp_path / "cache")


@pytest.mark.parametrize("name", ["../evil.txt", "/tmp/evil.txt", "features/../../evil.txt"])
def test_paths_that_leave_the_cache_are_refused(tmp_path, name):
    archive, root = tmp_path / "pack.tar.gz", tmp_path / "a" / "cache"
    root.mkdir(parents=True)
    _tar(archive, [(name, b"pwned", "file")])
    with pytest.raises(prefetch.PackError, match="outside the cache"):
        prefetch.read_pack(archive, root)
    assert not list(tmp_path.rglob("evil.txt"))


def test_links_are_refused(tmp_path):
    archive = tmp_path / "pack.tar.gz"
    _tar(archive, [("features/x", b"", "link")])
    with pytest.raises(prefetch.PackError, match="link"):
        prefetch.read_pack(archive, tmp_path / "cache")


def test_command_line_reports_a_missing_pack_without_a_traceback(tmp_path, capsys):
    assert prefetch.main(["--read", str(tmp_path / "nope.tar.gz")]) == 2
    assert "no pack at" in capsys.readouterr().err
