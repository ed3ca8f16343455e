"""Validate every gold file of the unseen-plan corpus against its schema (tests/corpus/README.md).

This test reads only the corpus, the vendored NBS township subset and the county/city polygons'
properties; it never imports ``atlas`` (the gold must not depend on the reader).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PLANS = HERE / "plans"
GOLD = HERE / "gold"

ROLES = {
    "core",
    "wing",
    "belt",
    "axis",
    "corridor",
    "zone",
    "cluster",
    "node",
    "ring",
    "park",
    "port",
}
PARK_KINDS = {"park", "logistics", "education", "port", "other"}
ATTRIBUTES = {"预期性", "约束性", ""}
IND_KINDS = {"target", "actual", "review"}
TOP_KEYS = {"plan", "jurisdiction", "layouts", "parks", "indicators", "non_places"}
COMPONENT_KEYS = {"component", "role", "name", "places", "county"}
PARK_KEYS = {"name", "kind", "township", "county"}
IND_KEYS = {
    "name",
    "unit",
    "base_year",
    "base_value",
    "target_year",
    "target_value",
    "growth",
    "attribute",
    "kind",
}
REVIEW_KEYS = {"actual_year", "actual_value"}


def _adcodes() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for name in ("liaoning_counties.geojson", "liaoning_cities.geojson"):
        doc = json.loads((ROOT / "geodata" / name).read_text(encoding="utf-8"))
        for feat in doc["features"]:
            props = feat["properties"]
            out[str(props["adcode"])] = props
    return out


ADCODES = _adcodes()
COUNTY_CODES = {c for c, p in ADCODES.items() if p.get("level") == "county"}
CITY_CODES = {c for c, p in ADCODES.items() if p.get("level") == "city"}

NBS: dict[str, set[str]] = {}
with (HERE / "nbs_townships.csv").open(encoding="utf-8") as fh:
    for row in csv.DictReader(fh):
        NBS.setdefault(row["county"], set()).add(row["name"])


def _counties_under(code: str) -> set[str]:
    """A county code stands for itself; a city code (xx xx 00) for every county under it."""
    if code in CITY_CODES:
        return {c for c in COUNTY_CODES if ADCODES[c].get("parent") == code}
    return {code}


def _is_utf16(raw: bytes) -> bool:
    """UTF-16 with a byte-order mark (jianchang-2021: LE, as Windows writes "Unicode" text)."""
    return raw[:2] in (b"\xff\xfe", b"\xfe\xff")


def _read_plan(path: Path) -> list[str]:
    raw = path.read_bytes()
    if _is_utf16(raw):
        text = raw.decode("utf-16")  # the BOM is consumed, not part of line 1
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gbk")
    # physical lines: only \n ends a line (a form feed does not; a CRLF's \r stays on its line)
    return text.split("\n")


GOLDS = sorted(GOLD.glob("*.yaml"))


def test_corpus_size_and_spread():
    assert len(GOLDS) >= 16
    assert {p.stem for p in PLANS.glob("*.txt")} == {g.stem for g in GOLDS}
    cities = set()
    levels = []
    for g in GOLDS:
        doc = yaml.safe_load(g.read_text(encoding="utf-8"))
        code = doc["jurisdiction"]["adcode"]
        cities.add(code if code in CITY_CODES else ADCODES[code]["parent"])
        levels.append(doc["jurisdiction"]["level"])
    assert len(cities) >= 11
    assert levels.count("city") >= 2


def test_two_plans_are_gbk():
    gbk = 0
    for p in PLANS.glob("*.txt"):
        if _is_utf16(p.read_bytes()):
            continue
        try:
            p.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            p.read_bytes().decode("gbk")
            gbk += 1
    assert gbk >= 2


def test_one_plan_is_utf16():
    utf16 = [p.stem for p in PLANS.glob("*.txt") if _is_utf16(p.read_bytes())]
    assert utf16
    for stem in utf16:
        (PLANS / f"{stem}.txt").read_bytes().decode("utf-16")  # well-formed throughout


@pytest.mark.parametrize("path", GOLDS, ids=lambda p: p.stem)
def test_gold_schema(path: Path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(doc) == TOP_KEYS, set(doc) ^ TOP_KEYS
    assert doc["plan"] == path.stem
    lines = _read_plan(PLANS / f"{path.stem}.txt")
    n_lines = len(lines) - (1 if lines[-1] == "" else 0)
    assert 80 <= n_lines <= 200, n_lines
    text = "\n".join(lines)

    jur = doc["jurisdiction"]
    assert set(jur) == {"name", "adcode", "level"}
    assert isinstance(jur["adcode"], str) and jur["adcode"] in ADCODES
    assert jur["level"] == ADCODES[jur["adcode"]]["level"]
    assert jur["name"].startswith("辽宁省") and jur["name"].endswith(ADCODES[jur["adcode"]]["name"])
    scope = _counties_under(jur["adcode"])
    assert lines[0].startswith(ADCODES[jur["adcode"]]["name"])
    # a 十四五 纲要, or a 政府工作报告 (README: "Decisions written down")
    assert "国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要" in lines[0] or lines[
        0
    ].endswith("政府工作报告")

    for layout in doc["layouts"]:
        assert set(layout) == {"slogan", "line", "components"}
        slogan = layout["slogan"]
        assert "“" not in slogan and "”" not in slogan
        assert isinstance(layout["line"], int) and 1 <= layout["line"] <= len(lines)
        assert slogan in lines[layout["line"] - 1], (slogan, layout["line"])
        assert layout["components"]
        for comp in layout["components"]:
            assert set(comp) == COMPONENT_KEYS, comp
            assert comp["role"] in ROLES, comp
            assert comp["component"] in slogan, comp
            assert isinstance(comp["county"], str) and comp["county"] in ADCODES, comp
            under = _counties_under(comp["county"])
            assert under <= scope, comp
            assert comp["name"] in text, comp
            assert isinstance(comp["places"], list)
            for place in comp["places"]:
                assert any(place in NBS.get(c, set()) for c in under), (place, comp["county"])

    for park in doc["parks"]:
        assert set(park) == PARK_KEYS, park
        assert park["kind"] in PARK_KINDS, park
        assert isinstance(park["county"], str) and park["county"] in ADCODES, park
        assert _counties_under(park["county"]) <= scope, park
        if park["township"] is not None:
            assert park["county"] in COUNTY_CODES, park
            assert park["township"] in NBS.get(park["county"], set()), park

    for ind in doc["indicators"]:
        keys = set(ind)
        assert keys >= IND_KEYS and keys <= IND_KEYS | REVIEW_KEYS, ind
        assert ind["kind"] in IND_KINDS, ind
        assert ind["attribute"] in ATTRIBUTES, ind
        assert isinstance(ind["unit"], str), ind
        for key in ("base_value", "target_value", "growth", "actual_value"):
            if ind.get(key) is not None:
                assert isinstance(ind[key], (int, float)), (key, ind)
        for key in ("base_year", "target_year", "actual_year"):
            if ind.get(key) is not None:
                assert isinstance(ind[key], int) and 2000 <= ind[key] <= 2035, (key, ind)
        if ind["kind"] == "review":
            assert keys >= REVIEW_KEYS, ind
        else:
            assert not keys & REVIEW_KEYS, ind

    assert isinstance(doc["non_places"], list)
    for s in doc["non_places"]:
        assert isinstance(s, str) and s in text, s
