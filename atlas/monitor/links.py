"""Links: a plan's targets and the later figures of the same jurisdiction.

Documents are linked when they share the jurisdiction's adcode; indicators are linked by their
canonical key (:mod:`atlas.extract.keys`) with the ``_growth`` suffix dropped, so the plan's
``gdp`` target (1500 亿元, 年均增长 6.5 %) meets a report's ``gdp_growth`` figure (增长 5.4 %).

An observation is a later figure: a ``kind=actual`` row of another document (a work report's
achieved value, held in ``base_*``), or the base value of a later plan's target row. It must be
for a year after the target's base year. A target without a base value takes it from an
achieved row of the same plan for the base period (the plan's own review of 2020), and says so
in its sources.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from atlas.errors import InputError
from atlas.monitor.status import Observation, Target


@dataclass(frozen=True)
class SourceRef:
    """Where a value of a monitoring row comes from."""

    plan_id: str
    line: int
    field: str  # target, base_value, observed_value, observed_growth


@dataclass(frozen=True)
class ObservationRef:
    """An observation with its provenance."""

    observation: Observation
    key: str
    name: str
    plan_id: str
    line: int
    quote: str
    kind: str  # actual (a report's achieved figure) / base (a later plan's base value)

    @property
    def field(self) -> str:
        """``observed_growth`` for a growth figure, else ``observed_value``."""
        return "observed_value" if self.observation.value is not None else "observed_growth"


@dataclass(frozen=True)
class TargetLink:
    """One target of a plan and every later observation of the same indicator."""

    plan_id: str
    target: Target
    line: int
    quote: str
    base_source: SourceRef | None = None  # where base_* came from, when not the target row
    observations: tuple[ObservationRef, ...] = ()


@dataclass(frozen=True)
class LinkSet:
    """A plan's targets linked to the later documents of its jurisdiction."""

    plan_id: str
    adcode: str
    documents: tuple[str, ...]  # the later documents searched, by plan_id
    links: tuple[TargetLink, ...]
    unmatched_targets: tuple[str, ...]  # keys of targets with no later observation
    unmatched_observations: tuple[str, ...]  # keys observed later that no target has
    unkeyed: tuple[str, ...]  # indicator names with no canonical key (plan and later docs)


def stem(key: str) -> str:
    """The indicator a key measures, without the growth suffix (``gdp_growth`` → ``gdp``)."""
    return key.removesuffix("_growth")


def period_start(period: str) -> int | None:
    """First year of a plan period (``2021-2025;2035`` → 2021), None when not given."""
    m = re.match(r"\s*(\d{4})", period or "")
    return int(m.group(1)) if m else None


def _num(v: Any) -> float | None:
    if v is None or v is pd.NA:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _int(v: Any) -> int | None:
    f = _num(v)
    return None if f is None else int(f)


def target_of(row: Mapping[str, Any]) -> Target:
    """A :class:`Target` from an indicator-table row."""
    return Target(
        key=str(row["key"]),
        name=str(row["name"]),
        unit=str(row["unit"]),
        base_year=_int(row["base_year"]),
        base_value=_num(row["base_value"]),
        target_year=_int(row["target_year"]),
        target_value=_num(row["target_value"]),
        growth=_num(row["growth"]),
        qualifier=str(row["qualifier"]),
        target_text=str(row["target_text"]),
    )


def observation_of(row: Mapping[str, Any]) -> Observation | None:
    """The observation an achieved row (``kind=actual``) or a base value carries.

    A ``*_growth`` key holds the growth rate in ``base_value``/``base_growth``; any other key
    holds the level in ``base_value`` and, where reported, its growth in ``base_growth``.
    """
    year = _int(row["base_year"])
    value, growth = _num(row["base_value"]), _num(row["base_growth"])
    if year is None or (value is None and growth is None):
        return None
    if str(row["key"]).endswith("_growth") or (str(row["unit"]) == "%" and value == growth):
        return Observation(
            year=year, growth=growth if growth is not None else value, unit="%",
            qualifier=str(row["qualifier"]),
        )  # fmt: skip
    return Observation(
        year=year, value=value, growth=growth, unit=str(row["unit"]),
        qualifier=str(row["qualifier"]),
    )  # fmt: skip


def plan_info(plans: pd.DataFrame, plan_id: str) -> Mapping[str, Any]:
    """The plans-table row of ``plan_id``.

    Raises
    ------
    InputError
        ``plan_id`` is not in the build.
    """
    hit = plans[plans["plan_id"] == plan_id]
    if hit.empty:
        known = ", ".join(sorted(plans["plan_id"].astype(str)))
        raise InputError(f"unknown plan {plan_id!r}; this build has: {known}")
    return hit.iloc[0].to_dict()


def later_documents(plans: pd.DataFrame, plan_id: str) -> list[str]:
    """Other documents of the same jurisdiction (adcode) whose period starts no earlier."""
    me = plan_info(plans, plan_id)
    start = period_start(str(me.get("period", ""))) or 0
    out = []
    for _, p in plans.iterrows():
        if p["plan_id"] == plan_id or not me["adcode"] or p["adcode"] != me["adcode"]:
            continue
        if (period_start(str(p.get("period", ""))) or 0) >= start:
            out.append(str(p["plan_id"]))
    return sorted(out)


def _achieved(r: dict[str, Any]) -> dict[str, Any]:
    """A review row (kind=review: goal in target_*, achieved in actual_*) read as the achieved
    row it reports; other rows unchanged."""
    if r.get("kind") != "review":
        return r
    return {
        **r,
        "kind": "actual",
        "base_year": r.get("actual_year"),
        "base_value": r.get("actual_value"),
    }


def _observations(ind: pd.DataFrame, docs: Iterable[str]) -> list[ObservationRef]:
    rows = ind[ind["plan_id"].isin(list(docs))]
    out = []
    for r in map(_achieved, rows.to_dict("records")):
        if r["kind"] not in ("actual", "target") or not r["key"]:
            continue
        obs = observation_of(r)
        if obs is None:
            continue
        out.append(
            ObservationRef(
                observation=obs,
                key=str(r["key"]),
                name=str(r["name"]),
                plan_id=str(r["plan_id"]),
                line=int(r["source_line"]),
                quote=str(r["source_quote"]),
                kind="actual" if r["kind"] == "actual" else "base",
            )
        )
    return out


def _base_fill(own: pd.DataFrame, t: Target, start: int | None) -> tuple[Target, SourceRef | None]:
    """Fill a missing base value from the plan's own achieved row of the base period."""
    if t.base_value is not None or start is None:
        return t, None
    cands = own[own["kind"].isin(["actual", "review"]) & (own["key"] == t.key)]
    best = None
    for r in map(_achieved, cands.to_dict("records")):
        y, v = _int(r["base_year"]), _num(r["base_value"])
        if y is None or v is None or y >= start or r["qualifier"] in ("累计", "新增"):
            continue
        if r["unit"] != t.unit:
            continue
        if best is None or y > best[0]:
            best = (y, v, int(r["source_line"]))
    if best is None:
        return t, None
    from dataclasses import replace

    filled = replace(t, base_year=best[0], base_value=best[1])
    return filled, SourceRef(str(own["plan_id"].iloc[0]), best[2], "base_value")


def link_plan(ind: pd.DataFrame, plans: pd.DataFrame, plan_id: str) -> LinkSet:
    """Link every target of ``plan_id`` to the later observations of its jurisdiction.

    Parameters
    ----------
    ind : DataFrame
        The build's indicator table (:func:`atlas.store.read_indicators`).
    plans : DataFrame
        The build's plans table (:func:`atlas.store.list_plans`).
    plan_id : str
        The plan whose targets are monitored.

    Returns
    -------
    LinkSet
        One :class:`TargetLink` per target row, in the plan's order, observations sorted by
        year; plus the keys left unmatched on either side.

    Raises
    ------
    InputError
        ``plan_id`` is not in the build.
    """
    me = plan_info(plans, plan_id)
    start = period_start(str(me.get("period", "")))
    docs = later_documents(plans, plan_id)
    own = ind[ind["plan_id"] == plan_id]
    obs = _observations(ind, docs)
    links = []
    for r in (
        own[own["kind"] == "target"].sort_values("source_line", kind="stable").to_dict("records")
    ):
        t, base_src = _base_fill(own, target_of(r), start)
        floor = t.base_year if t.base_year is not None else (start - 1 if start else 0)
        mine = sorted(
            (
                o
                for o in obs
                if t.key
                and stem(o.key) == stem(t.key)
                and o.observation.year > floor
                and not (o.kind == "base" and o.observation.year <= floor)
            ),
            key=lambda o: (o.observation.year, o.plan_id, o.line),
        )
        links.append(
            TargetLink(
                plan_id=plan_id,
                target=t,
                line=int(r["source_line"]),
                quote=str(r["source_quote"]),
                base_source=base_src,
                observations=tuple(mine),
            )
        )
    target_stems = {stem(lk.target.key) for lk in links if lk.target.key}
    matched = {stem(lk.target.key) for lk in links if lk.observations}
    actual_stems = {stem(o.key) for o in obs if o.kind == "actual"}
    unkeyed = ind[ind["plan_id"].isin([plan_id, *docs]) & (ind["key"] == "")]
    return LinkSet(
        plan_id=plan_id,
        adcode=str(me["adcode"]),
        documents=tuple(docs),
        links=tuple(links),
        unmatched_targets=tuple(sorted(target_stems - matched)),
        unmatched_observations=tuple(sorted(actual_stems - target_stems)),
        unkeyed=tuple(sorted(set(unkeyed["name"].astype(str)))),
    )


def best_observation(link: TargetLink) -> ObservationRef | None:
    """The observation a monitoring row shows: the latest year; on a tie, the kind the target
    states (a growth figure for a growth target, else a level), then report before plan."""
    if not link.observations:
        return None
    want_growth = link.target.growth is not None

    def rank(o: ObservationRef) -> tuple[int, int, int]:
        fits = (
            (o.observation.growth is not None) if want_growth else (o.observation.value is not None)
        )
        return (o.observation.year, int(fits), int(o.kind == "actual"))

    return max(link.observations, key=rank)
