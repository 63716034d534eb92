"""Question kinds and grounded answers.

The assembly tests hand ``ask`` real seed clauses as hits (a small stand-in index whose search returns them),
so they test answering apart from retrieval; the end-to-end tests in test_verify.py and below run over an
index built from corpus/ with BM25 only.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from ipqa.answer.analysis import question_kind
from ipqa.answer.gate import MIN_RELEVANCE
from ipqa.answer.pipeline import NOT_FOUND, ask
from ipqa.records import Clause, Departments, Document, Flag, Hit, Metadata, SearchResult
from ipqa.text import to_simplified
from tests.helpers.off_topic import OFF_TOPIC
from tests.helpers.paths import CORPUS

_ANSWER_MARK = re.compile(r"\[(\d+)\]")


@pytest.mark.parametrize(
    "question, kind",
    [
        ("谁负责知识产权质押融资？", "who"),
        ("植物新品种保护行政执法由哪些部门负责？", "who"),
        ("泰安市“十四五”知识产权规划由哪个部门牵头组织实施？", "who"),
        ("研发费用加计扣除等税收优惠政策由谁落实？", "who"),
        ("专利导航工作的牵头单位是？", "who"),
        ("知识产权质押融资工作谁来推进？", "who"),
        ("谁可以成为个体工商户？", "fact"),  # a bare 谁 without a duty asks who qualifies, not which unit
        ("這項工作由哪個部門負責？", "who"),  # traditional script
        ("这项工作归哪个局管？", "who"),  # the unit asked by its kind
        ("地理标志保护是哪个厅在抓？", "who"),
        ("哪个办法规定了资助标准？", "fact"),  # 办法 is a document, not a 办(公室)
        ("哪个局长分管这项工作？", "fact"),  # a person, not a unit
        ("邹城市知识产权质押融资登记金额要达到多少？", "number"),
        ("海门区知识产权质押金额的累计目标是多少？", "number"),
        ("2018年贯标认证企业数量要增长多少？", "number"),
        ("培育几家国家知识产权优势示范企业？", "number"),
        ("高价值发明专利占比要达到什么比例？", "number"),
        ("专利法什么时候施行？", "when"),
        ("有效发明专利到哪年达到3300件？", "when"),
        ("申请复议的期限是多久？", "when"),
        ("规划实施的截止时间是哪一年？", "when"),
        ("有哪些知识产权金融支持措施？", "fact"),
        ("如何规范专利代理，打击黑代理？", "fact"),
        ("企业可以用专利向银行申请贷款吗？", "fact"),
        ("邹城市强县建设工作专班的办公室设在哪里？", "fact"),
        ("企业知识产权合规管理体系国家标准的编号是什么？", "fact"),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


class SeedIndex:
    """The part of ``Index`` that ``ask`` uses, over seed clauses cut from the real files by hand. It has no
    retrievers, so the gate weighs every word alike (no corpus statistics)."""

    def __init__(self, hits: list[Hit], notes: tuple[str, ...] = ()):
        self.retrievers: dict = {}
        self.hits, self.notes = hits, notes
        self.documents = {h.clause.doc_id: DOCS[h.clause.doc_id] for h in hits}

    def document(self, doc_id: str) -> Document:
        return DOCS[doc_id]

    def search(self, query, k=10, filters=None) -> SearchResult:
        return SearchResult(query, tuple(self.hits[:k]), self.notes)


def _doc(name: str, short_title: str) -> Document:
    text = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
    return Document(
        doc_id=name,
        source=str(CORPUS / f"{name}.txt"),
        sha256="0" * 64,
        text=text,
        meta=Metadata(title=short_title, short_title=short_title),
    )


DOCS = {
    d.doc_id: d
    for d in (
        _doc("000_81f9c92258dafa0e", "邹城市国家知识产权强县建设试点县工作方案(2024—2026年)"),
        _doc("001_e22083f13b5790bb", "2020年甘肅省深入實施知識產權戰略 加快建設知識產權強省推進計劃"),
        _doc("002_166fccb366052a47", "南通市海门区“十四五”知识产权发展规划"),
        _doc("003_b2f02c604ed1004b", "2018年国家知识产权示范城市工作计划"),
        _doc("004_deb30e83b76c7ed3", "泰安市“十四五”知识产权保护和运用规划"),
    )
}


def clause(
    doc_id: str, begins: str, lead: tuple[str, ...] = (), support: tuple[str, ...] = (), flags: tuple[Flag, ...] = ()
) -> Clause:
    """The seed line (with any broken continuation lines up to the next blank-line-separated item) that
    starts with ``begins``."""
    text = DOCS[doc_id].text
    start = text.index(begins)
    end = text.find("\n\n", start)
    end = len(text) if end < 0 else end
    while end < len(text) and not re.match(r"\s*(\d+[.、]|[（(][一二三四五六七八九十]+[)）]|$)", text[end : end + 8]):
        nxt = text.find("\n\n", end + 2)  # a web page broke the item over lines: keep reading
        end = len(text) if nxt < 0 else nxt
    label = re.match(r"[\d]+\.?|[（(][^)）]+[)）]", begins)
    return Clause(
        clause_id=f"{doc_id}#{begins[:6]}",
        doc_id=doc_id,
        label=label.group(0) if label else "",
        path=(begins[:12],),
        text=text[start:end],
        start=start,
        end=end,
        departments=Departments(lead, support),
        flags=flags,
        labels=(label.group(0) if label else "",),
    )


def hits(*clauses: Clause) -> list[Hit]:
    return [Hit(c, 1.0 / (60 + i)) for i, c in enumerate(clauses, start=1)]


def check_grounded(answer, index):
    """Every line ends with citation markers that exist; every quote is verbatim, inside its clause."""
    assert answer.answered and answer.citations
    for line in answer.text.splitlines():
        marks = [int(m) for m in _ANSWER_MARK.findall(line)]
        assert marks, f"uncited answer line: {line}"
        assert all(1 <= m <= len(answer.citations) for m in marks)
    by_id = {h.clause.clause_id: h.clause for h in index.hits}
    for c in answer.citations:
        cl = by_id[c.clause_id]
        assert DOCS[c.doc_id].text[c.start : c.end] == c.quote
        assert cl.start <= c.start < c.end <= cl.end
        assert c.quote == c.quote.strip()


PLEDGE_001 = clause("001_e22083f13b5790bb", "43.深化知識產權質押融資", lead=("省市場監管局",))
SURVEY_001 = clause("001_e22083f13b5790bb", "42.組織開展知識產權質押融資需求調查", lead=("省市場監管局",))
FINANCE_000 = clause("000_81f9c92258dafa0e", "3.持续优化知识产权金融服务")
FINANCE_004 = clause("004_deb30e83b76c7ed3", "2.优化知识产权金融服务")


def test_who_names_the_unit_in_both_scripts_and_documents_without_one():
    index = SeedIndex(hits(PLEDGE_001, FINANCE_000, SURVEY_001, FINANCE_004))
    answer = ask(index, "谁负责知识产权质押融资？")
    check_grounded(answer, index)
    assert answer.kind == "who"
    first = answer.text.splitlines()[0]
    assert "省市场监管局（原文：省市場監管局）负责[1][2]" in first  # both 001 clauses, grouped by document
    assert "未明确责任单位" in answer.text
    assert "邹城市" in answer.text  # the document that covers pledge financing without naming a unit
    assert "省市場監管局負責" in answer.citations[0].quote  # the quote shows the unit the answer names


def test_who_lead_before_support_and_duty_sentence_when_no_unit_field():
    plant = clause("001_e22083f13b5790bb", "26.加大植物新品種保護", lead=("省林草局",), support=("省農業農村廳",))
    answer = ask(SeedIndex(hits(plant)), "植物新品种保护行政执法由哪些部门负责？")
    assert "省林草局（原文：省林草局）" not in answer.text  # same in both scripts: shown once
    assert answer.text.index("省林草局") < answer.text.index("省农业农村厅（原文：省農業農村廳）")
    plan = clause("004_deb30e83b76c7ed3", "各级各有关部门和单位要充分认识")
    index = SeedIndex(hits(plan))
    answer = ask(index, "泰安市“十四五”知识产权规划由哪个部门牵头组织实施？")
    check_grounded(answer, index)
    assert "市市场监管局要牵头做好规划组织实施工作" in answer.text
    assert "未明确责任单位" not in answer.text


def test_who_without_any_named_unit_says_so_with_the_best_sentences():
    index = SeedIndex(hits(FINANCE_000, FINANCE_004))
    answer = ask(index, "谁负责知识产权质押融资？")
    check_grounded(answer, index)
    *quoted, last = answer.text.splitlines()
    assert quoted and last.startswith("以上条款均未明确责任单位[1]")
    assert "质押融资" in quoted[0]


def test_number_gives_the_figure_phrase_with_its_date():
    goals = clause("000_81f9c92258dafa0e", "(二)知识产权运用效能不断完善")
    index = SeedIndex(hits(FINANCE_000, goals))
    answer = ask(index, "邹城市知识产权质押融资登记金额要达到多少？")
    check_grounded(answer, index)
    assert answer.kind == "number"
    assert "2亿元" in answer.text.splitlines()[0]
    assert "到2026年年底,知识产权质押融资登记金额每年不低于2亿元" in answer.text


def test_number_prefers_the_year_asked_about():
    base = clause("002_166fccb366052a47", "——知识产权运用效益明显增强")
    answer = ask(SeedIndex(hits(base)), "海门区2020年知识产权质押融资额是多少？")
    first = answer.text.splitlines()[0]
    assert "2020年知识产权质押融资额1亿元" in first and "4.2亿元" not in first


def test_when_gives_dates_and_deadlines():
    goals = clause("000_81f9c92258dafa0e", "(二)知识产权运用效能不断完善")
    index = SeedIndex(hits(goals))
    answer = ask(index, "邹城市知识产权质押融资登记金额每年不低于2亿元的目标到什么时候实现？")
    check_grounded(answer, index)
    assert answer.kind == "when" and "到2026年年底" in answer.text


def test_fact_gives_best_sentences():
    geo = clause("000_81f9c92258dafa0e", "5.深入发掘高附加值地理标志产品")
    office = clause("000_81f9c92258dafa0e", "(一)加强组织领导")
    index = SeedIndex(hits(geo, office))
    answer = ask(index, "邹城有哪些地理标志产品示范基地？")
    check_grounded(answer, index)
    assert "邹城金山大樱桃" in answer.text.splitlines()[0]
    answer = ask(SeedIndex(hits(office, geo)), "邹城市强县建设工作专班的办公室设在哪里？")
    assert "办公室设在市市场监管局" in answer.text.splitlines()[0]


def test_quotes_never_include_injected_spam():
    doc = DOCS["002_166fccb366052a47"]
    start = doc.text.index("为贯彻中共中央办公厅")
    end = doc.text.index("\n", start)
    spams = [m.span() for m in re.finditer(r"0\.1元入场捕鱼", doc.text[start:end])]
    flags = tuple(Flag("spam", "injected", start + a, start + b) for a, b in spams)
    preamble = Clause("002#preamble", doc.doc_id, "", ("序言",), doc.text[start:end], start, end, flags=flags)
    for question in ("海门区规划贯彻哪个意见？", "海门区规划依据什么制定？", "海门区知识产权保护的意见要求多少？"):
        answer = ask(SeedIndex(hits(preamble)), question)
        assert "捕鱼" not in answer.text
        for c in answer.citations:
            assert "捕鱼" not in c.quote and doc.text[c.start : c.end] == c.quote


@pytest.mark.parametrize("question", ["如何申请离婚？", "今天天气怎么样？", "怎么做红烧肉？", "足球比赛几点开始？"])
def test_off_topic_questions_are_not_stretched(question):
    index = SeedIndex(hits(PLEDGE_001, FINANCE_000), notes=("semantic search off: no model",))
    answer = ask(index, question)
    assert not answer.answered and answer.text == NOT_FOUND and not answer.citations
    assert answer.hits  # the closest clauses stay visible
    assert answer.notes == ("semantic search off: no model",)


def test_a_question_without_a_subject_is_not_answered():
    answer = ask(SeedIndex(hits(PLEDGE_001, FINANCE_000)), "谁负责？")
    assert not answer.answered and answer.text == NOT_FOUND


def test_no_hits_is_not_answered():
    answer = ask(SeedIndex([]), "谁负责知识产权质押融资？")
    assert not answer.answered and answer.text == NOT_FOUND


def test_threshold_is_a_share():
    assert 0 < MIN_RELEVANCE < 1
    assert replace(PLEDGE_001, departments=Departments()).departments == Departments()


# --- end to end over an index built from corpus/ (BM25 only) ---------------------------------------------

IN_DOMAIN = [
    "谁负责知识产权质押融资？",
    "泰安市到2025年有效发明专利要达到多少件？",
    "邹城有哪些地理标志产品示范基地？",
    "如何规范专利代理，打击黑代理？",
    "多个部门共同负责的任务，哪个是牵头部门？",
]


def _grounded_in_index(answer, index):
    for c in answer.citations:
        cl = index.clause(c.clause_id)
        assert index.document(c.doc_id).text[c.start : c.end] == c.quote
        assert cl.start <= c.start < c.end <= cl.end
        assert c.sha256 == index.document(c.doc_id).sha256 and c.reference().startswith("《")


def test_calibration_in_domain_answered_off_topic_not(seed_index):
    for q in IN_DOMAIN:
        answer = ask(seed_index, q)
        assert answer.answered, q
        _grounded_in_index(answer, seed_index)
    for q in OFF_TOPIC:
        answer = ask(seed_index, q)
        # refused: for want of a matching clause, or (明天北京会下雨吗) for want of any document of the place
        assert not answer.answered and not answer.citations, (q, answer.text)
        assert answer.text == NOT_FOUND or answer.text.startswith("语料中没有"), (q, answer.text)


def test_seed_dev_answer_accuracy(seed_index, seed_dev):
    from ipqa.evaluation.evaluate import answer_correct, read_questions

    questions = [q for q in read_questions(seed_dev) if q.answer_contains]
    correct = 0
    for q in questions:
        answer = ask(seed_index, q.question)
        _grounded_in_index(answer, seed_index)
        correct += answer_correct(q, answer.text)
    assert correct / len(questions) >= 0.9


def test_pledge_financing_end_to_end(seed_index):
    answer = ask(seed_index, "谁负责知识产权质押融资？")
    first, *rest = answer.text.splitlines()
    assert "省市场监管局（原文：省市場監管局）" in first and "未明确责任单位" in "".join(rest)


def test_spam_never_reaches_answers(seed_index):
    spam_clauses = [c for c in seed_index.clauses if any(f.kind == "spam" and f.start is not None for f in c.flags)]
    if not spam_clauses:
        pytest.skip("the clause splitter flags no inline spam in the seeds")
    for cl in spam_clauses:
        doc = seed_index.document(cl.doc_id)
        spams = {doc.text[f.start : f.end] for f in cl.flags if f.kind == "spam" and f.start is not None}
        question = cl.clean_text.strip()[:30] + "？"
        answer = ask(seed_index, question)
        for s in spams:
            assert s not in answer.text and all(s not in c.quote for c in answer.citations), (cl.clause_id, s)


def test_citation_for_checks_the_span_and_quote_span_cuts_spam():
    from ipqa.answer.citations import QuoteOutsideClause, citation_for, quote_span

    index = SeedIndex(hits(PLEDGE_001))
    c = citation_for(index, PLEDGE_001, PLEDGE_001.start, PLEDGE_001.start + 10)
    assert c.quote == PLEDGE_001.text[:10] and c.reference() == "《" + DOCS[c.doc_id].meta.title + "》43."
    with pytest.raises(QuoteOutsideClause):
        citation_for(index, PLEDGE_001, PLEDGE_001.start - 1, PLEDGE_001.end)
    s = PLEDGE_001.start
    spammed = replace(PLEDGE_001, flags=(Flag("spam", "injected", s + 5, s + 8),))
    assert quote_span(spammed, s, s + 20) == (s + 8, s + 20)  # the longer spam-free side
    assert quote_span(spammed, s + 5, s + 8) is None


def test_filters_and_notes_pass_through(seed_index):
    from ipqa.records import Filters

    taian = "004_deb30e83b76c7ed3"
    answer = ask(seed_index, "知识产权质押融资有哪些支持措施？", filters=Filters(doc_ids=(taian,)))
    assert answer.answered and {c.doc_id for c in answer.citations} == {taian}
    assert all(h.clause.doc_id == taian for h in answer.hits)
    assert any("semantic search off" in note for note in answer.notes)  # the index was built BM25-only


def test_bracketed_numbers_in_quotes_are_not_taken_for_citations():
    text = "第五条 依照国发[2019]8号文件，专利资助资金每年不低于[3]千万元，由市财政局负责。"
    doc = Document("synthetic", "synthetic.txt", "0" * 64, text, Metadata(title="测试办法"))
    DOCS["synthetic"] = doc
    try:
        cl = Clause(
            "synthetic#5",
            "synthetic",
            "第五条",
            ("第五条",),
            text,
            0,
            len(text),
            departments=Departments(("市财政局",)),
        )
        for question in ("专利资助资金由谁负责？", "专利资助资金每年不低于多少？", "专利资助资金依照什么文件？"):
            answer = ask(SeedIndex(hits(cl)), question)
            assert answer.answered and len(answer.citations) == 1, (question, answer.text)
            assert answer.text.count("[1]") >= 1 and "\x02" not in answer.text
    finally:
        del DOCS["synthetic"]


@pytest.mark.parametrize(
    "question, expected",
    [
        # held-out questions, not in seed_dev: the method, not a list of answers
        ("泰安市有效发明专利3300件的目标要在哪一年实现？", "2025年"),
        ("邹城市每年开展多少次专利权质押融资培训？", "6次"),
        ("海门区参加贯标企业数要达到多少家？", "200家"),
        ("甘肃省专利奖评审由哪个部门负责？", "省市场监管局"),
        ("示范城市知识产权局处级以上管理人员多久轮训一次？", "每3年"),
        ("泰安市每万人口高价值发明专利要达到多少？", "3.6件"),
    ],
)
def test_held_out_questions(seed_index, question, expected):
    answer = ask(seed_index, question)
    _grounded_in_index(answer, seed_index)
    assert expected in answer.text.splitlines()[0], answer.text


# --- question analysis, constraints, metadata answers (the answers issue) ---


def test_a_place_the_corpus_lacks_is_refused_with_that_reason(seed_index):
    answer = ask(seed_index, "北京市的专利资助标准是多少？")
    assert not answer.answered and answer.text == "语料中没有北京市的文件。" and not answer.citations


def test_a_place_the_corpus_has_narrows_the_answer_to_its_documents(seed_index):
    answer = ask(seed_index, "泰安到2025年底，平均每一万人要有几件高价值发明专利？")
    assert answer.hits and {h.clause.doc_id for h in answer.hits} == {"004_deb30e83b76c7ed3"}
    unnarrowed = seed_index.search("泰安到2025年底，平均每一万人要有几件高价值发明专利？")
    assert len({h.clause.doc_id for h in unnarrowed.hits}) > 1  # without the place, other plans come up too


def test_a_place_jieba_calls_a_rare_noun_is_a_place_without_its_suffix(seed_index):
    from ipqa.answer.constraints import corpus_places
    from ipqa.answer.placenames import find_places

    places = corpus_places(seed_index)
    assert find_places("在海门，各镇的知识产权管理靠哪个部门？", places) == ("海门",)  # 海门 is tagged n, but rare
    assert find_places("技术创新靠哪个部门？", {"技术": "技术市"}) == ()  # a frequent word: only 技术市 would count
    assert find_places("技术市的专利资助", {"技术": "技术市"}) == ("技术",)
    answer = ask(seed_index, "在海门，各镇的知识产权管理靠哪个部门？")
    assert {h.clause.doc_id for h in answer.hits} == {"002_166fccb366052a47"}


def test_the_figure_of_the_measure_asked_is_chosen_not_the_one_of_the_year(seed_index):
    answer = ask(seed_index, "泰安市到2025年每万人口高价值发明专利要达到多少件？")
    assert answer.answered and "3.6件" in answer.text.splitlines()[0], answer.text


def test_metadata_questions_are_answered_from_the_fields_with_a_verifiable_header_citation(seed_index):
    from ipqa.evaluation.verify import verify_citations

    answer = ask(seed_index, "邹城强县方案的文号是什么？")
    assert answer.answered and answer.kind == "metadata" and "邹政字〔2024〕18号" in answer.text
    (citation,) = answer.citations
    doc = seed_index.document(citation.doc_id)
    assert doc.text[citation.start : citation.end] == citation.quote and "邹政字〔2024〕18号" in citation.quote
    assert not verify_citations([citation.to_dict()], seed_index.folder).problems
    unstated = ask(seed_index, "海门十四五知识产权规划的发文字号是多少？")
    assert not unstated.answered and "没有标明发文字号" in unstated.text


@pytest.mark.parametrize(
    "question, field, value",
    [
        ("邹城强县方案的索引号是多少？", "index_number", "11370883004235149C/2024-12360"),
        ("邹城那个文件在政府公开目录里归在哪个主题类别？", "subject", "知识产权"),
        ("中商产业研究院贴出来的那篇全文，原文件叫啥名字？", "title", "2018年国家知识产权示范城市工作计划"),
        ("2018年示范城市工作计划这篇文章的来源是哪个网站？", "source_site", "中商产业研究院"),
    ],
)
def test_the_fields_of_a_disclosure_page_are_answered_from_its_header(seed_index, question, field, value):
    from ipqa.answer.analysis import analyse
    from ipqa.evaluation.verify import verify_citations

    assert analyse(question).field == field
    answer = ask(seed_index, question)
    assert answer.answered and answer.kind == "metadata" and value in answer.text, answer.text
    assert not verify_citations([c.to_dict() for c in answer.citations], seed_index.folder).problems


def test_a_fields_name_in_other_words_is_no_metadata_question():
    from ipqa.answer.analysis import analyse

    assert analyse("项目资金来源是什么？").field == ""  # money's source, not a page's
    assert analyse("那个规划里送课上门的项目叫什么？").field == ""  # a project's name, not the document's
    assert analyse("什么类别的企业可以申请补贴？").field == ""


def test_who_issues_a_document_a_clause_creates_is_answered_from_that_clause_not_the_header(seed_index):
    # 001 三、(一)37. "修订《甘肃省专利资助资金管理办法》…(省市场监管局负责)": the 办法 is not a corpus document, so
    # the issuer of the plan that mentions it (the header's 发布机关) is not its issuer
    answer = ask(seed_index, "甘肃那个专利资助资金管理办法由哪个部门修订？")
    assert answer.answered and answer.kind == "who", answer.text
    assert "省市场监管局" in answer.text and "领导小组办公室" not in answer.text
    assert any("专利资助资金管理办法" in to_simplified(c.quote) for c in answer.citations)
    # the same for a date: the clause gives none, and the plan's own date is not the 办法's
    dated = ask(seed_index, "甘肃专利资助资金管理办法是什么时候发布的？")
    assert not dated.answered and "具体时间" in dated.confidence
    # the corpus's own document is still answered from its fields
    own = ask(seed_index, "甘肃省2020年推进计划是哪个单位印发的？")
    assert own.answered and own.kind == "metadata" and "领导小组办公室" in own.text


def test_a_question_in_two_parts_is_answered_in_both(seed_index):
    # "有没有…？哪个部门负责？": the clause's words on the centre as well as the unit charged with it
    answer = ask(seed_index, "甘肃有没有建知识产权保护中心来加快审查？哪个部门负责？")
    assert answer.answered and answer.kind == "who"
    first, *rest = answer.text.splitlines()
    assert "省市场监管局" in first and "保护中心" not in first
    assert any("保护中心" in to_simplified(line) for line in rest), answer.text
    assert len(answer.citations) == 1  # both parts cite the one clause that says both
    _grounded_in_index(answer, seed_index)


def test_every_answer_says_how_sure_it_is(seed_index):
    for q in ("谁负责知识产权质押融资？", "如何申请离婚？"):
        assert ask(seed_index, q).confidence


def test_a_year_no_candidate_concerns_is_refused(seed_index):
    answer = ask(seed_index, "泰安市到2030年有效发明专利要达到多少件？")
    assert not answer.answered
    assert ask(seed_index, "泰安市到2025年有效发明专利要达到多少件？").answered


def test_a_question_whose_topic_the_corpus_never_uses_is_refused_with_that_reason(seed_index):
    answer = ask(seed_index, "足球比赛几点开始？")
    assert not answer.answered and "没有出现" in answer.confidence


def test_a_place_only_mentioned_in_a_clause_is_searched_not_refused(seed_index):
    answer = ask(seed_index, "海门要贯彻的江苏省专利转化专项计划是哪几年的？")
    assert "语料中没有江苏省" not in answer.text


def test_a_figure_in_another_unit_is_not_an_answer(seed_index):
    # the 邹城 plan funds the work but names no sum: a money question gets no stretched figure
    answer = ask(seed_index, "邹城设的知识产权强县专项资金一年有多少钱？")
    assert not answer.answered and "数字" in answer.confidence


def test_validity_is_asked_of_a_document_not_of_a_patent():
    from ipqa.answer.analysis import analyse

    assert analyse("这个方案现在还有效吗？").field == "validity"
    assert analyse("到2020年年末海门有效的发明专利有多少件？").field == ""
    assert analyse("邹城强县方案是哪天写成的？").field == "date_written"
    assert analyse("泰安这份规划落款是哪天？").field == "date_written"
    assert analyse("这份方案是哪天在网上发布的？").field == "date_published"


def test_compound_words_take_the_idf_of_their_bigrams(seed_index):
    from ipqa.answer.gate import _idf

    lexical = seed_index.retrievers["bm25"].lexical
    assert lexical.idf("银行贷款") is None and _idf(lexical, "银行贷款") is not None
    assert _idf(lexical, "红烧肉") is None


def test_who_takes_units_from_a_list_in_the_text(seed_index):
    answer = ask(seed_index, "商标侵权案件由哪些部门查处？")
    assert answer.answered and "市市场监管局、市公安局" in answer.text and "均未明确" not in answer.text


def test_a_question_for_a_person_is_refused_with_the_reason(seed_index):
    answer = ask(seed_index, "泰安市市场监管局的局长是谁？")
    assert not answer.answered and "没有写明具体人员" in answer.confidence
    assert ask(seed_index, "邹城市强县建设工作专班的组长由谁担任？").kind == "who"  # a post, not a person


def test_a_metadata_date_is_shown_as_the_document_writes_it(seed_index):
    answer = ask(seed_index, "泰安这份规划落款是哪天？")
    assert answer.answered and "2022年5月7日" in answer.text


def test_a_quantity_asked_and_no_figure_in_the_clauses_is_refused(seed_index):
    # the 泰安 plan speaks of its association but names no fee: a "多少" question gets no sentence without a figure
    answer = ask(seed_index, "想加入泰安市知识产权协会，一年要交多少会费？")
    assert not answer.answered and "数字" in answer.confidence, answer.text


def test_a_person_question_with_a_post_is_refused_with_the_reason():
    from ipqa.answer.analysis import analyse

    assert analyse("国家知识产权局现任局长是谁？").person
    assert analyse("谁是泰安市市场监管局的局长？").person
    assert not analyse("谁负责知识产权质押融资？").person


def test_a_weak_who_match_naming_no_unit_is_refused(seed_index):
    answer = ask(seed_index, "谁负责城市垃圾分类？")
    assert not answer.answered and not answer.citations, answer.text


def test_a_which_documents_question_gets_one_line_per_document(seed_index):
    answer = ask(seed_index, "哪些地方的文件提到了地理标志？")
    assert answer.answered and answer.kind == "list", answer.text
    docs = [c.doc_id for c in answer.citations]
    assert len(set(docs)) >= 3 and len(docs) == len(set(docs)), docs  # several documents, one line each
    assert len(answer.text.splitlines()) == len(docs)
    assert len(answer.hits) <= 10  # read deeper, but shows as many closest clauses as any answer
    _grounded_in_index(answer, seed_index)
    assert all("地理标志" in c.quote or "地理標志" in c.quote for c in answer.citations), answer.text


def test_ji_as_a_few_beside_another_question_word_asks_no_number():
    from ipqa.answer.analysis import analyse

    assert analyse("我们几家同行想抱团维权，政府支不支持？").kind != "number"
    assert analyse("邹城想新增几家优势示范企业？").quantity
    assert analyse("哪几个地方在试点专利保险？").kind == "list"


def test_a_damaged_signature_date_is_found_and_cited_as_written(seed_index):
    from ipqa.evaluation.verify import verify_citations

    # seed 001 signs "2020年6月4" (日 lost on the page): the field is read, and the answer cites that line
    answer = ask(seed_index, "甘肃那份推进计划的通知，成文日期是哪天？")
    assert answer.answered and answer.kind == "metadata" and "2020年6月4" in answer.text, answer.text
    (citation,) = answer.citations
    assert citation.quote == "2020年6月4"
    assert not verify_citations([citation.to_dict()], seed_index.folder).problems


def test_the_unit_asked_covers_fees_rates_and_spans_of_time():
    from ipqa.answer.analysis import analyse

    assert analyse("入会一年交多少会费？").unit == "元"
    assert analyse("专利质押贷款的利率是多少？").unit == "%"
    assert analyse("专利申请量比上一年涨了多少？").unit == "%"
    assert analyse("商标注册证的有效期是多少年？").unit == "年"
    assert analyse("提交申请后多少件能受理？").unit == "件"


def test_measure_forms_are_compared_as_one():
    from ipqa.answer.measures import measure_bigrams

    question = "平均每一万个人有多少件发明专利？"
    assert measure_bigrams(question, "每万人口发明专利拥有量达到41.43件") > measure_bigrams(
        question, "有效发明专利量3754件"
    )


def test_a_figure_is_chosen_by_its_own_phrase_not_the_date_joined_to_it(seed_index):
    # "到2026年年底,有效发明专利总量达到1400件,…高价值发明专利总量达到500件": 年底 must not pick 1400件
    answer = ask(seed_index, "邹城到2026年年底，含金量高的发明专利总量要达到多少件？")
    assert answer.answered and "500件" in answer.text.splitlines()[0], answer.text


def test_a_per_capita_figure_answers_a_per_capita_question(seed_index):
    answer = ask(seed_index, "海门区2020年末每万个人的发明专利拥有量是多少件？")
    assert answer.answered and "41.43件" in answer.text.splitlines()[0], answer.text


def test_an_hour_or_a_day_the_clauses_do_not_state_is_refused(seed_index):
    from ipqa.answer.analysis import analyse

    assert analyse("窗口每天几点开门？").moment == "clock"
    assert analyse("申报材料几号之前交？").moment == "day"
    assert analyse("质押融资由谁负责？").moment == ""
    # the clause that sets up 定西's trademark window says where, never when it opens
    answer = ask(seed_index, "定西的商标注册申请受理窗口每天几点开门？")
    assert not answer.answered and "具体时间" in answer.confidence, answer.text


def test_unknown_everyday_words_do_not_refuse_an_ip_question_whose_clause_holds_the_rest():
    from ipqa.answer.gate import KNOWN_CARRIES, Topic, unknown_topic

    half_unknown = Topic({"发明专利": 3.0, "有效": 1.0}, 0.5, ("发明专利",), unknown_needed=0.6)
    assert not unknown_topic(half_unknown, narrowed=False, best=KNOWN_CARRIES)
    assert unknown_topic(half_unknown, narrowed=False, best=KNOWN_CARRIES - 0.01)
    # the unknown words are everyday wording that answering clauses seldom hold: their necessity is low
    everyday = replace(half_unknown, unknown_needed=0.3)
    assert not unknown_topic(everyday, narrowed=False, best=0.0)
    # without an IP word the plain count decides, however low the unknown words' necessity
    no_ip_word = Topic({"垃圾": 3.0}, 0.5, unknown_needed=0.1)
    assert unknown_topic(no_ip_word, narrowed=False, best=1.0)


def test_a_question_anchored_on_domain_words_only_passes_on_a_clause_that_speaks_of_ip():
    from ipqa.answer.gate import Topic

    # 行政执法 is the question's anchor but no IP term: a clause of an IP policy that says it in its own words
    # ("两法衔接") is not thrown out for lacking it
    domain = Topic({"行政执法": 3.0, "平台": 1.0}, 0.5, ("行政执法",))
    assert domain.coverage("推进知识产权两法衔接信息平台应用") == 0.25
    assert domain.coverage("推进两法衔接信息平台应用") == 0.0  # no IP word at all: the anchor rule still refuses
    # an IP anchor (专利) is not relaxed: a trademark clause does not answer a patent question
    patent = Topic({"专利": 3.0, "平台": 1.0}, 0.5, ("专利",))
    assert patent.coverage("商标注册服务平台") == 0.0


def test_whom_a_document_is_sent_to_is_answered_from_its_addressee_line(seed_index):
    from ipqa.answer.analysis import analyse
    from ipqa.evaluation.verify import verify_citations

    assert analyse("这个规划印发给了哪些部门？").field == "addressees"
    assert analyse("奖励资金发给谁？").field == ""  # who receives money, not whom the document is sent to
    answer = ask(seed_index, "泰安的十四五知识产权规划是发给哪些单位的？")
    assert answer.answered and answer.kind == "metadata" and "主送机关" in answer.text
    assert "各县、市、区人民政府，各功能区管委会" in answer.text
    assert not verify_citations([c.to_dict() for c in answer.citations], seed_index.folder).problems


@pytest.mark.parametrize(
    "question, measure",
    [
        ("申请一件发明专利要交多少官费？", "官费"),  # after 多少
        ("海门到2020年底有多少件发明专利？", "发明专利"),  # after 多少 and its unit
        ("专利质押贷款的利率大概是多少？", "利率"),  # before 多少
        ("海门区知识产权质押金额的累计目标是多少？", "知识产权质押"),  # generic words (金额, 累计, 目标) passed over
        ("邹城要新增多少家靠高价值专利打头阵的龙头企业？", ""),  # a place is no measure; nothing certain
        ("质押融资由谁负责？", ""),  # no quantity asked
        ("拿到认证的企业，要比上一年多出多少？", ""),  # a difference: no noun stands between 比 and 多少
    ],
)
def test_the_measure_a_quantity_is_asked_of(question, measure):
    from ipqa.answer.measures import measure_asked

    assert measure_asked(question) == measure


def test_a_figure_of_another_measure_is_no_answer(seed_index):
    # the plans give 亿元 figures of 质押融资, never an official fee: "多少官费" gets no stretched figure
    answer = ask(seed_index, "在海门申请发明专利要交多少官费？")
    assert not answer.answered, answer.text
    assert ask(seed_index, "海门区知识产权质押金额的累计目标是多少？").answered


def test_a_page_field_a_document_does_not_carry_is_said_to_be_unstated(seed_index):
    answer = ask(seed_index, "海门十四五知识产权规划的索引号是多少？")
    assert not answer.answered and "没有标明索引号" in answer.text, answer.text


def test_a_word_the_corpus_lacks_but_a_thesaurus_relative_of_it_holds_counts_as_known(seed_index):
    from ipqa.answer.gate import weigh

    # the seeds never write 公司 (their word is 企业) nor 知产 (知识产权): the asker's words, not a foreign topic
    topic = weigh(seed_index, ["公司", "知产", "失信"])
    assert {"公司", "知产", "失信"} <= set(topic.weights) and topic.unknown_share == 0.0
    foreign = weigh(seed_index, ["红烧肉", "失信"])
    assert "红烧肉" not in topic.weights and foreign.unknown_share == 0.5


@pytest.mark.parametrize(
    "question, unit",
    [
        # 000 四、(一): a long sentence on the 专班 (负责人, 组织实施) and then "办公室设在市市场监管局"
        ("邹城那个知识产权强县专班，下面的办公室归哪个部门？", "市市场监管局"),
        # 002 四、(四)1: one unit in running text, given a 职能, no （…负责） note
        ("海门各个镇街道的知识产权管理，靠哪个部门发挥职能？", "市场监督管理局"),
    ],
)
def test_a_who_answer_takes_the_sentence_that_names_the_unit(seed_index, question, unit):
    answer = ask(seed_index, question)
    assert answer.answered and unit in answer.text.splitlines()[0], answer.text


def test_a_count_at_a_point_in_time_is_a_number_question_and_the_year_asked_picks_its_figure(seed_index):
    from ipqa.answer.analysis import find_years, question_kind

    assert question_kind("截至十三五末，海门的省级战略推进企业有几家？") == "number"
    assert question_kind("申报截止到什么时候？") == "when"
    assert find_years("海门光2020那一年质押融资多少钱？") == (2020,)
    # 002 一、(一): "全区专利权质押融资总额达4.2亿元,其中2020年知识产权质押融资额1亿元"
    answer = ask(seed_index, "海门在2020年用专利贷到了多少钱？")
    assert answer.answered and "1亿元" in answer.text.splitlines()[0], answer.text


def test_an_address_the_clauses_do_not_state_is_refused(seed_index):
    from ipqa.answer.analysis import analyse

    assert analyse("泰安市知识产权协会在哪儿办公？").moment == "address"
    assert analyse("定西的商标受理窗口设在哪儿？").moment == ""  # a place a clause names, not a street address
    # 004 names 泰安市知识产权协会 (发挥…职能) but no address
    answer = ask(seed_index, "泰安市知识产权协会的办公地址是哪里？")
    assert not answer.answered and "具体地址" in answer.confidence, answer.text


def test_a_page_field_an_older_index_did_not_store_is_read_from_the_header(seed_index, monkeypatch):
    from ipqa.records import Metadata

    # an index built before 索引号 was a field: its stored metadata lacks it, the header line still states it
    doc = seed_index.document("000_81f9c92258dafa0e")
    older = replace(doc, meta=replace(doc.meta, index_number="", subject=""))
    monkeypatch.setitem(seed_index.documents, doc.doc_id, older)
    assert isinstance(older.meta, Metadata) and not older.meta.index_number
    answer = ask(seed_index, "邹城强县方案的索引号是多少？")
    assert answer.answered and "11370883004235149C/2024-12360" in answer.text, answer.text


def test_the_number_of_a_document_a_clause_cites_is_quoted_from_that_clause(seed_index):
    from ipqa.evaluation.verify import verify_citations

    # 000's preamble cites 《国务院办公厅关于印发〈专利转化运用专项行动方案(2023—2025年)〉的通知》(国办发〔2023〕37号):
    # a question about that document's number is not about 000's own 发文字号
    answer = ask(seed_index, "邹城方案依据的国务院办公厅那个专利转化运用行动方案，发文号是多少？")
    assert answer.answered and "国办发〔2023〕37号" in answer.text and "邹政字" not in answer.text, answer.text
    assert "条款引用的文件" in answer.confidence
    assert not verify_citations([c.to_dict() for c in answer.citations], seed_index.folder).problems
    # 003 cites a State Council opinion with its number; the year asked is in it
    year = ask(seed_index, "示范城市工作计划要贯彻的那份国务院关于大众创业万众创新的意见是哪年印发的？")
    assert year.answered and "国发〔2017〕37号" in year.text, year.text
    # the corpus's own document is still answered from its header
    own = ask(seed_index, "邹城这个强县试点方案的文号是多少？")
    assert own.answered and "邹政字〔2024〕18号" in own.text and "国办发" not in own.text


def test_a_clause_that_only_restates_the_title_answers_no_question(seed_index):
    from ipqa.answer.constraints import restates_title

    hits = {h.clause.clause_id: h for h in seed_index.search("2018年国家知识产权示范城市工作计划", k=20).hits}
    title_line = next(h for cid, h in hits.items() if cid.startswith("003_") and cid.endswith("#序言"))
    assert restates_title(seed_index, title_line)  # "《2018年国家知识产权示范城市工作计划》印发(附全文)"
    assert not any(restates_title(seed_index, h) for cid, h in hits.items() if not cid.endswith("#序言"))
    answer = ask(seed_index, "2018年全国一共有哪些城市是国家知识产权示范城市？")
    assert all(not c.clause_id.endswith("#序言") for c in answer.citations), answer.text


@pytest.mark.parametrize(
    ("question", "kind", "field", "unit"),
    [
        ("海门打算重点扶持哪几个园区？", "fact", "", ""),  # names asked, not a count
        ("这批企业培育目标啥时候要完成？", "when", "", ""),
        ("那篇计划全文是从哪家网站转载的？", "metadata", "source_site", ""),
        ("新公司的字号和商标能一起注册吗？", "fact", "", ""),  # a firm's trade name, not a 发文字号
        ("那个文的字号是多少？", "metadata", "doc_number", ""),
        ("全区做知识产权服务的人一共多少？", "number", "", "人"),
        ("规划是以哪个单位的名义印发的？", "metadata", "issuer", ""),
        ("这个方案是哪一年发的？", "metadata", "date_published", ""),  # 哪一年 as well as 哪年
    ],
)
def test_question_analysis_of_everyday_wordings(question, kind, field, unit):
    from ipqa.answer.analysis import analyse

    a = analyse(question)
    assert (a.kind, a.field, a.unit) == (kind, field, unit)


def test_a_period_is_not_the_measure_asked_and_a_post_of_an_association_is_a_person():
    from ipqa.answer.analysis import analyse

    assert analyse("海门十四五要新增多少家贯标企业？").measure != "十四五"
    assert analyse("市知识产权协会的会长是谁？").person


def test_a_count_written_in_words_answers_a_ji_question(seed_index):
    # 000 二: "通过晋冀鲁豫四省部分市知识产权执法保护协作机制"; the count is in words, not digits
    answer = ask(seed_index, "邹城参加的那个知识产权执法保护协作机制有几个省？")
    assert answer.answered and "四省" in answer.text, answer.text
    # 002's preamble: "中央政治局第二十五次集体学习" — an ordinal asked with 第几
    ordinal = ask(seed_index, "海门规划提到的总书记讲话是在政治局第几次集体学习时说的？")
    assert ordinal.answered and "第二十五次" in ordinal.text, ordinal.text


def test_a_figure_for_another_year_does_not_answer(seed_index):
    # 000 sets 有效发明专利总量 for 2026年年底 (1400件) only; 2025 is not stated
    answer = ask(seed_index, "邹城2025年有效发明专利总量目标是多少件？")
    assert not answer.answered and "1400" not in answer.text, answer.text
    assert ask(seed_index, "邹城2026年有效发明专利总量目标是多少件？").answered


def test_a_document_of_another_year_does_not_answer(seed_index):
    # the corpus has Gansu's 2020 plan; a 2021 plan of that name is another document
    answer = ask(seed_index, "甘肃2021年的知识产权强省推进计划里有哪些重点任务？")
    assert not answer.answered, answer.text
    # a year naming a document a clause cites (the national 纲要 to 2035) does not rule out the plan citing it
    cited = ask(seed_index, "对标国家面向2035年的强国纲要，甘肃起草强省战略纲要由谁牵头？")
    assert cited.answered and "省市场监管局" in to_simplified(cited.text), cited.text


def test_a_question_for_two_fields_of_a_document_gets_both(seed_index):
    from ipqa.evaluation.verify import verify_citations

    answer = ask(seed_index, "泰安知识产权规划是以哪个单位名义发的，落款日期是哪天？")
    assert answer.answered and answer.kind == "metadata"
    assert "泰安市人民政府办公室" in answer.text and "2022年5月7日" in answer.text, answer.text
    assert not verify_citations([c.to_dict() for c in answer.citations], seed_index.folder).problems
    # one header line holding both fields is cited once
    both = ask(seed_index, "邹城强县方案的索引号和主题分类分别是什么？")
    assert both.text.count("[1]") == 2 and len(both.citations) == 1, both.text


def test_an_asker_who_says_what_kind_they_are_not_gets_the_sentence_for_the_rest(seed_index):
    # 000 三(一)3: the named kinds get a management body and a full-time post; "其他企业" part-time staff
    answer = ask(seed_index, "我们是普通小厂，不是高新技术企业也不是专精特新企业，需要配知识产权管理人员吗？")
    assert answer.answered
    first = to_simplified(answer.text.splitlines()[0])
    assert "其他企业" in first and "兼职人员" in first, answer.text


def test_a_pages_view_count_and_posting_time_are_answered_from_its_first_lines(seed_index):
    from ipqa.evaluation.verify import verify_citations

    # 001: "發布日期:2020-06-16 閱讀:930"; 003: "来源:中商产业研究院 发布日期:2018-03-21 12:00"
    views = ask(seed_index, "甘肃推进计划那个网页浏览量有多少？")
    assert views.answered and "930" in views.text, views.text
    posted = ask(seed_index, "示范城市工作计划那篇是几点钟挂到网上的？")
    assert posted.answered and "12:00" in posted.text, posted.text
    for answer in (views, posted):
        assert not verify_citations([c.to_dict() for c in answer.citations], seed_index.folder).problems
    # a page without a counter says so
    none = ask(seed_index, "海门规划的阅读量是多少？")
    assert not none.answered and "没有标明阅读数" in none.text


def test_how_to_apply_is_refused_when_no_clause_says_how(seed_index):
    # the plans say 质押融资 is supported, never how to apply or with which papers
    answer = ask(seed_index, "泰安的专利质押贷款贴息怎么申请，要交哪些材料？")
    assert not answer.answered and "流程" in answer.confidence, answer.text
    # a yes/no question (是不是) names no kind the asker is not
    from ipqa.answer.compose import _not_one_of
    from ipqa.answer.pipeline import Context

    ctx = Context(seed_index, "小微企业是不是可以申请质押融资?", ["小微企业", "申请", "质押融资"])
    assert _not_one_of(ctx) == []


def test_a_quantity_per_session_is_not_answered_by_a_yearly_count(seed_index):
    # 000 sets 不低于6次 pledge-financing trainings a year, never how many attend each one
    answer = ask(seed_index, "邹城的质押融资培训每次能来多少企业？")
    assert not answer.answered and "数字" in answer.confidence, answer.text
    # a yearly figure is still answered when a yearly figure is asked
    yearly = ask(seed_index, "邹城每年至少要办几次知识产权质押融资培训？")
    assert yearly.answered and "6次" in yearly.text, yearly.text


def test_a_thesaurus_phrase_the_segmenter_cut_is_read_whole(seed_index):
    from ipqa.answer.pipeline import join_phrases

    # jieba cuts 智慧财产权 (Taiwan's 知识产权) into 智慧 | 财产权; the thesaurus knows the phrase
    assert join_phrases(["国家级", "智慧", "财产权", "城市"], "国家级的智慧财产权城市") == [
        "国家级",
        "智慧财产权",
        "城市",
    ]
    assert join_phrases(["专利", "质押"], "专利质押") == ["专利", "质押"]  # no phrase cut: nothing joined
    answer = ask(seed_index, "成為智慧財產權示範城市以後，政策上會優先給哪些支持？")
    assert answer.answered and "知识产权保护中心" in to_simplified(answer.text), answer.text


def test_a_question_for_names_is_refused_when_the_clauses_only_count(seed_index):
    from ipqa.answer.analysis import analyse

    assert analyse("要培育的强县工程试点示范县具体是哪几个县？").names_of == "县"
    assert analyse("哪些城市有专利质押贴息政策？").names_of == ""  # which documents: a list question
    assert analyse("海门要提升哪几个园区的发展水平？").names_of == ""
    # 003 says "培育1—2个国家知识产权强县工程试点示范县(区)" and names none
    answer = ask(seed_index, "2018年示范城市计划要培育的强县工程试点示范县，是哪几个县？")
    assert not answer.answered and "具体名称" in answer.confidence, answer.text


def test_names_given_needs_a_place_or_an_enumeration_of_the_kind(seed_index):
    from ipqa.answer.analysis import analyse
    from ipqa.answer.constraints import names_given

    parks = analyse("海门要提升发展水平的是哪几个园区？")
    assert names_given(
        seed_index,
        ["《规划》：提升海门生物医药科技创业园、复旦复华高新技术产业园和海门大学科技园的发展水平\x021\x03"],
        parks,
    )
    assert not names_given(seed_index, ["《规划》：依据产业、园区、镇的发展特点\x021\x03"], parks)
    counties = analyse("要培育的示范县是哪几个县？")
    assert names_given(seed_index, ["《计划》：支持邹城市、海门区开展强县建设\x021\x03"], counties)
    assert not names_given(seed_index, ["《邹城市方案》：培育1—2个国家知识产权强县工程试点示范县\x021\x03"], counties)
