"""The HTTP API (ipqa.api.app) through FastAPI's TestClient: the CLI's --json shapes, filters, bad input as
JSON 4xx with a Chinese message (never a 500), the bearer token, and an index swap picked up without a restart."""

from __future__ import annotations

import json
import shutil
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from ipqa.api.app import create_app
from ipqa.cli import main
from ipqa.index.build import build_index
from ipqa.settings import MAX_QUESTION_CHARS, Settings
from tests.helpers.paths import CORPUS

QUERY = "知识产权质押融资"
QUESTION = "谁负责知识产权质押融资？"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("api") / "index"
    build_index([CORPUS], folder, Settings(model=""))
    return folder


@pytest.fixture(scope="module")
def client(index_dir):
    with TestClient(create_app(index_dir)) as c:
        yield c


def cli_json(*args) -> dict:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def is_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert isinstance(error["message"], str) and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    if code:
        assert error["code"] == code
    return error


def test_search_has_the_shape_of_search_json(client, index_dir):
    got = client.get("/search", params={"q": QUERY, "k": 5})
    assert got.status_code == 200
    assert got.json() == cli_json("search", QUERY, "--index", str(index_dir), "--json", "-k", "5")
    assert len(got.json()["hits"]) == 5


def test_ask_has_the_shape_of_ask_json(client, index_dir):
    got = client.get("/ask", params={"q": QUESTION, "k": 5})
    assert got.status_code == 200
    assert got.json() == cli_json("ask", QUESTION, "--index", str(index_dir), "--json", "-k", "5")
    assert got.json()["answered"] and got.json()["citations"]


@pytest.mark.parametrize(
    ("params", "cli"),
    [
        ({"region": "泰安市"}, ["--region", "泰安市"]),
        ({"level": "provincial"}, ["--level", "provincial"]),
        ({"year_from": 2024, "year_to": 2024}, ["--year-from", "2024", "--year-to", "2024"]),
        ({"doc_type": "通知"}, ["--doc-type", "通知"]),
        ({"issuer": "人民政府"}, ["--issuer", "人民政府"]),
        ({"validity": "失效"}, ["--validity", "失效"]),
    ],
)
def test_filters_are_the_cli_filters(client, index_dir, params, cli):
    got = client.get("/search", params={"q": QUERY, "k": 10, **params}).json()
    assert got == cli_json("search", QUERY, "--index", str(index_dir), "--json", *cli)
    asked = client.get("/ask", params={"q": QUESTION, **params}).json()
    assert asked == cli_json("ask", QUESTION, "--index", str(index_dir), "--json", *cli)


def test_doc_filter_repeats(client):
    docs = sorted({h["doc_id"] for h in client.get("/search", params={"q": QUERY, "k": 20}).json()["hits"]})[:2]
    got = client.get("/search", params=[("q", QUERY), ("k", "20"), *(("doc", d) for d in docs)]).json()
    assert got["hits"] and {h["doc_id"] for h in got["hits"]} <= set(docs)
    none = client.get("/search", params={"q": QUERY, "doc": "no/such/doc"}).json()
    assert none["hits"] == [] and none["message"] == "没有符合筛选条件的文件。"


def test_documents_and_clauses(client):
    hit = client.get("/search", params={"q": QUERY, "k": 1}).json()["hits"][0]
    doc = client.get("/documents/" + quote(hit["doc_id"], safe=""))
    assert doc.status_code == 200
    body = doc.json()
    assert body["doc_id"] == hit["doc_id"] and body["title"] == hit["title"] and len(body["sha256"]) == 64
    assert hit["clause_id"] in [c["clause_id"] for c in body["clauses"]]
    assert isinstance(body["flags"], list)
    clause = client.get("/clauses/" + quote(hit["clause_id"], safe=""))
    assert clause.status_code == 200
    c = clause.json()
    assert {k: c[k] for k in ("clause_id", "doc_id", "path", "text", "start", "end")} == {
        k: hit[k] for k in ("clause_id", "doc_id", "path", "text", "start", "end")
    }
    cit = c["citation"]
    assert cit["sha256"] == body["sha256"] and cit["quote"] in c["text"] and cit["reference"].startswith("《")


def test_verify_checks_each_citation(client):
    answer = client.get("/ask", params={"q": QUESTION}).json()
    citations = answer["citations"]
    assert citations
    good = client.post("/verify", json=citations)
    assert good.status_code == 200
    assert good.json()["ok"] and good.json()["checked"] == len(citations) and good.json()["problems"] == 0
    broken = dict(citations[0], quote="并非原文")
    unknown = dict(citations[0], doc_id="../../etc/passwd")
    outside = dict(citations[0], source="/etc/passwd")  # the file is found through the index, never this path
    got = client.post("/verify", json=[broken, unknown, {}, outside]).json()
    assert [r["ok"] for r in got["results"]] == [False, False, False, True]
    assert "未找到" in got["results"][1]["problem"] and "doc_id" in got["results"][2]["problem"]


def test_health_and_info(client, index_dir):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["index_loaded"] and health["format_version"] >= 3
    info = client.get("/info").json()
    cli = cli_json("info", "--index", str(index_dir), "--json")
    assert {k: info[k] for k in ("counts", "created", "retrievers", "tokenizer")} == {
        k: cli[k] for k in ("counts", "created", "retrievers", "tokenizer")
    }
    assert info["retrievers"]["bm25"]["status"] == "on" and info["semantic_search"] == "off"


def test_openapi_document(client):
    spec = client.get("/openapi.json").json()
    assert {"/search", "/ask", "/verify", "/health", "/info"} <= set(spec["paths"])
    k = next(p for p in spec["paths"]["/search"]["get"]["parameters"] if p["name"] == "k")
    assert k["schema"]["minimum"] == 1 and k["schema"]["maximum"] == 100


@pytest.mark.parametrize("endpoint", ["/search", "/ask"])
@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"q": ""}, 422),
        ({"q": "   "}, 422),
        ({}, 422),
        ({"q": "知" * (MAX_QUESTION_CHARS + 1)}, 422),
        ({"q": "a" * 10_000}, 422),  # 10,000 characters (Chinese ones would pass the client's URL limit)
        ({"q": "知" * 5_000}, 422),
        ({"q": QUERY, "k": 0}, 422),
        ({"q": QUERY, "k": 1000}, 422),
        ({"q": QUERY, "k": "ten"}, 422),
        ({"q": QUERY, "level": "galactic"}, 422),
        ({"q": QUERY, "year_from": "二〇二四"}, 422),
    ],
)
def test_bad_input_is_a_json_4xx(client, endpoint, params, status):
    is_error(client.get(endpoint, params=params), status)


@pytest.mark.parametrize("endpoint", ["/search", "/ask"])
@pytest.mark.parametrize("q", ["？？？！", "\U0001f600", "%ED%A0%80", "'; DROP TABLE clauses; --", "\x00\x01"])
def test_odd_queries_are_answered(client, endpoint, q):
    got = client.get(endpoint, params={"q": q})
    assert got.status_code in (200, 422), got.text


def test_invalid_utf8_and_lone_surrogates_never_500(client):
    # bytes that are not UTF-8 in the query string (what a lone surrogate becomes on the wire)
    assert client.get("/search?q=%ED%A0%80%E7%9F%A5%E8%AF%86").status_code == 200
    assert client.get("/ask?q=%ED%A0%80").status_code in (200, 422)
    body = b'[{"doc_id": "\\ud800", "quote": "\\udfff", "start": 0, "end": 1, "sha256": "x", "clause_id": "\\ud800"}]'
    got = client.post("/verify", content=body, headers={"content-type": "application/json"})
    assert got.status_code == 200 and not got.json()["results"][0]["ok"]
    assert is_error(client.get("/documents/%ED%A0%80"), 404)


@pytest.mark.parametrize(
    "path",
    [
        "/documents/no-such-doc",
        "/documents/..%2F..%2Fetc%2Fpasswd",
        "/documents/%2E%2E/%2E%2E/etc/passwd",
        "/clauses/no-such-doc%23一",
        "/clauses/..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_unknown_and_traversal_ids_are_404(client, path):
    assert "未找到" in is_error(client.get(path), 404)["message"]


@pytest.mark.parametrize(
    "body",
    [b"not json", b"{}", b'{"citations": 1}', b"[1, 2]", b'"x"', b"[" * 50 + b"]" * 50],
)
def test_verify_rejects_what_is_not_a_citation_list(client, body):
    got = client.post("/verify", content=body, headers={"content-type": "application/json"})
    assert 400 <= got.status_code < 500, got.text
    is_error(got, got.status_code)


def test_verify_of_wrongly_typed_fields_reports_them(client):
    got = client.post("/verify", json=[{"doc_id": 1, "quote": None, "start": "0", "end": [], "sha256": {}}])
    assert got.status_code == 200 and not got.json()["ok"]


def test_unknown_path_and_method(client):
    is_error(client.get("/nowhere"), 404, "not_found")
    is_error(client.post("/search"), 405)


def test_token(index_dir):
    with TestClient(create_app(index_dir, token="s3cret-令牌")) as c:
        assert c.get("/health").status_code == 200
        for path in ("/search?q=专利", "/ask?q=专利", "/info", "/openapi.json", "/documents/x", "/clauses/x"):
            is_error(c.get(path), 401, "unauthorized")
            is_error(c.get(path, headers={"Authorization": "Bearer wrong"}), 401)
            is_error(c.get(path, headers={"Authorization": "Basic czNjcmV0"}), 401)
        assert c.post("/verify", json=[]).status_code == 401
        ok = {"Authorization": "Bearer s3cret-令牌".encode()}
        assert c.get("/search", params={"q": "专利"}, headers=ok).status_code == 200
        assert c.post("/verify", json=[], headers=ok).json()["checked"] == 0
    with TestClient(create_app(index_dir, token="plain")) as c:
        assert c.get("/info", headers={"Authorization": "Bearer plain"}).status_code == 200
        assert c.get("/info", headers={"Authorization": "bearer plain"}).status_code == 200


def test_index_swap_is_picked_up_without_restart(tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    first = min(CORPUS.iterdir())
    shutil.copy(first, small / first.name)
    folder = tmp_path / "index"
    build_index([small], folder, Settings(model=""))
    with TestClient(create_app(folder)) as c:
        before = c.get("/info").json()
        assert before["counts"]["documents"] == 1
        assert c.get("/health").json()["clauses"] == before["counts"]["clauses"]
        build_index([CORPUS], folder, Settings(model=""))  # what `ipqa build` into the served folder does
        after = c.get("/info").json()
        assert after["counts"]["documents"] == len(list(CORPUS.iterdir()))
        assert c.get("/health").json()["clauses"] == after["counts"]["clauses"]
        # a swap that leaves a broken manifest: the index already loaded keeps serving
        (folder / "manifest.json").write_text("{not json", encoding="utf-8")
        assert c.get("/search", params={"q": QUERY}).status_code == 200
        assert c.get("/info").json()["counts"] == after["counts"]


def test_no_index_is_503_then_served_once_built(tmp_path):
    folder = tmp_path / "index"
    with TestClient(create_app(folder)) as c:
        is_error(c.get("/health"), 503, "index_unavailable")
        is_error(c.get("/search", params={"q": QUERY}), 503)
        build_index([CORPUS], folder, Settings(model=""))
        assert c.get("/health").status_code == 200
        assert c.get("/search", params={"q": QUERY}).json()["hits"]


def test_distinct_filters_do_not_grow_memory_without_bound(client):
    from ipqa.index.searcher import MAX_CACHED_FILTERS

    for year in range(MAX_CACHED_FILTERS + 50):
        assert client.get("/search", params={"q": QUERY, "year_from": year}).status_code == 200
    assert len(client.app.state.holder.get()._allowed_cache) <= MAX_CACHED_FILTERS
