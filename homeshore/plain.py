"""User-supplied text shown as typed: never as Markdown, a link, an image, HTML or a heading.

Streamlit renders Markdown (GitHub-flavoured, with its own ``:colour[…]``, ``:icon:`` and ``$LaTeX$``) in
``st.markdown``, ``st.caption``, alerts (``st.info``, ``st.error``…), expander and widget labels and help tooltips.
A label, source, period or licence the user typed (or an error message quoting a file) may hold
``![x](http://…)`` — an image the browser would fetch —, a link, raw HTML or a heading. :func:`md` puts a backslash
before every character that can open such a construct (CommonMark then shows it literally), breaks bare
``http://``, ``www.`` and e-mail autolinks, neutralises a list or heading marker at the start, and folds line breaks
into spaces. Ordinary punctuation (``( ) , . ' % / -``) is left alone, so the text reads as typed in the source
too. Tables (``st.dataframe``) and ``st.text`` show text as typed already and must not get it.
"""

from __future__ import annotations

import re
from typing import Final

#: Characters that open emphasis, code, links, images, HTML, headings, tables, directives, maths or autolinks.
_SPECIAL: Final[re.Pattern[str]] = re.compile(r"([\\`*_\[\]{}<>!#~$:|@^])")
#: The dot of a ``www.`` autolink.
_WWW_DOT: Final[re.Pattern[str]] = re.compile(r"(?i)(?<=www)\.")
#: A block marker at the start: list item (``-``, ``+``, ``1.``, ``1)``), setext underline (``=``).
_LEADING_MARKER: Final[re.Pattern[str]] = re.compile(r"^(\s*)(?=[-+=])|^(\s*\d+)(?=[.)])")
_LINE_BREAKS: Final[re.Pattern[str]] = re.compile(r"[\r\n\u2028\u2029]+")


def md(text: object) -> str:
    """``text`` escaped for any Streamlit Markdown (body, label, help): shown as typed, nothing interpreted."""
    escaped = _SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)))
    escaped = _WWW_DOT.sub(r"\\.", escaped)
    return _LEADING_MARKER.sub(lambda m: (m.group(1) or m.group(2) or "") + "\\", escaped, count=1)
