"""Applicant-file benchmark: 1,000,000 and 2,000,000 generated applicants read, joined to communes and aggregated.

Measured on this machine, each in a fresh interpreter (so that peak memory is the phase's own), interleaved and
repeated ``REPEATS`` times (medians: the machine is shared, so only ratios measured in the same run compare):

- plain: ``pandas.read_csv(path, sep=";", encoding="cp1252", dtype=str)`` of the same file, the yardstick;
- ours: ``tabular.read_table`` of the CSV (cp1252, ``;``: detection, checks, pyarrow's reader), then
  ``applicants.import_frame`` (the join), then ``applicants.aggregate`` (départements, régions, communes, skills
  by département), indexes warm; wall time and the peak resident memory of the process (``VmHWM``, the whole
  process: Python, indexes, commune polygons, the file);
- command line: the wall time of ``regions candidates aggregate FILE`` (process start, imports, indexes, read,
  join, aggregate, output) against a fresh process doing the plain read;
- naive (first size only): the same rules row by row in Python (the scalar functions of ``regions.codes`` called
  for every row, one spatial-index probe per point) on a 20,000-row sample, EXTRAPOLATED linearly (said so in the
  table); its results are compared with the vectorised ones row for row;
- coordinates (first size only): the rows given by coordinates only, placed by ``applicants`` (one ``STRtree``
  query over distinct points) and by a geopandas point ``sjoin`` (``predicate="within"``) on the same rows.

The applicants are seeded and realistic: postcodes drawn from the La Poste postcode links weighted by commune
population, about half with the town's name (as written, upper case or without accents), some INSEE codes (some
with the leading zero Excel drops), some towns alone, some coordinates at a commune's point (half with decimal
commas), skills cells quoted, and 5 % bad rows (empty, malformed or unknown codes, Monaco, points at sea, unknown
towns).

Run: ``python benchmarks/candidates.py [n_rows ...]`` (default 1,000,000 then 2,000,000; a few minutes).
"""

from __future__ import annotations

import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from regions import _datafrance, applicants, codes, geo, locate, tabular

SIZES = (1_000_000, 2_000_000)
REPEATS = 3
NAIVE_SAMPLE = 20_000
SEED = 20261129
TARGET_SECONDS = 3.0  # per million rows, read + join + aggregate (indexes warm)
TARGET_RATIO = 1.5  # read + join + aggregate / plain pandas.read_csv of the same file, same run
TARGET_CLI_RATIO = 2.0  # `regions candidates aggregate FILE` / a fresh process doing the plain read
PHASE_KEYS = ("warm_s", "read_s", "join_s", "aggregate_s", "peak_mb", "base_mb")
TARGET_MB = 1536.0  # per million rows, peak resident memory of the whole process

KINDS = {"postcode_town": 0.50, "postcode": 0.15, "insee": 0.12, "town": 0.05, "coordinates": 0.13, "bad": 0.05}
BAD = [
    {},
    {"Code postal": "ABC"},
    {"Code postal": "00000"},
    {"Code postal": "98000"},
    {"Latitude": "46,0", "Longitude": "-8,0"},
    {"Ville": "Xyzzyville"},
    {"Code INSEE": "1X001"},
    {"Code postal": "01590"},
]
SKILLS = ["Relation client", "Vente", "Anglais", "Espagnol", "Recouvrement", "Support technique", "Back-office"]
AVAILABILITY = ["Immédiate", "Sous 1 mois", "Sous 3 mois"]
HEADERS = ["Identifiant", "Nom", "Code postal", "Ville", "Code INSEE", "Latitude", "Longitude", "Compétences",
           "Disponibilité", "Fibre", "RQTH", "Situation familiale"]  # fmt: skip


# --- the generated file ------------------------------------------------------------------------------------------


def generate(n_rows: int, seed: int = SEED) -> pd.DataFrame:
    """``n_rows`` synthetic applicants as text (see the module docstring for the mix)."""
    rng = np.random.default_rng(seed)
    communes = pd.DataFrame(geo.communes().drop(columns="geometry"))
    links = _datafrance.postcode_links()
    links = links[links["type"] == "COM"].merge(communes[["code", "name", "population"]], on="code")
    links["weight"] = links["population"].fillna(0) / links.groupby("code")["postcode"].transform("size")
    pick = rng.choice(len(links), size=n_rows, p=(links["weight"] / links["weight"].sum()).to_numpy())
    chosen = links.iloc[pick].reset_index(drop=True)
    kind = rng.choice(list(KINDS), size=n_rows, p=list(KINDS.values()))
    frame = pd.DataFrame({header: np.full(n_rows, "", dtype=object) for header in HEADERS})
    frame["Identifiant"] = [f"C{i:07d}" for i in range(n_rows)]
    frame["Nom"] = "Candidat " + pd.Series(np.arange(n_rows) % 9973).astype(str)
    _locations(frame, chosen, kind, rng)
    combos = ["; ".join(rng.choice(SKILLS, size=k, replace=False)) for k in rng.integers(1, 4, size=200)]
    frame["Compétences"] = np.asarray(combos, dtype=object)[rng.integers(0, len(combos), n_rows)]
    frame["Disponibilité"] = np.asarray(AVAILABILITY, dtype=object)[rng.integers(0, 3, n_rows)]
    frame["Fibre"] = np.where(rng.random(n_rows) < 0.7, "oui", "non")
    frame["RQTH"] = np.where(rng.random(n_rows) < 0.1, "oui", "")
    frame["Situation familiale"] = np.where(rng.random(n_rows) < 0.15, "parent isolé", "")
    return frame


def _locations(frame: pd.DataFrame, chosen: pd.DataFrame, kind: np.ndarray, rng: np.random.Generator) -> None:
    n_rows = len(frame)
    postcode = chosen["postcode"].astype(str).to_numpy(dtype=object)
    lost_zero = (rng.random(n_rows) < 0.5) & pd.Series(postcode).str.startswith("0").to_numpy()
    postcode = np.where(lost_zero, pd.Series(postcode).str[1:].to_numpy(), postcode)
    style = rng.random(n_rows)
    names = chosen["name"].astype(str)
    town = np.where(style < 0.6, names, np.where(style < 0.8, names.str.upper(), names.map(codes.slug)))
    code = chosen["code"].astype(str)
    insee = np.where(lost_zero, code.str[1:].to_numpy(), code.to_numpy())
    points = geo.commune_points().set_index("code").reindex(chosen["code"])
    comma = rng.random(n_rows) < 0.5
    lat = points["lat"].map("{:.5f}".format).to_numpy(dtype=object)
    lon = points["lon"].map("{:.5f}".format).to_numpy(dtype=object)
    lat = np.where(comma, pd.Series(lat).str.replace(".", ",").to_numpy(), lat)
    lon = np.where(comma, pd.Series(lon).str.replace(".", ",").to_numpy(), lon)
    columns: list[tuple[np.ndarray, str, np.ndarray]] = [
        (np.isin(kind, ["postcode_town", "postcode"]), "Code postal", postcode),
        (np.isin(kind, ["postcode_town", "town"]), "Ville", town),
        (kind == "insee", "Code INSEE", insee),
        ((kind == "coordinates") & points["lat"].notna().to_numpy(), "Latitude", lat),
        ((kind == "coordinates") & points["lat"].notna().to_numpy(), "Longitude", lon),
    ]
    for mask, column, values in columns:
        frame.loc[mask, column] = values[mask]
    bad = np.flatnonzero(kind == "bad")
    which = rng.integers(0, len(BAD), len(bad))
    for k, cells in enumerate(BAD):
        for column, value in cells.items():
            frame.loc[bad[which == k], column] = value


# --- measured phases (each run in a fresh interpreter) ------------------------------------------------------------


def _peak_mb() -> float:
    """Peak resident memory of this process in MB: ``VmHWM`` (reset by exec, unlike ``ru_maxrss``, which a child
    inherits from the parent that forked it), else ``ru_maxrss``."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def warm_up() -> None:
    """Build every index once (codes, commune polygons, the territory tables of each level), as an app does on its
    first import; nothing of the measured file."""
    warm = pd.DataFrame({"Code postal": ["01400"], "Ville": ["Ambérieu"], "Latitude": ["46"], "Longitude": ["5"]})
    matched = applicants.import_frame(warm).matched
    for level in ("departement", "region", "commune"):
        applicants.aggregate(matched, level)


def phase_vectorised(path: str) -> dict[str, float]:
    """Warm the indexes on a one-row file, then read, join and aggregate the file at ``path``."""
    start = time.perf_counter()
    warm_up()
    warm = time.perf_counter() - start
    base = _peak_mb()
    data = Path(path).read_bytes()
    start = time.perf_counter()
    table = tabular.read_table(data, "candidats.csv", max_bytes=len(data) + 1, max_rows=10**7)
    read = time.perf_counter() - start
    del data
    start = time.perf_counter()
    result = applicants.import_frame(table.frame, line_numbers=table.line_numbers, detected=table.detected)
    join = time.perf_counter() - start
    del table
    start = time.perf_counter()
    for level in ("departement", "region", "commune"):
        applicants.aggregate(result.matched, level)
    applicants.aggregate(result.matched, "departement", by="skills", mapping=result.mapping)
    aggregate = time.perf_counter() - start
    report = result.report()
    return {
        "warm_s": warm,
        "read_s": read,
        "join_s": join,
        "aggregate_s": aggregate,
        "base_mb": base,
        "peak_mb": _peak_mb(),
        "rows": float(result.rows_read),
        "matched": float(len(result.matched)),
        "report": report,  # type: ignore[dict-item]
    }


def phase_join_only(path: str) -> dict[str, float]:
    """On a frame read by pandas: the join logic alone (a commune or a reason per row, what the naive loop gives),
    then ``import_frame``'s memory over the frame (to separate it from the CSV reader's)."""
    warm_up()
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="cp1252")
    mapping = applicants.fields._full_mapping(applicants.detect_mapping(list(frame.columns)))
    start = time.perf_counter()
    locate.locate(frame, {name: mapping[name] for name in locate.LOCATION_FIELDS})
    logic = time.perf_counter() - start
    base = _peak_mb()
    result = applicants.import_frame(frame)
    return {"logic_s": logic, "base_mb": base, "peak_mb": _peak_mb(), "rows": float(result.rows_read)}


def phase_naive(path: str) -> dict[str, float]:
    """The per-row baseline on the first ``NAIVE_SAMPLE`` rows, and its agreement with the vectorised join."""
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="cp1252", nrows=NAIVE_SAMPLE)
    vectorised = applicants.import_frame(frame)  # also warms the indexes
    tree, positions = locate._commune_tree()
    location = ["Code INSEE", "Code postal", "Ville", "Latitude", "Longitude"]
    start = time.perf_counter()
    cells = zip(*(frame[column].tolist() for column in location), strict=True)
    naive = [naive_row(dict(zip(location, row, strict=True)), tree, positions) for row in cells]
    seconds = time.perf_counter() - start
    lines = pd.concat(
        [
            vectorised.matched.set_index("row")["commune_code"],
            vectorised.unmatched.set_index("row")["reason"],
        ]
    ).sort_index()
    agree = sum(1 for a, b in zip(naive, lines.tolist(), strict=True) if a == b)
    return {"naive_s": seconds, "rows": float(len(frame)), "agree": float(agree)}


def naive_row(row: dict[str, str], tree: shapely.STRtree, positions: np.ndarray) -> str:
    """One row, the same rules as ``candidates``, the scalar way: a commune code or a reason code."""
    table = locate.communes()
    first_reason: str | None = None
    attempts: list[Callable[[], tuple[str, str] | None]] = [
        lambda: _naive_insee(row["Code INSEE"]),
        lambda: _naive_postcode_town(row["Code postal"], row["Ville"]),
        lambda: _naive_postcode(row["Code postal"]),
        lambda: _naive_town(row["Code postal"], row["Ville"]),
        lambda: _naive_point(row["Latitude"], row["Longitude"], tree, positions, table),
    ]
    for attempt in attempts:
        outcome = attempt()
        if outcome is None:
            continue
        found, reason = outcome
        if found:
            return found
        first_reason = first_reason or reason
    return first_reason or "empty_location"


def _naive_insee(text: str) -> tuple[str, str] | None:
    if not text:
        return None
    try:
        return codes.normalise_commune(text), ""
    except codes.CodeError as error:
        if error.reason == "malformed":
            return "", "insee_malformed"
        return "", "outside_france" if locate._OUTSIDE_INSEE.match(text.upper()) else "insee_unknown"


def _naive_postcode_town(postcode: str, town: str) -> tuple[str, str] | None:
    if not postcode or not town:
        return None
    try:
        found = codes.communes_for_postcode(postcode, town=town)
    except codes.CodeError as error:
        return "", _naive_postcode_reason(error)
    return (found[0], "") if len(found) == 1 else ("", "town_ambiguous")


def _naive_postcode(postcode: str) -> tuple[str, str] | None:
    if not postcode:
        return None
    try:
        found = codes.postcode_communes(postcode)
    except codes.CodeError as error:
        return "", _naive_postcode_reason(error)
    return (found[0], "") if len(found) == 1 else ("", "postcode_ambiguous")


def _naive_postcode_reason(error: codes.CodeError) -> str:
    if error.reason == "town_not_in_postcode":
        return "town_not_in_postcode"
    return {"malformed": "postcode_malformed", "outside_france": "outside_france"}.get(error.reason, "postcode_unknown")


def _naive_town(postcode: str, town: str) -> tuple[str, str] | None:
    if not town:
        return None
    by_postcode = _naive_postcode(postcode)
    if by_postcode is not None and by_postcode[1] in ("", "postcode_ambiguous"):
        return None  # a known postcode: the town alone is not tried
    found = codes.find_communes_by_name(town)
    if len(found) == 1:
        return found[0], ""
    return "", "town_ambiguous" if found else "town_unknown"


def _naive_point(
    lat: str, lon: str, tree: shapely.STRtree, positions: np.ndarray, table: pd.DataFrame
) -> tuple[str, str] | None:
    if not lat and not lon:
        return None
    try:
        y, x = float(lat.replace(",", ".")), float(lon.replace(",", "."))
    except ValueError:
        return "", "coordinates_unreadable"
    hits = tree.query(shapely.Point(x, y), predicate="intersects")
    if len(hits) == 0:
        return "", "coordinates_outside"
    return str(table["code"].iloc[positions[hits].min()]), ""


def phase_coordinates(path: str) -> dict[str, float]:
    """Rows given by coordinates only: ``candidates`` (distinct points, one STRtree query) vs geopandas ``sjoin``."""
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="cp1252")
    frame = frame.loc[(frame["Latitude"] != "") & (frame["Code postal"] == ""), ["Latitude", "Longitude"]]
    frame = frame.reset_index(drop=True)
    communes = geo.communes()[["code", "geometry"]]
    communes = communes[communes.geometry.notna()]
    warm_up()
    communes.sindex  # noqa: B018 - build geopandas' index outside the timing too
    start = time.perf_counter()
    ours = applicants.import_frame(frame, {"lat": "Latitude", "lon": "Longitude"})
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    lat = pd.to_numeric(frame["Latitude"].str.replace(",", "."), errors="coerce")
    lon = pd.to_numeric(frame["Longitude"].str.replace(",", "."), errors="coerce")
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=communes.crs)
    joined = gpd.sjoin(points, communes, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    sjoin_s = time.perf_counter() - start
    return {"ours_s": ours_s, "sjoin_s": sjoin_s, "rows": float(len(frame)), "ours_matched": float(len(ours.matched)),
            "sjoin_matched": float(joined["code"].notna().sum())}  # fmt: skip


# --- driver -----------------------------------------------------------------------------------------------------


def phase_plain(path: str) -> dict[str, float]:
    """The yardstick: a plain ``pandas.read_csv`` of the same file, every column as text, nothing checked."""
    start = time.perf_counter()
    frame = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str)
    return {"plain_s": time.perf_counter() - start, "rows": float(len(frame)), "peak_mb": _peak_mb()}


def run_phase(name: str, path: str) -> dict[str, float]:
    code = f"import json, benchmarks.candidates as b; print(json.dumps(b.phase_{name}({path!r})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)  # fmt: skip
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def wall_seconds(command: list[str]) -> float:
    """Wall time of a fresh process, its start and imports included (its output discarded)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=Path(__file__).resolve().parent.parent)
    return time.perf_counter() - start


def plain_command(path: str) -> list[str]:
    code = f"import pandas as pd; pd.read_csv({path!r}, sep=';', encoding='cp1252', dtype=str)"
    return [sys.executable, "-c", code]


def cli_command(path: str) -> list[str]:
    """``regions candidates aggregate FILE``, as a user types it (the installed console script)."""
    script = Path(sys.executable).parent / "regions"
    launcher = [str(script)] if script.exists() else [sys.executable, "-c", "import sys; from regions.cli import "
                                                      "main; sys.exit(main())"]  # fmt: skip
    return [*launcher, "candidates", "aggregate", path, "--format", "csv"]


def write_file(n_rows: int, folder: str) -> str:
    start = time.perf_counter()
    frame = generate(n_rows)
    buffer = io.StringIO()
    frame.to_csv(buffer, sep=";", index=False)
    data = buffer.getvalue().encode("cp1252")
    print(f"generated {n_rows:,} applicants ({len(data) / 1e6:.0f} MB CSV, cp1252, ';') in "
          f"{time.perf_counter() - start:.1f} s")  # fmt: skip
    path = str(Path(folder) / f"candidats_{n_rows}.csv")
    Path(path).write_bytes(data)
    return path


def measure(path: str) -> dict[str, float]:
    """Plain read, read + join + aggregate, and the same two as fresh processes (the command line), interleaved
    ``REPEATS`` times: the median of each, and the ratios of the medians."""
    runs: dict[str, list[float]] = {}
    vector: dict[str, float] = {}
    for _ in range(REPEATS):
        plain = run_phase("plain", path)
        vector = run_phase("vectorised", path)
        values = {"plain_s": plain["plain_s"], "plain_mb": plain["peak_mb"],
                  "total_s": vector["read_s"] + vector["join_s"] + vector["aggregate_s"],
                  "plain_wall_s": wall_seconds(plain_command(path)), "cli_wall_s": wall_seconds(cli_command(path)),
                  **{key: vector[key] for key in PHASE_KEYS}}  # fmt: skip
        for key, value in values.items():
            runs.setdefault(key, []).append(value)
    out = {key: float(statistics.median(values)) for key, values in runs.items()}
    out.update(rows=vector["rows"], matched=vector["matched"])
    out["ratio"] = out["total_s"] / out["plain_s"]
    out["cli_ratio"] = out["cli_wall_s"] / out["plain_wall_s"]
    out["report"] = vector["report"]  # type: ignore[assignment]
    return out


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or list(SIZES)
    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    measured: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for k, n_rows in enumerate(sizes):
            path = write_file(n_rows, folder)
            measured[n_rows] = measure(path)
            if k == 0:
                join_only = run_phase("join_only", path)
                naive = run_phase("naive", path)
                coords = run_phase("coordinates", path)
                report(n_rows, measured[n_rows], join_only, naive, coords)
            Path(path).unlink()
    summary(measured)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")


def report(n_rows: int, vector: dict, join_only: dict, naive: dict, coords: dict) -> None:  # type: ignore[type-arg]
    scale = n_rows / naive["rows"]
    naive_extrapolated = naive["naive_s"] * scale
    print(f"\nreport: {json.dumps(vector['report'], ensure_ascii=False)}")
    print(f"\n{'step (median of ' + str(REPEATS) + ')':<62}{'seconds':>9}{'peak MB':>9}  note")
    rows = [
        ("index warm-up (once per process)", vector["warm_s"], vector["base_mb"], "codes, polygons, territories"),
        ("plain pandas.read_csv(sep=';', encoding='cp1252', dtype=str)", vector["plain_s"], vector["plain_mb"],
         "the yardstick, same file"),
        ("read CSV (tabular.read_table)", vector["read_s"], None, "detection, checks, pyarrow reader"),
        ("import_frame: join + matched/unmatched tables", vector["join_s"], None, ""),
        ("aggregate (dép., rég., communes, skills by dép.)", vector["aggregate_s"], None, ""),
        (f"read + import + aggregate, {n_rows:,} rows", vector["total_s"], vector["peak_mb"],
         f"{vector['ratio']:.2f}x the plain read"),
        ("join logic alone (commune or reason per row)", join_only["logic_s"], None, "pandas-read frame"),
        ("import_frame memory over a pandas-read frame", 0.0, join_only["peak_mb"],
         f"+{join_only['peak_mb'] - join_only['base_mb']:.0f} MB over frame + indexes"),
        (f"naive per-row join, {int(naive['rows']):,} rows MEASURED", naive["naive_s"], None,
         f"agrees on {int(naive['agree']):,}/{int(naive['rows']):,} rows"),
        (f"naive per-row join, EXTRAPOLATED x{scale:.0f} to {n_rows:,}", naive_extrapolated, None,
         "linear estimate, not run"),
        (f"coordinates: applicants, {int(coords['rows']):,} rows", coords["ours_s"], None,
         f"{int(coords['ours_matched']):,} placed"),
        ("coordinates: geopandas sjoin, same rows", coords["sjoin_s"], None,
         f"{int(coords['sjoin_matched']):,} placed"),
    ]  # fmt: skip
    for step, seconds, peak, note in rows:
        shown = f"{peak:9.0f}" if peak is not None else " " * 9
        print(f"{step:<62}{seconds:9.2f}{shown}  {note}")
    print("\nratios")
    print(f"  naive per-row (extrapolated) / join logic: {naive_extrapolated / join_only['logic_s']:.1f}x")
    print(f"  naive per-row (extrapolated) / import_frame (join + output tables): "
          f"{naive_extrapolated / vector['join_s']:.1f}x")  # fmt: skip
    print(f"  geopandas sjoin / applicants on the coordinate rows: {coords['sjoin_s'] / coords['ours_s']:.2f}x")


def summary(measured: dict[int, dict[str, float]]) -> None:
    """The targets, per size: time, memory, ratio to the plain read (in process, and as fresh processes)."""
    verdict = {True: "yes", False: "NO"}
    print(f"\n{'rows':>10}{'plain s':>9}{'ours s':>8}{'ratio':>7}{'peak MB':>9}{'plain proc s':>14}{'CLI s':>7}"
          f"{'CLI ratio':>11}")  # fmt: skip
    for n_rows, m in measured.items():
        print(f"{n_rows:>10,}{m['plain_s']:9.2f}{m['total_s']:8.2f}{m['ratio']:6.2f}x{m['peak_mb']:9.0f}"
              f"{m['plain_wall_s']:14.2f}{m['cli_wall_s']:7.2f}{m['cli_ratio']:10.2f}x")  # fmt: skip
        print(f"{'':>10}targets: <= {TARGET_SECONDS:.0f} s per million rows: "
              f"{verdict[m['total_s'] <= TARGET_SECONDS * n_rows / 1e6]}; <= {TARGET_RATIO}x the plain read: "
              f"{verdict[m['ratio'] <= TARGET_RATIO]}; command line <= {TARGET_CLI_RATIO}x a fresh plain read: "
              f"{verdict[m['cli_ratio'] <= TARGET_CLI_RATIO]}; peak <= {TARGET_MB:.0f} MB per million rows: "
              f"{verdict[m['peak_mb'] <= TARGET_MB * max(1.0, n_rows / 1e6)]}")  # fmt: skip
    sizes = sorted(measured)
    if len(sizes) > 1:
        small, large = measured[sizes[0]], measured[sizes[-1]]
        print(f"  scaling {sizes[-1]:,} / {sizes[0]:,} rows: time x{large['total_s'] / small['total_s']:.2f}, "
              f"peak memory x{large['peak_mb'] / small['peak_mb']:.2f} (rows x{sizes[-1] / sizes[0]:.0f})")  # fmt: skip


if __name__ == "__main__":
    main()
