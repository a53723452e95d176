"""What the figures still miss, and how a user fills it: one :class:`Gap` per incomplete official indicator.

An indicator read from a dataset file (not the geography, not Homeshore's own calculations) is incomplete when a
département has no value. For each, :func:`gaps` says which départements miss, where the figure comes from now
(bundled, refreshed, user-supplied), whether ``regions data refresh`` can fetch it from the producer's file, and
the ``regions data import`` command that completes it from a file the user downloaded: the answer to "what is
missing and how do I fill it" on a machine without internet.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from regions import indicators, settings, sources, user_indicators
from regions.official import OFFICIAL

#: Départements listed by code in a gap; beyond, only their number.
LISTED_CODES = 12
#: What a gap says when no official file Homeshore can read holds the indicator.
NO_OFFICIAL_FILE = "pas de fichier officiel lisible connu"


@dataclass(frozen=True)
class Gap:
    """One incomplete indicator: ``filled`` of ``total`` départements have a value; ``missing`` are the others."""

    indicator_id: str
    label: str
    filled: int
    total: int
    missing: tuple[str, ...]
    status: str
    page: str
    refresh_command: str
    import_command: str


#: The file-name placeholder of the import command, in French and English.
_FILE = {False: "FICHIER", True: "FILE"}


def gaps(table: pd.DataFrame | None = None, lang: str = "fr") -> list[Gap]:
    """Every catalogued official indicator with a département missing, in catalogue order.

    ``table``: the département table (default: :func:`regions.indicators.territory_table`)."""
    deps = (indicators.territory_table() if table is None else table).set_index("code")
    catalogue, all_sources = sources.load_catalogue(), sources.load_sources()
    found = []
    for indicator_id in user_indicators.completable_ids():
        indicator = catalogue[indicator_id]
        values = deps[indicator_id]
        if values.notna().all():
            continue
        origin = all_sources[indicator.dataset]
        dataset = indicator.replaces or indicator.dataset
        official = OFFICIAL.get(dataset)
        refreshable = official is not None and indicator_id in official.indicators and not indicator.replaces
        found.append(
            Gap(
                indicator_id=indicator_id,
                label=indicator.label_fr,
                filled=int(values.notna().sum()),
                total=len(values),
                missing=tuple(values.index[values.isna()]),
                status=indicators.status_of(origin, lang),
                page=official.page if refreshable and official is not None else all_sources[dataset].url,
                refresh_command=f"regions data refresh --only {dataset}" if refreshable else "",
                import_command=f"regions data import {_FILE[lang == 'en']}.csv --id {indicator_id} "
                '--period "…" --source "…"',
            )
        )
    return found


def gaps_table(found: list[Gap]) -> pd.DataFrame:
    """The gaps for people (French headers): coverage, the départements missing, and the two ways to fill them."""
    rows = [
        {
            "indicateur": gap.indicator_id,
            "libellé": gap.label,
            "couverture": f"{gap.filled}/{gap.total}",
            "départements manquants": codes_text(gap.missing),
            "statut": gap.status,
            "actualiser (internet)": gap.refresh_command or NO_OFFICIAL_FILE,
            "compléter depuis un fichier": gap.import_command,
            "où trouver les chiffres": gap.page,
        }
        for gap in found
    ]
    columns = ["indicateur", "libellé", "couverture", "départements manquants", "statut", "actualiser (internet)"]
    return pd.DataFrame(rows, columns=[*columns, "compléter depuis un fichier", "où trouver les chiffres"])


def codes_text(missing: tuple[str, ...]) -> str:
    """The missing départements: their codes when few, else their number."""
    if len(missing) <= LISTED_CODES:
        return ", ".join(missing)
    return f"{len(missing)} départements sur {settings.N_DEPARTEMENTS}"


def describe(found: list[Gap]) -> str:
    """The gaps as text for a terminal: one paragraph per indicator, then how to fill them."""
    if not found:
        return "Aucun indicateur officiel incomplet : chaque département a une valeur.\n"
    lines = [f"{len(found)} indicateurs officiels incomplets (sur {settings.N_DEPARTEMENTS} départements) :", ""]
    for gap in found:
        lines += [
            f"{gap.indicator_id} — {gap.label} : {gap.filled}/{gap.total} ({gap.status})",
            f"  manquent : {codes_text(gap.missing)}",
            f"  actualiser (internet) : {gap.refresh_command or NO_OFFICIAL_FILE}",
            f"  compléter depuis un fichier : {gap.import_command}",
            f"  où trouver les chiffres : {gap.page}",
            "",
        ]
    lines.append(
        "Un import garde la définition de l'indicateur (libellé, unité, orientation) et le marque « fourni par "
        "l'utilisateur » avec la source déclarée ; `regions data remove --id …` rétablit les chiffres précédents."
    )
    return "\n".join(lines) + "\n"
