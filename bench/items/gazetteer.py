"""Item 3: warm gazetteer look-ups per second over a mix of names and scopes."""

from __future__ import annotations

import time

from bench.items import Context, load1, require
from bench.report import Row, Target
from bench.stats import rate

ITEM = "3 gazetteer"
#: names that are not places (the look-up must say "unknown" fast, too)
UNKNOWN = ("河长制", "四好农村公路", "不存在的地方", "大学进园区", "一核两翼", "X")
#: the scopes look-ups are made from: none, a prefecture city, a county-level city
SCOPES = (None, "210700", "210781")


def name_mix(limit: int = 600) -> list[str]:
    """Place names as plans write them: full names, short forms, townships, rivers, ports ..."""
    from atlas.places import geodata

    names: list[str] = []
    units = geodata.units()
    ln = units[units["adcode"].str.startswith("21")]
    names += ln["name"].tolist()
    names += [n[:-1] for n in ln["name"] if len(n) >= 3 and "自治" not in n]  # 凌海, 锦州
    names += geodata.townships()["name"].tolist()
    for loader in (geodata.rivers, geodata.ports, geodata.roads, geodata.rail, geodata.stations):
        try:
            names += loader()["name"].tolist()
        except Exception:  # an optional layer missing must not stop the benchmark
            continue
    names += list(UNKNOWN) * 5
    names += units["name"].sample(n=min(100, len(units)), random_state=0).tolist()  # 全国
    seen: list[str] = [n for n in dict.fromkeys(names) if n]
    return seen[:limit]


def gazetteer_rows(ctx: Context) -> list[Row]:
    """Time the default gazetteer's ``geocode`` after one warm-up pass over the mix."""
    require("atlas.places.gazetteer")
    from atlas.places.gazetteer import default_gazetteer

    lo = load1()
    default_gazetteer.cache_clear() if hasattr(default_gazetteer, "cache_clear") else None
    t0 = time.perf_counter()
    gaz = default_gazetteer()
    build_s = time.perf_counter() - t0
    queries = [(n, SCOPES[i % len(SCOPES)]) for i, n in enumerate(name_mix())]
    for name, scope in queries:  # warm-up
        gaz.geocode(name, scope=scope)
    loops = 1 if ctx.quick else 5
    rates = []
    for _ in range(ctx.repeats):
        t = time.perf_counter()
        for _ in range(loops):
            for name, scope in queries:
                gaz.geocode(name, scope=scope)
        rates.append(rate(loops * len(queries), time.perf_counter() - t))
    return [
        Row(ITEM, "default_gazetteer() build (in process)", "s", [build_s], load=lo),
        Row(
            ITEM,
            f"warm geocode look-ups ({len(queries)} names × 3 scopes mixed)",
            "lookups/s",
            rates,
            Target(">=", 10_000),
            load=lo,
        ),
    ]
