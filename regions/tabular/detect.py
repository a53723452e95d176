"""What a file is before it is read: other formats refused by name, the text's encoding, binary data refused."""

from __future__ import annotations

import re
from typing import Final

from regions.tabular.errors import TabularError
from regions.tabular.limits import (
    _BINARY_MAGICS,
    _FORMAT_HINT,
    _MAX_CONTROL_SHARE,
    _MIN_CONTROLS,
    _NOT_READABLE,
    _OLE_KIND,
    _OLE_MAGIC,
    _OTHER_FORMATS,
    _SNIFF_CHARS,
)

#: Control characters (Unicode category Cc: U+0000 to U+001F and U+007F to U+009F) but tab, CR and LF.
_CONTROLS: Final[re.Pattern[str]] = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _reject_other_formats(data: bytes, extension: str) -> None:
    if data.startswith(_OLE_MAGIC):
        raise TabularError(
            "unknown_format", f"Format non reconnu : {_OLE_KIND} ({_FORMAT_HINT} ; enregistrez-le en .xlsx)"
        )
    for magic, kind in _BINARY_MAGICS.items():
        if data.startswith(magic):
            raise TabularError("unknown_format", f"Format non reconnu : {kind} ({_FORMAT_HINT})")
    if extension in _OTHER_FORMATS:
        raise TabularError("unknown_format", f"Format non reconnu : {_OTHER_FORMATS[extension]} ({_FORMAT_HINT})")


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        raise TabularError("not_text", _NOT_READABLE) from error


def _check_is_text(text: str) -> None:
    """Refuse binary content: more than 10 % of control characters other than tab/CR/LF (eight are always
    tolerated, except NUL), or NUL characters (the line of the first named when the rest is text)."""
    sample = text[: _SNIFF_CHARS * 4]
    controls = len(_CONTROLS.findall(sample))
    if controls > max(_MAX_CONTROL_SHARE * len(sample), _MIN_CONTROLS):
        raise TabularError("not_text", _NOT_READABLE)
    first_nul = text.find("\x00")
    if first_nul < 0:
        return
    if controls > _MAX_CONTROL_SHARE * len(sample):  # a few characters, and mostly control ones
        raise TabularError("not_text", _NOT_READABLE)
    line = text.count("\n", 0, first_nul) + 1
    message = (
        f"Ligne {line} : caractère nul (octet 0) au milieu du texte ; supprimez-le, ou réenregistrez le fichier en "
        "CSV UTF-8, puis importez-le de nouveau"
    )
    raise TabularError("not_text", message, lines=[line])
