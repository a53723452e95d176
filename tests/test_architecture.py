"""The README's *Architecture* map matches the real tree: every module and package is named, every path exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Architecture", 1)[1].split("\n## ", 1)[0]


def test_every_module_and_package_is_on_the_map() -> None:
    section = _section()
    named = set(re.findall(r"`([^`]+)`", section))
    words = {word for token in named for word in re.split(r"[\s,/]+", token)}
    missing = []
    for top in ("regions", "homeshore"):
        for path in sorted((ROOT / top).iterdir()):
            if path.name.startswith("__") or path.suffix not in ("", ".py"):
                continue
            if path.name not in words and path.stem not in words and f"{top}/{path.name}" not in named:
                missing.append(f"{top}/{path.name}")
    assert missing == []


def test_every_path_on_the_map_exists() -> None:
    paths = [token for token in re.findall(r"`([^`\s]+)`", _section()) if "/" in token]
    assert paths
    assert [p for p in paths if not (ROOT / p).exists()] == []


def test_no_module_is_over_about_600_lines() -> None:
    """One concept per module: a module growing past this is split (issue 13), the way ``regions/cli/`` was."""
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for top in ("regions", "homeshore")
        for path in (ROOT / top).rglob("*.py")
    }
    assert {path: n for path, n in sizes.items() if n > 650} == {}
