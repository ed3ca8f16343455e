"""Plan variants for the scaling benchmark: the seed plans with other 辽宁 places and numbers.

A variant keeps its seed's text structure line for line. What changes:

* places — the seed's jurisdiction becomes another 辽宁 unit of the same kind (a prefecture
  city for a city plan; a county-level unit with the same suffix 市/县/区 otherwise), its parent
  city and sibling/child counties become the new unit's, all by full name in one simultaneous
  pass (so swaps never chain); the two-character short forms of the jurisdiction and its parent
  (锦州港 → 鞍山港) follow unless they are ambiguous (朝阳县 in 朝阳市);
* numbers — every quantity followed by a unit (亿元, %, 公里, 个 ...) is scaled by a random factor
  in [0.8, 1.25] with its decimals kept; years and headings are untouched.

Generation is deterministic for a given ``seed``.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from atlas import paths

#: what may follow a quantity that variants rescale (years and headings have none of these)
UNITS_AFTER = (
    "%|％|‰|亿|万|千米|千瓦|兆瓦|公里|平方|公顷|亩|吨|"
    "个|家|所|座|条|人|户|元|倍|米|台|辆|项|处|张|套"
)
NUMBER = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)(?=\s*(?:{UNITS_AFTER}))")
SUFFIXES = ("市", "县", "区")


@dataclass(frozen=True)
class Unit:
    """A 辽宁 city or county-level unit."""

    adcode: str
    name: str
    parent: str

    @property
    def suffix(self) -> str:
        """Last character of the name (市, 县, 区)."""
        return self.name[-1]

    @property
    def short(self) -> str:
        """Two-character short form (锦州市 → 锦州), or "" when there is none."""
        s = self.name[:-1]
        return s if len(s) >= 2 and "自治" not in s else ""


@dataclass(frozen=True)
class Seed:
    """A seed plan from geodata/plans/manifest.csv."""

    plan_id: str
    path: Path
    adcode: str


@dataclass(frozen=True)
class Variant:
    """One generated plan file."""

    index: int
    path: Path
    plan_id: str
    seed: str
    source: str
    target: str
    target_adcode: str
    replacements: dict[str, str] = field(default_factory=dict)


def seeds(plans_dir: Path | None = None) -> list[Seed]:
    """The seed plans listed in the plan manifest, in manifest order."""
    plans_dir = plans_dir or paths.PLANS
    with (plans_dir / "manifest.csv").open(encoding="utf-8-sig", newline="") as fh:
        return [Seed(r["plan_id"], plans_dir / r["file"], r["adcode"]) for r in csv.DictReader(fh)]


def liaoning_units(units_csv: Path | None = None) -> dict[str, Unit]:
    """Prefecture cities and county-level units of 辽宁 by adcode (from geodata)."""
    units_csv = units_csv or paths.GEODATA / "china_units.csv"
    out: dict[str, Unit] = {}
    with units_csv.open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            code = r["adcode"]
            if code.startswith("21") and code != "210000" and r["level"] in ("city", "county"):
                out[code] = Unit(code, r["name"], r["parent"])
    return out


def read_seed_text(path: Path) -> str:
    """A seed's text, decoded (UTF-8 with or without BOM, else GB18030)."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _children(units: dict[str, Unit], parent: str) -> list[Unit]:
    return sorted((u for u in units.values() if u.parent == parent), key=lambda u: u.adcode)


def _is_city(u: Unit) -> bool:
    return u.adcode.endswith("00")


def _pair_up(sources: Sequence[Unit], pool: Sequence[Unit], rng: random.Random) -> dict[str, str]:
    """Map each source unit to a pool unit, preferring the same suffix, pool order shuffled."""
    pool = list(pool)
    rng.shuffle(pool)
    out: dict[str, str] = {}
    used: set[str] = set()
    for s in sources:
        free = [p for p in pool if p.adcode not in used] or pool
        same = [p for p in free if p.suffix == s.suffix] or free
        if not same:
            break
        pick = same[0]
        used.add(pick.adcode)
        out[s.name] = pick.name
    return out


def place_map(seed_code: str, units: dict[str, Unit], rng: random.Random) -> tuple[Unit, dict]:
    """Choose the variant's jurisdiction for a seed and the full place-name replacement map."""
    src = units[seed_code]
    if _is_city(src):
        cands = [u for u in units.values() if _is_city(u) and u.adcode != src.adcode]
        tgt = rng.choice(sorted(cands, key=lambda u: u.adcode))
        rep = {src.name: tgt.name}
        rep |= _pair_up(_children(units, src.adcode), _children(units, tgt.adcode), rng)
        shorts = [(src, tgt)]
    else:
        cands = [
            u
            for u in units.values()
            if not _is_city(u) and u.suffix == src.suffix and u.adcode != src.adcode
        ]
        tgt = rng.choice(sorted(cands, key=lambda u: u.adcode))
        rep = {src.name: tgt.name}
        sp, tp = units.get(src.parent), units.get(tgt.parent)
        shorts = [(src, tgt)]
        if sp and tp and sp.adcode != tp.adcode:
            rep[sp.name] = tp.name
            shorts.append((sp, tp))
        sibs = [u for u in _children(units, src.parent) if u.adcode != src.adcode]
        pool = [u for u in _children(units, tgt.parent) if u.adcode not in (tgt.adcode, src.adcode)]
        rep |= _pair_up(sibs, pool, rng)
    src_shorts = [a.short for a, _ in shorts]
    for a, b in shorts:
        if a.short and b.short and src_shorts.count(a.short) == 1 and a.short != b.short:
            rep.setdefault(a.short, b.short)
    rep = {k: v for k, v in rep.items() if k != v}
    return tgt, rep


def substitute(text: str, replacements: dict[str, str]) -> str:
    """Replace every key of ``replacements`` in one pass, longest keys first."""
    if not replacements:
        return text
    keys = sorted(replacements, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(k) for k in keys))
    return pattern.sub(lambda m: replacements[m.group(0)], text)


def scale_numbers(text: str, rng: random.Random, low: float = 0.8, high: float = 1.25) -> str:
    """Scale quantities followed by a unit; keep their number of decimals."""

    def repl(m: re.Match[str]) -> str:
        raw = m.group(1)
        value = float(raw) * rng.uniform(low, high)
        if "." in raw:
            return f"{value:.{len(raw.split('.')[1])}f}"
        return str(max(1, round(value)))

    return NUMBER.sub(repl, text)


def make_variant_text(seed: Seed, units: dict[str, Unit], rng: random.Random):
    """(target unit, replacements, text) of one variant of ``seed``."""
    tgt, rep = place_map(seed.adcode, units, rng)
    text = scale_numbers(substitute(read_seed_text(seed.path), rep), rng)
    return tgt, rep, text


def generate(n: int, out_dir: Path, seed: int = 0, plans_dir: Path | None = None) -> list[Variant]:
    """Write ``n`` distinct variant plans (round-robin over the seeds) into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    all_seeds = seeds(plans_dir)
    units = liaoning_units()
    rng = random.Random(seed)
    digests: set[str] = set()
    out: list[Variant] = []
    for i in range(n):
        s = all_seeds[i % len(all_seeds)]
        for _ in range(20):
            tgt, rep, text = make_variant_text(s, units, rng)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if digest not in digests:
                break
        digests.add(digest)
        pid = f"v{i:03d}-{s.plan_id}-{tgt.adcode}"
        path = out_dir / f"{pid}.txt"
        path.write_text(text, encoding="utf-8")
        source = units[s.adcode].name
        out.append(Variant(i, path, pid, s.plan_id, source, tgt.name, tgt.adcode, rep))
    return out


def problems(v: Variant, plans_dir: Path | None = None) -> list[str]:
    """Why ``v`` is not a valid variant of its seed (empty list: valid)."""
    seed = {s.plan_id: s for s in seeds(plans_dir)}[v.seed]
    orig = read_seed_text(seed.path)
    text = v.path.read_text(encoding="utf-8")
    out = []
    if text.count("\n") != orig.count("\n"):
        out.append("line count differs from the seed")
    if v.target not in text:
        out.append(f"new jurisdiction {v.target} not in the text")
    if v.source in text and v.source not in v.replacements.values():
        out.append(f"seed jurisdiction {v.source} still in the text")
    if text == orig:
        out.append("text identical to the seed")
    return out
