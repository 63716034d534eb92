"""Homophone slips in typed questions (ipqa.answer.typos), over the seed index's vocabulary."""

from __future__ import annotations

import pytest

from ipqa.answer import typos
from ipqa.answer.pipeline import ask


def _lexical(index):
    return next(r for r in index.retrievers.values() if hasattr(r, "idf"))


def test_a_homophone_slip_is_read_as_the_word_the_corpus_uses(seed_index):
    fixed, fixes = typos.correct(_lexical(seed_index), "我们厂的专利能不能拿去抵压贷款，找哪个服务机够？")
    assert fixes == [("抵压", "抵押"), ("机够", "机构")]  # 抵押 is a thesaurus word (→ 质押); 机构 a corpus word
    assert "抵押贷款" in fixed and "服务机构" in fixed


@pytest.mark.parametrize(
    "question",
    [
        "甘肃那些非遗手艺人的知识产权，谁来帮着保护？",  # "的知" spans two words: no token, no slip
        "我们几家同行想搞个互助基金，政府支持吗？",  # "搞个" is a verb and a classifier glued, not a slip
        "海门的专利质押融资做得怎么样？",  # every word is right
    ],
)
def test_words_spelled_right_are_left_alone(seed_index, question):
    assert typos.correct(_lexical(seed_index), question) == (question, [])


def test_the_answer_says_how_it_read_the_question(seed_index):
    answer = ask(seed_index, "海门本地的知识产权服务机够，规划期末要培育几家？")
    assert answer.question == "海门本地的知识产权服务机够，规划期末要培育几家？"  # the user's words are kept
    assert answer.confidence.startswith("已把“机够”按“机构”理解。"), answer.confidence
    assert answer.answered and "5家" in answer.text, answer.text
