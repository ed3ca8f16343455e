"""Indicator overlay: a choropleth of one indicator over the jurisdictions that have it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from atlas.render.web.geojson import esc, geo_mapping

RAMP = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
MEASURE_COLUMNS = {"base": "base_value", "target": "target_value", "growth": "growth"}
MEASURE_LABELS = {"base": "基期值", "target": "目标值", "growth": "年均增速"}


@dataclass
class Choropleth:
    """A classified indicator overlay over the jurisdictions that have the indicator."""

    title: str
    scheme: str
    frame: gpd.GeoDataFrame  # adcode, name, value, color, label, plan_id, geometry
    classes: list[tuple[str, str]] = field(default_factory=list)  # (colour, range label)


def _fmt(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def choropleth(
    indicators: pd.DataFrame,
    polygons: gpd.GeoDataFrame,
    key: str,
    measure: str = "target",
    *,
    scheme: str = "Quantiles",
    k: int = 5,
) -> Choropleth | None:
    """Classify one indicator over jurisdiction polygons (mapclassify).

    Parameters
    ----------
    indicators : DataFrame
        Indicator rows (DESIGN §4) with ``adcode``; several plans may be mixed.
    polygons : GeoDataFrame
        Jurisdiction polygons with ``adcode`` and ``name`` (counties and cities).
    key : str
        Canonical indicator key (e.g. ``gdp``), or the indicator name when it has no key.
    measure : str
        ``base``, ``target`` or ``growth``.
    scheme : str
        mapclassify scheme name (Quantiles, NaturalBreaks, EqualInterval ...).
    k : int
        Number of classes at most (fewer when there are fewer distinct values).

    Returns
    -------
    Choropleth or None
        None when no jurisdiction has a value for this indicator and measure.
    """
    import mapclassify

    col = MEASURE_COLUMNS[measure]
    if indicators is None or len(indicators) == 0 or col not in indicators:
        return None
    sel = indicators[(indicators.get("key", "") == key) | (indicators["name"] == key)].copy()
    sel["value"] = pd.to_numeric(sel[col], errors="coerce")
    sel = sel.dropna(subset=["value"])
    sel = sel[sel["adcode"].astype(str).str.len() > 0]
    if sel.empty:
        return None
    if "kind" in sel:
        sel = sel.sort_values("kind", key=lambda s: s != "target", kind="stable")
    sel = sel.drop_duplicates("adcode")
    polys = polygons[["adcode", "name", "geometry"]].drop_duplicates("adcode")
    frame = polys.merge(
        sel[["adcode", "value", "plan_id", "unit", "name"]].rename(columns={"name": "ind"}),
        on="adcode",
    )
    if frame.empty:
        return None
    frame = frame.assign(_area=shapely.area(frame.geometry.values)).sort_values(
        "_area", ascending=False
    )
    y = frame["value"].to_numpy(dtype=float)
    n_unique = len(np.unique(y))
    unit = str(frame["unit"].iloc[0] or "")
    if measure == "growth":
        unit = "%"
    title = f"{frame['ind'].iloc[0]} · {MEASURE_LABELS[measure]}" + (f"（{unit}）" if unit else "")
    if n_unique < 2:
        frame["color"] = RAMP[2]
        classes = [(RAMP[2], _fmt(float(y[0])))]
        used = "单一值"
    else:
        kk = min(k, n_unique)
        try:
            cls = mapclassify.classify(y, scheme, k=kk)
        except (ValueError, TypeError, KeyError):
            cls = mapclassify.Quantiles(y, k=kk)
        ramp = [RAMP[round(i * (len(RAMP) - 1) / max(kk - 1, 1))] for i in range(kk)]
        frame["color"] = [ramp[min(int(b), kk - 1)] for b in cls.yb]
        lo = float(y.min())
        classes = []
        for i, hi in enumerate(cls.bins[:kk]):
            classes.append((ramp[i], f"{_fmt(lo)} – {_fmt(float(hi))}"))
            lo = float(hi)
        used = scheme
    frame["label"] = [
        f"{esc(n)}：{esc(_fmt(v))} {esc(unit)}（{esc(p)}）"
        for n, v, p in zip(frame["name"], frame["value"], frame["plan_id"], strict=True)
    ]
    frame = frame.drop(columns=["_area"])
    return Choropleth(title=title, scheme=used, frame=frame, classes=classes)


def choropleth_payload(ch: Choropleth, *, gcj: bool = False) -> str:
    """Encode a choropleth as a FeatureLayer payload (fill by class, tooltip with the value)."""
    from atlas.places.coords import geom_wgs84_to_gcj02

    tf = geom_wgs84_to_gcj02 if gcj else None
    geoms = shapely.set_precision(
        shapely.simplify(ch.frame.geometry.values, 0.001, preserve_topology=True),
        1e-5,
        mode="pointwise",
    )
    feats = []
    for geom, (_, row) in zip(geoms, ch.frame.iterrows(), strict=True):
        s = {"color": "#7f1d1d", "weight": 1, "fillColor": row["color"], "fillOpacity": 0.45}
        feats.append(
            {
                "type": "Feature",
                "geometry": geo_mapping(geom, tf, 5),
                "properties": {
                    "id": f"overlay:{esc(row['adcode'])}",
                    "_s": s,
                    "_t": row["label"],
                    "_p": f'<div class="atlas-pop"><b>{esc(ch.title)}</b><br>{row["label"]}</div>',
                },
            }
        )
    text = json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")
