"""``regions candidates import|aggregate|shortlist``: the recruiter's applicant files (:mod:`regions.applicants`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from regions import applicants, files, settings, tabular
from regions.cli.common import Parser, add_not_sensitive, add_output, departement_codes, minutes_arg, render
from regions.cli.options import add_lang_option


def add_candidates(commands: argparse._SubParsersAction[Parser]) -> None:
    group = commands.add_parser("candidates", help="the recruiter's applicant files")
    actions = group.add_subparsers(dest="action", required=True, parser_class=Parser, metavar="ACTION")

    importing = actions.add_parser("import", help="join an applicant file to communes and report every row")
    _add_file_options(importing)
    importing.add_argument("--report", help="write the JSON report to this file")
    importing.add_argument("--unmatched", help="write the unmatched rows (as read, plus their reason) to this CSV")
    add_not_sensitive(importing)
    add_lang_option(importing, "the --unmatched file")

    totals = actions.add_parser("aggregate", help="applicants per territory, small counts suppressed")
    _add_file_options(totals)
    totals.add_argument("--level", choices=["departement", "region", "commune"], default="departement")
    totals.add_argument("--format", choices=("csv", "json"), default="csv")
    add_output(totals)

    short = actions.add_parser("shortlist", help="applicants of some départements, on job-related criteria only")
    _add_file_options(short)
    short.add_argument("--departements", type=departement_codes, required=True, metavar="CODES")
    short.add_argument("--skills", nargs="*", default=[], help="keep applicants with any of these skills")
    short.add_argument("--availability", nargs="*", default=[])
    short.add_argument("--fibre-only", action="store_true")
    short.add_argument("--max-travel-min", type=minutes_arg, metavar="MIN", help="maximum estimated travel to a site")
    short.add_argument("--out", required=True, help="FILE.xlsx or FILE.csv (sensitive columns left out)")
    add_not_sensitive(short)
    short.add_argument(
        "--include-sensitive",
        action="store_true",
        help="keep the sensitive columns (managers only, with --purpose; recorded in `regions audit`)",
    )
    short.add_argument("--purpose", help="why the sensitive columns are needed (required with --include-sensitive)")
    add_lang_option(short)


def _add_file_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("file", help="CSV (any encoding Excel gives, ; , or tab) or XLSX")
    command.add_argument("--sheet", help="XLSX sheet (default: the first)")
    fields = ", ".join(applicants.FIELDS)
    command.add_argument(
        "--map", nargs="*", default=[], type=_map_pair, metavar="COLUMN=FIELD", help=f"e.g. CP=postcode; {fields}"
    )


def _map_pair(text: str) -> tuple[str, str]:
    column, sep, field_name = text.rpartition("=")
    if not sep or not column or field_name not in applicants.FIELDS:
        raise argparse.ArgumentTypeError(f"{text!r} is not COLUMN=FIELD with FIELD among {list(applicants.FIELDS)}")
    return column, field_name


def _import_applicants(args: argparse.Namespace) -> tuple[applicants.ImportResult, bool]:
    """Read the file once, apply ``--map`` corrections to the detected mapping, and join it; say whether it is the
    synthetic demo file (whose outputs are labelled *données fictives*)."""
    path = Path(args.file)
    limits = {"max_bytes": settings.CANDIDATES_MAX_BYTES, "max_rows": settings.CANDIDATES_MAX_ROWS}
    data = files.read_input(path)
    read = tabular.read_table(data, path.name, sheet=args.sheet, **limits)
    mapping = applicants.detect_mapping(list(read.frame.columns))
    for column, field_name in args.map:
        mapping = {f: (None if c == column else c) for f, c in mapping.items()}
        mapping[field_name] = column
    result = applicants.import_frame(
        read.frame, mapping, line_numbers=read.line_numbers or None, detected=read.detected
    )
    return result, applicants.is_demo(data)


def cmd_candidates(args: argparse.Namespace) -> str:
    result, fictional = _import_applicants(args)
    label = applicants.label_fictional if fictional else (lambda frame: frame)
    if args.action == "import":
        return _candidates_import(args, result, fictional)
    if args.action == "aggregate":
        totals = applicants.aggregate(result.matched, args.level, mapping=result.mapping)
        return render(label(totals.drop(columns=["applicants", "suppressed"])), args.format)
    return _candidates_shortlist(args, result, fictional)


def _candidates_shortlist(args: argparse.Namespace, result: applicants.ImportResult, fictional: bool) -> str:
    """The applicant shortlist file (XLSX or CSV), sensitive columns left out unless a manager asks, with a purpose."""
    from regions.workspace import people  # an export checks the role and is recorded

    lang = args.lang
    target = Path(args.out)
    if target.suffix.lower() not in (".xlsx", ".csv"):
        raise ValueError(f"--out was {args.out!r} but must end in .xlsx or .csv")
    filters = {"departements": args.departements, "skills": args.skills, "availability": args.availability,
               "fibre_only": args.fibre_only, "max_travel_min": args.max_travel_min}  # fmt: skip
    picked = applicants.select_applicants(result.matched, result.mapping, **filters)
    picked = applicants.label_fictional(picked, lang) if fictional else picked
    by = people.actor()
    by.require("export")
    sensitive = args.include_sensitive
    purpose = people.authorise_sensitive_export(by, args.purpose) if sensitive else None
    about: list[str | tuple[str, str]] = [
        *applicants.source_about(Path(args.file).name, fictional=fictional, lang=lang,
                                 sensitive_by=by.email if purpose else None),
        *applicants.selection_about(**filters, lang=lang),
    ]  # fmt: skip
    kept = args.not_sensitive
    if target.suffix.lower() == ".xlsx":
        payload = applicants.applicants_workbook(
            picked, result.mapping, include_sensitive=sensitive, about=about, purpose=purpose, not_sensitive=kept,
            lang=lang,
        )  # fmt: skip
    else:
        payload = applicants.applicants_csv(
            picked, result.mapping, include_sensitive=sensitive, not_sensitive=kept, about=about, lang=lang
        )
    files.write_atomically(target, payload)
    detail: dict[str, object] = {"file": target.name, "applicants": len(picked), "departements": args.departements,
                                 "sensitive_columns": sensitive}  # fmt: skip
    if purpose:
        detail["purpose"] = purpose
    people.record(by, "export_applicants", detail)
    if sensitive:
        return f"regions: wrote {target} ({len(picked)} applicants, sensitive columns included; purpose recorded)\n"
    return f"regions: wrote {target} ({len(picked)} applicants)\n" + _sensitive_lines(picked, result.mapping, kept)


def _sensitive_lines(frame: pd.DataFrame, mapping: applicants.ColumnMapping, not_sensitive: list[str]) -> str:
    """What was left out as sensitive and why, and what the user declared non-sensitive (one line each)."""
    declared = applicants.declared_not_sensitive(frame, mapping, not_sensitive)
    kept = {found.column for found in declared}
    left_out = [found for found in applicants.sensitive_detections(frame, mapping) if found.column not in kept]
    lines = [f"sensitive columns left out: {len(left_out)}"]
    lines += [f"  {found.column}: {found.reason('en')}" for found in left_out]
    lines += [
        f"kept, declared non-sensitive by you: {found.column} (detected: {found.reason('en')})" for found in declared
    ]
    return "\n".join(lines) + "\n"


def _candidates_import(args: argparse.Namespace, result: applicants.ImportResult, fictional: bool) -> str:
    report = result.report()
    if fictional:
        report = {"data": applicants.FICTIONAL_LABEL, **report}
    declared = applicants.declared_not_sensitive(result.unmatched, result.mapping, args.not_sensitive)
    kept = {found.column for found in declared}
    report["sensitive_columns"] = {
        found.column: found.reason()
        for found in applicants.sensitive_detections(result.unmatched, result.mapping)
        if found.column not in kept
    }
    report["declared_not_sensitive"] = {found.column: found.reason() for found in declared}
    if args.report:
        files.write_atomically(args.report, (json.dumps(report, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    if args.unmatched:
        rows = result.unmatched.drop(columns="reason_label")  # as read, sensitive columns left out; reason in words
        rows = applicants.label_fictional(rows, args.lang) if fictional else rows
        about = applicants.source_about(Path(args.file).name, fictional=fictional, lang=args.lang)
        payload = applicants.applicants_csv(
            rows, result.mapping, include_sensitive=False, not_sensitive=args.not_sensitive, about=about, lang=args.lang
        )
        from regions.workspace import people  # an export checks the role and is recorded

        by = people.actor()
        by.require("export")
        files.write_atomically(args.unmatched, payload)
        detail = {"file": Path(args.unmatched).name, "rows": "non rattachées", "applicants": len(rows),
                  "sensitive_columns": False}  # fmt: skip
        people.record_export(by, "export_applicants", detail)
    lines = [f"data: {applicants.FICTIONAL_LABEL}"] if fictional else []
    lines += [f"rows read: {result.rows_read}", f"matched: {len(result.matched)}"]
    lines += [f"  {applicants.METHOD_LABELS_EN[m]}: {n}" for m, n in report["matched"].items()]  # type: ignore[attr-defined]
    lines += [f"unmatched: {len(result.unmatched)}"]
    lines += [f"  {applicants.REASON_LABELS_EN[r]}: {n}" for r, n in report["unmatched"].items()]  # type: ignore[attr-defined]
    return "\n".join(lines) + "\n" + _sensitive_lines(result.unmatched, result.mapping, args.not_sensitive)
