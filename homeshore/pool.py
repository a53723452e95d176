"""The applicant file of this session (the *vivier*): the user's upload, or the bundled demo file.

The upload stays in this session's memory (never on disk, never shared); the demo file is read and joined once per
server. Each read and join is kept in a small per-session memo (``settings.SESSION_POOL_MEMO_ENTRIES`` entries) keyed
by the file's digest, its sheet and the column mapping, so a page never reads or joins the same file twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

import pandas as pd
import streamlit as st

from regions import applicants, settings, tabular

_T = TypeVar("_T")

UPLOAD = "hs_pool_upload"  # (file name, bytes, sha256) of the user's upload; None = the demo file
SHEET = "hs_pool_sheet"
_MEMO = "hs_pool_memo"  # this session's read and joined files, by key: never shared with other sessions
_COUNTS = "hs_pool_counts"  # (memo key, counts per département) of the last file and mapping counted
DEMO_FILE = applicants.DEMO_FILE


def source() -> tuple[str, bytes, str, bool]:
    """``(file name, bytes, digest, is_demo)`` of the current applicant file."""
    upload = st.session_state.get(UPLOAD)
    if upload:
        name, data, digest = upload
        return name, data, digest, False
    data, digest = _demo()
    return DEMO_FILE.name, data, digest, True


def store_upload(name: str, data: bytes) -> None:
    """Keep an uploaded file in this session's memory (never on disk)."""
    st.session_state[UPLOAD] = (name, data, hashlib.sha256(data).hexdigest())
    st.session_state[SHEET] = None


def table() -> tabular.ReadResult:
    """The current file read as text (raises ``tabular.TabularError`` with a user message, kept like a result: a
    file that cannot be read is not read again on every run)."""
    name, data, digest, demo = source()
    sheet = st.session_state.get(SHEET)
    if demo:  # the bundled demo file: read once per server, shared by every session
        outcome = _memo(("read", digest, sheet), lambda: _refused(lambda: _demo_read(digest, sheet)))
    else:
        outcome = _memo(("read", digest, sheet), lambda: _refused(lambda: _read(data, name, sheet)))
    if isinstance(outcome, tabular.TabularError):
        raise outcome
    return outcome


def is_demo() -> bool:
    """Is the current applicant file the bundled demo file? (Nothing is read to say so.)"""
    return not st.session_state.get(UPLOAD)


class NotRead:
    """What :func:`peek` gives when this session has not read and joined the current file yet."""


NOT_READ = NotRead()


def peek() -> applicants.ImportResult | tabular.TabularError | ValueError | NotRead:
    """What :func:`current` gives, or the user's problem that made it ``None``, if this session has computed it
    already; else :data:`NOT_READ`. Never reads nor joins: for the sidebar, drawn on every page."""
    upload = st.session_state.get(UPLOAD)
    if not upload and _MEMO not in st.session_state:
        return NOT_READ  # a new session on the demo file: do not even hash it
    digest = upload[2] if upload else _demo()[1]
    sheet = st.session_state.get(SHEET)
    memo: dict[tuple[object, ...], Any] = st.session_state.get(_MEMO, {})
    read = memo.get(("read", digest, sheet), NOT_READ)
    if not isinstance(read, tabular.ReadResult):
        return cast(tabular.TabularError | NotRead, read)
    items = tuple(sorted(mapping(read).items(), key=str))
    return cast(applicants.ImportResult | ValueError | NotRead, memo.get(("import", digest, sheet, items), NOT_READ))


def problem() -> tuple[str, str] | None:
    """Why the current file gives no pool depth, once a page has tried it: the UI string that words it
    (``pool_read_error`` or ``pool_mapping_error``) and the message. Never reads."""
    outcome = peek()
    if isinstance(outcome, tabular.TabularError):
        return "pool_read_error", str(outcome)
    return ("pool_mapping_error", str(outcome)) if isinstance(outcome, ValueError) else None


def mapping_key(field_name: str) -> str:
    """The session key of the mapping editor's choice for ``field_name`` (per file)."""
    return f"hs_map_{source()[2][:12]}_{field_name}"


def mapping(read: tabular.ReadResult) -> dict[str, str | None]:
    """The mapping chosen in the editor, else the one detected from the headers."""
    detected = applicants.detect_mapping(list(read.frame.columns))
    return {f: st.session_state.get(mapping_key(f), detected.get(f)) for f in applicants.FIELDS}


def current() -> applicants.ImportResult | None:
    """The current file joined to communes; ``None`` when it cannot be read or its mapping is not usable (the vivier
    page says why, the map page too: :func:`problem`). Any other error is a bug and surfaces."""
    return _current()[1]


def _current() -> tuple[tuple[object, ...], applicants.ImportResult | None]:
    """:func:`current`, and the memo's key of the file and mapping it joined (``()`` when the file cannot be read)."""
    try:
        read = table()
    except tabular.TabularError:
        return (), None
    chosen = mapping(read)
    _, _, digest, demo = source()
    sheet = st.session_state.get(SHEET)
    key = ("import", digest, sheet, tuple(sorted(chosen.items(), key=str)))
    if demo:
        joined = _memo(key, lambda: _unusable(chosen, read, lambda: _demo_import(digest, sheet, key[3])))
    else:
        joined = _memo(
            key,
            lambda: _unusable(chosen, read, lambda: applicants.import_frame(
                read.frame, chosen, line_numbers=read.line_numbers or None, detected=read.detected
            )),
        )  # fmt: skip
    return key, joined if isinstance(joined, applicants.ImportResult) else None


def _refused(read: Callable[[], tabular.ReadResult]) -> tabular.ReadResult | tabular.TabularError:
    """The file read, or the user's reason it cannot be (kept in the memo like a result)."""
    try:
        return read()
    except tabular.TabularError as error:
        return error


def _unusable(
    chosen: dict[str, str | None], read: tabular.ReadResult, join: Callable[[], applicants.ImportResult]
) -> applicants.ImportResult | ValueError:
    """The file joined, or why its mapping cannot be used (the user's to fix); an error of the join itself is a bug
    and propagates."""
    try:
        applicants.check_mapping(chosen, list(read.frame.columns))
    except ValueError as error:
        return error
    return join()


def is_fictional() -> bool:
    """True when the pool behind the pool-depth figures is the synthetic demo file (label them *données fictives*)."""
    return source()[3] and current() is not None


def applicant_counts() -> pd.Series | None:
    """True applicant counts per département for the score (never shown: the table suppresses small ones); counted
    once per file and mapping in this session (a run asks for them three times: table, ranking and map)."""
    key, joined = _current()
    if joined is None:
        return None
    kept = st.session_state.get(_COUNTS)
    if kept is None or kept[0] != key:
        kept = st.session_state[_COUNTS] = (key, applicants.applicant_counts(joined.matched, "departement"))
    return cast(pd.Series, kept[1])


def _read(data: bytes, name: str, sheet: str | None) -> tabular.ReadResult:
    return tabular.read_table(
        data, name, sheet=sheet, max_bytes=settings.CANDIDATES_MAX_BYTES, max_rows=settings.CANDIDATES_MAX_ROWS
    )


@st.cache_data(show_spinner=False, max_entries=4)
def _demo_read(digest: str, sheet: str | None) -> tabular.ReadResult:
    """The demo file read (``digest`` keys the cache): never a user's file, which stays in its session only."""
    return _read(_demo()[0], DEMO_FILE.name, sheet)


@st.cache_data(show_spinner=False, max_entries=8)
def _demo_import(
    digest: str, sheet: str | None, mapping: tuple[tuple[str, str | None], ...]
) -> applicants.ImportResult:
    """The demo file joined to communes with ``mapping``: once per server, shared by every session (a new
    session's first page no longer reads and joins it again: about 1.4 s of its first run)."""
    read = _demo_read(digest, sheet)
    return applicants.import_frame(
        read.frame, dict(mapping), line_numbers=read.line_numbers or None, detected=read.detected
    )


def _memo(key: tuple[object, ...], build: Callable[[], _T]) -> _T:
    """This session's memo: the last few files and mappings, so that its memory stays small."""
    memo: dict[tuple[object, ...], Any] = st.session_state.setdefault(_MEMO, {})
    if key not in memo:
        if len(memo) >= settings.SESSION_POOL_MEMO_ENTRIES:
            memo.pop(next(iter(memo)))
        memo[key] = build()
    return cast(_T, memo[key])


@st.cache_resource(show_spinner=False)
def _demo() -> tuple[bytes, str]:
    """The demo file and its digest, read and hashed once per server (the digest keys this session's memo); a
    resource, not data: the same immutable bytes for every call, where a data cache would copy 0.6 MB each time."""
    data = DEMO_FILE.read_bytes()
    return data, hashlib.sha256(data).hexdigest()
