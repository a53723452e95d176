"""Files the command line writes and reads, with errors a user can act on and no half-written output.

:func:`write_atomically` writes to a temporary file in the target's own folder, then renames it over the target:
a full disk, a missing or read-only folder never leaves a truncated file behind, and an existing file stays as it
was until the new one is complete. A target that exists and is not a regular file (``/dev/stdout``, a named pipe)
is written in place, since it cannot be replaced. Every failure is an :class:`OutputError` whose message, in
French, names the file, the cause and what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

#: ``errno`` values that mean "no room left": full disk, file-size limit, quota.
_NO_ROOM = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


class OutputError(OSError):
    """A file could not be written or read; the message says which, why, and what to do."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` completely or not at all (see the module docstring); raise :class:`OutputError`."""
    target = Path(path)
    try:
        if target.exists() and not stat.S_ISREG(target.stat().st_mode):
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
            with target.open("wb") as handle:  # a device or a pipe: written in place
                handle.write(data)
            return
        _replace(target, data)
    except OSError as error:
        raise OutputError(_write_problem(target, error)) from None


def check_target(path: str | Path) -> None:
    """Raise :class:`OutputError` now if ``path`` cannot be written (missing folder, a folder, read-only folder),
    so that a command fails before its work rather than after; a full disk still shows only when writing."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(_write_problem(target, IsADirectoryError(errno.EISDIR, "is a directory")))
    if not target.parent.is_dir():
        raise OutputError(_write_problem(target, FileNotFoundError(errno.ENOENT, "no such folder")))
    if not target.exists() and not os.access(target.parent, os.W_OK):
        raise OutputError(_write_problem(target, PermissionError(errno.EACCES, "permission denied")))


def read_input(path: str | Path) -> bytes:
    """The bytes of an input file; raise :class:`OutputError` naming the file and the cause."""
    source = Path(path)
    try:
        return source.read_bytes()
    except FileNotFoundError:
        problem = "fichier introuvable ; vérifiez le chemin"
    except IsADirectoryError:
        problem = "c'est un dossier, pas un fichier"
    except PermissionError:
        problem = "lecture refusée (droits insuffisants)"
    except OSError as error:
        problem = f"lecture impossible ({error.strerror or error})"
    raise OutputError(f"impossible de lire « {source} » : {problem}")


def describe(error: OSError) -> str:
    """One line for any ``OSError`` met while producing a file: an :class:`OutputError` as it is, a full disk (for
    instance while a library writes its temporary files) in French, anything else as Python words it."""
    if isinstance(error, OutputError):
        return str(error)
    if error.errno in _NO_ROOM:
        where = f" (« {error.filename} »)" if error.filename else ""
        return f"plus de place sur le disque{where} ; libérez de l'espace, rien n'a été écrit"
    return str(error)


def _replace(target: Path, data: bytes) -> None:
    """Temporary file in the same folder (so the rename is atomic), flushed to disk, then renamed over ``target``."""
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


def _write_problem(target: Path, error: OSError) -> str:
    """One French line: which file, why it could not be written, what to do; nothing was left behind."""
    folder = target.parent
    if isinstance(error, IsADirectoryError) or target.is_dir():
        problem = "c'est un dossier ; donnez un nom de fichier"
    elif isinstance(error, FileNotFoundError) or not folder.is_dir():
        problem = f"le dossier « {folder} » n'existe pas ; créez-le ou choisissez un autre dossier"
    elif isinstance(error, PermissionError) or error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        problem = (
            f"écriture refusée dans « {folder} » (droits ou support en lecture seule) ; choisissez un autre dossier"
        )
    elif error.errno in _NO_ROOM:
        problem = "plus de place sur le disque ; libérez de l'espace ou choisissez un autre disque"
    else:
        problem = f"{error.strerror or error}"
    return f"impossible d'écrire « {target} » : {problem} (aucun fichier partiel laissé)"
