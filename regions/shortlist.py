"""A territory shortlist and the tables a manager takes away: shortlist, indicators, method and weights, sources.

Pure functions over the territory table and a score result (``regions.scoring.score``); the files themselves are
written by ``regions.export``. Every figure in these tables names its indicator, unit and period, and the sources
table names producer, dataset, period, licence, URL and coverage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from regions import export, indicators, scoring, settings, sources

#: The "Statut" column of a shortlist export: kept, or excluded by the current constraints (with the reason).
STATUS_COLUMN = "Statut"
DECISION_COLUMN = "Décision (scénario)"
DECISION_NOTE_COLUMN = "Note (scénario)"
KEPT = "retenu"
EXCLUDED = "exclu par vos contraintes : "
#: How a figure computed from the synthetic demo applicant file is labelled, in headers, notes and sheets.
FICTIONAL = "données fictives"
FICTIONAL_NOTE = (
    "Données fictives : la profondeur du vivier vient du fichier de démonstration (candidats inventés), pas de vos "
    "candidats."
)


@dataclass(frozen=True)
class Selection:
    """What produced a ranking: the preset id (or ``custom``), weights, filters, and whether the applicant pool
    behind the pool-depth figures is the synthetic demo file (``fictional_pool``)."""

    weights: Mapping[str, float]
    filters: scoring.Filters
    preset: str = scoring.CUSTOM
    fictional_pool: bool = False


def excluded_codes(result: pd.DataFrame, codes: Sequence[str]) -> list[str]:
    """The codes of ``codes`` (a shortlist) that the constraints behind ``result`` exclude, in ``codes`` order."""
    excluded = set(result.loc[result["excluded"], "code"])
    return [code for code in codes if code in excluded]


def kept_codes(result: pd.DataFrame, codes: Sequence[str]) -> list[str]:
    """The codes of ``codes`` that the constraints behind ``result`` keep: the ones a shortlist counts."""
    excluded = set(excluded_codes(result, codes))
    return [code for code in codes if code not in excluded]


def top_codes(result: pd.DataFrame, n: int) -> list[str]:
    """Codes of the ``n`` best-ranked territories of a score result (excluded ones never enter)."""
    if n < 1:
        raise ValueError(f"`top` was {n} but must be at least 1")
    ranked = result[result["rank"].notna()].sort_values("rank")
    return ranked["code"].head(n).tolist()


def shortlist_table(
    table: pd.DataFrame, result: pd.DataFrame, codes: Sequence[str], *, fictional_pool: bool = False
) -> pd.DataFrame:
    """One row per shortlisted territory (in rank order, excluded ones last): rank and interval, status (``retenu``
    or ``exclu par vos contraintes : <raison>``), score, what is missing, the raw value of each weighted component
    and the estimated travel time to the nearest site, with French headers. With ``fictional_pool``, the pool-depth
    column and a score that weighs it say ``données fictives`` in their headers."""
    catalogue = sources.load_catalogue()
    weighted = [c.removeprefix("contrib_") for c in result.columns if c.startswith("contrib_")]
    figures = table.drop(columns=[c for c in ("name", "reg_code") if c in table.columns])
    rows = result[result["code"].isin(codes)].merge(figures, on="code", how="left", validate="one_to_one")
    rows = rows.sort_values(["rank", "score"], ascending=[True, False], na_position="last")
    out = pd.DataFrame(
        {
            "Rang": rows["rank"].astype("Int64"),
            "Rang (intervalle 5–95 %)": [
                _interval(lo, hi) for lo, hi in zip(rows["rank_p05"], rows["rank_p95"], strict=True)
            ],
            "Code": rows["code"],
            "Département" if "reg_code" in table.columns else "Région": rows["name"],
            STATUS_COLUMN: [f"{EXCLUDED}{reason}" if reason else KEPT for reason in rows["excluded_reason"].fillna("")],
            _score_header(weighted, fictional_pool): rows["score"].round(1),
            "Poids renseigné (%)": rows["weight_available_pct"].round(0),
            "Composantes manquantes": rows["missing_components"].map(lambda ids: _labels(ids, catalogue)),
        }
    )
    figures_shown = indicators.for_display(rows[[c for c in [*weighted, "nearest_site_travel_min"] if c in rows]])
    for component in figures_shown.columns:
        out[column_header(component, fictional_pool=fictional_pool)] = figures_shown[component].to_numpy()
    return out.reset_index(drop=True)


def indicators_table(table: pd.DataFrame, codes: Sequence[str], *, fictional_pool: bool = False) -> pd.DataFrame:
    """Every indicator of the shortlisted territories, one column per indicator with its unit and period (the
    pool-depth header says ``données fictives`` with ``fictional_pool``)."""
    rows = table[table["code"].isin(codes)].set_index("code").loc[list(codes)].reset_index()
    identity = [c for c in ("code", "name", "reg_code") if c in rows.columns]
    out = rows[identity].rename(columns={"code": "Code", "name": "Nom", "reg_code": "Région (code)"})
    shown = indicators.for_display(rows)
    for indicator_id in indicators.indicator_ids():
        if indicator_id in shown.columns:
            out[column_header(indicator_id, fictional_pool=fictional_pool)] = shown[indicator_id].to_numpy()
    return out


def method_table(selection: Selection, n_ranked: int, apart: Sequence[str] = ()) -> pd.DataFrame:
    """The weights, normalisation, filters and robustness settings behind the ranking, in plain French;
    ``apart``: the territories ranked apart (scored on less than ``MIN_RANKED_WEIGHT_PCT`` % of the weights)."""
    catalogue = sources.load_catalogue()
    weights = scoring.normalise_weights(selection.weights)
    rows = [
        ("Préréglage", selection.preset),
        ("Normalisation", "rang centile parmi les départements renseignés, 0 (moins favorable) à 100"),
        ("Agrégation", "moyenne pondérée ; composante manquante exclue et poids restants remis à 100 %"),
        (
            "Classés à part",
            f"score sur moins de {settings.MIN_RANKED_WEIGHT_PCT:g} % des poids : sans rang, après les autres"
            + (f" ({', '.join(apart)})" if apart else " (aucun)"),
        ),
    ]
    for component, weight in weights.items():
        direction = (
            "plus c'est élevé, mieux c'est"
            if catalogue[component].orientation == "higher"
            else "moins c'est élevé, mieux c'est"
        )
        fictional = f", {FICTIONAL}" if selection.fictional_pool and component == indicators.APPLICANTS_COLUMN else ""
        rows.append((f"Poids : {catalogue[component].label_fr}", f"{100 * weight:.0f} % ({direction}{fictional})"))
    rows += _filter_rows(selection.filters)
    rows += [
        (
            "Robustesse",
            f"rang recalculé pour {settings.ROBUSTNESS_DRAWS} tirages de poids (Dirichlet centré sur les poids "
            f"choisis, concentration {settings.ROBUSTNESS_CONCENTRATION:g}, graine {settings.ROBUSTNESS_SEED}) ; "
            "intervalle 5e–95e centile",
        ),
        (
            "Temps de trajet",
            f"estimation : distance à vol d'oiseau × {settings.ROAD_DETOUR_FACTOR:g} ÷ "
            f"{settings.AVERAGE_ROAD_SPEED_KMH:g} km/h depuis le centre de population",
        ),
        ("Territoires classés", str(n_ranked)),
        ("Méthode détaillée", "docs/method.md (OCDE/JRC, Handbook on Constructing Composite Indicators, 2008)"),
    ]
    return pd.DataFrame(rows, columns=["Élément", "Valeur"])


def sources_table(table: pd.DataFrame | None = None, *, fictional_pool: bool = False) -> pd.DataFrame:
    """Per indicator: label, unit, period, producer, dataset, licence, URL, coverage (from the data); with
    ``fictional_pool`` the pool depth's row says it comes from the demo file, ``données fictives``."""
    table = indicators.territory_table() if table is None else table
    provenance = indicators.provenance_table(table)
    if fictional_pool:
        pool = provenance["id"] == indicators.APPLICANTS_COLUMN
        provenance.loc[pool, "label"] = provenance.loc[pool, "label"] + f" — {FICTIONAL}"
        provenance.loc[pool, "period"] = f"fichier de démonstration ({FICTIONAL})"
    return provenance


def column_header(indicator_id: str, *, fictional_pool: bool = False) -> str:
    """``Label (unit, period)`` — how a figure is titled in every export; ``… — données fictives`` for the pool
    depth when the pool is the synthetic demo file."""
    indicator = sources.load_catalogue()[indicator_id]
    header = f"{indicator.label_fr} ({indicator.unit}, {indicators.period_of(indicator_id)})"
    return f"{header} — {FICTIONAL}" if fictional_pool and indicator_id == indicators.APPLICANTS_COLUMN else header


def workbook(
    table: pd.DataFrame,
    result: pd.DataFrame,
    codes: Sequence[str],
    selection: Selection,
    *,
    scenario_notes: Sequence[str] = (),
    decisions: Mapping[str, tuple[str, str]] | None = None,
) -> bytes:
    """The XLSX a manager downloads: sheets Shortlist, Indicateurs, Méthode et pondérations, Sources.

    The count in the first line is of the territories the constraints keep; the ones they exclude are listed in a
    note and marked in the ``Statut`` column. With ``selection.fictional_pool``, every sheet that holds a figure
    from the demo applicant file says ``données fictives`` (a note, the headers, the weight, the source row).
    From a saved scenario: ``scenario_notes`` (its name and version…) open the notes, and ``decisions`` (code ->
    status label, note) fill the columns of :func:`with_decisions`."""
    n_ranked = int(result["rank"].notna().sum())
    kept, excluded = kept_codes(result, codes), excluded_codes(result, codes)
    about = [
        f"Homeshore — shortlist de {len(kept)} territoires retenus, générée le {date.today():%d/%m/%Y}",
        f"Préréglage : {selection.preset} ; filtres : {describe_filters(selection.filters)}",
        f"Scores relatifs : rang parmi les {n_ranked} territoires retenus ; sources dans l'onglet « Sources ».",
    ]
    if excluded:
        about.insert(1, _excluded_note(excluded))
    fictional = selection.fictional_pool
    if fictional:
        about.append(FICTIONAL_NOTE)
    about = [*scenario_notes, *about]
    short = shortlist_table(table, result, codes, fictional_pool=fictional)
    sheets = (
        short if decisions is None else with_decisions(short, decisions),
        indicators_table(table, codes, fictional_pool=fictional),
        method_table(selection, n_ranked, result.loc[result["partial"], "code"].tolist()),
        sources_table(table, fictional_pool=fictional),
    )
    return export.shortlist_workbook(*sheets, about=about)


def with_decisions(frame: pd.DataFrame, decisions: Mapping[str, tuple[str, str]]) -> pd.DataFrame:
    """The shortlist table with a saved scenario's decision per territory (code -> status label, note) in two
    columns after ``Statut``; a territory the scenario does not hold has none."""
    out = frame.copy()
    at = list(out.columns).index(STATUS_COLUMN) + 1
    out.insert(at, DECISION_NOTE_COLUMN, [decisions.get(code, ("", ""))[1] for code in out["Code"]])
    out.insert(at, DECISION_COLUMN, [decisions.get(code, ("", ""))[0] for code in out["Code"]])
    return out


def _excluded_note(excluded: Sequence[str]) -> str:
    return (
        f"Non comptés : {len(excluded)} territoire(s) de votre sélection exclu(s) par vos contraintes actuelles "
        f"({', '.join(excluded)}), marqué(s) « {EXCLUDED.removesuffix(' : ')} » dans la colonne « {STATUS_COLUMN} »."
    )


def _score_header(weighted: Sequence[str], fictional_pool: bool) -> str:
    """The score's header; it says ``données fictives`` when the demo pool weighs in it."""
    if fictional_pool and indicators.APPLICANTS_COLUMN in weighted:
        return f"Score (0–100) — inclut des {FICTIONAL}"
    return "Score (0–100)"


def describe_filters(filters: scoring.Filters) -> str:
    """The active hard filters in one French phrase."""
    parts = [value for _, value in _filter_rows(filters)]
    return "; ".join(parts) if filters.is_active() else "aucun"


def _filter_rows(filters: scoring.Filters) -> list[tuple[str, str]]:
    rows = []
    if filters.min_ftth_pct is not None:
        rows.append(("Filtre fibre", f"au moins {filters.min_ftth_pct:g} % de locaux éligibles FttH"))
    if filters.max_travel_min is not None:
        rows.append(("Filtre trajet", f"site à {filters.max_travel_min:g} min au plus (estimation)"))
    if filters.max_hub_travel_min is not None:
        limit = filters.max_hub_travel_min
        text = "l'un de vos sites accessible par la route" if limit == float("inf") else f"{limit:g} min au plus"
        rows.append(("Filtre trajet vers vos sites", f"{text} (estimation) ; sans site accessible : exclu"))
    if filters.regions:
        rows.append(("Filtre régions", ", ".join(filters.regions)))
    return rows or [("Filtres", "aucun")]


def _interval(low: float, high: float) -> str:
    return "" if pd.isna(low) else f"{low:.0f}–{high:.0f}"


def _labels(ids: str, catalogue: Mapping[str, sources.Indicator]) -> str:
    return ", ".join(catalogue[i].label_fr for i in ids.split(", ") if i)
