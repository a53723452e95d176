"""Sensitive headers recognised by meaning: every spelling a recruiter's export may give (case, accents,
punctuation, apostrophes, underscores, camelCase, plural, French or English), and never a job-relevant header."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

from regions import applicants, sensitive

#: Headers a real applicant file may carry, with the category they must fall in.
SENSITIVE_HEADERS: dict[str, sensitive.Category] = {
    # health and disability
    "RQTH": "health", "Handicap": "health", "Handicapé": "health", "Personne handicapée": "health",
    "Travailleur handicapé": "health", "Statut BOETH": "health", "BOE": "health", "Bénéficiaire AAH": "health",
    "Dossier MDPH": "health", "Taux d'incapacité": "health", "Pension d'invalidité": "health",
    "Santé": "health", "Maladie chronique": "health", "Suivi médical": "health", "Aménagement de poste": "health",
    "Mobilité réduite": "health", "Disability": "health", "Disabled": "health", "Health condition": "health",
    # family
    "Situation de famille": "family", "Situation familiale": "family", "Statut matrimonial": "family",
    "Marié": "family", "Mariée": "family", "Pacsé": "family", "Conjoint": "family", "Enfants": "family",
    "Nombre d'enfants": "family", "Enfants à charge": "family", "Personnes à charge": "family",
    "Parent isolé": "family", "Famille monoparentale": "family", "Grossesse": "family", "Enceinte": "family",
    "Congé maternité": "family", "Marital status": "family", "Number of children": "family",
    "Dependants": "family", "Pregnant": "family", "Nom de jeune fille": "family",
    # the other criteria of L1132-1 and GDPR art. 9
    "Nationalité": "origin", "Origine ethnique": "origin", "Pays d'origine": "origin",
    "Lieu de naissance": "origin", "Ville de naissance": "origin", "Pays de naissance": "origin",
    "Langue maternelle": "origin", "Nationality": "origin", "Place of birth": "origin", "Ethnicity": "origin",
    "Religion": "religion", "Convictions religieuses": "religion", "Confession": "religion",
    "Syndicat": "union", "Appartenance syndicale": "union", "Trade union membership": "union",
    "Orientation sexuelle": "sexuality", "Identité de genre": "sexuality", "Sexual orientation": "sexuality",
    "Sexe": "sex", "Genre": "sex", "Gender": "sex",
    "Opinions politiques": "politics", "Political opinions": "politics",
    "Âge": "age", "Tranche d'âge": "age", "Date de naissance": "age", "Année de naissance": "age",
    "Date of birth": "age", "Birthdate": "age",
    "Numéro de sécurité sociale": "identifier", "NIR": "identifier", "N° SS": "identifier",
    "Social security number": "identifier",
    "Photo": "appearance", "Photographie du candidat": "appearance",
    "Casier judiciaire": "criminal",
}  # fmt: skip

#: Job-relevant headers (and a few close spellings) that must stay in the exports.
JOB_HEADERS = [
    "Identifiant", "Nom", "Prénom", "Nom de famille", "Family name", "Full name", "Adresse", "Code postal", "CP",
    "Ville", "Commune", "Code INSEE", "Latitude", "Longitude", "Téléphone", "Email", "E-mail",
    "Compétences", "Disponibilité", "Date de disponibilité", "Connexion fibre", "Télétravail souhaité",
    "Langues", "Langues parlées", "Niveau d'anglais", "Expérience", "Années d'expérience", "Expérience secteur santé",
    "Diplôme", "Niveau d'études", "Formation", "Permis de conduire", "Mobilité", "Mobilité géographique",
    "Type de contrat", "Salaire souhaité", "Famille de métiers", "Famille professionnelle",
    "Origine de la candidature", "Source", "Canal", "Date de candidature", "Statut", "Statut de la candidature",
    "Situation actuelle", "Situation professionnelle", "Titre de séjour", "Autorisation de travail",
    "Commentaire", "Notes", "Message", "Chargé de clientèle", "Savoir-faire", "Petite enfance",
    "Assistante maternelle", "Village", "Page LinkedIn", "Langage", "Stage", "Paysage", "Engagement", "Usage",
    "Availability", "Skills", "Languages", "Years of experience", "Application source", "Postal code", "Town",
    "Données", "Numéro candidat",
]  # fmt: skip


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text).split()


def _camel(text: str) -> str:
    first, *rest = _words(text)
    return first.lower() + "".join(word[:1].upper() + word[1:].lower() for word in rest)


def _plural(text: str) -> str:
    return " ".join(w if len(w) <= 3 or w[-1] in "sx" or not w.isalpha() else w + "s" for w in text.split(" "))


#: How a header is spelled in the wild: the classifier must see through each of these, alone or combined.
TRANSFORMS: dict[str, Callable[[str], str]] = {
    "as-is": lambda h: h,
    "upper": str.upper,
    "lower": str.lower,
    "no-accents": _strip_accents,
    "no-accents-upper": lambda h: _strip_accents(h).upper(),
    "snake_case": lambda h: "_".join(_words(h)).lower(),
    "SCREAMING_SNAKE": lambda h: "_".join(_words(_strip_accents(h))).upper(),
    "camelCase": _camel,
    "kebab-case": lambda h: "-".join(_words(h)).lower(),
    "dotted": lambda h: ".".join(_words(h)),
    "typographic-apostrophe": lambda h: h.replace("'", "\u2019"),
    "punctuated": lambda h: f" {h} : ",
    "yes-no-suffix": lambda h: f"{h} (O/N)",
    "question": lambda h: f"{h} ?",
    "plural": _plural,
    "plural-upper-no-accents": lambda h: _strip_accents(_plural(h)).upper(),
    "with-context": lambda h: f"{h} du candidat",
    "nbsp": lambda h: h.replace(" ", "\u00a0"),
}


@pytest.mark.parametrize("transform", list(TRANSFORMS))
@pytest.mark.parametrize("header", list(SENSITIVE_HEADERS))
def test_a_sensitive_header_is_recognised_however_it_is_spelled(header: str, transform: str) -> None:
    variant = TRANSFORMS[transform](header)
    found = sensitive.classify(variant)
    assert found is not None, f"{variant!r} (from {header!r}) not recognised as sensitive"
    assert found.category == SENSITIVE_HEADERS[header], (variant, found)
    assert found.column == variant


@pytest.mark.parametrize("transform", ["as-is", "upper", "no-accents", "snake_case", "camelCase", "plural"])
@pytest.mark.parametrize("header", JOB_HEADERS)
def test_a_job_relevant_header_is_never_flagged(header: str, transform: str) -> None:
    variant = TRANSFORMS[transform](header)
    assert sensitive.classify(variant) is None, (variant, sensitive.classify(variant))


@pytest.mark.parametrize(
    "header",
    ["DATENAISSANCE", "datedenaissance", "nbEnfants", "NBENFANTS", "nombreenfants", "statutboeth", "StatutRQTH",
     "RQTHStatus", "DateOfBirth", "date_of_birth", "Né(e) le", "Née le", "Enfant(s)", "Handicapé(e)",
     "Marié(e)", "Pacsé(e)", "Conjoint(e)", "N°SS", "nationalite_candidat", "SITUATION_FAMILIALE",
     "Enfants2", "Âge (ans)", "ÂGE", "Ages"],
)  # fmt: skip
def test_glued_abbreviated_and_inclusive_spellings(header: str) -> None:
    assert sensitive.classify(header) is not None, header


@pytest.mark.parametrize("term", ["age", "aah", "boe", "nir", "sexe", "enfant", "rqth", "dob", "ald", "pmr", "ss"])
@pytest.mark.parametrize("around", ["x{}x", "{}ment", "pré{}", "Z{}Q", "{}ologie"])
def test_a_term_inside_another_word_is_no_match(term: str, around: str) -> None:
    header = around.format(term)
    assert sensitive.classify(header) is None, (header, sensitive.classify(header))


def test_the_longest_match_decides_the_category() -> None:
    assert sensitive.classify("Nom de naissance") == sensitive.Detection(
        "Nom de naissance", "family", "nom de naissance"
    )
    assert sensitive.classify("Ville de naissance").category == "origin"  # type: ignore[union-attr]
    assert sensitive.classify("Naissance").category == "age"  # type: ignore[union-attr]
    assert sensitive.classify("Identité de genre").category == "sexuality"  # type: ignore[union-attr]


def test_the_reason_names_the_category_and_the_term_in_french_and_english() -> None:
    found = sensitive.classify("Nombre d'enfants")
    assert found is not None
    assert found.reason() == "situation de famille, grossesse (Code du travail L1132-1) — « enfant »"
    assert found.reason("en") == 'family situation, pregnancy — "enfant"'
    assert (
        sensitive.Detection("RQTH", "health", "disability", field="disability")
        .reason()
        .endswith("colonne associée au champ disability")
    )


def test_every_field_synonym_is_classified_as_its_field_says() -> None:
    for name, synonyms in applicants.FIELDS.items():
        for synonym in synonyms:
            found = sensitive.classify(synonym)
            if name in applicants.SENSITIVE_FIELDS:
                assert found is not None, synonym
            else:
                assert found is None, (name, synonym, found)


def test_the_columns_the_product_adds_are_not_sensitive() -> None:
    added = [*applicants.MATCHED_COLUMNS, *applicants.UNMATCHED_COLUMNS, applicants.TRAVEL_COLUMN]
    assert sensitive.detect(added) == []


def test_detect_keeps_the_order_of_the_headers() -> None:
    headers = ["Nom", "Âge", "Compétences", "Enfants", "RQTH"]
    assert [found.column for found in sensitive.detect(headers)] == ["Âge", "Enfants", "RQTH"]
