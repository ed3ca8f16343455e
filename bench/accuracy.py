"""Extraction and placement accuracy on the unseen-plan corpus: ``python -m bench.accuracy``.

Scores the reader against the hand-written golds in tests/corpus/gold/ (schema:
tests/corpus/README.md) using **only the CLI contract** (DESIGN §3), so it keeps working while
the Python API moves:

- ``atlas extract PLAN --json`` for what was found and whether it is right;
- ``atlas build PLAN... --out TMPDIR`` and ``TMPDIR/geojson/*.geojson`` for where it was put.

Per plan and in total it reports: layout components found (slogan + component label + role +
name) and placed in the right county (the feature's representative point inside the gold
county polygon, or the city polygon for a city-wide gold); parks found (name, suffix variants
allowed), kind right, placed within 5 km of their township's reference point (parks without a
township or without a reference point are counted apart); indicators found (name) and right
(base, target, growth, attribute, kind; plus the achieved value for review rows; numbers
within 1e-6); non-place violations (a feature anchored to a string listed in ``non_places``).

Prints a table and rewrites docs/accuracy.md (table plus the list of misses). Options:
``--only ID ...``, ``--no-write``, ``--json FILE``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
DOC = ROOT / "docs" / "accuracy.md"
PARK_RADIUS_M = 5000.0
TOL = 1e-6

# ----------------------------------------------------------------------------- CLI access


def _cli(*args: str, timeout: float = 300.0) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "atlas.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def extract(plan: Path) -> tuple[dict | None, str]:
    """``atlas extract PLAN --json`` → (document, error note)."""
    proc = _cli("extract", str(plan), "--json")
    if proc.returncode != 0:
        return None, f"extract exit {proc.returncode}: {_tail(proc.stderr)}"
    try:
        return json.loads(proc.stdout), ""
    except json.JSONDecodeError as exc:
        return None, f"extract printed no JSON ({exc})"


def build(plans: list[Path], out: Path) -> str:
    """``atlas build PLANS --out OUT``; returns an error note ("" when it worked)."""
    proc = _cli("build", *map(str, plans), "--out", str(out), timeout=900.0)
    if proc.returncode != 0:
        return f"build exit {proc.returncode}: {_tail(proc.stderr)}"
    return ""


def _tail(text: str, n: int = 2) -> str:
    rows = [r.strip() for r in text.strip().splitlines() if r.strip()]
    return " | ".join(rows[-n:])


# ----------------------------------------------------------------------------- matching

_QUOTES = re.compile(r"[“”\"'‘’「」《》\s、，,。.:：;；]")
_PARENS = re.compile(r"[（(][^）)]*[）)]")
_SUFFIXES = (
    ("高新技术产业开发区", "高新区"),
    ("经济技术开发区", "开发区"),
    ("经济开发区", "开发区"),
    ("产业园区", "园"),
    ("工业园区", "园"),
    ("物流园区", "物流园"),
    ("园区", "园"),
    ("产业园", "园"),
    ("工业园", "园"),
)


def norm(s: str | None) -> str:
    """Quotes, punctuation and white space removed; full-width brackets made half-width."""
    s = (s or "").replace("（", "(").replace("）", ")")
    return _QUOTES.sub("", s)


def park_key(s: str | None) -> str:
    """A park name reduced for suffix-tolerant matching (省级/parentheses/suffix variants)."""
    s = _PARENS.sub("", norm(s).replace("(", "（").replace(")", "）"))
    for word in ("国家级", "省级", "市级"):
        s = s.replace(word, "")
    for long, short in _SUFFIXES:
        if s.endswith(long):
            return s[: -len(long)] + short
    return s


def names_match(gold: str, got: str) -> bool:
    """Equal after :func:`norm`, or one contains the other."""
    a, b = norm(gold), norm(got)
    return bool(a and b) and (a == b or a in b or b in a)


def parks_match(gold: str, got: str) -> bool:
    """Suffix-tolerant: equal keys, or one key ends the other (a county prefix added)."""
    a, b = park_key(gold), park_key(got)
    if not a or not b:
        return False
    return a == b or b.endswith(a) or a.endswith(b)


def _num_eq(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) <= TOL
    except (TypeError, ValueError):
        return False


def park_kind(entity: dict) -> str:
    """Map an extracted entity (layer, role, attrs) to the gold park kinds."""
    layer = entity.get("layer", "")
    role = str(entity.get("role", ""))
    attrs = entity.get("attrs") or {}
    kind = str(attrs.get("kind", "") or "")
    if kind in {"park", "logistics", "education", "port", "other"}:
        return kind
    if layer == "port" or role.startswith("port") or role in {"wharf", "berth"}:
        return "port"
    if role in {"logistics", "logistics_hub"}:
        return "logistics"
    if role in {"education", "training"}:
        return "education"
    if role in {"dev_zone", "new_area", "park", "cluster", "industrial_park"}:
        return "park"
    return "other"


# ----------------------------------------------------------------------------- reference data


def _load_polygons():
    import geopandas as gpd

    polys = {}
    for name in ("liaoning_counties.geojson", "liaoning_cities.geojson"):
        frame = gpd.read_file(ROOT / "geodata" / name)
        for code, geom in zip(frame["adcode"].astype(str), frame.geometry, strict=True):
            polys[code] = geom
    return polys


def _load_townships() -> tuple[dict[tuple[str, str], tuple[float, float]], str]:
    path = ROOT / "geodata" / "liaoning_townships.csv"
    if not path.exists():
        path = ROOT / "geodata" / "townships.csv"
    points: dict[tuple[str, str], tuple[float, float]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                points[(str(row["county"]), row["name"])] = (float(row["lon"]), float(row["lat"]))
            except (KeyError, ValueError):
                continue
    return points, path.name


def _layers(build_dir: Path):
    import geopandas as gpd
    import pandas as pd

    frames = []
    for path in sorted((build_dir / "geojson").glob("*.geojson")):
        try:
            frame = gpd.read_file(path)
        except Exception:  # an empty or odd layer must not stop the score
            continue
        if len(frame):
            frames.append(frame)
    if not frames:
        return None
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")


# ----------------------------------------------------------------------------- scoring


@dataclass
class Score:
    plan: str
    error: str = ""
    jur_ok: int = 0
    comp_total: int = 0
    comp_found: int = 0
    comp_placed: int = 0
    park_total: int = 0
    park_found: int = 0
    park_kind: int = 0
    park_ref: int = 0  # parks with a township reference point
    park_near: int = 0
    park_noref: int = 0
    ind_total: int = 0
    ind_found: int = 0
    ind_right: int = 0
    nonplace_total: int = 0
    nonplace_viol: int = 0
    misses: list[str] = field(default_factory=list)


def _elements(doc: dict) -> list[tuple[str, dict]]:
    return [
        (lay.get("name", ""), el)
        for lay in doc.get("layouts", [])
        for el in lay.get("elements", [])
    ]


def _feature_point(frame, mask):
    rows = frame[mask]
    for geom in rows.geometry:
        if geom is not None and not geom.is_empty:
            return geom.representative_point()
    return None


def score_plan(gold: dict, doc: dict | None, feats, polys, towns, err: str) -> Score:
    sc = Score(plan=gold["plan"], error=err)
    comps = [(lay, c) for lay in gold["layouts"] for c in lay["components"]]
    sc.comp_total = len(comps)
    sc.park_total = len(gold["parks"])
    sc.ind_total = len(gold["indicators"])
    sc.nonplace_total = len(gold["non_places"])
    if doc is None:
        sc.misses.append(f"no extraction: {err}")
        return sc
    plan_id = doc.get("plan_id", gold["plan"])
    if str(doc.get("adcode")) == gold["jurisdiction"]["adcode"]:
        sc.jur_ok = 1
    else:
        sc.misses.append(f"jurisdiction {doc.get('adcode')} {doc.get('jurisdiction')}")
    mine = feats[feats["plan_id"] == plan_id] if feats is not None else None

    # layout components
    elements = _elements(doc)

    def same_part(mine_comp: object, gold_comp: str) -> bool:
        """The same slogan part, or a named member of it (北翼 is a member of 两翼)."""
        a, b = norm(mine_comp), norm(gold_comp)
        if a == b:
            return True
        counted = b[:1] in "一二两三四五六七八九十多双"
        return counted and len(a) >= 2 and a[-1] == b[-1] and a[:1] in "东西南北中上下前后左右"

    used: set[int] = set()
    for lay, comp in comps:
        hit = None
        for i, (lname, el) in enumerate(elements):
            if i in used or norm(lname) != norm(lay["slogan"]):
                continue
            if (
                not same_part(el.get("component"), comp["component"])
                or el.get("role") != comp["role"]
            ):
                continue
            if names_match(comp["name"], el.get("name", "")):
                hit = i
                break
        label = f"{lay['slogan']}/{comp['component']}/{comp['name']} (L{lay['line']})"
        if hit is None:
            near = [
                f"{el.get('component')}:{el.get('role')}:{el.get('name')}"
                for lname, el in elements
                if norm(lname) == norm(lay["slogan"])
                and norm(el.get("component")) == norm(comp["component"])
            ]
            got = "; ".join(near[:4]) or (
                "slogan not found"
                if not any(norm(ln) == norm(lay["slogan"]) for ln, _ in elements)
                else "component not found"
            )
            sc.misses.append(f"component missed {label} [{comp['role']}] — got: {got}")
            continue
        used.add(hit)
        sc.comp_found += 1
        el = elements[hit][1]
        if mine is None:
            continue
        mask = (
            (mine["layer"] == "layout")
            & (mine["layout"].fillna("").map(norm) == norm(lay["slogan"]))
            & mine["component"].fillna("").map(lambda c, g=comp: same_part(c, g["component"]))
            & mine["name"].fillna("").map(lambda n, e=el: norm(n) == norm(e.get("name")))
        )
        point = _feature_point(mine, mask)
        poly = polys.get(comp["county"])
        if point is not None and poly is not None and poly.contains(point):
            sc.comp_placed += 1
        else:
            where = (
                "no geometry"
                if point is None
                else f"point {point.x:.3f},{point.y:.3f} outside {comp['county']}"
            )
            sc.misses.append(f"component misplaced {label}: {where}")

    # parks
    entities = [e for e in doc.get("entities", []) if e.get("layer") in {"park", "port"}]
    for park in gold["parks"]:
        ent = next((e for e in entities if parks_match(park["name"], e.get("name", ""))), None)
        if ent is None:
            sc.misses.append(f"park missed {park['name']} [{park['kind']}]")
            continue
        sc.park_found += 1
        kind = park_kind(ent)
        if kind == park["kind"]:
            sc.park_kind += 1
        else:
            sc.misses.append(
                f"park kind {park['name']}: gold {park['kind']}, got {kind} "
                f"({ent.get('layer')}/{ent.get('role')}, L{ent.get('source_line')})"
            )
        ref = towns.get((park["county"], park["township"])) if park["township"] else None
        if ref is None:
            sc.park_noref += 1
            continue
        sc.park_ref += 1
        if mine is None:
            continue
        mask = mine["layer"].isin(["park", "port"]) & (mine["name"].fillna("") == ent.get("name"))
        point = _feature_point(mine, mask)
        if point is None:
            sc.misses.append(f"park unplaced {park['name']} (ref {park['township']})")
            continue
        dist = _metres(point.x, point.y, *ref)
        if dist <= PARK_RADIUS_M:
            sc.park_near += 1
        else:
            sc.misses.append(
                f"park far {park['name']}: {dist / 1000:.1f} km from {park['township']}"
            )

    # indicators
    got_inds = doc.get("indicators", [])
    for ind in gold["indicators"]:
        cands = [g for g in got_inds if _ind_name_eq(ind, g.get("name"))]
        label = (
            f"{ind['name']} ({ind['kind']}, base {ind['base_value']}, "
            f"target {ind['target_value']}, growth {ind['growth']})"
        )
        if not cands:
            sc.misses.append(f"indicator missed {label}")
            continue
        sc.ind_found += 1
        if any(_ind_right(ind, g) for g in cands):
            sc.ind_right += 1
        else:
            shown = "; ".join(
                f"{g.get('kind')} b={g.get('base_value')} t={g.get('target_value')} "
                f"g={g.get('growth')} a={g.get('attribute')!s} L{g.get('source_line')}"
                for g in cands[:3]
            )
            sc.misses.append(
                f"indicator wrong {label} attr={ind['attribute'] or '-'} — got: {shown}"
            )

    # non-places
    for bad in gold["non_places"]:
        verdict = _anchored(bad, mine, doc)
        if verdict == "placed":
            sc.nonplace_viol += 1
            sc.misses.append(f"non-place placed on the map: {bad}")
        elif verdict:
            sc.misses.append(f"non-place extracted as an item (no geometry, not counted): {bad}")
    return sc


def _ind_name_eq(gold: dict, got: str | None) -> bool:
    """Equal after :func:`norm`; a trailing ``(unit)`` equal to the gold unit is ignored."""
    got_n, want = norm(got), norm(gold["name"])
    unit = norm(gold.get("unit"))
    if unit and got_n.endswith(f"({unit})"):
        got_n = got_n[: -len(unit) - 2]
    return got_n == want


def _ind_right(gold: dict, got: dict) -> bool:
    if got.get("kind") == "actual":
        # the atlas keeps an observed rate in base_growth (a *_growth key: also in base_value,
        # for monitoring); the gold schema writes the achieved rate in growth
        rate_only = str(got.get("key") or "").endswith("_growth")
        got = {**got, "growth": got.get("base_growth")}
        if rate_only:
            got["base_value"] = None
    if not (
        _num_eq(gold["base_value"], got.get("base_value"))
        and _num_eq(gold["target_value"], got.get("target_value"))
        and _num_eq(gold["growth"], got.get("growth"))
        and (gold["attribute"] or "") == (got.get("attribute") or "")
        and gold["kind"] == got.get("kind")
    ):
        return False
    if gold["kind"] == "review":
        return _num_eq(gold.get("actual_value"), got.get("actual_value"))
    return True


def _anchored(bad: str, mine, doc: dict) -> str:
    """Whether a feature whose quote holds ``bad`` is anchored to it: "placed" (it has a
    geometry, so the string was geocoded), "unplaced" (extracted but without geometry) or ""."""

    def hit(anchors, quote, name) -> bool:
        if bad not in (quote or ""):
            return False
        return bad in (name or "") or any(len(a) >= 2 and (a in bad or bad in a) for a in anchors)

    verdict = ""
    if mine is not None:
        cols = zip(
            mine["anchors"].fillna(""),
            mine["source_quote"].fillna(""),
            mine["name"].fillna(""),
            mine.geometry,
            strict=True,
        )
        for anchors, quote, name, geom in cols:
            if hit([a for a in str(anchors).split(";") if a], quote, name):
                if geom is not None and not geom.is_empty:
                    return "placed"
                verdict = "unplaced"
    items = [el for _, el in _elements(doc)] + list(doc.get("entities", []))
    if not verdict and any(
        hit(el.get("anchors") or [], el.get("source_quote"), el.get("name")) for el in items
    ):
        verdict = "unplaced"
    return verdict


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    from math import asin, cos, radians, sin, sqrt

    p1, p2 = radians(lat1), radians(lat2)
    dp, dl = p2 - p1, radians(lon2 - lon1)
    h = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 2 * 6371008.8 * asin(sqrt(h))


# ----------------------------------------------------------------------------- report


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} ({100 * n / d:.0f}%)" if d else "–"


HEADER = (
    "plan",
    "jurisdiction",
    "comp found",
    "comp placed",
    "park found",
    "park kind",
    "park ≤5 km",
    "park no ref",
    "ind found",
    "ind right",
    "non-place viol.",
)


COUNTS = (
    "jur_ok", "comp_total", "comp_found", "comp_placed", "park_total", "park_found", "park_kind",
    "park_ref", "park_near", "park_noref", "ind_total", "ind_found", "ind_right",
    "nonplace_total", "nonplace_viol",
)  # fmt: skip


def rows(scores: list[Score]) -> list[tuple[str, ...]]:
    out = []
    total = Score(plan="**total**")
    for s in scores:
        out.append(_row(s))
        for f in COUNTS:
            setattr(total, f, getattr(total, f) + getattr(s, f))
    out.append(_row(total))
    return out


def _row(s: Score) -> tuple[str, ...]:
    return (
        s.plan + (" (error)" if s.error else ""),
        f"{s.jur_ok}/1" if s.plan != "**total**" else str(s.jur_ok),
        _pct(s.comp_found, s.comp_total),
        _pct(s.comp_placed, s.comp_total),
        _pct(s.park_found, s.park_total),
        _pct(s.park_kind, s.park_total),
        _pct(s.park_near, s.park_ref),
        str(s.park_noref),
        _pct(s.ind_found, s.ind_total),
        _pct(s.ind_right, s.ind_total),
        f"{s.nonplace_viol}/{s.nonplace_total}",
    )


def text_table(table: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [HEADER, *table]) for i in range(len(HEADER))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [HEADER, *table]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(scores: list[Score], table, meta: dict) -> str:
    md = [
        "# Accuracy on the unseen-plan corpus",
        "",
        "Generated by `python -m bench.accuracy` (do not edit by hand). Corpus, gold schema and",
        "rules: `tests/corpus/README.md`. Scored through the CLI only (`atlas extract --json`,",
        "`atlas build`).",
        "",
        f"Run: {meta['when']} UTC, commit `{meta['commit']}`, {meta['seconds']:.1f} s; "
        f"township reference points: `geodata/{meta['towns']}` ({meta['n_towns']} points).",
        "",
        "Definitions: *jurisdiction* = `adcode` from `atlas extract` equals the gold's; "
        "*comp found* = gold component matched by slogan + component label + role "
        "+ name; *comp placed* = its built feature's representative point lies in the gold county "
        "(or city) polygon; *park found* = name match allowing suffix variants; *park kind* = "
        "park / logistics / education / port / other right; *park ≤5 km* = share of parks **with "
        "a township reference point** placed within 5 km of it (*park no ref* = parks with no "
        "township or no reference point); *ind right* = base, target, growth, attribute and kind "
        "all equal (numbers within 1e-6; review rows also the achieved value); *non-place viol.* "
        "= strings from `non_places` that a feature with a geometry is anchored to.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    md += ["| " + " | ".join(r) + " |" for r in table]
    md += ["", "## Misses", ""]
    for s in scores:
        if s.misses:
            md.append(f"### {s.plan}")
            md.append("")
            md += [f"- {m}" for m in s.misses]
            md.append("")
    return "\n".join(md) + "\n"


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.accuracy", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--only", nargs="*", help="plan ids to score")
    ap.add_argument("--no-write", action="store_true", help="do not rewrite docs/accuracy.md")
    ap.add_argument("--json", type=Path, help="also write the scores as JSON")
    ap.add_argument("--jobs", type=int, default=2, help="parallel extract calls (default 2)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    golds = {}
    for path in sorted((CORPUS / "gold").glob("*.yaml")):
        if args.only and path.stem not in args.only:
            continue
        golds[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    plans = {pid: CORPUS / "plans" / f"{pid}.txt" for pid in golds}
    print(f"scoring {len(golds)} plans ...", file=sys.stderr)

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        extracted = dict(zip(plans, pool.map(extract, plans.values()), strict=True))

    polys = _load_polygons()
    towns, towns_file = _load_townships()
    feats = None
    build_err: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="atlas-acc-") as tmp:
        out = Path(tmp) / "all"
        err = build(list(plans.values()), out)
        if not err:
            feats = _layers(out)
        else:  # one bad plan must not hide the others: build them one by one
            print(f"combined build failed ({err}); building plan by plan", file=sys.stderr)
            parts = []
            for pid, plan in plans.items():
                one = Path(tmp) / pid
                e = build([plan], one)
                if e:
                    build_err[pid] = e
                    continue
                layer = _layers(one)
                if layer is not None:
                    parts.append(layer)
            if parts:
                import geopandas as gpd
                import pandas as pd

                feats = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")

    scores = []
    for pid, gold in golds.items():
        doc, err = extracted[pid]
        if pid in build_err:
            err = (err + "; " if err else "") + build_err[pid]
        scores.append(score_plan(gold, doc, feats, polys, towns, err))
    table = rows(scores)
    print(text_table(table))
    seconds = time.perf_counter() - t0
    print(f"{seconds:.1f} s", file=sys.stderr)

    if not args.no_write and not args.only:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        meta = {
            "when": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
            "commit": commit or "?",
            "seconds": seconds,
            "towns": towns_file,
            "n_towns": len(towns),
        }
        DOC.write_text(markdown(scores, table, meta), encoding="utf-8")
        print(f"wrote {DOC.relative_to(ROOT)}", file=sys.stderr)
    if args.json:
        args.json.write_text(
            json.dumps([s.__dict__ for s in scores], ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
