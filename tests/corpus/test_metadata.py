"""Metadata: header fields (parsed once though pasted twice), inference from title lines, signature blocks and
dates when there is no header, lawrefbook Markdown headers, and the flags for what is odd."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ipqa.corpus.metadata.dates import parse_date
from ipqa.corpus.metadata.headers import parse_header, parse_line
from ipqa.corpus.metadata.places import level_of, place_units, province_from_registration
from ipqa.corpus.reading import read_document
from tests.helpers.paths import CORPUS, need


def seed_doc(prefix: str):
    path = next(need(CORPUS).glob(f"{prefix}_*.txt"))
    return read_document(path, CORPUS)


def kinds(doc) -> set[str]:
    return {f.kind for f in doc.flags}


def test_seed_000_header_parsed_once_and_excluded():
    doc = seed_doc("000")
    m = doc.meta
    assert m.title == "邹城市人民政府关于印发邹城市国家知识产权强县建设试点县工作方案(2024—2026年)的通知"
    assert m.short_title == "邹城市国家知识产权强县建设试点县工作方案(2024—2026年)"
    assert (m.issuer, m.doc_number, m.date_written, m.date_published) == (
        "邹城市人民政府",
        "邹政字〔2024〕18号",
        "2024-04-29",
        "2024-04-29",
    )
    assert (m.doc_type, m.level, m.region, m.validity) == ("通知", "county", "山东省济宁市邹城市", "0")
    assert m.source_site == "济宁市人民政府办公室"
    assert (m.index_number, m.subject) == ("11370883004235149C/2024-12360", "知识产权")  # "索 引 号", spaced out
    header_end = re.search(r"有\s效\s性: 0\n\n", doc.text).end() - 2  # the second copy's last line (NBSP-spaced)
    assert (0, header_end) in doc.excluded  # both pasted copies of the header, as one block
    assert kinds(doc) == {"boilerplate"}


def test_seed_001_traditional_broken_doc_number_and_signature():
    doc = seed_doc("001")
    m = doc.meta
    assert m.title.startswith("甘肅省知識產權戰略實施暨強省建設工作領導小組辦公室關于印發《")  # as written
    assert m.short_title == "2020年甘肅省深入實施知識產權戰略 加快建設知識產權強省推進計劃"
    assert m.issuer == "甘肅省知識產權戰略實施暨強省建設工作領導小組辦公室"
    assert m.doc_number == "知戰辦發2020〕3號"
    assert m.date_written == "2020-06-04"  # "2020年6月4": the 日 is lost, the day is certain
    assert m.date_published == "2020-06-16" and m.source_site == "甘肅省市場監督管理局"
    assert (m.level, m.region, m.doc_type) == ("provincial", "甘肅省", "通知")
    assert {"traditional_script", "broken_doc_number", "spam"} <= kinds(doc)
    broken = next(f for f in doc.flags if f.kind == "broken_doc_number")
    assert "知戰辦發2020〕3號" in broken.detail and "opening" in broken.detail


def test_seed_002_title_from_heading_and_spam_damaged_signature():
    doc = seed_doc("002")
    m = doc.meta
    assert m.title == "南通市海门区“十四五”知识产权发展规划" and m.doc_type == "规划"
    assert "missing_title" in kinds(doc)
    assert m.issuer == ""  # the signature line is overwritten by spam: not a guess
    assert m.date_written == "2023-04-03"
    assert (m.region, m.level) == ("南通市海门区", "county")


def test_seed_003_excerpt_from_news_site():
    doc = seed_doc("003")
    m = doc.meta
    assert m.title == "2018年国家知识产权示范城市工作计划" and m.doc_type == "计划"
    assert m.source_site == "中商产业研究院" and m.date_published == "2018-03-21"
    assert "excerpt" in kinds(doc) and "spam" not in kinds(doc)
    assert "(五)" in next(f.detail for f in doc.flags if f.kind == "excerpt")


def test_seed_004_missing_title_inferred_with_certainty():
    doc = seed_doc("004")
    m = doc.meta
    assert m.title == "泰安市“十四五”知识产权保护和运用规划"
    assert (m.issuer, m.date_written, m.level, m.region) == (
        "泰安市人民政府办公室",
        "2022-05-07",
        "municipal",
        "泰安市",
    )
    assert "missing_title" in kinds(doc) and "spam" not in kinds(doc)


def test_title_not_inferred_when_quote_and_heading_disagree(tmp_path):
    text = (
        "各县、市、区人民政府：\n\n《泰安市知识产权运用规划》已经市政府同意，现印发你们。\n\n泰安市人民政府办公室\n\n"
        "2022年5月7日\n\n泰安市知识产权保护规划\n\n一、总体要求\n"
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    doc = read_document(tmp_path / "a.txt", tmp_path)
    assert doc.meta.title == "" and "missing_title" in kinds(doc)
    assert doc.meta.issuer == "泰安市人民政府办公室" and doc.meta.level == "municipal"


def test_header_keys_in_traditional_script_and_spaced():
    header = parse_header("標  題: 新乡市知識產權辦法\n發布機關: 新乡市人民政府\n成文日期: 2020-01-02\n\n正文")
    assert header.fields == {"标题": "新乡市知識產權辦法", "发布机关": "新乡市人民政府", "成文日期": "2020-01-02"}
    assert parse_line("有 效 性: 1 主题分类: 知识产权") == [("有效性", "1"), ("主题分类", "知识产权")]
    assert parse_line("第一条 为了…制定本办法。") is None


def test_conflicting_repeated_header_is_flagged(tmp_path):
    text = "标题: 甲办法\n发布机关: 甲局\n成文日期: 2020-01-02\n发布机关: 乙局\n\n第一条 内容。\n"
    (tmp_path / "c.txt").write_text(text, encoding="utf-8")
    doc = read_document(tmp_path / "c.txt", tmp_path)
    assert doc.meta.issuer == "甲局" and "metadata_conflict" in kinds(doc)


def test_lawrefbook_header(lawrefbook):
    path = lawrefbook / "刑法" / "刑法修正案（七）.md"
    doc = read_document(need(path), lawrefbook)
    m = doc.meta
    assert (m.title, m.issuer, m.date_written) == (
        "中华人民共和国刑法修正案（七）",
        "全国人民代表大会常务委员会",
        "2009-02-28",
    )
    assert (m.level, m.region, m.doc_type) == ("national", "全国", "法律")
    assert doc.excluded[0] == (0, doc.text.index("<!-- INFO END -->") + len("<!-- INFO END -->"))


def test_lawrefbook_amended_local_regulation(tmp_path):
    folder = tmp_path / "地方性法规"
    folder.mkdir()
    text = (
        "# 新乡市城市绿化条例\n\n2001年6月21日 新乡市第十一届人民代表大会常务委员会第二十次会议通过\n\n"
        "2001年7月27日 河南省第九届人民代表大会常务委员会第二十三次会议批准\n\n"
        "根据2010年7月30日新乡市第十三届人民代表大会常务委员会第十六次会议《关于修改…的决定》修正\n\n"
        "<!-- INFO END -->\n\n第一条 为了…，制定本条例。\n"
    )
    (folder / "x.md").write_text(text, encoding="utf-8")
    m = read_document(folder / "x.md", tmp_path).meta
    assert (m.date_written, m.issuer) == ("2010-07-30", "新乡市人民代表大会常务委员会")
    assert (m.doc_type, m.level, m.region) == ("地方性法规", "municipal", "河南省新乡市")


@pytest.mark.parametrize(
    "written, iso",
    [
        ("2024年4月29日", "2024-04-29"),
        ("2020年6月4", "2020-06-04"),
        ("二〇二四年四月二十九日", "2024-04-29"),
        ("2018-03-21 12:00", "2018-03-21"),
        ("2024年4月", "2024-04"),
        ("无日期", ""),
        ("2024年13月1日", ""),
    ],
)
def test_dates(written, iso):
    assert parse_date(written) == iso


@pytest.mark.parametrize(
    "issuer, units, level",
    [
        ("南通市海门区人民政府", ["南通市", "海门区"], "county"),
        ("国家知识产权局", [], "national"),
        ("山东省人民政府办公厅", ["山东省"], "provincial"),
        ("北京市人民代表大会常务委员会", ["北京市"], "provincial"),
        ("景宁畲族自治县人民代表大会", ["景宁畲族自治县"], "county"),
        ("济宁市邹城市人民政府", ["济宁市", "邹城市"], "county"),
        ("泰安市人民政府", ["泰安市"], ""),  # prefecture or county-level city: the name alone does not say
        ("苏州市工业园区管理委员会", ["苏州市"], ""),  # an industrial park is not an administrative division
        ("湖南省长沙市岳麓区市场监督管理局", ["湖南省", "长沙市", "岳麓区"], "county"),
    ],
)
def test_places(issuer, units, level):
    assert place_units(issuer) == units
    assert level_of(issuer) == level


def test_province_from_site_registration():
    assert province_from_registration("政府网站标识码:3708000023 鲁公网安备 37080202000100号") == "山东省"
    assert province_from_registration("正文") == ""


def test_html_title_hint_used_only_when_text_has_none(tmp_path):
    page = (
        "<html><head><title>新乡市知识产权保护办法</title></head><body><p>第一条 为了保护知识产权。</p>"
        "<p>第二条 本办法自公布之日起施行。</p></body></html>"
    )
    Path(tmp_path / "p.html").write_text(page, encoding="utf-8")
    doc = read_document(tmp_path / "p.html", tmp_path)
    assert doc.meta.title == "新乡市知识产权保护办法" and "missing_title" in kinds(doc)


GOV_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>济南市人民政府办公厅关于印发济南市知识产权质押融资
工作方案的通知_济南市人民政府</title><script>var _hmt = _hmt || []; secret_tracker();</script></head><body>
<div class="top"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政策文件</div>
<table class="meta"><tr><td>索引号：</td><td>11370100004188573X/2023-00123</td><td>主题分类：</td><td>知识产权</td></tr>
<tr><td>发布机关：</td><td>济南市人民政府办公厅</td><td>成文日期：</td><td>2023-03-15</td></tr>
<tr><td>标题：</td><td>济南市人民政府办公厅关于印发济南市知识产权质押融资工作方案的通知</td></tr>
<tr><td>发文字号：</td><td>济政办字〔2023〕9号</td><td>发布日期：</td><td>2023-03-20</td></tr></table>
<div class="article"><h1>济南市人民政府办公厅关于印发济南市知识产权质押融资工作方案的通知</h1>
<p>济政办字〔2023〕9号</p><p>各区县人民政府，市政府各部门：</p>
<p>《济南市知识产权质押融资工作方案》已经市政府同意，现印发给你们，请认真贯彻执行。</p>
<p>济南市人民政府办公厅</p><p>2023年3月15日</p>
<p>济南市知识产权质押融资工作方案</p><p>一、工作目标</p><p>到2025年，全市知识产权质押融资额达到50亿元。</p>
<p>二、重点任务</p><p>（一）扩大质押融资规模。（市市场监管局牵头，市财政局配合）</p></div>
<div class="share">分享到：</div><div class="tools">【字体：大 中 小】 【打印本页】 【关闭窗口】</div>
<div class="footer"><p>主办：济南市人民政府办公厅 承办：济南市大数据局</p>
<p>网站标识码：3701000001 鲁ICP备05001978号 鲁公网安备 37010202000015号</p></div>
<script>footer_script();</script></body></html>"""


def test_government_html_page(tmp_path):
    (tmp_path / "jinan.html").write_text(GOV_PAGE, encoding="utf-8")
    doc = read_document(tmp_path / "jinan.html", tmp_path)
    m = doc.meta
    assert m.title == "济南市人民政府办公厅关于印发济南市知识产权质押融资工作方案的通知"
    assert m.short_title == "济南市知识产权质押融资工作方案"
    assert (m.issuer, m.doc_number, m.date_written, m.date_published) == (
        "济南市人民政府办公厅",
        "济政办字〔2023〕9号",
        "2023-03-15",
        "2023-03-20",
    )
    assert (m.doc_type, m.level, m.region) == ("通知", "municipal", "山东省济南市")
    assert m.source_site == "济南市人民政府办公厅"
    assert "secret_tracker" not in doc.text and "footer_script" not in doc.text
    excluded = [doc.text[s:e] for s, e in doc.excluded]
    assert any(x.startswith("索引号") for x in excluded)  # the metadata table
    assert any("ICP备" in x for x in excluded) and "分享到：" in excluded
    assert "首页 > 政务公开 > 政策文件" in excluded  # breadcrumb
    assert not any("质押融资规模" in x for x in excluded)
    assert {f.kind for f in doc.flags} == {"boilerplate"}


def test_title_after_page_chrome_lines_but_before_addressees(tmp_path):
    text = (
        "政策文件\n2023-05-06\n泰安市人民政府\n关于加强知识产权保护的实施意见\n泰政发〔2023〕3号\n"
        "各县、市、区人民政府：\n为加强知识产权保护，提出如下意见。\n泰安市人民政府\n2023年5月6日\n"
    )
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    doc = read_document(tmp_path / "t.txt", tmp_path)
    assert doc.meta.title == "泰安市人民政府关于加强知识产权保护的实施意见"
    assert (doc.meta.doc_type, doc.meta.doc_number, doc.meta.level) == ("意见", "泰政发〔2023〕3号", "municipal")
    assert "missing_title" not in kinds(doc)
    assert doc.meta.addressees == "各县、市、区人民政府"


@pytest.mark.parametrize(
    "prefix, addressees",
    [
        ("000", "各镇人民政府、街道办事处,市政府有关部门"),
        ("001", "省知識產權戰略實施暨強省建設工作領導小組成員單位"),  # as written, traditional script
        ("002", "各区镇(街道)政府(管委会、办事处),区各委办局,区各直属单位,各垂直管理部门(单位)"),
        ("003", ""),  # a news page's excerpt has no 主送机关
        ("004", "各县、市、区人民政府，各功能区管委会，市政府各部门、直属单位，省属以上驻泰各单位"),
    ],
)
def test_addressees_of_the_seeds(prefix, addressees):
    assert seed_doc(prefix).meta.addressees == addressees


def test_a_header_field_line_or_a_sentence_is_no_addressee(tmp_path):
    text = "关于做好专利资助工作的通知\n发布机关: 某市人民政府 统一编号:\n各单位要做好以下工作：\n一、加强领导。\n"
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    # "各单位要做好以下工作：" opens the body: it ends in what the units are to do, not in a unit
    assert read_document(tmp_path / "t.txt", tmp_path).meta.addressees == ""
