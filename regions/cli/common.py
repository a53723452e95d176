"""What every ``regions`` command shares: the one-line-error parser, output formats and notices, argument types."""

from __future__ import annotations

import argparse
import math
from typing import NoReturn

import pandas as pd

from regions import codes, export, formatting

FORMATS = ("csv", "json", "table")


class Parser(argparse.ArgumentParser):
    """Argument parser whose errors are one line: ``regions: error: <reason> (see 'regions --help')``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def add_not_sensitive(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--not-sensitive",
        action="append",
        default=[],
        metavar="COLUMN",
        help="keep this column although its header looks sensitive (repeatable); the export records it",
    )


def add_output(command: argparse.ArgumentParser) -> None:
    command.add_argument("--output", "-o", metavar="FILE", help="write to this file instead of standard output")


def number_arg(text: str) -> float:
    """A finite number (``12.5`` or ``12,5``); ``nan``, ``inf`` and words are refused in French."""
    try:
        value = formatting.parse_number(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} n'est pas un nombre") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} n'est pas un nombre fini ; donnez une valeur comme 90")
    return value


def percent_arg(text: str) -> float:
    """A share in percent, between 0 and 100."""
    value = number_arg(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} n'est pas une part entre 0 et 100 (en %)")
    return value


def minutes_arg(text: str) -> float:
    """A travel time in minutes, above 0 (a limit of 0 would exclude every territory)."""
    value = number_arg(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} n'est pas une durée en minutes supérieure à 0")
    return value


def count_arg(text: str) -> int:
    """A whole number, at least 1."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} n'est pas un nombre entier") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} : il faut au moins 1")
    return value


def departement_codes(text: str) -> list[str]:
    try:
        return [codes.normalise_departement(part) for part in text.split(",") if part.strip()]
    except codes.CodeError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def names_arg(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


#: Lines a command says on stderr after it succeeded: the defaults it applied (e.g. the travel limit).
NOTICES: list[str] = []


def render(frame: pd.DataFrame, fmt: str) -> str:
    """A table as formula-safe CSV (codes as text, empty if missing), JSON records (null if missing) or aligned text."""
    if fmt == "csv":  # the one formula-safe writer: a label "=HYPERLINK(…)" is text in Excel, not a formula
        return export.to_csv_text(frame, lineterminator="\n")
    if fmt == "json":
        return frame.to_json(orient="records", force_ascii=False, indent=1) + "\n"
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
        return frame.to_string(index=False, na_rep="—") + "\n"
