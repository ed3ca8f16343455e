"""City ↔ county consistency: 锦州 ↔ 凌海 (bundled plans) and the planted 朝阳市 ↔ 朝阳县 pair."""

from __future__ import annotations

from pathlib import Path

import pytest
from monitor_paths import JINZHOU, LINGHAI, OWN_CITY, OWN_COUNTY, plan_lines

from atlas.errors import InputError
from atlas.monitor.consistency import (
    Side,
    consistency_findings,
    industries,
    load_features,
    normalise,
)

FILES = {
    "jinzhou-2021": JINZHOU,
    "linghai-2021": LINGHAI,
    "own_city_chaoyang": OWN_CITY,
    "own_county_chaoyangxian": OWN_COUNTY,
}


@pytest.fixture(scope="module")
def jl(jinzhou_build: Path):
    return consistency_findings(jinzhou_build, "jinzhou-2021", "linghai-2021")


@pytest.fixture(scope="module")
def own(own_build: Path):
    return consistency_findings(own_build, "own_city_chaoyang", "own_county_chaoyangxian")


def _quoted_at_line(side: Side) -> bool:
    """The side's quote starts on its line of the plan file (or the next two: page breaks)."""
    lines = plan_lines(FILES[side.plan_id])
    text = "".join(lines[side.line - 1 : side.line + 2]).replace(" ", "")
    head = side.quote.replace(" ", "").replace("*", "")[:8]
    return head in text.replace("*", "")


def _find(findings, name: str):
    return [f for f in findings if name in f.subject]


def test_normalise_and_industries() -> None:
    assert normalise("锦州大有经济开发区", ("锦州",)) == "大有开发区"
    assert industries("重点发展装备制造和新能源产业") == {"装备制造", "新能源"}


def test_every_item_both_plans_name_is_listed_with_both_quotes(jinzhou_build: Path, jl) -> None:
    frames = load_features(jinzhou_build)
    strip = ("锦州市", "锦州", "凌海市", "凌海")
    names = {}
    for layer in ("layout", "park", "port", "water", "transport", "project", "ecology"):
        df = frames.get(layer)
        for r in df.itertuples():
            if r.role != "governance":
                names.setdefault(r.plan_id, set()).add(normalise(r.name, strip))
    both = names["jinzhou-2021"] & names["linghai-2021"]
    # the plans' shared vocabulary, read off the texts: 双凌协同 (jinzhou 1056, linghai 139),
    # 两港联动 (1056, 141), 锦州港 (1092, 147), 锦凌水库 (29, 109), 中国北方石化产品储运交易基地
    assert {"双凌协同", "两港联动", "锦州港", "锦凌水库", "中国北方石化产品储运交易基地"} <= both
    paired = {
        normalise(f.county.name, strip) for f in jl if f.city is not None and f.county is not None
    }
    assert both <= paired
    for f in jl:
        for side in (f.city, f.county):
            if side is not None:
                assert _quoted_at_line(side), (f.subject, side.plan_id, side.line)


def test_jinzhou_linghai_known_pairs(jl) -> None:
    sl = _find(jl, "双凌协同")
    assert any(f.city.line == 1056 and f.county.line == 139 and f.kind == "agreement" for f in sl)
    port = next(f for f in jl if f.subject == "锦州港")
    assert (port.city.line, port.county.line) == (1092, 147)
    # the city's 一核 (line 1094) is 锦州-凌海一体化发展的核心区域, anchored in 凌海市
    core = next(
        f for f in jl if f.city is not None and f.city.line == 1094 and f.city.role == "core"
    )
    assert "凌海市" in core.why


def test_jinzhou_linghai_has_every_class(jl) -> None:
    kinds = {f.kind for f in jl}
    assert {"agreement", "gap"} <= kinds
    gaps = [f for f in jl if f.kind == "gap"]
    assert all((f.city is None) != (f.county is None) for f in gaps)


def test_planted_conflict_is_found(own) -> None:
    f = next(f for f in own if "柳城经济开发区" in f.subject)
    assert f.kind == "conflict"
    assert (f.city.line, f.county.line) == (29, 29)
    assert "装备制造" in f.city.quote and "有色金属新材料" in f.county.quote
    assert "产业" in f.detail


def test_planted_gap_is_found(own) -> None:
    f = next(f for f in own if "波罗赤物流园区" in f.subject)
    assert f.kind == "gap"
    assert f.city.line == 31 and f.county is None
    assert "波罗赤镇" in f.why
    assert "波罗赤" not in OWN_COUNTY.read_text(encoding="utf-8")


def test_planted_pair_agreements(own) -> None:
    f = next(f for f in own if "七道岭现代农业产业园" in f.subject)
    assert f.kind == "agreement" and (f.city.line, f.county.line) == (33, 31)
    belt = next(f for f in own if f.subject == "大凌河生态经济带")
    assert belt.kind == "agreement" and "穿越朝阳县" in belt.why


def test_county_not_inside_city_is_input_error(own_build: Path) -> None:
    with pytest.raises(InputError):
        consistency_findings(own_build, "own_county_chaoyangxian", "own_city_chaoyang")


def test_consistency_cli_json(own_build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from atlas.cli import main

    argv = ["consistency", "--city", "own_city_chaoyang", "--county", "own_county_chaoyangxian",
            "--build", str(own_build), "--json"]  # fmt: skip
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["counts"]["conflict"] >= 1 and doc["counts"]["gap"] >= 1
    assert main([*argv[:4], "nope", "--build", str(own_build)]) == 2
