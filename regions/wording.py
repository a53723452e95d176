"""The words of the exports in French and English: column headers, statuses, and the catalogue's French phrases.

Every table that leaves the product (shortlists, applicant rows, scenarios) titles its columns with
:func:`header`, never with an internal column name. The catalogue records periods, units and how figures were
obtained in French; :func:`catalogue_text` gives them in English for an English export (the producers' dataset
titles stay as they publish them).
"""

from __future__ import annotations

import re
from typing import Final

from regions.formatting import Lang

#: Column headers of the exports, by key: (French, English).
HEADERS: Final[dict[str, tuple[str, str]]] = {
    "rank": ("Rang", "Rank"),
    "rank_interval": ("Rang (intervalle 5–95 %)", "Rank (5–95% interval)"),
    "code": ("Code", "Code"),
    "departement": ("Département", "Département"),
    "region": ("Région", "Région"),
    "name": ("Nom", "Name"),
    "region_code": ("Région (code)", "Région (code)"),
    "status": ("Statut", "Status"),
    "score": ("Score (0–100)", "Score (0–100)"),
    "weight_available": ("Poids renseigné (%)", "Weight with a figure (%)"),
    "missing": ("Composantes manquantes", "Missing components"),
    "decision": ("Décision (scénario)", "Decision (scenario)"),
    "decision_note": ("Note (scénario)", "Note (scenario)"),
    "note": ("Note", "Note"),
    "rank_saved": ("Rang à l'enregistrement", "Rank when saved"),
    "item": ("Élément", "Item"),
    "value": ("Valeur", "Value"),
    "file_line": ("Ligne du fichier", "File line"),
    "reason": ("Motif", "Reason"),
    "commune": ("Commune (code INSEE)", "Commune (INSEE code)"),
    "label": ("Indicateur", "Indicator"),
    "unit": ("Unité", "Unit"),
    "period": ("Période", "Period"),
    "source_status": ("Statut des chiffres", "Status of the figures"),
    "producer": ("Producteur", "Producer"),
    "dataset": ("Jeu de données", "Dataset (as titled by its producer)"),
    "obtained": ("Obtention", "How obtained"),
    "method": ("Méthode", "Method"),
    "copy_read": ("Copie lue", "Copy read"),
    "licence": ("Licence", "Licence"),
    "url": ("Adresse", "URL"),
    "coverage": ("Couverture (territoires renseignés)", "Coverage (territories with a figure)"),
}

#: A scenario's territory statuses (ids of ``regions.workspace.scenarios.STATUSES``) in both languages.
STATUS_LABELS: Final[dict[Lang, dict[str, str]]] = {
    "fr": {"to_explore": "à explorer", "selected": "retenu", "opened": "ouvert", "dropped": "écarté"},
    "en": {"to_explore": "to explore", "selected": "selected", "opened": "opened", "dropped": "dropped"},
}

#: Names of the languages, in each language (an export says which it is in).
LANGUAGE_NAMES: Final[dict[Lang, str]] = {"fr": "français", "en": "English"}

#: The catalogue's French phrases (periods, units, statuses, producers' notes) and their English, longest first.
_PHRASES_EN: Final[tuple[tuple[str, str], ...]] = (
    (
        "allocataires de l'AAH : 2021 livré, dernier décembre après actualisation ; population de 15 à 64 ans : "
        "2022 (recensement)",
        "AAH recipients: 2021 as delivered, last December after update; population aged 15 to 64: 2022 (census)",
    ),
    ("fichier de candidats importé", "imported applicant file"),
    ("allocataires au 31 décembre", "recipients on 31 December"),
    ("population au 1er janvier", "population on 1 January"),
    ("statistiques du marché du travail", "labour market statistics"),
    ("Code officiel géographique, populations légales", "official geographic code, legal populations"),
    ("Estimations de population", "population estimates"),
    ("recensement de la population", "population census"),
    ("sources : CNAF et MSA", "sources: CNAF and MSA"),
    ("fourni par l'utilisateur le", "supplied by the user on"),
    ("copié tel que publié", "copied as published"),
    ("somme de chiffres publiés", "sum of published figures"),
    ("chiffres publiés séparés à la lecture", "published figures split when read"),
    ("estimation définitive", "final estimate"),
    ("estimation provisoire", "provisional estimate"),
    ("moyennes annuelles", "annual averages"),
    ("moyenne annuelle", "annual average"),
    ("vos sites déclarés", "your declared sites"),
    ("sites cités", "sites cited"),
    ("calcul Homeshore", "Homeshore calculation"),
    ("votre fichier", "your file"),
    ("du jeu officiel", "from the official dataset"),
    ("de votre fichier", "from your file"),
    ("actualisé le", "refreshed on"),
    ("31 décembre", "31 December"),
    ("1er janvier", "1 January"),
    ("définitive", "final"),
    ("géographie", "geography"),
    ("demandeurs", "jobseekers"),
    ("officiel", "official"),
    ("hab./km²", "inh./km²"),
    ("habitants", "inhabitants"),
    ("personnes", "people"),
    ("familles", "families"),
    ("locaux", "premises"),
    ("calculé", "computed"),
    ("livré", "as delivered"),
    ("aucune", "none"),
    ("dép.", "dép."),
)
_PATTERN_EN: Final[re.Pattern[str]] = re.compile("|".join(re.escape(french) for french, _ in _PHRASES_EN))
_EN: Final[dict[str, str]] = dict(_PHRASES_EN)


def header(key: str, lang: Lang = "fr") -> str:
    """A column's readable header in ``lang`` (see :data:`HEADERS`)."""
    french, english = HEADERS[key]
    return english if lang == "en" else french


def catalogue_text(text: str, lang: Lang = "fr") -> str:
    """A period, unit, status or producer note of the catalogue in ``lang``: as written in French, or with its
    known French phrases in English (a phrase it does not know stays as written)."""
    if lang == "fr" or not text:
        return text
    english = _PATTERN_EN.sub(lambda match: _EN[match.group(0)], text)
    return english.replace(" ; ", "; ").replace(" : ", ": ")
