"""Region and administrative level from an issuing body's name (and what else the text says), without a
gazetteer: a table of the 34 provincial-level divisions plus the suffixes of Chinese place names.

Level is left empty when unsure: a "X市" may be prefecture-level (municipal) or county-level (县级市 such as
邹城市); the text decides (its addressees, a prefecture named before it, its legislative power).
"""

from __future__ import annotations

import re
from typing import Literal

from ipqa.records import Level
from ipqa.text import iter_lines, to_simplified

PROVINCES = (
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港特别行政区",
    "澳门特别行政区",
)
# One-character province abbreviations as used in ICP / 公网安备 registrations: abbreviation, then the start of the
# province's name (贵州 has two, 黔 and 贵; so have 云南 and 甘肃).
_ABBREVIATED = (
    "京北京 津天津 沪上海 渝重庆 冀河北 晋山西 辽辽宁 吉吉林 黑黑龙江 苏江苏 浙浙江 皖安徽 闽福建 赣江西 鲁山东 豫河南 鄂湖北 "
    "湘湖南 粤广东 琼海南 川四川 贵贵州 黔贵州 云云南 滇云南 陕陕西 甘甘肃 陇甘肃 青青海 桂广西 藏西藏 宁宁夏 新新疆 蒙内蒙古"
)
ABBREVIATIONS = {pair[0]: next(p for p in PROVINCES if p.startswith(pair[1:])) for pair in _ABBREVIATED.split()}
# A prefecture or county unit: 2–3 characters and a place suffix ("南通市", "海门区", "邹城市", "延边朝鲜族自治州").
_UNIT = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:自治州|自治县|自治旗)|[\u4e00-\u9fff]{2,3}?(?:市|地区|州|盟|县|区|旗)")
_NATIONAL = re.compile(
    r"^(国务院|全国人民代表大会|全国人大|中共中央|中央|国家|中华人民共和国|最高人民法院|最高人民检察院|"
    r"工业和信息化部|财政部|商务部|科学技术部|教育部|公安部|司法部|农业农村部|人力资源和社会保障部|"
    r"生态环境部|交通运输部|海关总署|国家知识产权局)"
)
# Organ words, and functional zones (园区, 开发区, 高新区) that are not administrative divisions.
_NOT_PLACE = ("人民", "政府", "办公", "委员", "管理", "监督", "知识", "市场", "园", "开发", "高新", "保税", "自贸")
_COUNTY_ADDRESSEES = re.compile(r"^各(乡镇|镇|乡|街道)")
_PREFECTURE_ADDRESSEES = re.compile(r"^各(县|区|县市区|县（市、区）|县\(市、区\)|市、县|县、市、区)")


def _province_prefix(name: str) -> str:
    for province in PROVINCES:
        if name.startswith(province):
            return province
    return ""


def place_units(name: str) -> list[str]:
    """The leading place names of a body's name, as written: "南通市海门区人民政府" → ["南通市", "海门区"]."""
    probe = to_simplified(name)
    if len(probe) != len(name):
        probe = name
    units, pos = [], 0
    province = _province_prefix(probe)
    if province:
        units.append(name[: len(province)])
        pos = len(province)
    while True:
        m = _UNIT.match(probe, pos)
        if not m or any(word in m.group() for word in _NOT_PLACE):
            break
        units.append(name[m.start() : m.end()])
        pos = m.end()
    return units


def level_of(issuer: str, text: str = "", doc_type: str = "") -> Level | Literal[""]:
    """national / provincial / municipal / county, or "" when the name and the text do not settle it."""
    simple = to_simplified(issuer)
    units = [to_simplified(u) for u in place_units(issuer)]
    if not units:
        return "national" if _NATIONAL.match(simple) else ""
    last = units[-1]
    if len(units) == 1 and (last in PROVINCES):
        return "provincial"
    if re.search(r"(县|区|旗|自治县)$", last):
        return "county"
    if not last.endswith("市"):
        return "municipal" if re.search(r"(州|盟|地区)$", last) else ""
    if len(units) >= 2 and units[-2].endswith(("市", "州", "盟", "地区")):
        return "county"  # a city under a prefecture: 济宁市邹城市
    if doc_type == "地方性法规":
        return "municipal"  # only prefecture-level cities (设区的市) make local regulations
    addressees = _addressee_line(text)
    if _COUNTY_ADDRESSEES.match(addressees):
        return "county"  # a city that addresses its towns directly has no counties below it
    if _PREFECTURE_ADDRESSEES.match(addressees):
        return "municipal"
    return ""


def _addressee_line(text: str) -> str:
    """The 主送 line of a notice ("各镇人民政府、街道办事处,市政府有关部门:"), or ""."""
    for _, _, line in iter_lines(text[:3000]):
        line = to_simplified(line.strip())
        if line.startswith("各") and line.endswith((":", "：")) and len(line) < 120:
            return line
    return ""


def province_from_registration(text: str) -> str:
    """The province of a government site's ICP / 公网安备 registration ("鲁ICP备…" → 山东省), or ""."""
    m = re.search(r"([京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵黔云滇陕甘陇青桂藏宁新蒙])(?:ICP|公网安备)", text)
    return ABBREVIATIONS.get(m.group(1), "") if m else ""


def region_of(issuer: str, level: str, province_hint: str = "", prefecture_hint: str = "") -> str:
    """The issuer's region as far as it is derivable: "全国" for national bodies, else its place units with
    the province (and, for a county-level city, its prefecture) prepended when the hints supply them."""
    if level == "national":
        return "全国"
    units = place_units(issuer)
    if not units:
        return ""
    simple = [to_simplified(u) for u in units]
    if simple[0] not in PROVINCES and province_hint and level in ("municipal", "county"):
        units.insert(0, province_hint)
        simple.insert(0, province_hint)
    if level == "county" and len(units) == 2 and prefecture_hint and prefecture_hint not in simple:
        units.insert(1, prefecture_hint)
    return "".join(units)
