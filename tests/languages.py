"""A small detector of the other language in a text the app shows: the words only French (or only English) uses.

:func:`foreign_words` lists the words of ``text`` that belong to the language *not* chosen, once the known
bilingual proper nouns are taken out (place names, producers' and datasets' names kept in French in the English
UI, file and command names). The word lists are short on purpose: frequent grammatical words that the other
language never writes, so a French sentence left in the English UI (or an English one in the French UI) is caught
by its first « le », « des », « avec »… or "the", "with", "of"…, while a number, a code or a name is not.
"""

from __future__ import annotations

import re
from functools import cache

#: Words that only an English sentence writes (none is a French word), Streamlit's own words included.
_ENGLISH_WORDS = (
    "the and of with for is are was were be been this that these those which from your each not only into "
    "than then there their they it its by to should would could will can cannot when where what who how "
    "choose select results browse drag drop upload uploading limit none yes rank ranked ranking between "
    "without within under over about after before because also any every other such per file files"
)  # not "score" (French too) nor "no" (an abbreviation)
ENGLISH = frozenset(_ENGLISH_WORDS.split())

#: Words that only a French sentence writes (none is an English word).
_FRENCH_WORDS = (
    "le la les des du une et est avec pour dans sur pas qui aux vos votre chaque sans ou où sont être "
    "cette ces leur leurs par mais aucun aucune ni tous toutes selon entre sous après avant depuis lignes "
    "ligne fichier données rang choisir ajouter ajouté ajoutés supprimer enregistrer oui non lu lus"
)
FRENCH = frozenset(_FRENCH_WORDS.split())

#: Proper nouns written in French in both languages (names of places, bodies, datasets, licences) and the
#: app's own names for its pages' URLs: taken out before looking for foreign words.
BILINGUAL = (
    "Licence Ouverte",
    "Open Licence",
    "Ma connexion internet",
    "Code officiel géographique",
    "France Travail",
    "Pays de la Loire",
    "Centre-Val de Loire",
    "Provence-Alpes-Côte d'Azur",
    "Territoire de Belfort",
    "La Réunion",
    "Île-de-France",
    "Bourgogne-Franche-Comté",
    "Auvergne-Rhône-Alpes",
    "Nouvelle-Aquitaine",
    "France métropolitaine",
    "France hors Mayotte",
    "Homeshore",
    "Handbook on Constructing Composite Indicators: Methodology and User Guide",
    "Other/Proprietary License",
    "GNU General Public License v3 or later",
    "BSD License",
)

_WORD = re.compile(r"[\w'’\-]+", re.UNICODE)
_SKIP = re.compile(
    r"https?://\S+|`[^`]*`|\b[\w.-]+\.(?:csv|xlsx|txt|md|json|toml)\b|\bregions [a-z]+ [a-z]+"
    r"|\b(?:Le|La|Les|L')\s?[A-ZÉÈÎ][\w-]+"  # a place's name: Le Mans, Le Puy-en-Velay, Les Hauts-Talican
)


@cache
def _place_names() -> tuple[str, ...]:
    """Département and région names (French in both languages), the longest first."""
    from regions import _datafrance, geo

    names = set(geo.departements()["name"]) | set(_datafrance.regions_table()["name"])
    return tuple(sorted(names, key=len, reverse=True))


def strip_proper_nouns(text: str) -> str:
    """``text`` without URLs, code, file names and the known bilingual proper nouns."""
    text = _SKIP.sub(" ", text)
    for name in (*BILINGUAL, *_place_names()):
        text = text.replace(name, " ")
    return text


def foreign_words(text: str, lang: str) -> list[str]:
    """The words of ``text`` that only the language other than ``lang`` (``"fr"`` or ``"en"``) writes."""
    other = ENGLISH if lang == "fr" else FRENCH
    words = _WORD.findall(strip_proper_nouns(text))
    return [word for word in words if word.lower().strip("'’-") in other]


_MISSING = re.compile(r"(?<![\w-])(None|nan|NaN|<NA>|NaT|null|undefined)(?![\w-])")


def missing_markers(text: str) -> list[str]:
    """``None``, ``nan``, ``<NA>``… shown to the user instead of « — » or an empty cell."""
    return _MISSING.findall(text)
