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

from regions import export, indicators, scoring, settings, sources, wording
from regions.formatting import Lang

#: What a shortlist's status column says, by language: kept, or excluded by the current constraints (the reason).
KEPT: dict[Lang, str] = {"fr": "retenu", "en": "kept"}
EXCLUDED: dict[Lang, str] = {"fr": "exclu par vos contraintes : ", "en": "excluded by your constraints: "}
#: How a figure computed from the synthetic demo applicant file is labelled, in headers, notes and sheets.
FICTIONAL_WORDS: dict[Lang, str] = {"fr": "données fictives", "en": "fictional data"}
FICTIONAL = FICTIONAL_WORDS["fr"]
FICTIONAL_NOTES: dict[Lang, str] = {
    "fr": "Données fictives : la profondeur du vivier vient du fichier de démonstration (candidats inventés), pas de "
    "vos candidats.",
    "en": "Fictional data: the pool depth comes from the demo file (invented applicants), not from your applicants.",
}
FICTIONAL_NOTE = FICTIONAL_NOTES["fr"]
#: Figures shown to a whole number in exports (minutes, counts); the others to one decimal.
WHOLE_UNITS = ("min", "sites", "personnes", "habitants", "familles", "locaux")


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
    table: pd.DataFrame,
    result: pd.DataFrame,
    codes: Sequence[str],
    *,
    fictional_pool: bool = False,
    lang: Lang = "fr",
) -> pd.DataFrame:
    """One row per shortlisted territory (in rank order, excluded ones last): rank and interval, status (kept, or
    excluded by your constraints with the reason of ``result``), score, what is missing, the value of each
    weighted component and the estimated travel time to the nearest site (rounded: :func:`rounded`), with readable
    headers in ``lang``. With ``fictional_pool``, the pool-depth column and a score that weighs it say so."""
    weighted = [c.removeprefix("contrib_") for c in result.columns if c.startswith("contrib_")]
    figures = table.drop(columns=[c for c in ("name", "reg_code") if c in table.columns])
    rows = result[result["code"].isin(codes)].merge(figures, on="code", how="left", validate="one_to_one")
    rows = rows.sort_values(["rank", "score"], ascending=[True, False], na_position="last")
    h = wording.header
    out = pd.DataFrame(
        {
            h("rank", lang): rows["rank"].astype("Int64"),
            h("rank_interval", lang): [
                _interval(lo, hi) for lo, hi in zip(rows["rank_p05"], rows["rank_p95"], strict=True)
            ],
            h("code", lang): rows["code"],
            h("departement" if "reg_code" in table.columns else "region", lang): rows["name"],
            h("status", lang): [
                f"{EXCLUDED[lang]}{reason}" if reason else KEPT[lang] for reason in rows["excluded_reason"].fillna("")
            ],
            _score_header(weighted, fictional_pool, lang): rows["score"].round(1),
            h("weight_available", lang): rows["weight_available_pct"].round().astype("Int64"),
            h("missing", lang): rows["missing_components"].map(lambda ids: _labels(ids, lang)),
        }
    )
    shown = rounded(rows[[c for c in [*weighted, "nearest_site_travel_min"] if c in rows]])
    for component in shown.columns:
        out[column_header(component, fictional_pool=fictional_pool, lang=lang)] = shown[component].to_numpy()
    return out.reset_index(drop=True)


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Catalogued figures as an export shows them: counts and minutes as whole numbers, the others to one decimal
    (never 13 decimals); a missing figure stays empty."""
    catalogue = sources.load_catalogue()
    out = frame.copy()
    for column in out.columns:
        indicator = catalogue.get(str(column))
        if indicator is None:
            continue
        values = pd.to_numeric(out[column], errors="coerce")
        whole = indicator.kind == "count" or indicator.unit in WHOLE_UNITS
        out[column] = values.round().astype("Int64") if whole else values.round(1)
    return out


def indicators_table(
    table: pd.DataFrame, codes: Sequence[str], *, fictional_pool: bool = False, lang: Lang = "fr"
) -> pd.DataFrame:
    """Every indicator of the shortlisted territories, one column per indicator with its unit and period, rounded
    (the pool-depth header says its data are fictional with ``fictional_pool``)."""
    rows = table[table["code"].isin(codes)].set_index("code").loc[list(codes)].reset_index()
    identity = {"code": "code", "name": "name", "reg_code": "region_code"}
    present = [c for c in identity if c in rows.columns]
    out = rows[present].rename(columns={c: wording.header(identity[c], lang) for c in present})
    shown = rounded(rows)
    for indicator_id in indicators.indicator_ids():
        if indicator_id in shown.columns:
            header = column_header(indicator_id, fictional_pool=fictional_pool, lang=lang)
            out[header] = shown[indicator_id].to_numpy()
    return out


_METHOD: dict[Lang, dict[str, str]] = {
    "fr": {
        "preset": "Préréglage",
        "normalisation": "Normalisation",
        "normalisation_text": "rang centile parmi les départements renseignés, 0 (moins favorable) à 100",
        "aggregation": "Agrégation",
        "aggregation_text": "moyenne pondérée ; composante manquante exclue et poids restants remis à 100 %",
        "apart": "Classés à part",
        "apart_text": "score sur moins de {pct:g} % des poids : sans rang, après les autres",
        "none": "aucun",
        "weight": "Poids : {label}",
        "higher": "plus c'est élevé, mieux c'est",
        "lower": "moins c'est élevé, mieux c'est",
        "robustness": "Robustesse",
        "robustness_text": "rang recalculé pour {draws} tirages de poids (Dirichlet centré sur les poids choisis, "
        "concentration {concentration:g}, graine {seed}) ; intervalle 5e–95e centile",
        "travel": "Temps de trajet",
        "travel_text": "estimation : distance à vol d'oiseau × {factor:g} ÷ {speed:g} km/h depuis le centre de "
        "population",
        "ranked": "Territoires classés",
        "doc": "Méthode détaillée",
        "doc_text": "docs/method.md (OCDE/JRC, Handbook on Constructing Composite Indicators, 2008)",
    },
    "en": {
        "preset": "Preset",
        "normalisation": "Normalisation",
        "normalisation_text": "percentile rank among the départements with a figure, 0 (least favourable) to 100",
        "aggregation": "Aggregation",
        "aggregation_text": "weighted mean; a missing component is left out and the remaining weights rescaled to 100%",
        "apart": "Ranked apart",
        "apart_text": "score on less than {pct:g}% of the weights: no rank, after the others",
        "none": "none",
        "weight": "Weight: {label}",
        "higher": "the higher, the better",
        "lower": "the lower, the better",
        "robustness": "Robustness",
        "robustness_text": "rank recomputed for {draws} draws of weights (Dirichlet centred on the chosen weights, "
        "concentration {concentration:g}, seed {seed}); 5th–95th percentile interval",
        "travel": "Travel time",
        "travel_text": "estimate: straight-line distance × {factor:g} ÷ {speed:g} km/h from the population centre",
        "ranked": "Territories ranked",
        "doc": "Detailed method",
        "doc_text": "docs/method.md (OECD/JRC, Handbook on Constructing Composite Indicators, 2008)",
    },
}


def method_table(selection: Selection, n_ranked: int, apart: Sequence[str] = (), *, lang: Lang = "fr") -> pd.DataFrame:
    """The weights, normalisation, filters and robustness settings behind the ranking, in plain words of ``lang``;
    ``apart``: the territories ranked apart (scored on less than ``MIN_RANKED_WEIGHT_PCT`` % of the weights)."""
    words = _METHOD[lang]
    rows: list[tuple[str, object]] = [
        (words["preset"], scoring.preset_label(selection.preset, lang)),
        (words["normalisation"], words["normalisation_text"]),
        (words["aggregation"], words["aggregation_text"]),
        (
            words["apart"],
            words["apart_text"].format(pct=settings.MIN_RANKED_WEIGHT_PCT)
            + (f" ({', '.join(apart)})" if apart else f" ({words['none']})"),
        ),
    ]
    rows += _weight_rows(selection, lang)
    rows += _filter_rows(selection.filters, lang)
    rows += [
        (
            words["robustness"],
            words["robustness_text"].format(
                draws=settings.ROBUSTNESS_DRAWS,
                concentration=settings.ROBUSTNESS_CONCENTRATION,
                seed=settings.ROBUSTNESS_SEED,
            ),
        ),
        (
            words["travel"],
            words["travel_text"].format(factor=settings.ROAD_DETOUR_FACTOR, speed=settings.AVERAGE_ROAD_SPEED_KMH),
        ),
        (words["ranked"], n_ranked),
        (words["doc"], words["doc_text"]),
    ]
    frame = pd.DataFrame({wording.header("item", lang): [label for label, _ in rows]})
    frame[wording.header("value", lang)] = pd.Series([value for _, value in rows], dtype=object)  # a count a number
    return frame


def _weight_rows(selection: Selection, lang: Lang) -> list[tuple[str, str]]:
    """One row per weighted component: ``Poids : label`` -> ``25 % (plus c'est élevé, mieux c'est)``."""
    catalogue, words = sources.load_catalogue(), _METHOD[lang]
    rows = []
    for component, weight in scoring.normalise_weights(selection.weights).items():
        direction = words["higher"] if catalogue[component].orientation == "higher" else words["lower"]
        pool = selection.fictional_pool and component == indicators.APPLICANTS_COLUMN
        fictional = f", {FICTIONAL_WORDS[lang]}" if pool else ""
        share = f"{100 * weight:.0f} %" if lang == "fr" else f"{100 * weight:.0f}%"
        label = words["weight"].format(label=sources.label(component, lang))
        rows.append((label, f"{share} ({direction}{fictional})"))
    return rows


_SOURCE_COLUMNS: tuple[str, ...] = (
    "label", "unit", "period", "status", "producer", "dataset", "obtained", "method", "copy_read", "licence", "url",
    "coverage",
)  # fmt: skip
_SOURCE_HEADERS: dict[str, str] = {"status": "source_status"}
_TRANSLATED: tuple[str, ...] = ("unit", "period", "status", "producer", "obtained")


def sources_table(
    table: pd.DataFrame | None = None, *, fictional_pool: bool = False, lang: Lang = "fr"
) -> pd.DataFrame:
    """Per indicator: label, unit, period, producer, dataset, licence, URL, coverage (from the data), with readable
    headers in ``lang``; with ``fictional_pool`` the pool depth's row says it comes from the demo file."""
    table = indicators.territory_table() if table is None else table
    provenance = indicators.provenance_table(table)
    provenance["label"] = [sources.label(identifier, lang) for identifier in provenance["id"]]
    if lang == "en":  # the catalogue writes Homeshore's methods in French: point to the method document instead
        computed = provenance["producer"] == indicators.COMPUTED_PRODUCER
        provenance.loc[computed, "dataset"] = "method in docs/method.md"
        written = provenance["method"].fillna("").astype(str).str.strip() != ""
        provenance.loc[written, "method"] = "docs/method.md"
    for column in _TRANSLATED:
        provenance[column] = provenance[column].map(lambda text: wording.catalogue_text(str(text), lang))
    if fictional_pool:
        words = FICTIONAL_WORDS[lang]
        pool = provenance["id"] == indicators.APPLICANTS_COLUMN
        provenance.loc[pool, "label"] = provenance.loc[pool, "label"] + f" — {words}"
        demo = "fichier de démonstration" if lang == "fr" else "demo file"
        provenance.loc[pool, "period"] = f"{demo} ({words})"
    out = provenance[list(_SOURCE_COLUMNS)]
    return out.rename(columns={c: wording.header(_SOURCE_HEADERS.get(c, c), lang) for c in _SOURCE_COLUMNS})


def column_header(indicator_id: str, *, fictional_pool: bool = False, lang: Lang = "fr") -> str:
    """``Label (unit, period)`` in ``lang`` — how a figure is titled in every export; ``… — données fictives`` for
    the pool depth when the pool is the synthetic demo file."""
    indicator = sources.load_catalogue()[indicator_id]
    unit = wording.catalogue_text(indicator.unit, lang)
    period = wording.catalogue_text(indicators.period_of(indicator_id), lang)
    header = f"{sources.label(indicator_id, lang)} ({unit}, {period})"
    pool = fictional_pool and indicator_id == indicators.APPLICANTS_COLUMN
    return f"{header} — {FICTIONAL_WORDS[lang]}" if pool else header


@dataclass(frozen=True)
class Scenario:
    """The saved scenario an export comes from: name, version, and the decision (status id, note) per code."""

    name: str
    version: int
    decisions: Mapping[str, tuple[str, str]]
    #: Whether the weights or constraints were changed since that version (and not saved).
    modified: bool = False


_ABOUT: dict[Lang, dict[str, str]] = {
    "fr": {
        "export": "Export",
        "title": "Homeshore — shortlist de {n} territoires retenus",
        "date": "Date",
        "lang": "Langue",
        "scenario": "Scénario",
        "scenario_text": "{name} — version {version}",
        "decisions": "Décisions (statut et note)",
        "decisions_text": "celles de la version {version}",
        "modified": "Modifié",
        "modified_text": "pondérations ou contraintes modifiées depuis la version {version}, non enregistrées",
        "preset": "Préréglage",
        "weights": "Pondérations",
        "filters": "Filtres",
        "not_counted": "Non comptés",
        "not_counted_text": "{n} territoire(s) de votre sélection exclu(s) par vos contraintes actuelles "
        "({codes}), marqué(s) « {mark} » dans la colonne « {column} »",
        "scores": "Scores",
        "scores_text": "relatifs : rang parmi les {n} territoires retenus",
        "data": "Données",
        "source": "Source ({label})",
    },
    "en": {
        "export": "Export",
        "title": "Homeshore — shortlist of {n} kept territories",
        "date": "Date",
        "lang": "Language",
        "scenario": "Scenario",
        "scenario_text": "{name} — version {version}",
        "decisions": "Decisions (status and note)",
        "decisions_text": "those of version {version}",
        "modified": "Modified",
        "modified_text": "weights or constraints changed since version {version}, not saved",
        "preset": "Preset",
        "weights": "Weights",
        "filters": "Filters",
        "not_counted": "Not counted",
        "not_counted_text": "{n} territory(ies) of your selection excluded by your current constraints ({codes}), "
        "marked “{mark}” in the column “{column}”",
        "scores": "Scores",
        "scores_text": "relative: rank among the {n} kept territories",
        "data": "Data",
        "source": "Source ({label})",
    },
}


def about_rows(
    table: pd.DataFrame,
    result: pd.DataFrame,
    codes: Sequence[str],
    selection: Selection,
    *,
    lang: Lang = "fr",
    scenario: Scenario | None = None,
    today: date | None = None,
) -> list[tuple[str, str]]:
    """What a shortlist export says about itself, as (label, value) in ``lang``: title, date, language, the
    scenario's name and version, preset, weights, filters, what is not counted, and the source of each figure
    shown (producer, dataset, period, licence). A CSV writes them as ``#`` lines, an XLSX as its companion sheet."""
    words = _ABOUT[lang]
    kept, excluded = kept_codes(result, codes), excluded_codes(result, codes)
    rows = []
    if scenario is not None:  # first, as the notes of the shortlist's sheet always opened
        rows.append((words["scenario"], words["scenario_text"].format(name=scenario.name, version=scenario.version)))
        rows.append((words["decisions"], words["decisions_text"].format(version=scenario.version)))
        if scenario.modified:
            rows.append((words["modified"], words["modified_text"].format(version=scenario.version)))
    rows.append((words["export"], words["title"].format(n=len(kept))))
    if excluded:
        text = words["not_counted_text"].format(
            n=len(excluded), codes=", ".join(excluded), mark=EXCLUDED[lang].rstrip(" :"),
            column=wording.header("status", lang),
        )  # fmt: skip
        rows.append((words["not_counted"], text))
    rows.append((words["preset"], scoring.preset_label(selection.preset, lang)))
    rows.append((words["weights"], describe_weights(selection.weights, lang)))
    rows.append((words["filters"], describe_filters(selection.filters, lang)))
    rows.append((words["scores"], words["scores_text"].format(n=int(result["rank"].notna().sum()))))
    if selection.fictional_pool:
        rows.append((words["data"], FICTIONAL_NOTES[lang]))
    rows += [(words["date"], f"{today or date.today():%Y-%m-%d}"), (words["lang"], wording.LANGUAGE_NAMES[lang])]
    return rows + _source_rows(table, result, lang, fictional_pool=selection.fictional_pool)


def describe_weights(weights: Mapping[str, float], lang: Lang = "fr") -> str:
    """``Taux de chômage localisé 25 % ; …`` (the normalised weights, labelled in ``lang``)."""
    sign, glue = (" %", " ; ") if lang == "fr" else ("%", "; ")
    normalised = scoring.normalise_weights(weights)
    return glue.join(f"{sources.label(c, lang)} {100 * w:.0f}{sign}" for c, w in normalised.items())


def _source_rows(
    table: pd.DataFrame, result: pd.DataFrame, lang: Lang, *, fictional_pool: bool = False
) -> list[tuple[str, str]]:
    """``Source : label`` -> ``producer — dataset — period — licence`` for each weighted figure and the travel time
    (the pool depth from the demo file says it is fictional)."""
    shown = [c.removeprefix("contrib_") for c in result.columns if c.startswith("contrib_")]
    shown += [c for c in ("nearest_site_travel_min",) if c in table.columns and c not in shown]
    provenance = {str(row["id"]): row for _, row in indicators.provenance_table(table[["code", *shown]]).iterrows()}
    rows = []
    for identifier in shown:
        if identifier not in provenance:
            continue
        text = source_line(provenance[identifier], lang)
        if fictional_pool and identifier == indicators.APPLICANTS_COLUMN:
            demo = "fichier de démonstration" if lang == "fr" else "demo file"
            text = f"{demo} ({FICTIONAL_WORDS[lang]})"
        rows.append((_ABOUT[lang]["source"].format(label=sources.label(identifier, lang)), text))
    return rows


def source_line(provenance: pd.Series, lang: Lang = "fr") -> str:
    """``producer — dataset — period — licence`` of one row of ``indicators.provenance_table``, in ``lang``. The
    dataset is named as its producer titles it; a figure Homeshore computes has its method instead, which the
    catalogue writes in French: an English line points to docs/method.md."""
    text = {key: str(provenance.get(key) or "") for key in ("producer", "dataset", "period", "licence")}
    if lang == "en" and text["producer"] == indicators.COMPUTED_PRODUCER:
        text["dataset"] = "method in docs/method.md"
    text["producer"] = wording.catalogue_text(text["producer"], lang)
    text["period"] = wording.catalogue_text(text["period"], lang)
    parts = (text["producer"], text["dataset"], text["period"], text["licence"])
    return " — ".join(part for part in parts if part and part not in ("nan", "None"))


def workbook(
    table: pd.DataFrame,
    result: pd.DataFrame,
    codes: Sequence[str],
    selection: Selection,
    *,
    lang: Lang = "fr",
    scenario: Scenario | None = None,
) -> bytes:
    """The XLSX a manager downloads: sheets Shortlist, Indicateurs, Méthode et pondérations, Sources (named in
    ``lang``), and the companion sheet of :func:`about_rows`.

    The count in the first line is of the territories the constraints keep; the ones they exclude are listed in a
    note and marked in the status column. With ``selection.fictional_pool``, every sheet that holds a figure from
    the demo applicant file says it is fictional (a note, the headers, the weight, the source row). From a saved
    ``scenario``: its name and version open the notes, and its decisions fill the columns of
    :func:`with_decisions`."""
    about = about_rows(table, result, codes, selection, lang=lang, scenario=scenario)
    fictional = selection.fictional_pool
    short = shortlist_table(table, result, codes, fictional_pool=fictional, lang=lang)
    sheets = (
        short if scenario is None else with_decisions(short, scenario.decisions, lang=lang),
        indicators_table(table, codes, fictional_pool=fictional, lang=lang),
        method_table(selection, int(result["rank"].notna().sum()), _apart(result), lang=lang),
        sources_table(table, fictional_pool=fictional, lang=lang),
    )
    notes = _notes(about, lang)
    return export.shortlist_workbook(*sheets, notes=notes, about=about, lang=lang)


def csv_file(
    table: pd.DataFrame,
    result: pd.DataFrame,
    codes: Sequence[str],
    selection: Selection,
    *,
    lang: Lang = "fr",
    scenario: Scenario | None = None,
    french_excel: bool | None = None,
) -> bytes:
    """The shortlist as CSV for Excel, its :func:`about_rows` as the commented block above the header."""
    short = shortlist_table(table, result, codes, fictional_pool=selection.fictional_pool, lang=lang)
    rows = short if scenario is None else with_decisions(short, scenario.decisions, lang=lang)
    about = about_rows(table, result, codes, selection, lang=lang, scenario=scenario)
    return export.csv_file(rows, lang=lang, about=about, french_excel=french_excel)


def _notes(about: Sequence[tuple[str, str]], lang: Lang) -> list[str]:
    """The lines above the Shortlist sheet's table: the metadata but the sources (they have their sheet)."""
    source = _ABOUT[lang]["source"].split("{")[0]
    return [export.comment_line(label, value, lang).removeprefix("# ") for label, value in about
            if not label.startswith(source)]  # fmt: skip


def _apart(result: pd.DataFrame) -> list[str]:
    return [str(code) for code in result.loc[result["partial"], "code"]]


def with_decisions(frame: pd.DataFrame, decisions: Mapping[str, tuple[str, str]], *, lang: Lang = "fr") -> pd.DataFrame:
    """The shortlist table with a saved scenario's decision per territory (code -> status id, note) in two columns
    after the status, the status in words of ``lang``; a territory the scenario does not hold has none."""
    out = frame.copy()
    at = list(out.columns).index(wording.header("status", lang)) + 1
    labels = wording.STATUS_LABELS[lang]
    codes = out[wording.header("code", lang)]
    out.insert(at, wording.header("decision_note", lang), [decisions.get(code, ("", ""))[1] for code in codes])
    status = [labels.get(decisions[code][0], decisions[code][0]) if code in decisions else "" for code in codes]
    out.insert(at, wording.header("decision", lang), status)
    return out


def _score_header(weighted: Sequence[str], fictional_pool: bool, lang: Lang) -> str:
    """The score's header; it says the data are fictional when the demo pool weighs in it."""
    header = wording.header("score", lang)
    if fictional_pool and indicators.APPLICANTS_COLUMN in weighted:
        return f"{header} — {'inclut des' if lang == 'fr' else 'includes'} {FICTIONAL_WORDS[lang]}"
    return header


_FILTERS: dict[Lang, dict[str, str]] = {
    "fr": {
        "ftth": "Filtre fibre",
        "ftth_text": "au moins {v:g} % de locaux éligibles FttH",
        "travel": "Filtre trajet",
        "travel_text": "site à {v:g} min au plus (estimation)",
        "hub": "Filtre trajet vers vos sites",
        "hub_any": "l'un de vos sites accessible par la route",
        "hub_limit": "{v:g} min au plus",
        "hub_text": "{text} (estimation) ; sans site accessible : exclu",
        "regions": "Filtre régions",
        "none_label": "Filtres",
        "none": "aucun",
    },
    "en": {
        "ftth": "Fibre filter",
        "ftth_text": "at least {v:g}% of premises eligible for FTTH",
        "travel": "Travel filter",
        "travel_text": "a site {v:g} min away at most (estimate)",
        "hub": "Travel filter to your sites",
        "hub_any": "one of your sites reachable by road",
        "hub_limit": "{v:g} min at most",
        "hub_text": "{text} (estimate); with no site reachable: excluded",
        "regions": "Régions filter",
        "none_label": "Filters",
        "none": "none",
    },
}


def describe_filters(filters: scoring.Filters, lang: Lang = "fr") -> str:
    """The active hard filters in one phrase of ``lang``."""
    parts = [value for _, value in _filter_rows(filters, lang)]
    return ("; ".join(parts)) if filters.is_active() else _FILTERS[lang]["none"]


def _filter_rows(filters: scoring.Filters, lang: Lang = "fr") -> list[tuple[str, str]]:
    words = _FILTERS[lang]
    rows = []
    if filters.min_ftth_pct is not None:
        rows.append((words["ftth"], words["ftth_text"].format(v=filters.min_ftth_pct)))
    if filters.max_travel_min is not None:
        rows.append((words["travel"], words["travel_text"].format(v=filters.max_travel_min)))
    if filters.max_hub_travel_min is not None:
        limit = filters.max_hub_travel_min
        text = words["hub_any"] if limit == float("inf") else words["hub_limit"].format(v=limit)
        rows.append((words["hub"], words["hub_text"].format(text=text)))
    if filters.regions:
        rows.append((words["regions"], ", ".join(filters.regions)))
    return rows or [(words["none_label"], words["none"])]


def _interval(low: float, high: float) -> str:
    return "" if pd.isna(low) else f"{low:.0f}–{high:.0f}"


def _labels(ids: str, lang: Lang) -> str:
    return ", ".join(sources.label(i, lang) for i in ids.split(", ") if i)
