"""Gazetteer look-ups: variants, aliases, OCR slips, scope ranking, text scan."""

import itertools
import json
import subprocess
import sys
import time

import pytest

from atlas.model import Place
from atlas.places.gazetteer import Gazetteer, default_gazetteer, geocode_json, stem

GAZ = default_gazetteer()
JINZHOU, LINGHAI, ZHANQIAN, CHAOYANG_COUNTY = "210700", "210781", "210802", "211321"


def first(name, scope=None, **kw):
    cands = GAZ.geocode(name, scope, **kw)
    assert cands, f"no candidate for {name!r}"
    return cands[0]


# every county and register town the five seed plans name (as written there), with the plan's
# jurisdiction as scope and the expected NBS code
SEED_PLACES = [
    # county-level units
    ("古塔区", JINZHOU, "210702"),
    ("凌河区", JINZHOU, "210703"),
    ("太和区", JINZHOU, "210711"),
    ("黑山县", JINZHOU, "210726"),
    ("黑山", JINZHOU, "210726"),
    ("义县", JINZHOU, "210727"),
    ("凌海市", JINZHOU, "210781"),
    ("凌海", JINZHOU, "210781"),
    ("北镇市", JINZHOU, "210782"),
    ("北镇", JINZHOU, "210782"),
    ("站前区", ZHANQIAN, "210802"),
    ("站前", ZHANQIAN, "210802"),
    ("朝阳县", CHAOYANG_COUNTY, "211321"),
    ("建昌县", CHAOYANG_COUNTY, "211422"),
    ("皇姑区", JINZHOU, "210105"),
    ("海城市", LINGHAI, "210381"),
    # towns and streets (NBS 2023 register)
    ("敬业街道", JINZHOU, "210702004"),
    ("女儿河街道", JINZHOU, "210711013"),
    ("杏山", JINZHOU, "210711072"),
    ("大虎山", JINZHOU, "210726002"),
    ("大虎山镇", JINZHOU, "210726002"),
    ("芳山", JINZHOU, "210726101"),
    ("姜屯", JINZHOU, "210726104"),
    ("无梁殿", JINZHOU, "210726108"),
    ("八道壕", JINZHOU, "210726111"),
    ("刘龙台镇", JINZHOU, "210727101"),
    ("刘龙台", JINZHOU, "210727101"),
    ("七里河镇", JINZHOU, "210727102"),
    ("大榆树堡", JINZHOU, "210727103"),
    ("稍户营子镇", JINZHOU, "210727104"),
    ("瓦子峪", JINZHOU, "210727108"),
    ("地藏寺", JINZHOU, "210727203"),
    ("双羊镇", JINZHOU, "210781103"),
    ("双羊", JINZHOU, "210781103"),
    ("三台子镇", LINGHAI, "210781106"),
    ("阎家镇", LINGHAI, "210781108"),
    ("新庄子镇", LINGHAI, "210781109"),
    ("翠岩", JINZHOU, "210781112"),
    ("安屯", JINZHOU, "210781113"),
    ("温滴楼镇", JINZHOU, "210781117"),
    ("温滴楼", LINGHAI, "210781117"),
    ("沟帮子", JINZHOU, "210782008"),
    ("沟帮子镇", JINZHOU, "210782008"),
    ("东兴", ZHANQIAN, "210802008"),
    ("柳城", CHAOYANG_COUNTY, "211321001"),
    ("木头城子镇", CHAOYANG_COUNTY, "211321103"),
    ("二十家子镇", CHAOYANG_COUNTY, "211321104"),
    ("羊山", CHAOYANG_COUNTY, "211321105"),
    ("六家子", CHAOYANG_COUNTY, "211321106"),
    ("瓦房子镇", CHAOYANG_COUNTY, "211321107"),
    ("大庙镇", CHAOYANG_COUNTY, "211321108"),
    ("古山子镇", CHAOYANG_COUNTY, "211321110"),
    ("南双庙", CHAOYANG_COUNTY, "211321111"),
    ("清风岭", CHAOYANG_COUNTY, "211321113"),
    ("松岭门", CHAOYANG_COUNTY, "211321221"),
    ("北四家子", CHAOYANG_COUNTY, "211321228"),
    ("尚志", CHAOYANG_COUNTY, "211321232"),
]


@pytest.mark.parametrize(("name", "scope", "code"), SEED_PLACES)
def test_seed_places_resolve(name, scope, code):
    top = first(name, scope)
    assert top.code == code
    assert top.confidence >= 0.6


def test_stem():
    assert stem("凌海市") == "凌海"
    assert stem("沟帮子街道") == "沟帮子"
    assert stem("松岭门蒙古族乡") == "松岭门"
    assert stem("义县") == "义"  # too short to be indexed
    assert "义" not in GAZ._index


def test_goubangzi_in_beizhen_first_and_township_point():
    top = first("沟帮子", JINZHOU)
    assert top.parent == "210782"
    assert "沟帮子镇" in top.aliases
    assert (top.lon, top.lat) == pytest.approx((121.773, 41.368), abs=0.01)


def test_chaoyang_beijing_and_liaoning():
    cands = GAZ.geocode("朝阳")
    codes = [c.code for c in cands]
    assert set(codes[:2]) == {"211300", "211321"}  # 辽宁 first without a scope
    assert "110105" in codes  # Beijing's 朝阳区 is still offered
    bj = cands[codes.index("110105")]
    assert "outside 辽宁" in bj.note and bj.confidence < cands[0].confidence
    assert first("朝阳", "110000").code == "110105"
    assert first("朝阳", "北京市").code == "110105"
    assert first("朝阳", CHAOYANG_COUNTY).code == "211321"
    assert "inside scope" in first("朝阳", CHAOYANG_COUNTY).note


def test_linghe_district_vs_river():
    cands = GAZ.geocode("凌河", JINZHOU)
    assert cands[0].code == "210703"
    assert "river:dalinghe" in [c.code for c in cands]
    assert first("凌河", JINZHOU, levels={"river"}).code == "river:dalinghe"
    assert first("大凌河").code == "river:dalinghe"  # the river beats 大凌河街道's stem
    assert first("大凌河街道").code == "210781001"


def test_taihe_nanshan_tiexi():
    cands = [c.code for c in GAZ.geocode("太和", JINZHOU)]
    assert cands[0] == "210711"
    assert {"210711004", "210726116", "341222"} <= set(cands)
    assert first("太和", "341200").code == "341222"  # 安徽 太和县 when the scope says so
    # 南山 (a hill in 锦州) is no unit of 锦州: the candidates are 北票's 南山街道 and distant
    # 南山区s, none inside the scope and none confident enough to pass for the hill
    nanshan = GAZ.geocode("南山", JINZHOU)
    assert {c.code for c in nanshan} == {"211381002", "230404", "440305"}
    assert not any(c.code.startswith("2107") for c in nanshan)
    assert max(c.confidence for c in nanshan) < 0.7
    tiexi = GAZ.geocode("铁西区")
    assert {c.code for c in tiexi[:2]} == {"210106", "210303"}
    assert first("铁西区", "210300").code == "210303"
    assert first("铁西区", "210100").code == "210106"
    assert first("铁西区", "220300").code == "220302"


def test_former_names_and_zone_aliases():
    assert first("北宁").code == "210782"
    assert first("北宁市").code == "210782"
    assert first("锦县").code == "210781"
    for alias in ("锦州开发区", "滨海新区", "锦州经济技术开发区", "锦州滨海新区"):
        assert first(alias, JINZHOU).code == "zone:binhai"
    assert first("锦州高新区", JINZHOU).code == "zone:songshan"
    assert first("营口核翼经济开发区", ZHANQIAN).code == "zone:hexi-yingkou"
    assert GAZ.polygon("zone:binhai").geom_type in ("Polygon", "MultiPolygon")


def test_ocr_slips_for_lv():
    top = first("医巫闫山")
    assert top.code == "mountain:yiwulvshan"
    assert "OCR" in top.note and top.confidence < 1.0
    assert first("闫阳", JINZHOU).code == "210782105"  # 闾阳镇
    assert first("闯山").code == "mountain:yiwulvshan"


def test_transport_water_ports():
    assert first("京沈高铁").code == "rail:jingshen-hsr"
    assert first("秦沈客专").code == "rail:qinshen"
    assert first("G1").code == "road:g1"
    assert first("锦州港").level == "port"
    assert first("龙栖湾港区").code == "port:longqiwan"
    assert first("营口老港区").code == "port:CNYIK"
    assert first("锦州湾机场").code == "airport:jinzhouwan"
    assert first("辽河", ZHANQIAN).code == "river:daliaohe"
    assert first("辽东湾").level == "bay"
    assert GAZ.line("river:xiaolinghe").geom_type == "LineString"
    assert GAZ.line("210781") is None and GAZ.polygon("river:xiaolinghe") is None


def test_get_polygon_line():
    p = GAZ.get("210781")
    assert p.name == "凌海市" and p.level == "county" and p.parent == "210700"
    assert GAZ.polygon("210781").bounds == pytest.approx(
        (120.711, 40.834, 121.759, 41.43), abs=0.01
    )
    assert GAZ.polygon("210782008") is None  # townships are points
    with pytest.raises(KeyError):
        GAZ.get("999999")


def test_unknown_names_return_nothing():
    assert GAZ.geocode("火星基地") == []
    assert GAZ.geocode("") == []
    assert GAZ.geocode("   ") == []
    assert GAZ.geocode("义") == []  # single characters are never indexed


def test_geocode_json_shape():
    doc = geocode_json("沟帮子", scope=JINZHOU)
    assert doc["query"] == "沟帮子" and doc["scope"] == JINZHOU
    c = doc["candidates"][0]
    assert set(c) >= {"name", "code", "level", "lon", "lat", "precision", "confidence", "note"}
    assert c["code"] == "210782008" and c["parent_name"] == "北镇市"
    json.dumps(doc, ensure_ascii=False)
    assert geocode_json("子虚乌有之地")["candidates"] == []


def test_find_in_text_longest_match_and_offsets():
    text = "依托黑山庞河、北镇沟帮子、凌海大有、义县七里河、滨海新区龙栖湾等省级飞地园区"
    hits = GAZ.find_in_text(text, JINZHOU)
    found = {text[a:b]: p.code for a, b, p in hits}
    assert found["北镇"] == "210782"
    assert found["沟帮子"] == "210782008"
    assert found["滨海新区"] == "zone:binhai"
    assert found["龙栖湾"] == "port:longqiwan"
    # non-overlapping, left to right
    spans = [(a, b) for a, b, _ in hits]
    assert spans == sorted(spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))


def test_find_in_text_avoids_false_hits():
    def names(text, scope=JINZHOU):
        return [text[a:b] for a, b, _ in GAZ.find_in_text(text, scope)]

    assert names("推进大凌河综合治理") == ["大凌河"]  # not 凌河区 inside 大凌河
    assert names("力促南山“城市客厅”项目落地") == []
    assert names("与营口、盘锦等沿海城市协同发展") == ["营口", "盘锦"]  # not 海城市
    assert names("推进建设新建跃进胜利的各项工作") == []
    assert names("凌海市温滴楼镇翠岩山田园综合体") == ["凌海市", "温滴楼镇"]
    assert names("龙湾水库坝下—胡家桥段治理") == []
    assert names("加快实施朝阳小区组团整体改造", ZHANQIAN) == []
    assert names("核翼经开区负责", ZHANQIAN) == ["核翼经开区"]


def test_small_gazetteer_from_places():
    places = [
        Place("甲镇", "1", "township", 121.0, 41.0, parent="A"),
        Place("甲乡", "2", "township", 122.0, 41.0, parent="B"),
    ]
    g = Gazetteer(places, ancestors={"1": {"A"}, "2": {"B"}})
    assert len(g) == 2
    assert [p.code for p in g.geocode("甲镇")] == ["1"]
    assert g.geocode("甲") == []  # one-character stem is not indexed


@pytest.mark.timing
def test_warm_lookups_are_fast():
    names = ["沟帮子", "朝阳", "凌河", "太和", "凌海市", "北宁", "医巫闫山", "不存在", "铁西区"]
    start = time.perf_counter()
    n = 0
    for _ in range(300):
        for name in names:
            GAZ.geocode(name, JINZHOU)
            n += 1
    rate = n / (time.perf_counter() - start)
    assert rate > 10_000


def test_cli_geocode():
    run = [sys.executable, "-m", "atlas.cli", "geocode"]
    out = subprocess.run(
        [*run, "沟帮子", "--scope", "210700", "--json"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["candidates"][0]["code"] == "210782008"
    out = subprocess.run([*run, "朝阳", "--json"], capture_output=True, text=True)
    codes = [c["code"] for c in json.loads(out.stdout)["candidates"]]
    assert "110105" in codes and "211300" in codes
    out = subprocess.run([*run, "乌有之乡", "--json"], capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout)["candidates"] == []
