"""Paths and helpers shared by the monitoring tests."""

from __future__ import annotations

from pathlib import Path

from atlas.paths import ROOT

PLANS = ROOT / "geodata" / "plans"
FIXTURES = ROOT / "tests" / "fixtures" / "plans"
JINZHOU = PLANS / "jinzhou-2021.txt"
REPORT = PLANS / "jinzhou-2024-report.txt"
LINGHAI = PLANS / "linghai-2021.txt"
OWN_CITY = FIXTURES / "own_city_chaoyang.txt"
OWN_COUNTY = FIXTURES / "own_county_chaoyangxian.txt"


def plan_lines(path: Path) -> list[str]:
    """The plan file's lines (1-based line n is ``lines[n - 1]``)."""
    return path.read_text(encoding="utf-8").split("\n")
