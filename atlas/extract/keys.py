"""Canonical indicator keys, so indicators of different plans can be compared.

:data:`KEYS` maps a key to a regular expression over normalised indicator names (as written
in tables and prose: 地区生产总值, 一般公共预算收入, 森林覆盖率 ...). Order matters: more
specific patterns come first (人均地区生产总值 before 地区生产总值). A name that states a rate
of growth (年均增速, 增长率, 年均增长) gets the ``_growth`` suffix (``gdp_growth``).

:func:`canonical_key` is used for table rows; :func:`find_names` finds the names in prose.
"""

from __future__ import annotations

import re

#: (key, pattern) — first match wins
KEYS: tuple[tuple[str, str], ...] = (
    ("gdp_per_capita", r"人均(?:地区)?生产总值|人均GDP"),
    ("industry_structure", r"三次产业(?:结构|比)(?!重)|三产比(?!重)"),
    ("service_share", r"(?:服务业|第三产业|三产)增加值(?:占[^,]{0,10})?比重|服务业增加值比重"),
    ("energy_intensity", r"(?:单位|万元)(?:地区|国内)?(?:生产总值|GDP)(?:能源消耗|能耗)"),
    ("water_intensity", r"(?:单位|万元)(?:地区|国内)?(?:生产总值|GDP)(?:用水量|水耗)"),
    ("carbon_intensity", r"(?:单位|万元)?(?:地区)?(?:生产总值|GDP)二氧化碳排放"),
    # shares of GDP named after their numerator come before gdp itself
    ("rd_intensity", r"研究与试验发展经费|研发经费投入强度|R&D经费|研发投入"),
    ("high_tech_share", r"高新技术产业(?:产值|增加值)占比|高技术制造业增加值"),
    ("tech_spending_share", r"科技支出占"),
    ("gdp", r"地区生产总值|GDP|经济总量"),
    ("budget_revenue", r"一般公共预算收入|地方财政收入|财政收入"),
    ("fixed_investment", r"固定资产投资"),
    ("retail_sales", r"社会消费品零售总额|社零"),
    ("industrial_value_added", r"(?:规模以上|规上)工业增加值|工业增加值"),
    ("industrial_output", r"(?:规模以上|规上)?工业总产值"),
    ("import_export", r"进出口总额|外贸进出口"),
    ("exports", r"外贸出口(?:创汇额)?|出口总额"),
    ("foreign_investment", r"实际利用外资"),
    ("labour_productivity", r"全员劳动生产率"),
    ("urbanization_rate_registered", r"户籍人口城镇化率"),
    ("urbanization_rate", r"常住人口城镇化率|城镇化率"),
    ("patents_per_10k", r"每万人(?:口)?(?:高价值)?发明专利(?:拥有量)?"),
    ("tech_progress", r"科技进步贡献率"),
    ("high_tech_enterprises", r"高新技术企业(?:数量)?"),
    ("tech_transfer", r"科技成果转化"),
    ("internet_penetration", r"互联网普及率"),
    ("urban_income", r"城镇(?:常住)?居民人均可支配收入"),
    ("rural_income", r"农村(?:常住)?居民人均可支配收入"),
    ("income", r"(?:城乡)?居民人均可支配收入"),
    ("unemployment_rate", r"城镇(?:登记|调查)失业率|登记失业率|调查失业率"),
    ("new_jobs", r"城镇新增就业(?:人数|人)?|新增城镇(?:实名制)?就业"),
    ("pension_coverage", r"基本养老保险参保率"),
    ("pension_insured", r"基本养老保险参保人数"),
    ("medical_beds", r"每千(?:常住)?人口(?:医疗卫生机构)?床位(?:数)?"),
    ("doctors_per_1000", r"每千(?:常住)?人口(?:执业|职业)?(?:\(助理\))?医师(?:数)?"),
    ("tech_smes", r"科技型中小企业"),
    ("industrial_enterprises", r"(?:规模以上|规上)工业企业(?:数量|户数)?"),
    ("farmland", r"耕地保有量|永久基本农田(?:保护面积)?"),
    ("grain_area", r"粮食(?:作物)?播种面积"),
    ("garbage_treatment", r"生活垃圾(?:无害化)?处理率"),
    ("sanitary_toilets", r"卫生厕所普及率"),
    ("drinking_water_quality", r"饮用水(?:水源)?水质(?:达标率|优良比例)?"),
    ("medical_insurance_coverage", r"(?:基本)?医疗保险参保率"),
    ("life_expectancy", r"(?:人均)?(?:预期|期望)寿命"),
    ("education_years", r"平均受教育年限"),
    ("poverty_relief", r"贫困人口脱贫"),
    ("shantytown_renovation", r"棚户区(?:住房)?改造"),
    ("construction_land", r"新增建设用地"),
    ("non_fossil_share", r"非化石能源"),
    ("forest_cover", r"森林覆盖率"),
    ("forest_stock", r"森林蓄积量"),
    ("pm25", r"PM2\.5|细颗粒物"),
    (
        "good_air_days",
        r"空气质量优良天数(?:比率|占比|比例)?|优良天数(?:比率|达标率)?|空气优良率|空气质量优良率",
    ),
    ("water_quality", r"劣V类水体|断面水质|国考断面(?:水质)?(?:优良比例|达标率)?|优良水体比例"),
    ("cod_reduction", r"化学需氧量"),
    ("ammonia_reduction", r"氨氮排放"),
    ("so2_reduction", r"二氧化硫排放"),
    ("nox_reduction", r"氮氧化物排放"),
    ("sewage_treatment", r"污水处理率"),
    ("green_space_per_capita", r"人均(?:公共|公园)绿地(?:面积)?"),
    ("green_cover", r"绿化覆盖率"),
    ("grain_capacity", r"粮食(?:综合)?生产能力|粮食(?:总)?产能|粮食(?:总)?产量"),
    ("energy_capacity", r"能源综合生产能力"),
    ("population", r"常住人口(?!城镇化)|户籍人口(?!城镇化)|总人口"),
    ("elderly_beds", r"养老床位"),
    ("preschool_inclusive", r"学前教育普惠率"),
    ("cpi", r"居民消费价格"),
    ("financial_tax", r"金融(?:行业)?利税"),
    ("port_throughput", r"港口(?:货物)?吞吐量"),
)

_COMPILED = tuple((k, re.compile(p)) for k, p in KEYS)
#: any key at all: most clauses name no indicator, and one scan tells (before the per-key ones)
_ANY = re.compile("|".join(f"(?:{p})" for _, p in KEYS))
_GROWTH_RE = re.compile(r"增速|增长率|年均增长|增幅")


def canonical_key(name: str) -> str:
    """Canonical key for an indicator name ("" when unknown).

    Examples
    --------
    >>> canonical_key("1.地区生产总值")
    'gdp'
    >>> canonical_key("地区生产总值年均增速")
    'gdp_growth'
    >>> canonical_key("17.森林覆盖率")
    'forest_cover'
    """
    for key, rx in _COMPILED:
        if rx.search(name):
            if _GROWTH_RE.search(name) and not key.endswith("_growth"):
                return f"{key}_growth"
            return key
    return ""


def find_names(text: str) -> list[tuple[int, int, str]]:
    """Indicator names in ``text``: ``(start, end, key)``, longest first, non-overlapping.

    Returned in text order; keys carry no ``_growth`` suffix (the caller decides).
    """
    found: list[tuple[int, int, str]] = []
    if not _ANY.search(text):
        return found
    for key, rx in _COMPILED:
        for m in rx.finditer(text):
            found.append((m.start(), m.end(), key))
    found.sort(key=lambda t: (-(t[1] - t[0]), t[0]))
    taken: list[tuple[int, int, str]] = []
    for s, e, k in found:
        if all(e <= ts or s >= te for ts, te, _ in taken):
            taken.append((s, e, k))
    return sorted(taken)
