"""Select applicants by département and job fields (never by a sensitive field), with travel time to a site."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from regions import codes, formatting, locate, sites
from regions.applicants.aggregate import _category_key
from regions.applicants.fields import SKILL_SEPARATORS, TRUTHY, ColumnMapping, sensitive_columns
from regions.formatting import Lang

TRAVEL_COLUMN: Final[str] = "nearest_site_travel_min"


def select_applicants(
    matched: pd.DataFrame,
    mapping: ColumnMapping,
    *,
    departements: Sequence[str],
    skills: Sequence[str] = (),
    availability: Sequence[str] = (),
    fibre_only: bool = False,
    max_travel_min: float | None = None,
    site_points: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Applicants living in ``departements``, filtered on job-relevant criteria only, in file order.

    ``skills``: keep those with any of them (case-insensitive, on the split skills cell); ``availability``: keep
    those whose availability equals one of them (case-insensitive); ``fibre_only``: keep those whose fibre cell is
    ``TRUTHY``; ``max_travel_min``: keep those whose commune point is within that estimated travel time of a site
    on the same road network (``sites.travel_minutes``; an unknown time fails the filter). Adds
    ``nearest_site_travel_min``. Sensitive fields are never read here.
    """
    wanted_deps = {codes.normalise_departement(code) for code in departements}
    keep = np.array(matched["dep_code"].astype(str).isin(wanted_deps), dtype=bool)
    if skills:
        wanted = {_category_key(skill) for skill in skills if skill.strip()}
        keep &= _cells_match(matched[_job_column(matched, mapping, "skills")], wanted, split=True)
    if availability:
        wanted = {_category_key(value) for value in availability}
        keep &= _cells_match(matched[_job_column(matched, mapping, "availability")], wanted, split=False)
    if fibre_only:
        keep &= _cells_match(matched[_job_column(matched, mapping, "fibre")], set(TRUTHY), split=False)
    out = matched.loc[keep].copy()
    points = site_points if site_points is not None else sites.load_sites()
    out[TRAVEL_COLUMN] = _travel_minutes(out["commune_code"].astype(str), points)
    if max_travel_min is not None:
        out = out[out[TRAVEL_COLUMN].le(max_travel_min)]
    return out.reset_index(drop=True)


def _job_column(matched: pd.DataFrame, mapping: ColumnMapping, name: str) -> str:
    """The column of a job field; refused if missing or if it looks sensitive (it would filter on health or family)."""
    column = mapping.get(name)
    if column is None or column not in matched.columns:
        raise ValueError(f"Filtre impossible : aucune colonne du fichier n'est associée au champ « {name} »")
    if column in sensitive_columns(matched[[column]], mapping):
        raise ValueError(f"Filtre refusé : la colonne « {column} » contient des données sensibles")
    return column


def selection_about(
    *,
    departements: Sequence[str],
    skills: Sequence[str] = (),
    availability: Sequence[str] = (),
    fibre_only: bool = False,
    max_travel_min: float | None = None,
    lang: Lang = "fr",
) -> list[str]:
    """The filters of :func:`select_applicants`, in ``lang``, one line each (for the "À propos" sheet)."""
    if lang == "en":
        travel = "no limit" if max_travel_min is None else f"at most {formatting.number(max_travel_min, lang=lang)} min"
        return [
            f"Départements: {', '.join(departements) or 'none'}",
            f"Skills (at least one): {', '.join(skills)}" if skills else "Skills: all",
            f"Availability: {', '.join(availability)}" if availability else "Availability: all",
            f"Fibre connection required: {'yes' if fibre_only else 'no'}",
            f"Travel to the nearest site: {travel}" + ("" if max_travel_min is None else " (estimate)"),
        ]
    travel = (
        "sans limite" if max_travel_min is None else f"au plus {formatting.number(max_travel_min)} min (estimation)"
    )
    return [
        f"Départements : {', '.join(departements) or 'aucun'}",
        f"Compétences (au moins une) : {', '.join(skills)}" if skills else "Compétences : toutes",
        f"Disponibilité : {', '.join(availability)}" if availability else "Disponibilité : toutes",
        f"Connexion fibre exigée : {'oui' if fibre_only else 'non'}",
        f"Trajet jusqu'au site le plus proche : {travel}",
    ]


def _cells_match(values: pd.Series, wanted: set[str], split: bool) -> npt.NDArray[np.bool_]:
    """Per row: does the cell (or one of its parts) equal one of ``wanted`` keys? Solved per distinct cell."""
    ids, uniques = pd.factorize(values, use_na_sentinel=True)
    hits = [
        any(_category_key(part) in wanted for part in (SKILL_SEPARATORS.split(text) if split else [text]))
        for text in (locate.cell_text(value) for value in uniques)
    ]
    per_cell = np.array([*hits, False], dtype=bool)
    return np.asarray(per_cell[ids], dtype=bool)  # id -1 -> the trailing False


def _travel_minutes(commune_codes: pd.Series, site_points: gpd.GeoDataFrame) -> npt.NDArray[np.float64]:
    """Estimated minutes from each commune's point to the nearest site on the same road network (NaN: none), by
    ``sites.site_access`` once per distinct commune."""
    distinct, ids = np.unique(commune_codes.to_numpy(dtype=str), return_inverse=True)
    if len(distinct) == 0:
        return np.array([], dtype=float)
    origins = locate.communes().set_index("code").loc[distinct, ["dep_code", "lat", "lon"]].reset_index()
    minutes = sites.site_access(origins, site_points)["nearest_site_travel_min"].to_numpy(dtype=float)
    return np.asarray(minutes[ids.reshape(-1)], dtype=float)
