"""The atlas data model: frozen dataclasses passed between pipeline stages.

Every extracted thing carries a :class:`SourceSpan` (1-based line in the *original* plan file
and the verbatim quote), so each map feature can be traced back to the sentence it came from.
Stages never mutate these objects; they build new ones (``dataclasses.replace``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, Protocol, runtime_checkable

#: precision classes, best first (DESIGN §4)
PRECISIONS: tuple[str, ...] = ("admin", "surveyed", "derived", "schematic", "unresolved")
Precision = Literal["admin", "surveyed", "derived", "schematic", "unresolved"]

#: layer names of the feature schema (DESIGN §4)
LAYERS: tuple[str, ...] = (
    "layout",
    "park",
    "port",
    "water",
    "transport",
    "project",
    "ecology",
    "admin",
    "indicator",
)


@dataclass(frozen=True)
class SourceSpan:
    """Where a statement comes from in the original plan file.

    Attributes
    ----------
    line : int
        1-based line of the original file where the defining text starts.
    quote : str
        The verbatim defining sentence, as it stands in the original file (page breaks inside
        the sentence are joined without the break characters).
    end_line : int
        1-based line where the quote ends (``== line`` for a one-line quote).
    """

    line: int
    quote: str
    end_line: int = 0

    def __post_init__(self) -> None:
        if self.end_line < self.line:
            object.__setattr__(self, "end_line", self.line)


@dataclass(frozen=True)
class PlanInfo:
    """A plan document's identity (from geodata/plans/manifest.csv or detected from the text)."""

    plan_id: str
    path: str
    jurisdiction: str = ""  # full name, e.g. 辽宁省锦州市凌海市
    adcode: str = ""  # 6-digit code of the jurisdiction, "" when not detected
    level: str = ""  # province / prefecture city / county / county-level city / urban district
    kind: str = "plan"  # plan / work-report
    period: str = ""
    title: str = ""


@dataclass(frozen=True)
class Place:
    """A gazetteer place (WGS-84).

    ``level`` is one of province, city, county, township, zone, river, coast, sea, bay, rail,
    road, station, port, port_area, airport, reservoir, mountain.
    """

    name: str
    code: str
    level: str
    lon: float
    lat: float
    precision: str = "admin"
    confidence: float = 1.0
    parent: str = ""  # code of the containing unit (county adcode for townships)
    aliases: tuple[str, ...] = ()
    source: str = ""
    note: str = ""  # e.g. why a candidate ranks where it does (scope explanation)


@runtime_checkable
class PlaceIndex(Protocol):
    """What extraction, jurisdiction detection and placement ask of a gazetteer.

    :class:`atlas.places.gazetteer.Gazetteer` is the implementation; tests use a small fake.
    The protocol lives in the model so that ``atlas.extract`` and ``atlas.identify`` can be
    typed against it without importing ``atlas.places`` (the import contract forbids that:
    extraction gets its places from the caller).
    """

    def __contains__(self, code: object) -> bool: ...

    def get(self, code: str) -> Place: ...

    def geocode(
        self, name: str, scope: str | None = None, levels: Sequence[str] | None = None
    ) -> list[Place]: ...

    def find_in_text(self, text: str, scope: str | None = None) -> list[tuple[int, int, Place]]: ...


@dataclass(frozen=True)
class Indicator:
    """One indicator row or prose target (DESIGN §4 indicator fields)."""

    plan_id: str
    name: str  # as written, e.g. 地区生产总值
    key: str  # canonical key, e.g. gdp, gdp_growth, forest_cover; "" if unknown
    unit: str  # normalised unit, e.g. 亿元, %, 万人
    source: SourceSpan
    base_year: int | None = None
    base_value: float | None = None
    target_year: int | None = None
    target_value: float | None = None
    target_text: str = ""  # verbatim target cell/phrase, e.g. 1500左右, 不低于沿海六市平均水平
    qualifier: str = ""  # 左右, 以内, 不低于, 以上, 累计, 高于平均, ...
    growth: float | None = None  # annual % where given
    attribute: str = ""  # 预期性 / 约束性 where given
    kind: Literal["target", "actual", "review"] = "target"
    category: str = ""  # table section, e.g. 经济发展, 绿色生态
    table: str = ""  # table caption, or "prose"
    # added by the plan reader (optional; kind=actual rows keep the observed value in base_*)
    base_text: str = ""  # verbatim base/actual cell, e.g. 待省反馈, 19:26:55, [4]
    base_growth: float | None = None  # growth % reported with the base/actual value
    growth_text: str = ""  # verbatim growth cell/phrase, e.g. 6.5左右
    status: str = ""  # completion status of review tables: 完成 / 未完成 / 无统计
    # kind=review (a 十三五 review row): the plan's goal is target_*, the achieved figure here
    actual_year: int | None = None
    actual_value: float | None = None


@dataclass(frozen=True)
class Project:
    """A key project item from a 专栏 box or project list."""

    plan_id: str
    name: str
    source: SourceSpan
    category: str = ""  # 专栏 title or section, e.g. 交通基础设施
    places: tuple[str, ...] = ()  # place words found in the item
    investment: float | None = None  # normalised to 亿元
    box: str = ""  # 专栏 caption
    duplicate_of: str = ""  # name/box of an earlier item it duplicates
    investment_text: str = ""  # verbatim amount as written, e.g. 投资 4200 万元 (plan reader)


@dataclass(frozen=True)
class LayoutElement:
    """One part of a structure slogan, e.g. 一核 → 营口市中心商务区."""

    component: str  # the slogan part it fills: 一核, 两翼 (南翼 …), 三轴
    role: str  # core, wing, belt, axis, corridor, zone, cluster, node, ring, ...
    name: str  # the element's own name, e.g. 京沈城镇发展轴
    source: SourceSpan
    anchors: tuple[str, ...] = ()  # place names the definition uses, in text order
    definition: str = ""  # the defining text (normalised)
    resolved: bool = True  # False: named by the slogan but never defined in the plan
    area_km2: float | None = None  # area stated in the text, if any


@dataclass(frozen=True)
class Layout:
    """A structure slogan with its components."""

    plan_id: str
    name: str  # slogan without quotes, e.g. 一核两翼
    source: SourceSpan
    elements: tuple[LayoutElement, ...] = ()
    expected: int = 0  # element count implied by the numerals (0 = open-ended, e.g. 多点)
    context: str = ""  # what the slogan organises, e.g. 空间布局, 生态格局


@dataclass(frozen=True)
class Entity:
    """A park, port, water work, transport item, protected area or key project with a place."""

    plan_id: str
    layer: str  # park, port, water, transport, project, ecology
    role: str  # park, port, port_area, reach, reservoir, river, station, rail, road, ...
    name: str
    source: SourceSpan
    anchors: tuple[str, ...] = ()
    # e.g. (("from", "X"), ("to", "Y"), ("area_km2", "5.3"))
    attrs: tuple[tuple[str, str], ...] = ()

    def attr(self, key: str, default: str = "") -> str:
        return dict(self.attrs).get(key, default)


@dataclass(frozen=True)
class Unresolved:
    """Something the plan names but does not define (or that cannot be placed)."""

    plan_id: str
    kind: str  # layout, element, entity, place
    name: str
    reason: str
    source: SourceSpan | None = None
    layout: str = ""
    component: str = ""


@dataclass(frozen=True)
class Extraction:
    """Everything read from one plan; the DESIGN §3 ``atlas extract --json`` document."""

    plan: PlanInfo
    layouts: tuple[Layout, ...] = ()
    entities: tuple[Entity, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    projects: tuple[Project, ...] = ()
    unresolved: tuple[Unresolved, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def plan_id(self) -> str:
        return self.plan.plan_id

    def to_json(self) -> dict[str, Any]:
        """Return the DESIGN §3 JSON document (plain dicts, lists and scalars)."""

        def span(s: SourceSpan | None) -> dict[str, Any]:
            if s is None:
                return {"source_line": None, "source_quote": None}
            return {"source_line": s.line, "source_quote": s.quote}

        layouts = []
        for lay in self.layouts:
            layouts.append(
                {
                    "name": lay.name,
                    "context": lay.context,
                    "expected": lay.expected,
                    **span(lay.source),
                    "elements": [
                        {
                            "component": e.component,
                            "role": e.role,
                            "name": e.name,
                            "anchors": list(e.anchors),
                            "resolved": e.resolved,
                            "area_km2": e.area_km2,
                            **span(e.source),
                        }
                        for e in lay.elements
                    ],
                }
            )
        entities = [
            {
                "layer": e.layer,
                "role": e.role,
                "name": e.name,
                "anchors": list(e.anchors),
                "attrs": dict(e.attrs),
                **span(e.source),
            }
            for e in self.entities
        ]
        indicators = []
        for i in self.indicators:
            d = asdict(i)
            d.pop("source")
            d.pop("plan_id")
            d.update(span(i.source))
            indicators.append(d)
        projects = []
        for p in self.projects:
            d = asdict(p)
            d.pop("source")
            d.pop("plan_id")
            d["places"] = list(p.places)
            d.update(span(p.source))
            projects.append(d)
        unresolved = [
            {
                "kind": u.kind,
                "name": u.name,
                "reason": u.reason,
                "layout": u.layout,
                "component": u.component,
                **span(u.source),
            }
            for u in self.unresolved
        ]
        doc = {
            "plan_id": self.plan.plan_id,
            "jurisdiction": self.plan.jurisdiction,
            "adcode": self.plan.adcode,
            "layouts": layouts,
            "entities": entities,
            "indicators": indicators,
            "projects": projects,
            "unresolved": unresolved,
        }
        if self.extra.get("text_only"):
            doc["text_only"] = True  # read without the gazetteer: anchors from patterns only
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any], plan: PlanInfo) -> Extraction:
        """Rebuild an extraction from its :meth:`to_json` document (layouts, entities,
        indicators, unresolved; projects are not carried back).

        Used for cached or hand-reviewed extractions (test fixtures, the app's upload cache).
        ``plan`` is the plan's identity; the JSON holds only its id and jurisdiction.
        """

        def span(d: dict[str, Any]) -> SourceSpan | None:
            if d.get("source_line") is None:
                return None
            return SourceSpan(int(d["source_line"]), d.get("source_quote") or "")

        pid = plan.plan_id
        layouts = tuple(
            Layout(
                pid,
                lay["name"],
                span(lay),
                tuple(
                    LayoutElement(
                        e["component"],
                        e["role"],
                        e["name"],
                        span(e),
                        tuple(e.get("anchors") or ()),
                        e.get("definition", ""),
                        e.get("resolved", True),
                        e.get("area_km2"),
                    )
                    for e in lay.get("elements", [])
                ),
                lay.get("expected", 0),
                lay.get("context", ""),
            )
            for lay in doc.get("layouts", [])
        )
        entities = tuple(
            Entity(
                pid,
                e["layer"],
                e["role"],
                e["name"],
                span(e),
                tuple(e.get("anchors") or ()),
                tuple((str(k), str(v)) for k, v in (e.get("attrs") or {}).items()),
            )
            for e in doc.get("entities", [])
        )
        known = {f.name for f in fields(Indicator)} - {"plan_id", "source"}
        indicators = tuple(
            Indicator(plan_id=pid, source=span(i), **{k: v for k, v in i.items() if k in known})
            for i in doc.get("indicators", [])
        )
        unresolved = tuple(
            Unresolved(
                pid,
                u["kind"],
                u["name"],
                u.get("reason", ""),
                span(u),
                u.get("layout", ""),
                u.get("component", ""),
            )
            for u in doc.get("unresolved", [])
        )
        return cls(plan, layouts, entities, indicators, (), unresolved)
