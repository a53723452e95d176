"""What the pages need for accessibility that Streamlit does not do itself: the page language, a visible focus
ring, and the high-contrast option (docs/accessibility.md says what is tested and what is not yet compliant)."""

from __future__ import annotations

import streamlit as st

from regions.formatting import Lang

#: Always on: a focus ring every control shows when reached with the keyboard (WCAG 2.4.7), thicker than
#: Streamlit's own, which some widgets draw as a faint shadow only. A slider's focus is on a visually hidden
#: ``<input type=range>``: the ring goes on its thumb, which react-aria marks ``data-focus-visible``.
FOCUS_CSS = """
:focus-visible { outline: 3px solid #1c4fd6 !important; outline-offset: 2px !important; }
[data-focus-visible="true"] { outline: 3px solid #1c4fd6 !important; outline-offset: 3px !important; }
a:focus-visible, button:focus-visible { box-shadow: 0 0 0 5px #ffffff !important; }
"""

#: The high-contrast option: black text (captions and help included), underlined links, a thicker black ring.
CONTRAST_CSS = """
.stApp, .stApp p, .stApp li, .stApp label, .stApp span, [data-testid="stCaptionContainer"],
[data-testid="stCaptionContainer"] p, [data-testid="stWidgetLabel"] p { color: #000000 !important; }
.stApp a { text-decoration: underline !important; }
:focus-visible, [data-focus-visible="true"] { outline: 4px solid #000000 !important; outline-offset: 2px !important; }
"""


def declare(lang: Lang, high_contrast: bool) -> None:
    """Set ``<html lang>`` to the app's language (Streamlit leaves it "en") and add the focus and contrast styles."""
    css = FOCUS_CSS + (CONTRAST_CSS if high_contrast else "")
    st.html(
        f"<style>{css}</style><script>document.documentElement.lang = {lang!r};</script>",
        unsafe_allow_javascript=True,
    )
