"""The one base of the errors a user can fix: a stable reason code and a message in French and in English.

``str(error)`` is the French message (the product speaks French first, and the command line prints it as is);
:meth:`HomeshoreError.message` gives it in the user's language, so that the app shows a user error in the language
chosen and lets every other exception (a programming error) surface. ``reason`` is a short machine code (``offline``,
``download_failed``, ``layout``…) for code that must tell errors apart without reading their text.

Used first by the refresh of the official files (``regions.official.base.RefreshError``); the commune locator's
reasons (``regions.locate.REASONS``) are codes labelled in both languages the same way (:func:`pick`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

#: The languages of the product.
Language = Literal["fr", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("fr", "en")


def pick(labels: Mapping[Language, str], language: str) -> str:
    """The label in ``language``; French for a language the product does not speak (its first language)."""
    return labels["en"] if language == "en" else labels["fr"]


class HomeshoreError(Exception):
    """An error the user can fix: ``reason`` (a stable machine code), ``fr`` and ``en`` (one-line messages naming
    the file, row or argument and what to do). ``en`` defaults to ``fr`` where no English is written yet."""

    def __init__(self, fr: str, *, en: str = "", reason: str = "") -> None:
        super().__init__(fr)
        self.fr = fr
        self.en = en or fr
        self.reason = reason

    def message(self, language: str) -> str:
        """The message in ``language`` (``"fr"`` or ``"en"``; French otherwise)."""
        return pick({"fr": self.fr, "en": self.en}, language)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.fr, self.en, self.reason, dict(self.__dict__)))


def _rebuild(kind: type[HomeshoreError], fr: str, en: str, reason: str, state: dict[str, object]) -> HomeshoreError:
    """A pickled :class:`HomeshoreError` (or subclass) back, with its extra attributes."""
    error = HomeshoreError.__new__(kind)
    HomeshoreError.__init__(error, fr, en=en, reason=reason)
    error.__dict__.update(state)
    return error
