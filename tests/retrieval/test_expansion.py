"""Query expansion: thesaurus parsing, leftmost-longest matching, weighted expansion tokens."""

from __future__ import annotations

import pytest

from ipqa.retrieval.expansion import ThesaurusError, expand, load_thesaurus, matched_terms, parse_thesaurus
from ipqa.retrieval.tokens import tokenize
from ipqa.text import normalise

SMALL = parse_thesaurus("""
# a comment line
贷款 => 质押融资 信贷
银行 金融机构        # a group: both directions
质押融资 => 知识产权金融
""")


def test_a_known_word_expands_to_its_related_terms():
    tokens = dict(expand("企业如何向银行申请贷款", mode="words", weight=0.4, thesaurus=SMALL))
    assert {"质押融资", "信贷", "金融机构"} <= set(tokens)


def test_expansion_tokens_carry_the_weight_given():
    for weight in (0.2, 0.5):
        pairs = expand("银行贷款", mode="words+bigrams", weight=weight, thesaurus=SMALL)
        assert pairs and all(w == weight for _, w in pairs)
    assert expand("银行贷款", weight=0.0, thesaurus=SMALL) == []


def test_expansion_is_cut_into_index_tokens_and_skips_the_querys_own():
    pairs = dict(expand("银行贷款", mode="words+bigrams", weight=0.3, thesaurus=SMALL))
    assert {"质押", "融资", "押融"} <= set(pairs)  # bigrams of 质押融资, as clauses are indexed
    own = set(tokenize("银行贷款", mode="words+bigrams"))
    assert not own & set(pairs)


def test_an_unknown_word_passes_through_unexpanded():
    assert expand("个体工商户的营业执照", mode="words", thesaurus=SMALL) == []
    assert matched_terms(normalise("个体工商户"), SMALL) == []


def test_groups_are_symmetric_and_arrows_one_way():
    assert "银行" in SMALL["金融机构"] and "金融机构" in SMALL["银行"]
    assert "质押融资" in SMALL["贷款"]
    assert "贷款" not in SMALL.get("质押融资", ())


def test_longest_match_wins_and_inner_terms_do_not_fire():
    thesaurus = parse_thesaurus("融资 => 贷款\n质押融资 => 知识产权金融")
    assert matched_terms("深化知识产权质押融资工作", thesaurus) == ["质押融资"]
    assert "贷款" not in dict(expand("质押融资", mode="words", thesaurus=thesaurus))


def test_a_term_the_query_already_says_is_not_added():
    # 贷款 → 质押融资, but the query already contains 质押融资 itself.
    pairs = dict(expand("质押融资和贷款", mode="words", thesaurus=parse_thesaurus("贷款 => 质押融资 信贷")))
    assert "质押融资" not in pairs and "信贷" in pairs


def test_traditional_script_queries_expand_like_simplified():
    assert expand("銀行貸款", thesaurus=SMALL) == expand("银行贷款", thesaurus=SMALL)


@pytest.mark.parametrize("line", ["贷款 => ", "a b => c", "孤词"])
def test_a_malformed_line_is_reported_with_its_number(line):
    with pytest.raises(ThesaurusError, match="line 2"):
        parse_thesaurus(f"银行 金融机构\n{line}", "mine.txt")


def test_the_shipped_thesaurus_loads_and_is_normalised():
    thesaurus = load_thesaurus()
    assert len(thesaurus) >= 100
    for term, related in thesaurus.items():
        assert term == normalise(term).lower() and term not in related
        assert all(r == normalise(r).lower() for r in related)
    assert "质押融资" in dict(expand("用专利向银行贷款", mode="words"))


# --- wired into search: Lexical takes weighted expansion tokens, Index.search applies Settings.query_expansion ---

POLICY = """关于推进知识产权金融工作的通知

一、深化知识产权质押融资，加强与金融机构合作，扩大质押融资规模。
二、开展专利导航，服务重点产业。
"""
OTHER = """关于环境卫生管理的通知

一、企业应当保持厂区环境卫生整洁。
"""


def test_weighted_tokens_add_weight_times_their_bm25():
    import numpy as np

    from ipqa.retrieval.lexical import Lexical

    lex = Lexical.build([["质押", "融资"], ["专利", "导航"], ["融资", "银行", "银行"]], k1=1.2, b=0.75)
    base, extra = lex.scores(["专利"]), lex.scores(["融资"])
    np.testing.assert_allclose(lex.scores(["专利"], [("融资", 0.25)]), base + 0.25 * extra, rtol=1e-6)
    np.testing.assert_allclose(lex.scores(["专利"], [("未知词", 0.5)]), base)  # unknown expansion token: no effect


@pytest.mark.parametrize("weight, found", [(0.2, True), (0.0, False)])
def test_search_reaches_policy_wording_only_through_expansion(tmp_path, weight, found):
    from ipqa.index.searcher import Index, build_index
    from ipqa.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "policy.txt").write_text(POLICY, encoding="utf-8")
    (corpus / "other.txt").write_text(OTHER, encoding="utf-8")
    build_index([corpus], tmp_path / "index", Settings(model="", query_expansion=weight))
    hits = Index.load(tmp_path / "index").search("企业怎样向银行贷款", k=5).hits
    assert any("质押融资" in h.clause.text for h in hits) is found
    assert hits and hits[0].clause.doc_id == "other"  # the query's own word (企业) still outweighs expansions
