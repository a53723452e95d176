"""Files the command line writes: complete or not at all, with a French reason a user can act on."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from regions import files


def test_write_atomically_replaces_a_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sortie.csv"
    target.write_bytes(b"old")
    files.write_atomically(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["sortie.csv"]


def test_a_read_only_folder_is_refused_and_the_temporary_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "sortie.csv"
    target.write_bytes(b"old")

    def refuse(source: str, destination: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", source)

    monkeypatch.setattr(os, "replace", refuse)  # the rename fails after the data was written
    with pytest.raises(files.OutputError, match=r"écriture refusée dans « .* » .* choisissez un autre dossier"):
        files.write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["sortie.csv"]


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root writes in read-only folders")
def test_a_read_only_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    folder = tmp_path / "lecture-seule"
    folder.mkdir(mode=0o555)
    with pytest.raises(files.OutputError, match="écriture refusée"):
        files.check_target(folder / "sortie.csv")
    with pytest.raises(files.OutputError, match="écriture refusée"):
        files.write_atomically(folder / "sortie.csv", b"x")


def test_a_full_disk_names_the_file_in_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)  # the data reaches the disk only at fsync, which finds it full
    target = tmp_path / "sortie.xlsx"
    with pytest.raises(files.OutputError, match=r"impossible d'écrire « .*sortie.xlsx » : plus de place sur le disque"):
        files.write_atomically(target, b"x" * 100_000)
    assert list(tmp_path.iterdir()) == []


def test_describe_words_a_full_disk_met_elsewhere_in_french() -> None:
    assert files.describe(OSError(errno.EFBIG, "File too large")).startswith("plus de place sur le disque")
    assert files.describe(files.OutputError("message")) == "message"
