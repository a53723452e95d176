"""Streamlit's own fixed words (its "chrome") in the app's language.

Streamlit writes some words itself, in English, with no parameter to change them: the file uploader's button and
size limit, "Select all" and "No results" in a list, the "Help for …" and "Link to heading" names a screen reader
reads, the running indicator, the table toolbar. :func:`translate` adds a small script to the page that rewrites
those exact texts (text, ``placeholder``, ``aria-label`` and ``title``) into French, and back into English when the
user switches language; it watches the page, so the words Streamlit draws later (a list opened) are caught too.
A user's own text is never rewritten unless it is exactly one of these phrases. Widgets that take a placeholder
get it from the string tables instead (``placeholder=``).
"""

from __future__ import annotations

import json

import streamlit as st

from regions.formatting import Lang

#: Streamlit's English phrase -> French. Whole texts only (after trimming).
PHRASES: dict[str, str] = {
    "Choose an option": "Choisir une option",
    "Choose options": "Choisir des options",
    "Add options": "Ajouter des options",
    "Select all": "Tout sélectionner",
    "No results": "Aucun résultat",
    "No options to select": "Aucune option à choisir",
    "Upload": "Importer",
    "Upload directories": "Importer des dossiers",
    "file upload": "import de fichier",
    "Drag and drop file here": "Glissez-déposez un fichier ici",
    "Drag and drop files here": "Glissez-déposez des fichiers ici",
    "Browse files": "Parcourir",
    "Link to heading": "Lien vers ce titre",
    "Running...": "Calcul en cours…",
    "Stop": "Arrêter",
    "Rerun": "Relancer",
    "File change.": "Fichier modifié.",
    "Always rerun": "Toujours relancer",
    "Source file changed.": "Fichier source modifié.",
    "Settings": "Paramètres",
    "Print": "Imprimer",
    "About": "À propos",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer",
    "Remove": "Retirer",
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Add row": "Ajouter une ligne",
    "Delete row(s)": "Supprimer des lignes",
    "Copy to clipboard": "Copier",
    "Open": "Ouvrir",
    "Close": "Fermer",
    "open": "ouvrir",
    "close": "fermer",
}

#: Phrases with a variable part: (English regex, French replacement, French regex, English replacement).
PATTERNS: tuple[tuple[str, str, str, str], ...] = (
    (r"^Help for (.+)$", "Aide : $1", r"^Aide : (.+)$", "Help for $1"),
    (r"^(\d+)MB per file(.*)$", "$1 Mo par fichier$2", r"^(\d+) Mo par fichier(.*)$", "$1MB per file$2"),
    (r"^Limit (\d+)MB per file(.*)$", "Limite de $1 Mo par fichier$2", r"^Limite de (\d+) Mo par fichier(.*)$",
     "Limit $1MB per file$2"),
)  # fmt: skip

_SCRIPT = """<script>
(() => {
  const hs = window.hsChrome = window.hsChrome || {};
  hs.rules = __RULES__;
  const ATTRIBUTES = ['placeholder', 'aria-label', 'title'];
  const rewrite = (value) => {
    if (!value) { return null; }
    const text = value.trim();
    for (const [source, target] of hs.rules) {
      const pattern = new RegExp(source);
      if (pattern.test(text)) { return text.replace(pattern, target); }
    }
    return null;
  };
  const visit = (root) => {
    if (!root) { return; }
    if (root.nodeType === 3) {
      const next = rewrite(root.nodeValue);
      if (next !== null && next !== root.nodeValue.trim()) { root.nodeValue = next; }
      return;
    }
    if (root.nodeType !== 1) { return; }
    for (const element of [root, ...root.querySelectorAll('[placeholder], [aria-label], [title]')]) {
      for (const name of ATTRIBUTES) {
        const next = rewrite(element.getAttribute(name));
        if (next !== null && next !== element.getAttribute(name)) { element.setAttribute(name, next); }
      }
    }
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) { visit(node); }
  };
  if (!hs.observer) {
    hs.observer = new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        if (mutation.type === 'childList') { mutation.addedNodes.forEach(visit); }
        else { visit(mutation.target); }
      }
    });
    hs.observer.observe(document.body, {
      subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES,
    });
  }
  visit(document.body);
})();
</script>"""


def rules(lang: Lang) -> list[tuple[str, str]]:
    """(regex, replacement) pairs taking Streamlit's words to ``lang`` (English -> French, or back)."""
    exact = [(f"^{_js_escape(en)}$", fr) if lang == "fr" else (f"^{_js_escape(fr)}$", en) for en, fr in PHRASES.items()]
    variable = [(en_re, fr_sub) if lang == "fr" else (fr_re, en_sub) for en_re, fr_sub, fr_re, en_sub in PATTERNS]
    return exact + variable


def script(lang: Lang) -> str:
    """The page script that rewrites Streamlit's words into ``lang``."""
    return _SCRIPT.replace("__RULES__", json.dumps(rules(lang), ensure_ascii=False))


def translate(lang: Lang) -> None:
    """Add the script to the page (each run: it keeps one watcher and takes the language of the last run)."""
    st.html(script(lang), unsafe_allow_javascript=True)


def _js_escape(text: str) -> str:
    """``text`` as a literal in a JavaScript regular expression."""
    return "".join("\\" + c if c in r"\^$.|?*+()[]{}/" else c for c in text)
