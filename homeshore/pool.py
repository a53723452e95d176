"""The applicant pool of a session: the bundled demo file, or the file the user uploaded on the *Vivier* page.

The demo file is read and joined to communes once per server and shared by sessions (``st.cache_data``); a user's
file stays in its session's memory only (never on disk, never shared), read and joined once per file, sheet and
column mapping (the last few kept). Nothing here runs until a page asks for the pool: the sidebar only *peeks*
(:func:`peek`), so that a page without pool-depth figures never reads an applicant file.

Errors: a file that cannot be read (``tabular.TabularError``) or mapped (``applicants.check_mapping``) is the
user's problem: :func:`pool` gives ``None`` and :func:`problem` the message to show. Anything else is a bug and
propagates.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

import pandas as pd
import streamlit as st

from regions import applicants, settings, tabular

POOL_UPLOAD: Final[str] = "hs_pool_upload"  # (file name, bytes, sha256) of the user's upload; None = the demo file
POOL_SHEET: Final[str] = "hs_pool_sheet"
_POOL_MEMO: Final[str] = "hs_pool_memo"  # this session's reads and joins, by key: never shared with other sessions
_MEMO_SIZE: Final[int] = 4  # keep a session's memory small: the last few files and mappings
DEMO_POOL: Final = applicants.DEMO_FILE


class NotRead:
    """What :func:`peek` gives when the current file has not been read and joined in this session yet."""


NOT_READ: Final[NotRead] = NotRead()
#: A user's problem with the file, kept in the memo as its exception (its message is shown as is).
Problem = tabular.TabularError | ValueError


def is_demo() -> bool:
    """Is the current applicant file the bundled demo file? (Nothing is read to say so.)"""
    return not st.session_state.get(POOL_UPLOAD)


def pool_source() -> tuple[str, bytes, str, bool]:
    """``(file name, bytes, digest, is_demo)`` of the current applicant file."""
    upload = st.session_state.get(POOL_UPLOAD)
    if upload:
        name, data, digest = upload
        return name, data, digest, False
    data, digest = _demo()
    return DEMO_POOL.name, data, digest, True


def store_upload(name: str, data: bytes) -> None:
    """Keep an uploaded file in this session's memory (never on disk)."""
    st.session_state[POOL_UPLOAD] = (name, data, hashlib.sha256(data).hexdigest())
    st.session_state[POOL_SHEET] = None


def pool_table() -> tabular.ReadResult:
    """The current file read as text (raises ``tabular.TabularError`` with a user message)."""
    read = _read_outcome(compute=True)
    if isinstance(read, tabular.TabularError):
        raise read
    assert isinstance(read, tabular.ReadResult)
    return read


def mapping_key(field_name: str) -> str:
    return f"hs_map_{_digest()[:12]}_{field_name}"


def pool_mapping(read: tabular.ReadResult) -> dict[str, str | None]:
    """The mapping chosen in the editor, else the one detected from the headers."""
    detected = applicants.detect_mapping(list(read.frame.columns))
    return {f: st.session_state.get(mapping_key(f), detected.get(f)) for f in applicants.FIELDS}


def pool() -> applicants.ImportResult | None:
    """The current file joined to communes (read and joined at most once), or None when the user's file cannot be
    read or mapped (:func:`problem` says why)."""
    outcome = _outcome(compute=True)
    return outcome if isinstance(outcome, applicants.ImportResult) else None


def peek() -> applicants.ImportResult | Problem | NotRead:
    """What :func:`pool` would give, if this session has computed it already (else :data:`NOT_READ`); never reads."""
    return _outcome(compute=False)


def problem() -> tuple[str, str] | None:
    """Why the current file gives no pool, if it was read and failed: the UI string that words it
    (``pool_read_error`` or ``pool_mapping_error``) and the message; never reads."""
    outcome = peek()
    if isinstance(outcome, tabular.TabularError):
        return "pool_read_error", str(outcome)
    return ("pool_mapping_error", str(outcome)) if isinstance(outcome, ValueError) else None


def fictional_pool() -> bool:
    """True when the pool behind the pool-depth figures is the synthetic demo file (label them *données fictives*)."""
    return is_demo() and pool() is not None


def applicant_counts() -> pd.Series | None:
    """True applicant counts per département for the score (never shown: the table suppresses small ones)."""
    current = pool()
    return None if current is None else applicants.applicant_counts(current.matched, "departement")


# --- reading and joining, once --------------------------------------------------------------------------------------


def _digest() -> str:
    upload = st.session_state.get(POOL_UPLOAD)
    return str(upload[2]) if upload else _demo()[1]


def _read_outcome(compute: bool) -> tabular.ReadResult | tabular.TabularError | NotRead:
    name, data, digest, demo = pool_source()
    sheet = st.session_state.get(POOL_SHEET)
    key = ("read", digest, sheet)
    memo = _memo()
    if key not in memo:
        if not compute:
            return NOT_READ
        try:  # the bundled demo file: read once per server, shared by every session
            _remember(key, _demo_read(digest, sheet) if demo else _read(data, name, sheet))
        except tabular.TabularError as error:
            _remember(key, error)
    outcome: tabular.ReadResult | tabular.TabularError = memo[key]
    return outcome


def _outcome(compute: bool) -> applicants.ImportResult | Problem | NotRead:
    read = _read_outcome(compute)
    if not isinstance(read, tabular.ReadResult):
        return read
    mapping = pool_mapping(read)
    _, _, digest, demo = pool_source()
    sheet = st.session_state.get(POOL_SHEET)
    items = tuple(sorted(mapping.items(), key=str))
    key = ("import", digest, sheet, items)
    memo = _memo()
    if key not in memo:
        if not compute:
            return NOT_READ
        try:
            applicants.check_mapping(mapping, list(read.frame.columns))
        except ValueError as error:  # the user's mapping: a message; errors of the join itself are bugs
            _remember(key, error)
        else:
            _remember(key, _demo_import(digest, sheet, items) if demo else _import(read, mapping))
    outcome: applicants.ImportResult | Problem = memo[key]
    return outcome


def _import(read: tabular.ReadResult, mapping: applicants.ColumnMapping) -> applicants.ImportResult:
    return applicants.import_frame(read.frame, mapping, line_numbers=read.line_numbers or None, detected=read.detected)


def _read(data: bytes, name: str, sheet: str | None) -> tabular.ReadResult:
    return tabular.read_table(
        data, name, sheet=sheet, max_bytes=settings.CANDIDATES_MAX_BYTES, max_rows=settings.CANDIDATES_MAX_ROWS
    )


@st.cache_data(show_spinner=False, max_entries=4)
def _demo_read(digest: str, sheet: str | None) -> tabular.ReadResult:
    """The demo file read (``digest`` keys the cache): never a user's file, which stays in its session only."""
    return _read(_demo()[0], DEMO_POOL.name, sheet)


@st.cache_data(show_spinner=False, max_entries=8)
def _demo_import(
    digest: str, sheet: str | None, mapping: tuple[tuple[str, str | None], ...]
) -> applicants.ImportResult:
    """The demo file joined to communes with ``mapping``: once per server, shared by every session (a new
    session's first page no longer reads and joins it again: about 1.4 s of its first run)."""
    return _import(_demo_read(digest, sheet), dict(mapping))


def _memo() -> dict[tuple[object, ...], Any]:
    memo: dict[tuple[object, ...], Any] = st.session_state.setdefault(_POOL_MEMO, {})
    return memo


def _remember(key: tuple[object, ...], value: object) -> None:
    memo = _memo()
    if len(memo) >= _MEMO_SIZE:
        memo.pop(next(iter(memo)))
    memo[key] = value


@st.cache_data(show_spinner=False)
def _demo() -> tuple[bytes, str]:
    """The demo file and its digest, read and hashed once (the digest keys this session's memo)."""
    data = DEMO_POOL.read_bytes()
    return data, hashlib.sha256(data).hexdigest()
