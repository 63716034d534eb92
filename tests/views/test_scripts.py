"""The app's fixed scripts (ipqa/views/scripts.py): nothing from a document or a question can end the comment or
the script element they carry."""

from __future__ import annotations

from ipqa.views import scripts
from tests.helpers.apptest import Tags


def test_scroll_script_keeps_a_hostile_key_inside_its_comment():
    body = scripts.scroll_to_cited('x */ alert(1); /* </script><img src=x onerror=alert(2)> "')
    comment = body.split("/*", 1)[1].split("*/", 1)[0]
    assert "alert(1)" in comment and "</script>" not in body[:-9] and "<img" not in body
    assert Tags(body).tags == {"script"}


def test_lang_script_sets_chinese():
    assert 'document.documentElement.lang = "zh-CN"' in scripts.LANG_SCRIPT
