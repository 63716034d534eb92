"""The closed vocabularies of ipqa.records (flag kind, level, question kind, tokenizer mode, index state): every
value the code can produce is in its Literal, and every value has a Chinese label in ipqa.views.labels, so the app
never shows a raw key such as ``decoding``."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest

import ipqa
from ipqa.records import Flag, FlagKind, IndexState, Level, QuestionKind, TokenizerMode
from ipqa.views.findings import flag_messages
from ipqa.views.labels import FLAG_LABELS, INFO_FLAGS, KIND_LABELS, LEVEL_LABELS, STATE_LABELS

PACKAGE = Path(ipqa.__file__).parent
MODULES = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))}


def _function(name: str) -> ast.FunctionDef:
    found = [
        n for tree in MODULES.values() for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name
    ]
    assert len(found) == 1, f"{name} is defined {len(found)} times"
    return found[0]


def _strings(node: ast.expr) -> set[str]:
    """The string literals an expression can evaluate to (``"a"``, ``"a" if c else "b"``, ``x or "a"``, a tuple's
    first item)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    if isinstance(node, ast.BoolOp):
        return set().union(*(_strings(v) for v in node.values))
    if isinstance(node, ast.Call) and node.args:  # a record built with the string as its first field
        return _strings(node.args[0])
    if isinstance(node, ast.Tuple) and node.elts:
        return _strings(node.elts[0])
    return set()


def _returned_strings(function: ast.FunctionDef) -> set[str]:
    return {
        s for r in ast.walk(function) if isinstance(r, ast.Return) and r.value is not None for s in _strings(r.value)
    }


def _flag_calls():
    for path, tree in MODULES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name == "Flag":
                    yield f"{path.relative_to(PACKAGE.parent)}:{node.lineno}", node


@pytest.mark.parametrize(
    ("vocabulary", "labels"),
    [(FlagKind, FLAG_LABELS), (Level, LEVEL_LABELS), (QuestionKind, KIND_LABELS), (IndexState, STATE_LABELS)],
)
def test_every_key_has_a_chinese_label_and_no_label_is_stray(vocabulary, labels):
    assert set(labels) == set(get_args(vocabulary))
    assert all(label and any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels.values())


def test_every_flag_the_code_emits_is_a_flag_kind():
    kinds = set(get_args(FlagKind))
    emitted: dict[str, list[str]] = {}
    for where, call in _flag_calls():
        kind = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "kind"), None)
        if kind is None:
            assert any(k.arg is None for k in call.keywords), f"{where}: Flag() without a kind"
            continue  # Flag(**row): a flag read back from an index file, written from one of the calls below
        assert isinstance(kind, ast.Constant) and isinstance(kind.value, str), f"{where}: kind is not a literal"
        emitted.setdefault(kind.value, []).append(where)
    assert set(emitted) <= kinds, {k: v for k, v in emitted.items() if k not in kinds}
    assert set(emitted) == kinds, f"kinds nothing emits: {kinds - set(emitted)}"


def test_every_flag_kind_reads_as_chinese():
    for kind in get_args(FlagKind):
        shown = flag_messages([Flag(kind, "")], "info" if kind in INFO_FLAGS else "warning")
        assert shown == [FLAG_LABELS[kind]]


def test_levels_question_kinds_modes_and_states_the_code_produces():
    from ipqa.answer.compose import COMPOSERS
    from ipqa.retrieval.tokens import MODES
    from ipqa.settings import Settings

    assert _returned_strings(_function("level_of")) <= {*get_args(Level), ""}
    # question_kind gives the clause kinds; analyse() adds "metadata", answered from the document's fields
    kinds = _returned_strings(_function("question_kind")) | {k for k, _ in _kind_cues()} | {"metadata"}
    assert kinds == set(get_args(QuestionKind))
    assert set(COMPOSERS) | {"metadata"} == set(get_args(QuestionKind))
    assert sorted(get_args(TokenizerMode)) == sorted(MODES) and Settings().tokenizer in MODES
    assert _returned_strings(_function("index_changes")) == set(get_args(IndexState))


def _kind_cues():
    from ipqa.answer.cues import KIND_CUES

    return KIND_CUES


def test_seed_metadata_levels_are_in_the_vocabulary():
    from ipqa.corpus.reading import read_corpus
    from tests.helpers.paths import CORPUS

    levels = {d.meta.level for d in read_corpus([CORPUS]).documents}
    assert levels <= {*get_args(Level), ""} and levels - {""}
