"""Consistency of a county plan with its city's plan.

What the city plan assigns to the county (:func:`city_assignments`):

* layout elements anchored in the county (the county, or one of its townships, among the
  anchors; or the county named in the element's name);
* line-like layout elements (axis, corridor, belt, ring) whose geometry crosses the county;
  area elements lying mostly (≥ :data:`AREA_SHARE`) in it;
* parks, ports, water works, stations and projects anchored in it, named after it, or whose
  point lies inside its polygon;
* targets (indicators) whose sentence names the county.

Each is matched with what the county plan says about the same thing (:func:`match_score`:
normalised names equal or contained in one another; or a shared specific anchor with similar
names). A pair is a ``conflict`` when the two plans give it roles of different families
(an axis vs a zone, a park vs a port), industries with nothing in common (装备制造 vs 新材料),
or different numbers (stated area, target value); else an ``agreement``. One side only is a
``gap``: a city assignment the county plan does not take up, or a county park/port the city
plan does not know.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from atlas.errors import InputError

#: share of an area element that must lie in the county for it to count as assigned
AREA_SHARE = 0.3
#: a line must run this far (degrees, ~1 km) / a band cover this much (deg², ~1 km²) in the county
MIN_CROSS_LEN = 0.01
MIN_CROSS_AREA = 1e-4
#: layers whose features are compared
LAYERS = ("layout", "park", "port", "water", "transport", "project", "ecology")
#: roles that are not places (河长制 ...)
SKIP_ROLES = frozenset({"governance"})
#: role families; ``project`` is compatible with every family
ROLE_FAMILIES: dict[str, str] = {
    **dict.fromkeys(
        ("core", "zone", "cluster", "wing", "new_area", "dev_zone", "park", "base", "node"),
        "area",
    ),
    **dict.fromkeys(("axis", "corridor", "belt", "ring", "river", "reach"), "line"),
    **dict.fromkeys(("rail", "road"), "route"),
    **dict.fromkeys(("port", "port_area", "wharf", "berth"), "port"),
    **dict.fromkeys(("station", "airport"), "station"),
    **dict.fromkeys(("reservoir", "water_source", "flood_work", "irrigation"), "water"),
}
LINE_ROLES = frozenset({"axis", "corridor", "belt", "ring", "river", "reach"})
#: industry words → industry family (for the industry-conflict rule)
INDUSTRIES: dict[str, str] = {
    **dict.fromkeys(("石化", "精细化工", "化工", "石油"), "化工"),
    **dict.fromkeys(("装备制造", "汽车零部件", "机械", "装备"), "装备制造"),
    **dict.fromkeys(("新材料", "有色金属", "特种金属", "冶金", "冶炼"), "新材料"),
    **dict.fromkeys(("新能源", "光伏", "风电", "储能"), "新能源"),
    **dict.fromkeys(("农产品", "食品", "海产品", "水产品", "畜禽", "畜牧"), "农产品加工"),
    **dict.fromkeys(("现代农业", "设施农业", "特色农业", "种植"), "农业"),
    **dict.fromkeys(("物流", "商贸", "仓储"), "商贸物流"),
    **dict.fromkeys(("旅游", "文旅", "康养"), "文旅康养"),
    **dict.fromkeys(("数字经济", "大数据", "云计算", "电子信息", "半导体"), "数字经济"),
    **dict.fromkeys(("生物医药", "医药"), "医药"),
    **dict.fromkeys(("临空", "临港"), "临港临空"),
}
_INDUSTRY_RE = re.compile("|".join(sorted(INDUSTRIES, key=len, reverse=True)))
_SUFFIXES = ("建设工程", "新建工程", "工程", "建设", "项目")


@dataclass(frozen=True)
class Side:
    """One plan's statement about a thing: where it is and what it says."""

    plan_id: str
    line: int
    quote: str
    name: str
    layer: str
    role: str
    layout: str = ""
    component: str = ""
    anchors: str = ""


@dataclass(frozen=True)
class Finding:
    """A thing named by the city plan for the county, the county plan, or both."""

    kind: str  # agreement / gap / conflict
    subject: str  # the thing, as the city (else the county) names it
    why: str  # why the city plan concerns the county (anchor, location, crossing, named)
    detail: str  # one-line Chinese explanation
    city: Side | None
    county: Side | None

    def to_json(self) -> dict[str, Any]:
        """Plain dict (sides as dicts or None)."""
        d = asdict(self)
        return d


@dataclass(frozen=True)
class _Item:
    side: Side
    geometry: Any
    area_km2: float | None = None
    value: float | None = None  # indicators: target value
    key: str = ""


def county_names(full: str) -> tuple[str, ...]:
    """Names a plan may use for a county: the full name, and the short one when unambiguous.

    >>> county_names("凌海市")
    ('凌海市', '凌海')
    """
    short = re.sub(r"(?:市|县|区|蒙古族自治县|满族自治县)$", "", full)
    return (full, short) if short != full and len(short) >= 2 else (full,)


def normalise(name: str, strip: tuple[str, ...] = ()) -> str:
    """A name with admin prefixes, brackets and generic suffixes removed.

    >>> normalise("锦州大有经济开发区(省级)", ("锦州市", "锦州"))
    '大有开发区省级'
    >>> normalise("锦州港", ("锦州",))
    '锦州港'
    """
    s = re.sub(r"[()（）“”\"'·、\s]", "", name)
    stripped = True
    while stripped:  # admin names as prefixes only, never leaving fewer than 3 characters
        stripped = False
        for p in sorted(strip, key=len, reverse=True):
            if p and s.startswith(p) and len(s) - len(p) >= 3:
                s, stripped = s[len(p) :], True
                break
    s = s.replace("经济开发区", "开发区").replace("产业园区", "产业园").replace("园区", "园")
    cut = True
    while cut:  # 体育公园建设项目 → 体育公园
        cut = False
        for suf in _SUFFIXES:
            if s.endswith(suf) and len(s) > len(suf) + 1:
                s, cut = s[: -len(suf)], True
    return s


def read_plan_lines(text_path: str) -> list[str]:
    """Lines of a plan text named in the plans table ([] when the file is not there).

    Relative paths are taken from the project root, as the build writes them.
    """
    from atlas.paths import ROOT
    from atlas.read.text import load_plan

    path = Path(text_path)
    if not path.is_absolute():
        path = ROOT / path
    if not text_path or not path.is_file():
        return []
    return list(load_plan(path).raw_lines)


def text_mention(lines: list[str], name: str, plan_id: str) -> Side | None:
    """The first sentence of a plan text naming ``name`` (at least 4 characters), as a
    :class:`Side` of layer ``text``: the plan mentions the thing without a mapped feature."""
    if len(name) < 4:
        return None
    for i, line in enumerate(lines, start=1):
        at = line.find(name)
        if at < 0:
            continue
        start = max(line.rfind(ch, 0, at) for ch in "。；;!！") + 1
        ends = [j for j in (line.find(ch, at) for ch in "。；;") if j >= 0]
        sentence = line[start : (min(ends) + 1 if ends else len(line))].strip()
        return Side(plan_id=plan_id, line=i, quote=sentence, name=name, layer="text", role="")
    return None


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)}


def match_score(a: str, b: str) -> float:
    """Similarity of two normalised names: 1 equal, 0.8 one contains the other (≥ 3
    characters), else the Jaccard index of their character bigrams."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if min(len(a), len(b)) >= 3 and (a in b or b in a):
        return 0.8
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x | y else 0.0


def industries(quote: str, name: str = "") -> frozenset[str]:
    """Industry families a sentence gives a thing (the sentence of ``quote`` naming it)."""
    text = quote
    if name:
        for sent in re.split(r"[。；;]", quote):
            if name in sent:
                text = sent
                break
    return frozenset(INDUSTRIES[m.group(0)] for m in _INDUSTRY_RE.finditer(text))


def _items(frames: dict[str, gpd.GeoDataFrame], plan_id: str) -> list[_Item]:
    out = []
    for layer in LAYERS:
        df = frames.get(layer)
        if df is None or df.empty:
            continue
        for r in df[df["plan_id"] == plan_id].itertuples(index=False):
            if r.role in SKIP_ROLES:
                continue
            area = getattr(r, "area_km2", None)
            side = Side(
                plan_id=plan_id,
                line=int(r.source_line),
                quote=str(r.source_quote),
                name=str(r.name),
                layer=layer,
                role=str(r.role),
                layout=str(r.layout or ""),
                component=str(r.component or ""),
                anchors=str(r.anchors or ""),
            )
            out.append(_Item(side, r.geometry, None if pd.isna(area) else float(area)))
    return out


def _indicator_items(ind: pd.DataFrame, plan_id: str) -> list[_Item]:
    out = []
    for r in ind[(ind["plan_id"] == plan_id) & (ind["kind"] == "target")].to_dict("records"):
        side = Side(
            plan_id=plan_id,
            line=int(r["source_line"]),
            quote=str(r["source_quote"]),
            name=str(r["name"]),
            layer="indicator",
            role=str(r["key"]),
        )
        v = r["target_value"]
        out.append(_Item(side, None, value=None if pd.isna(v) else float(v), key=str(r["key"])))
    return out


def _assigned(item: _Item, names: tuple[str, ...], townships: set[str], poly: Any) -> str | None:
    """Why a city item concerns the county (None when it does not)."""
    s = item.side
    anchors = set(filter(None, s.anchors.split(";")))
    if anchors & set(names):
        return f"锚点为{names[0]}"
    if anchors & townships:
        return f"锚点为{names[0]}的{'、'.join(sorted(anchors & townships))}"
    if any(n in s.name for n in names):
        return f"名称含{names[0]}"
    geom = item.geometry
    if poly is None or geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Point", "MultiPoint"):
        return f"位于{names[0]}境内" if poly.contains(geom) else None
    if s.role in LINE_ROLES and s.layer == "layout":
        inter = geom.intersection(poly)
        crosses = inter.area >= MIN_CROSS_AREA or (geom.area == 0 and inter.length >= MIN_CROSS_LEN)
        return f"穿越{names[0]}" if crosses else None
    if geom.area > 0 and s.layer == "layout":
        share = geom.intersection(poly).area / geom.area
        return f"{round(share * 100)}%位于{names[0]}境内" if share >= AREA_SHARE else None
    return None


def _conflict(c: _Item, k: _Item, strip: tuple[str, ...]) -> str:
    """Why two statements about the same thing disagree ("" when they agree).

    A role conflict needs the same normalised name (大凌河 the corridor and 大凌河流域 the zone
    are two framings, not a contradiction).
    """
    if c.side.layer == "indicator" or k.side.layer == "indicator":
        if c.value is not None and k.value is not None and abs(c.value - k.value) > 1e-9:
            return f"目标值不同：市{c.value:g}，县{k.value:g}"
        return ""
    fc, fk = ROLE_FAMILIES.get(c.side.role), ROLE_FAMILIES.get(k.side.role)
    same = normalise(c.side.name, strip) == normalise(k.side.name, strip)
    if same and "project" not in (c.side.role, k.side.role) and fc and fk and fc != fk:
        return f"角色不同：市为{c.side.role}，县为{k.side.role}"
    ic, ik = industries(c.side.quote, c.side.name), industries(k.side.quote, k.side.name)
    if ic and ik and not ic & ik:
        return f"产业定位不同：市为{'、'.join(sorted(ic))}，县为{'、'.join(sorted(ik))}"
    if c.area_km2 and k.area_km2 and abs(c.area_km2 - k.area_km2) > 0.05 * max(c.area_km2, 1e-9):
        return f"面积不同：市{c.area_km2:g}平方公里，县{k.area_km2:g}平方公里"
    return ""


def _best(
    item: _Item, pool: list[_Item], strip: tuple[str, ...], generic: set[str]
) -> _Item | None:
    n = normalise(item.side.name, strip)
    anchors = set(filter(None, item.side.anchors.split(";"))) - generic
    best, best_score = None, 0.0
    for k in pool:
        if (item.side.layer == "indicator") != (k.side.layer == "indicator"):
            continue
        if item.side.layer == "indicator":
            score = 1.0 if item.key and item.key == k.key else 0.0
        else:
            score = match_score(n, normalise(k.side.name, strip))
            shared = anchors & (set(filter(None, k.side.anchors.split(";"))) - generic)
            if score < 0.8 and shared and score >= 0.3:
                score = 0.6
            elif score < 0.8:
                score = 0.0
        if score > best_score:
            best, best_score = k, score
    return best


def compare_plans(
    frames: dict[str, gpd.GeoDataFrame],
    ind: pd.DataFrame,
    plans: pd.DataFrame,
    city_id: str,
    county_id: str,
) -> list[Finding]:
    """Findings for a city plan and a county plan inside it (see the module docstring).

    Parameters
    ----------
    frames : dict
        Feature layers (layer → GeoDataFrame with the DESIGN §4 columns and geometry), with
        both plans' rows; ``admin`` supplies the county polygon and townships.
    ind : DataFrame
        Indicator table of the build.
    plans : DataFrame
        Plans table of the build.
    city_id, county_id : str
        The two plans.

    Returns
    -------
    list of Finding
        City assignments first (in the city plan's line order), then county-only items.

    Raises
    ------
    InputError
        An unknown plan id, or a county plan whose jurisdiction is not inside the city's.
    """
    from atlas.monitor.links import plan_info

    city, county = plan_info(plans, city_id), plan_info(plans, county_id)
    cc, kc = str(city["adcode"]), str(county["adcode"])
    inside = cc.endswith("00") and kc[:4] == cc[:4] and not kc.endswith("00")
    if not cc or not kc or not inside:
        raise InputError(
            f"{county_id} ({county['jurisdiction'] or '?'}) is not a county inside "
            f"{city_id} ({city['jurisdiction'] or '?'})"
        )
    admin = frames.get("admin", gpd.GeoDataFrame())
    kadm = admin[admin["plan_id"] == county_id] if not admin.empty else admin
    juris = kadm[kadm["role"] == "jurisdiction"] if not kadm.empty else kadm
    if juris.empty and not admin.empty:
        juris = admin[(admin["plan_id"] == city_id) & (admin["anchors"] == kc)]
    poly = juris.geometry.iloc[0] if not juris.empty else None
    kname = str(juris["name"].iloc[0]) if not juris.empty else str(county["jurisdiction"])[-3:]
    cname = str(city["jurisdiction"]).removeprefix("辽宁省")
    names = county_names(kname)
    cnames = county_names(cname)
    if set(names) & set(cnames):  # 朝阳县 in 朝阳市: the short name is ambiguous
        names = (kname,)
    townships = set()
    if not kadm.empty:
        townships = set(kadm[kadm["role"] == "township"]["name"].astype(str))
    strip = (*names, *cnames)
    generic = {*names, *cnames, kname, cname}

    klines = read_plan_lines(str(county.get("text_path", "") or ""))
    citems = _items(frames, city_id) + _indicator_items(ind, city_id)
    kitems = _items(frames, county_id) + _indicator_items(ind, county_id)
    findings: list[Finding] = []
    paired: set[int] = set()
    for c in citems:
        if c.side.layer == "indicator":
            why = f"目标语句点名{kname}" if any(n in c.side.quote for n in names) else None
        else:
            why = _assigned(c, names, townships, poly)
        if why is None:
            continue
        k = _best(c, kitems, strip, generic)
        if k is None:
            said = text_mention(klines, normalise(c.side.name, strip), county_id)
            if said is not None:
                findings.append(
                    Finding(
                        "agreement",
                        c.side.name,
                        why,
                        "县级规划文本提及（未提取为要素，角色无从比较）",
                        c.side,
                        said,
                    )
                )
                continue
            findings.append(
                Finding(
                    "gap", c.side.name, why, f"市级规划赋予{kname}，县级规划未提及", c.side, None
                )
            )
            continue
        paired.add(id(k))
        why_c = _conflict(c, k, strip)
        findings.append(
            Finding(
                "conflict" if why_c else "agreement",
                c.side.name,
                why,
                why_c or "两级规划表述一致",
                c.side,
                k.side,
            )
        )
    # the county's things the city plan also names, without assigning them to the county
    for k in kitems:
        if id(k) in paired or k.side.layer == "indicator":
            continue
        c = _best(k, citems, strip, generic)
        if c is not None and normalise(c.side.name, strip) == normalise(k.side.name, strip):
            paired.add(id(k))
            why_c = _conflict(c, k, strip)
            findings.append(
                Finding(
                    "conflict" if why_c else "agreement",
                    c.side.name,
                    "两级规划均提及",
                    why_c or "两级规划表述一致",
                    c.side,
                    k.side,
                )
            )
        elif k.side.layer in ("park", "port"):
            findings.append(
                Finding(
                    "gap",
                    k.side.name,
                    "县级规划提及",
                    "县级规划的园区/港口，市级规划未提及",
                    None,
                    k.side,
                )
            )
    return findings


def load_features(build_dir: Path | str) -> dict[str, gpd.GeoDataFrame]:
    """Feature layers of a build directory (``DIR/atlas.gpkg``), every plan."""
    from atlas import store

    gpkg = Path(build_dir) / "atlas.gpkg"
    if not gpkg.exists():
        raise InputError(f"no atlas at {gpkg}; run `atlas build --out {build_dir}` first")
    return store.read_layers(gpkg)


def consistency_findings(build_dir: Path | str, city_id: str, county_id: str) -> list[Finding]:
    """:func:`compare_plans` on a build directory."""
    from atlas.monitor.report import load_tables

    ind, plans = load_tables(build_dir)
    return compare_plans(load_features(build_dir), ind, plans, city_id, county_id)


#: Chinese labels of the classes
KIND_LABELS = {"agreement": "一致", "gap": "缺漏", "conflict": "冲突"}


def finding_counts(findings: list[Finding]) -> dict[str, int]:
    """Findings per class (every class present)."""
    c = Counter(f.kind for f in findings)
    return {k: c.get(k, 0) for k in KIND_LABELS}


def findings_json(findings: list[Finding], city_id: str, county_id: str) -> dict[str, Any]:
    """The ``atlas consistency --json`` document."""
    return {
        "city": city_id,
        "county": county_id,
        "counts": finding_counts(findings),
        "findings": [f.to_json() for f in findings],
    }


def _q(s: Side | None) -> str:
    if s is None:
        return "（未提及）"
    quote = s.quote if len(s.quote) <= 60 else s.quote[:59] + "…"
    return f"{s.plan_id}:{s.line}「{quote}」"


def render_findings(findings: list[Finding], title: str = "") -> str:
    """Plain Chinese listing: one block per finding with both quotes."""
    out = [title] if title else []
    for f in findings:
        out.append(f"[{KIND_LABELS[f.kind]}] {f.subject}（{f.why}）：{f.detail}")
        out.append(f"    市：{_q(f.city)}")
        out.append(f"    县：{_q(f.county)}")
    counts = finding_counts(findings)
    out.append("")
    out.append("合计：" + "，".join(f"{KIND_LABELS[k]} {n}" for k, n in counts.items()))
    return "\n".join(out)
