"""The places a question names: provinces and major cities from a gazetteer, plus every place the corpus'
documents name, matched by the stem people say (甘肃 for 甘肃省, 邹城 for 邹城市)."""

from __future__ import annotations

import re
from functools import lru_cache

from ipqa.corpus.metadata.places import PROVINCES
from ipqa.text import to_simplified

# Cities people name without their province; a question naming one the corpus lacks is refused by name.
MAJOR_CITIES = [
    "石家庄市",
    "太原市",
    "呼和浩特市",
    "沈阳市",
    "大连市",
    "长春市",
    "哈尔滨市",
    "南京市",
    "苏州市",
    "无锡市",
    "杭州市",
    "宁波市",
    "温州市",
    "合肥市",
    "福州市",
    "厦门市",
    "南昌市",
    "济南市",
    "青岛市",
    "烟台市",
    "郑州市",
    "武汉市",
    "长沙市",
    "广州市",
    "深圳市",
    "珠海市",
    "佛山市",
    "东莞市",
    "南宁市",
    "海口市",
    "成都市",
    "贵阳市",
    "昆明市",
    "拉萨市",
    "西安市",
    "兰州市",
    "西宁市",
    "银川市",
    "乌鲁木齐市",
    "雄安新区",
]
_SUFFIX = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市|区|县|新区)$")


def place_stem(name: str) -> str:
    """The part of a place name people say: 甘肃省 → 甘肃, 邹城市 → 邹城, 新疆维吾尔自治区 → 新疆."""
    stem = _SUFFIX.sub("", to_simplified(name))
    return stem if len(stem) >= 2 else to_simplified(name)


def gazetteer() -> dict[str, str]:
    """stem → full name for provinces and major cities."""
    return {place_stem(p): p for p in (*PROVINCES, *MAJOR_CITIES)}


# jieba's dictionary tags some places as ordinary nouns (海门 n, 周口 n, 焦作 n); those used as words only rarely
# (frequency below this) are the place when a question writes them. Over seeds + lawrefbook the corpus places so
# tagged are 周口 37 … 烟台 479 (places), then 日照 621, 开封 1696 (also 日照时间, 开封 a letter) and 技术 37,664.
COMMON_WORD_FREQ = 500


@lru_cache(maxsize=4096)
def _is_common_word(stem: str) -> bool:
    """Whether jieba's dictionary knows ``stem`` as an ordinary, frequent word (noun, verb, adjective…) rather
    than a place or name: 技术 (n) or 开封 (v) must be written with their suffix (技术市, 开封市) to count as a
    place; 海门 (n, rare) need not."""
    import jieba.posseg

    from ipqa.retrieval.tokens import general_frequency

    tag = jieba.posseg.dt.word_tag_tab.get(stem) if jieba.posseg.dt.word_tag_tab else None
    if tag is None:
        jieba.posseg.dt.initialize()
        tag = jieba.posseg.dt.word_tag_tab.get(stem)
    ordinary = tag is not None and tag[0] in "nvadl" and tag not in ("ns", "nr", "nz", "nt")
    return ordinary and general_frequency(stem) >= COMMON_WORD_FREQ


def find_places(question: str, corpus_places: dict[str, str] | None = None) -> tuple[str, ...]:
    """Place names in ``question`` (normalised), longest first and non-overlapping, from the gazetteer and
    ``corpus_places`` (stem → full name, the places the corpus' documents name). A corpus place whose stem is
    also an ordinary word counts only with its suffix."""
    places = gazetteer()
    names = {**places, **(corpus_places or {})}
    found, taken = [], []
    for stem in sorted(names, key=len, reverse=True):
        pattern = re.escape(stem)
        if stem not in places and _is_common_word(stem):
            pattern = re.escape(names[stem])
        for m in re.finditer(pattern, question):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                taken.append((m.start(), m.end()))
                found.append(stem)
    return tuple(dict.fromkeys(found))
