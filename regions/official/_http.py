"""Download an official file: timeouts, retries with exponential backoff, a size limit, progress messages.

Every failure raises :class:`DownloadError` (a :class:`~regions.official.base.RefreshError`) naming the URL and the
cause, ``offline`` when no server answered at all.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, Final

from regions import settings
from regions.official.base import IMPORT_COMMAND, RefreshError

#: Timeout, attempts, first wait and largest file: the tunables in ``regions.settings`` (``DOWNLOAD_*``).
TIMEOUT_SECONDS: Final[float] = settings.DOWNLOAD_TIMEOUT_SECONDS
RETRIES: Final[int] = settings.DOWNLOAD_RETRIES
BACKOFF_SECONDS: Final[float] = settings.DOWNLOAD_BACKOFF_SECONDS
MAX_DOWNLOAD_BYTES: Final[int] = settings.MAX_DOWNLOAD_BYTES
#: Sent with every request, so that producers can see what fetches their files.
USER_AGENT: Final[str] = "Homeshore/0.1 (regions data refresh; Python urllib)"


class DownloadError(RefreshError):
    """A download that failed: ``url`` names the file, ``offline`` is true when no server answered at all."""


def silent(message: str) -> None:
    """The default progress callback: says nothing."""


def download(
    url: str,
    *,
    timeout: float = TIMEOUT_SECONDS,
    retries: int = RETRIES,
    progress: Callable[[str], None] = silent,
    backoff: float | None = None,
) -> bytes:
    """Download ``url`` and return its bytes, with a progress message per attempt and per 10 Mo received.

    Up to ``retries`` attempts; before attempt n+1 it waits ``backoff × 2^(n-1)`` seconds (default
    ``BACKOFF_SECONDS``). A client error (HTTP 4xx other than 408/429) is not retried. Raises :class:`DownloadError`
    naming the URL and the cause, with ``offline=True`` when no server answered (network down or blocked).
    """
    if retries < 1:
        raise ValueError(f"`retries` was {retries} but is expected to be at least 1")
    pause = BACKOFF_SECONDS if backoff is None else backoff
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    cause, cause_en, offline = "", "", True
    for attempt in range(1, retries + 1):
        progress(f"Téléchargement de {url} (essai {attempt}/{retries})…")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                data = _read_body(response, url, progress)
        except DownloadError:
            raise
        except urllib.error.HTTPError as error:
            offline = False
            cause = f"le serveur a répondu HTTP {error.code} {error.reason}"
            cause_en = f"the server answered HTTP {error.code} {error.reason}"
            if error.code >= 500 and _is_insee(url):
                cause += f" ({INSEE_REFUSES_ROBOTS.format(url=url, command=IMPORT_COMMAND)})"
                cause_en += f" ({INSEE_REFUSES_ROBOTS_EN.format(url=url, command=IMPORT_COMMAND)})"
            if error.code < 500 and error.code not in (408, 429):
                break
        except (OSError, http.client.HTTPException, RuntimeError) as error:  # RuntimeError: a blocked socket (tests)
            cause, cause_en = _describe(error, timeout)
        else:
            progress(f"  reçu : {megabytes(len(data))}")
            return data
        if attempt < retries:
            wait = pause * 2 ** (attempt - 1)
            progress(f"  échec ({cause}) ; nouvel essai dans {wait:g} s")
            time.sleep(wait)
    if offline:
        raise DownloadError(
            f"impossible de joindre {url} (pas d'accès à internet ?) : {cause}",
            en=f"cannot reach {url} (no internet access?): {cause_en}",
            url=url,
            offline=True,
        )
    raise DownloadError(
        f"échec du téléchargement de {url} : {cause}",
        en=f"download of {url} failed: {cause_en}",
        url=url,
        reason="download_failed",
    )


#: What a refresh says when insee.fr answers a server error: it may refuse clients that are not browsers.
INSEE_REFUSES_ROBOTS: Final[str] = (
    "insee.fr répond parfois ainsi aux clients qui ne sont pas des navigateurs : téléchargez {url} avec un "
    "navigateur et complétez les chiffres avec `{command}`"
)
#: The same, in English.
INSEE_REFUSES_ROBOTS_EN: Final[str] = (
    "insee.fr sometimes answers so to clients that are not browsers: download {url} with a browser and complete the "
    "figures with `{command}`"
)


def _is_insee(url: str) -> bool:
    """Whether ``url`` is on insee.fr (or one of its sub-domains)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    return host == "insee.fr" or host.endswith(".insee.fr")


def _read_body(response: Any, url: str, progress: Callable[[str], None]) -> bytes:
    """The response's bytes, with a progress bar per tenth received when the server gives the size (else a line per
    10 Mo); more than ``MAX_DOWNLOAD_BYTES`` raises."""
    total = _content_length(response)
    chunks: list[bytes] = []
    size, shown = 0, 0
    while chunk := response.read(1024 * 1024):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_DOWNLOAD_BYTES:
            raise DownloadError(
                f"{url} : fichier trop volumineux (plus de {megabytes(MAX_DOWNLOAD_BYTES)})",
                en=f"{url}: file too large (more than {megabytes(MAX_DOWNLOAD_BYTES, 'en')})",
                url=url,
                reason="too_large",
            )
        step = min(10 * size // total, 10) if total else size // (10 * 1024 * 1024)
        if step > shown:
            shown = step
            progress(progress_bar(size, total))
    return b"".join(chunks)


def _content_length(response: Any) -> int:
    headers = getattr(response, "headers", None)
    value = headers.get("Content-Length", "") if headers is not None else ""
    return int(value) if str(value).strip().isdigit() else 0


def progress_bar(received: int, total: int) -> str:
    """``  [██████░░░░]  60 % — 24,0 Mo sur 40,0 Mo``, or ``  … 20,0 Mo reçus`` when the size is unknown (0)."""
    if total <= 0:
        return f"  … {megabytes(received)} reçus"
    tenths = min(10 * received // total, 10)
    percent = min(100 * received // total, 100)
    return f"  [{'█' * tenths}{'░' * (10 - tenths)}] {percent:>3} % — {megabytes(received)} sur {megabytes(total)}"


def _describe(error: BaseException, timeout: float) -> tuple[str, str]:
    """The cause of a failed attempt, in French and in English."""
    reason: object = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError):
        return f"pas de réponse en {timeout:g} s", f"no answer in {timeout:g} s"
    text = f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else str(reason)
    return text, text


def megabytes(size: int, language: str = "fr") -> str:
    """A size in megabytes, one decimal: ``24,0 Mo`` (French) or ``24.0 MB``."""
    amount = f"{size / 1024 / 1024:.1f}"
    return f"{amount} MB" if language == "en" else f"{amount.replace('.', ',')} Mo"


# --- reading helpers ----------------------------------------------------------------------------------------------
