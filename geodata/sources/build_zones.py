"""Build geodata/dev_zones.csv: 国家级/省级 development zones and 飞地园区 of 辽宁 named by plans.

Run after build_province.py. Inputs: liaoning_townships.csv, liaoning_counties.geojson, the sizhi
dict (see build_province.py) and the curated list below.

Rows come from
  * CURATED: the national ETDZ (商务部, 9 in 辽宁) and high-tech zone (科技部, 8 in 辽宁) lists as
    known to the atlas authors, plus the zones the seed plans name with their level
    (geodata/plans, line refs in ``note``);
  * NBS 2023: every township-level unit of kind 开发区 (the zone is its own host);
  * sizhi 3.0.6: zone-like names whose bbox centre is in 辽宁.
Point: the host township's point when the host is known (NBS unit itself, or a host stated by
NBS code range / name); else a sizhi bbox centre of the zone itself when the bbox diagonal is
≤ 15 km and inside the county; else empty. ``precision`` is ``derived`` for both.
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
from build_province import km, load_sizhi
from common import OUT
from shapely.geometry import Point

NAT_ETDZ = "national ETDZ list (商务部), atlas authors"
NAT_HTZ = "national high-tech zone list (科技部), atlas authors"
J = "seed plan jinzhou-2021 (002)"
J24 = "seed plan jinzhou-2024-report (003)"

# name, aliases, level, city, county, host code, level/identity source, note
CURATED = [
    (
        "沈阳经济技术开发区",
        "沈阳经开区;沈阳市经济技术开发区;铁西新区",
        "国家级",
        "210100",
        "210106",
        "210106401",
        NAT_ETDZ,
        "NBS unit 沈阳市经济技术开发区",
    ),
    (
        "大连经济技术开发区",
        "大连开发区;大连经开区;金州新区",
        "国家级",
        "210200",
        "210213",
        "",
        NAT_ETDZ,
        "in 金普新区; host not known",
    ),
    (
        "营口经济技术开发区",
        "营口开发区;营口经开区;鲅鱼圈开发区",
        "国家级",
        "210800",
        "210804",
        "",
        NAT_ETDZ,
        "coterminous with 鲅鱼圈区; host not known",
    ),
    (
        "锦州经济技术开发区",
        "锦州滨海新区;滨海新区;锦州开发区;锦州经开区;经开区",
        "国家级",
        "210700",
        "210711",
        "210711071",
        NAT_ETDZ + "; " + J + " L264",
        "administers NBS streets 210711071–073 (天桥/杏山/娘娘宫); placed at the first",
    ),
    (
        "大连长兴岛经济技术开发区",
        "长兴岛经济技术开发区;长兴岛开发区;长兴岛经济区",
        "国家级",
        "210200",
        "210281",
        "210281009",
        NAT_ETDZ,
        "host 长兴岛街道 by name",
    ),
    (
        "盘锦辽滨沿海经济技术开发区",
        "辽滨沿海经济技术开发区;辽滨开发区;辽滨沿海经济区",
        "国家级",
        "211100",
        "211104",
        "",
        NAT_ETDZ,
        "in 大洼区; host not known",
    ),
    (
        "沈阳辉山经济技术开发区",
        "辉山经济技术开发区;辉山开发区",
        "国家级",
        "210100",
        "210113",
        "210113003",
        NAT_ETDZ,
        "host 辉山街道 by name",
    ),
    (
        "铁岭经济技术开发区",
        "铁岭经开区;铁岭经济开发区",
        "国家级",
        "211200",
        "211202",
        "211202401",
        NAT_ETDZ,
        "NBS unit",
    ),
    (
        "旅顺经济技术开发区",
        "旅顺经济开发区;旅顺开发区",
        "国家级",
        "210200",
        "210212",
        "",
        NAT_ETDZ,
        "host not known",
    ),
    (
        "沈阳高新技术产业开发区",
        "沈阳高新区;浑南高新区",
        "国家级",
        "210100",
        "210112",
        "",
        NAT_HTZ,
        "in 浑南区; host not known",
    ),
    (
        "大连高新技术产业园区",
        "大连高新区;大连高新园区",
        "国家级",
        "210200",
        "",
        "",
        NAT_HTZ,
        "county not stated by a source",
    ),
    (
        "鞍山高新技术产业开发区",
        "鞍山高新区",
        "国家级",
        "210300",
        "",
        "",
        NAT_HTZ,
        "county not stated by a source",
    ),
    (
        "营口高新技术产业开发区",
        "营口高新区",
        "国家级",
        "210800",
        "",
        "",
        NAT_HTZ,
        "county from the sizhi point when placed",
    ),
    (
        "辽阳高新技术产业开发区",
        "辽阳高新区",
        "国家级",
        "211000",
        "",
        "",
        NAT_HTZ,
        "county not stated by a source",
    ),
    (
        "本溪高新技术产业开发区",
        "本溪高新区;中国药都",
        "国家级",
        "210500",
        "",
        "",
        NAT_HTZ,
        "county not stated by a source",
    ),
    (
        "阜新高新技术产业开发区",
        "阜新高新区",
        "国家级",
        "210900",
        "",
        "",
        NAT_HTZ,
        "county not stated by a source",
    ),
    (
        "锦州高新技术产业开发区",
        "松山新区;锦州高新区",
        "国家级",
        "210700",
        "210711",
        "210711081",
        NAT_HTZ + "; " + J + " L268",
        "administers NBS streets 210711080–081 (凌南/松山); placed at 松山街道",
    ),
    (
        "锦州大有经济开发区",
        "大有经济开发区;大有经济区;大有开发区;凌海大有",
        "省级",
        "210700",
        "210781",
        "",
        J + " L270, L580",
        "凌海 coast at the 小凌河 mouth; host not known",
    ),
    (
        "沟帮子经济开发区",
        "北镇沟帮子;沟帮子开发区",
        "省级",
        "210700",
        "210782",
        "210782008",
        J + " L580 (省级飞地园区)",
        "host 沟帮子街道 by name",
    ),
    (
        "庞河经济开发区",
        "黑山庞河;庞河开发区;庞河园区",
        "省级",
        "210700",
        "210726",
        "",
        J + " L580 (省级飞地园区)",
        "host not known",
    ),
    (
        "七里河经济开发区",
        "义县七里河;七里河开发区;七里河园区",
        "省级",
        "210700",
        "210727",
        "210727102",
        J + " L580; " + J24 + " (示范省级开发区)",
        "host 七里河镇 by name",
    ),
    (
        "龙栖湾飞地园区",
        "滨海新区龙栖湾;龙栖湾片区",
        "省级",
        "210700",
        "210711",
        "",
        J + " L580 (省级飞地园区)",
        "host not known",
    ),
    (
        "汤河子经济开发区",
        "汤河子开发区;汤河子工业园区;汤河子组团",
        "省级",
        "210700",
        "210711",
        "",
        J + " L296; " + J24 + " (示范省级开发区)",
        "太和区; host not known",
    ),
    (
        "柳城经济开发区",
        "朝阳柳城经济开发区",
        "other",
        "211300",
        "211321",
        "211321001",
        "seed plan chaoyang-county-2021 (004)",
        "level not stated; host 柳城街道 by name",
    ),
    (
        "营口市科技创新产业园",
        "南翼",
        "other",
        "210800",
        "210802",
        "",
        "seed plan zhanqian-2021 (001)",
        "站前区 南翼 park; host not known",
    ),
    (
        "营口(站前)新兴产业园",
        "营口新兴产业园;北翼",
        "other",
        "210800",
        "210802",
        "",
        "seed plan zhanqian-2021 (001)",
        "站前区 北翼 park; host not known",
    ),
    ("辽宁自贸区锦州联动创新区", "", "other", "210700", "", "", J, "host not known"),
]
SIZHI_ZONE = re.compile(r"开发区|园区|经济区|产业基地|自贸")
SIZHI_MAX_DIAG_KM = 15.0


def main() -> None:
    towns = pd.read_csv(OUT / "liaoning_townships.csv", dtype=str).set_index("code")
    counties = gpd.read_file(OUT / "liaoning_counties.geojson").set_index("adcode")
    province = gpd.read_file(OUT / "liaoning_province.geojson").geometry.iloc[0]
    sizhi = load_sizhi()
    rows = []
    seen: set[str] = set()

    def add(name, aliases, level, city, county, host, src, note):
        names = {name, *[a for a in aliases.split(";") if a]}
        lon = lat = None
        psrc = prec = ""
        host_name = ""
        if host:
            t = towns.loc[host]
            host_name = t["name"]
            county = county or t.county
            if pd.notna(t.lon):
                lon, lat = float(t.lon), float(t.lat)
                psrc, prec = f"host township point ({t.source.split(' ')[0]})", "derived"
        if lon is None:
            for n in sorted(names):
                bb = sizhi.get(n)
                if not bb or not SIZHI_ZONE.search(n):
                    continue
                w, nn, e, s = bb
                p = Point((w + e) / 2, (nn + s) / 2)
                diag = km(w, s, e, nn)
                poly = counties.loc[county, "geometry"] if county else province
                if poly.contains(p) and diag <= SIZHI_MAX_DIAG_KM:
                    lon, lat = p.x, p.y
                    psrc, prec = f"sizhi 3.0.6 bbox centre of {n} ({diag:.1f} km)", "derived"
                    if not county:
                        county = counties[counties.contains(p)].index[0]
                        note = note + f"; county from the sizhi point ({county})"
                    break
        seen.update(names)
        rows.append(
            {
                "name": name,
                "aliases": aliases,
                "level": level,
                "city": city or (county[:4] + "00" if county else ""),
                "county": county,
                "host_township_code": host,
                "host_township": host_name,
                "lon": None if lon is None else round(lon, 6),
                "lat": None if lat is None else round(lat, 6),
                "source": "; ".join(x for x in [src, psrc] if x),
                "precision": prec,
                "note": note,
            }
        )

    for rec in CURATED:
        add(*rec)
    for code, t in towns[towns.kind == "开发区"].iterrows():
        if t["name"] in seen or code in {r["host_township_code"] for r in rows}:
            continue
        plain = re.sub(r"[（）()]", "", t["name"])
        add(
            t["name"],
            plain if plain != t["name"] else "",
            "other",
            "",
            t.county,
            code,
            "NBS 2023 township-level unit",
            "",
        )
    for n, bb in sorted(sizhi.items()):
        if n in seen or not SIZHI_ZONE.search(n) or n.startswith("开发区"):
            continue
        w, nn, e, s = bb
        p = Point((w + e) / 2, (nn + s) / 2)
        if not province.contains(p):
            continue
        hit = counties[counties.contains(p)]
        add(n, "", "other", "", hit.index[0] if len(hit) else "", "", "sizhi 3.0.6 name", "")
    out = pd.DataFrame(rows)
    out.to_csv(OUT / "dev_zones.csv", index=False)
    print(len(out), out.level.value_counts().to_dict(), "placed", int(out.lon.notna().sum()))
    print(out[["name", "level", "county", "host_township", "lon", "precision"]].to_string())


if __name__ == "__main__":
    main()
