"""Sensitive columns of an applicant file, recognised by what their header means, not by its exact words.

An applicant file may carry data that must not travel with a shortlist: health and disability (GDPR art. 9),
family situation and pregnancy, and the other criteria of article L1132-1 of the Code du travail and of GDPR
art. 9 (origin, nationality, religion, trade-union membership, sexual orientation, sex, political opinions, age
or date of birth) plus a few identifiers that reveal them (social security number, photo) and criminal records
(GDPR art. 10). :func:`classify` tells, for one header, whether it is sensitive, in which ``CATEGORIES`` and why.

Normalisation (:func:`words`)
    Ligatures (``œ`` -> ``oe``) and accents are removed, camelCase and letter/digit runs are split
    (``nbEnfants``, ``RQTHStatus``, but not the plural ``RQTHs``), every other character (apostrophes,
    underscores, punctuation, spaces) separates words, case is folded. One-letter words (``d'``, ``(e)``, ``(s)``,
    ``n°``) and French/English function words (``de``, ``la``, ``of``…) are dropped. Each word is reduced to a
    light stem (:func:`stem`) that joins singular and plural, masculine and feminine: ``enfants`` -> ``enfant``,
    ``handicapée`` -> ``handicap``, ``disabilities`` -> ``disabiliti``. A word glued to a prefix such as ``date``,
    ``nb`` or ``statut`` (``DATENAISSANCE``, ``nbenfants``) is split when the rest is a known term of four letters
    or more (``paysage`` is no ``pays`` + ``age``).

Matching
    ``VOCABULARY`` lists, per category, terms as a user writes them; they go through the same normalisation. A
    term of one word matches a whole word of the header, never a part of one: ``âge`` is sensitive, ``village``,
    ``page`` or ``stage`` are not; ``aah`` never matches inside another word. A term of several words matches
    when they follow each other in the header (``situation de famille`` also matches ``Situation_Famille``). A term
    may name words that cancel it (``famille`` but not ``famille de métiers`` nor ``nom de famille``; ``origine``
    but not ``origine de la candidature``). A term written ``=né`` must be the whole header. When several terms
    match, the longest wins (``nom de naissance`` is family, not date of birth).

This module is pure: no I/O, no pandas. ``regions.applicants`` applies it to the tables it exports.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

Category = Literal[
    "health", "family", "origin", "religion", "union", "sexuality", "sex", "politics", "age", "identifier",
    "appearance", "criminal",
]  # fmt: skip

#: Category -> (French label, English label).
CATEGORIES: Final[dict[Category, tuple[str, str]]] = {
    "health": ("santé, handicap (RGPD art. 9)", "health, disability (GDPR art. 9)"),
    "family": ("situation de famille, grossesse (Code du travail L1132-1)", "family situation, pregnancy"),
    "origin": ("origine, nationalité, lieu de naissance", "origin, nationality, place of birth"),
    "religion": ("religion, convictions", "religion, beliefs"),
    "union": ("appartenance syndicale ou mutualiste", "trade-union membership"),
    "sexuality": ("orientation sexuelle, identité de genre, mœurs", "sexual orientation, gender identity"),
    "sex": ("sexe, genre", "sex, gender"),
    "politics": ("opinions politiques", "political opinions"),
    "age": ("âge, date de naissance", "age, date of birth"),
    "identifier": ("numéro de sécurité sociale (NIR)", "social security number"),
    "appearance": ("photo, apparence physique", "photo, physical appearance"),
    "criminal": ("condamnations pénales (RGPD art. 10)", "criminal records (GDPR art. 10)"),
}

#: Words that cancel a term about a sector of experience ("Expérience secteur santé" is a skill, not health data).
_SECTOR: Final[str] = "!secteur !experience !domaine !metier !formation !diplome !sector !industry !field"

#: Category -> terms, as a user writes them. ``!word``: a word whose presence cancels the term; ``=term``: the
#: term must be the whole header. Order matters only between terms of the same length (the first wins).
VOCABULARY: Final[dict[Category, tuple[str, ...]]] = {
    "health": (
        "handicap", "handicapé", "handicapped", "travailleur handicapé", "invalidité", "incapacité",
        "rqth", "boe", "boeth", "oeth", "aah", "mdph", "cdaph", "esat", "obligation d'emploi",
        f"santé {_SECTOR} !mutuelle", f"médical {_SECTOR}", f"médicaux {_SECTOR}", "médecin",
        "médecine du travail", "maladie", "malade", "pathologie", "infirmité", "inaptitude", "inapte",
        "thérapeutique", "affection longue durée", "ald", "mobilité réduite", "pmr", "fauteuil roulant",
        "aménagement de poste", "aménagement du poste", "accident du travail", "arrêt de travail", "allergie",
        "disability", "disabled", f"health {_SECTOR}", "illness", "sick", "sickness", "wheelchair",
        "reasonable accommodation", "génétique", "genetic", "adn", "dna", "biométrique", "biometric",
        "psychiatrique", "psychiatric",
    ),
    "family": (
        "situation de famille", "situation familiale", "familial", "familiaux",
        "famille !metier !professionnel !professionnelle !nom !emploi !produit !poste",
        "family !name !business", "family situation", "matrimonial", "marital", "marié", "mariage", "married",
        "marriage", "pacsé", "pacs", "conjoint", "concubin", "concubinage", "union libre", "époux", "épouse",
        "spouse", "veuf", "veuve", "widow", "widowed", "divorcé", "divorce", "célibataire", "enfant", "children",
        "child", "kid", "childcare", "personne à charge", "dependant", "dependent", "dependents",
        "parent !entreprise !societe !company !groupe", "parental", "parentalité", "monoparental",
        "parent isolé", "grossesse", "enceinte", "pregnant", "pregnancy", "maternité", "paternité", "maternity",
        "paternity", "nom de jeune fille", "nom de naissance", "maiden name",
    ),
    "origin": (
        "nationalité", "nationality", "citoyenneté", "citizenship", "ethnie", "ethnique", "ethnicity", "ethnic",
        "race", "racial", "origine !candidature !source !canal !annonce !recrutement !contact !offre !application "
        "!lead !donnee !fichier !import !dossier !demande !channel !data !file",
        "couleur de peau", "skin colour", "skin color", "langue maternelle", "mother tongue", "native language",
        "lieu de naissance", "ville de naissance", "pays de naissance", "commune de naissance",
        "département de naissance", "région de naissance", "birthplace", "place of birth", "country of birth",
        "city of birth", "immigration", "immigré", "immigrant", "migrant",
    ),
    "religion": (
        "religion", "religieux", "religieuse", "confession", "confessionnel", "culte", "croyance", "conviction",
        "belief", "faith", "laïcité",
    ),
    "union": (
        "syndicat", "syndical", "syndicaux", "syndiqué", "syndicaliste", "mutualiste", "trade union",
        "union member", "union membership", "labour union", "labor union",
    ),
    "sexuality": (
        "sexuel", "sexuelle", "sexualité", "sexual", "sexuality", "orientation sexuelle", "identité de genre",
        "gender identity", "transgenre", "transgender", "lgbt", "lgbtq", "lgbtqia", "homosexuel", "homosexual",
        "mœurs",
    ),
    "sex": (
        "sexe", "sex", "genre !contrat !poste !metier !emploi !activite !job !mission", "gender", "homme", "femme",
        "male", "female", "masculin", "féminin",
    ),
    "politics": (
        "politique !entreprise !salariale !remuneration !teletravail !rh", "political", "parti politique",
        "mandat électif", "mandat électoral", "opinion politique",
    ),
    "age": (
        "âge", "âgé", "naissance", "date de naissance", "année de naissance", "birth", "birthdate", "birthday",
        "date of birth", "dob", "ddn", "anniversaire", "=né", "=née",
    ),
    "identifier": (
        "sécurité sociale", "sécu", "social security", "nir", "ssn", "numéro insee", "ss", "carte vitale",
    ),
    "appearance": (
        "photo", "photographie", "picture", "portrait", "avatar", "selfie", "apparence", "appearance",
    ),
    "criminal": (
        "casier judiciaire", "criminal record", "condamnation", "antécédents judiciaires",
    ),
}  # fmt: skip

#: French and English function words, dropped before matching.
STOPWORDS: Final[frozenset[str]] = frozenset({
    "de", "du", "des", "la", "le", "les", "en", "et", "ou", "au", "aux", "un", "une", "par", "pour", "sur", "avec",
    "sans", "son", "sa", "ses", "vos", "votre", "of", "the", "and", "or", "in", "on", "for", "with", "to", "is",
    "an", "at", "by",
})  # fmt: skip
#: Words that may be glued in front of a term in a header without separators (``datenaissance``).
_GLUE: Final[tuple[str, ...]] = (
    "date", "nombre", "number", "numero", "num", "nbr", "nb", "no", "lieu", "pays", "ville", "situation",
    "statut", "status", "type", "code", "tranche", "est", "is", "has", "avec", "de", "d", "of",
)  # fmt: skip

_LIGATURES: Final[dict[int, str]] = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_CAMEL: Final[re.Pattern[str]] = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])(?![A-Z]s\b)|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])"
)
_SEPARATORS: Final[re.Pattern[str]] = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Detection:
    """Why a column is sensitive: its ``category`` (a key of ``CATEGORIES``) and the ``term`` that matched.

    ``field`` is set when the column is sensitive because it is mapped to a sensitive field (``disability``,
    ``family``) rather than because of its header.
    """

    column: str
    category: Category
    term: str
    field: str | None = None

    def reason(self, lang: str = "fr") -> str:
        """One line for a user: the category, then the matched term or the field (``lang``: "fr" or "en")."""
        french = lang != "en"
        label = CATEGORIES[self.category][0 if french else 1]
        if self.field is not None:
            return f"{label} — {'colonne associée au champ' if french else 'column mapped to the field'} {self.field}"
        return f"{label} — « {self.term} »" if french else f'{label} — "{self.term}"'


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]
    category: Category
    written: str
    unless: frozenset[str]
    whole: bool


def stem(word: str) -> str:
    """A light stem joining singular/plural and masculine/feminine in French and English (``ages`` -> ``age``).

    A final ``s`` or ``x``, then final ``e``s are removed, and a final ``y`` becomes ``i``, keeping at least three
    letters: ``enfants`` -> ``enfant``, ``handicapées`` -> ``handicap``, ``maladies`` -> ``maladi``,
    ``disability`` and ``disabilities`` -> ``disabiliti``.
    """
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    while len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("y"):
        word = word[:-1] + "i"
    return word


def words(header: str) -> tuple[str, ...]:
    """The normalised words of a header: no accents, case, punctuation, one-letter or function words (unstemmed)."""
    decomposed = unicodedata.normalize("NFKD", str(header).translate(_LIGATURES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    split = _CAMEL.sub(" ", bare).casefold()
    return tuple(word for word in _SEPARATORS.split(split) if len(word) > 1 and word not in STOPWORDS)


def _parse(category: Category, spec: str) -> _Term:
    parts = spec.split()
    unless = frozenset(stem(part[1:]) for part in parts if part.startswith("!"))
    text = " ".join(part for part in parts if not part.startswith("!"))
    whole = text.startswith("=")
    written = text.removeprefix("=")
    return _Term(tuple(stem(word) for word in words(written)), category, written, unless, whole)


@functools.cache
def _terms() -> tuple[_Term, ...]:
    return tuple(_parse(category, spec) for category, specs in VOCABULARY.items() for spec in specs)


@functools.cache
def _single_stems() -> frozenset[str]:
    return frozenset(term.words[0] for term in _terms() if len(term.words) == 1 and not term.whole)


def _unglue(word: str, depth: int = 0) -> tuple[str, ...] | None:
    """Split ``word`` into glue words then one known single-word term (stems), or ``None``."""
    if depth and len(stem(word)) >= 4 and stem(word) in _single_stems():  # never a 3-letter term: pays+age
        return (stem(word),)
    if depth >= 3:
        return None
    for glue in _GLUE:
        rest = word[len(glue) :]
        if word.startswith(glue) and len(rest) >= 4:
            found = _unglue(rest, depth + 1)
            if found is not None:
                return found if glue in STOPWORDS or len(glue) == 1 else (stem(glue), *found)
    return None


def stems(header: str) -> tuple[str, ...]:
    """The stems :func:`classify` compares: :func:`words` stemmed, glued words split (``nbenfants``)."""
    out: list[str] = []
    for word in words(header):
        glued = None if stem(word) in _single_stems() else _unglue(word)
        out.extend(glued if glued is not None else (stem(word),))
    return tuple(out)


def _matches(term: _Term, header: tuple[str, ...]) -> bool:
    if not term.words or term.unless.intersection(header):
        return False
    if term.whole:
        return header == term.words
    size = len(term.words)
    return any(header[start : start + size] == term.words for start in range(len(header) - size + 1))


@functools.lru_cache(maxsize=4096)
def _classify(header: str) -> tuple[Category, str] | None:
    found = stems(header)
    best: _Term | None = None
    for term in _terms():
        if _matches(term, found) and (best is None or len(term.words) > len(best.words)):
            best = term
    return None if best is None else (best.category, best.written)


def classify(header: str) -> Detection | None:
    """The sensitive category of a column from its header, with the term that matched; ``None`` if none does."""
    found = _classify(str(header))
    return None if found is None else Detection(str(header), found[0], found[1])


def detect(headers: Iterable[str]) -> list[Detection]:
    """The sensitive columns among ``headers``, in their order (see :func:`classify`)."""
    return [found for header in headers if (found := classify(header)) is not None]
