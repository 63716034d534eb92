"""The FastAPI app: ``create_app(index_dir, token=None)``; ``app_from_env`` for uvicorn worker processes.

Every endpoint calls one library function and returns the CLI's ``--json`` shape (ipqa.views.terminal). Errors are
``{"error": {"code": ..., "message": "<Chinese sentence>"}}``: 4xx for bad input, 401 without the token, 404 for an
unknown id, 503 while no index can be loaded; never a traceback.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal, get_args

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ipqa.api.holder import IndexHolder, IndexUnavailable
from ipqa.records import Filters, Level
from ipqa.settings import MAX_QUESTION_CHARS

log = logging.getLogger(__name__)

INDEX_ENV = "IPQA_INDEX"
TOKEN_ENV = "IPQA_API_TOKEN"
MAX_K = 100
MAX_CITATIONS = 1000  # per /verify request
MAX_FILTER_CHARS = 200
MAX_DOC_IDS = 100


class JSON(JSONResponse):
    """JSON written as ipqa writes it everywhere (ipqa.jsonio): Chinese readable, a lone surrogate escaped, so a
    request carrying one (a JSON "\\ud800") gets its answer rather than an encoding error."""

    def render(self, content) -> bytes:
        from ipqa.jsonio import dumps

        return dumps(content).encode("utf-8")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status: int, code: str, message: str, headers: dict | None = None) -> JSON:
    return JSON({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


_STATUS_MESSAGES = {
    404: ("not_found", "未找到该地址：可用的接口见 /docs 或 /openapi.json。"),
    405: ("method_not_allowed", "该接口不支持这种请求方法。"),
}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path"))
        kind = err.get("type", "")
        ctx = err.get("ctx") or {}
        if kind in ("greater_than_equal", "less_than_equal"):
            what = f"取值须在允许范围内（{'≥' if 'ge' in ctx else '≤'} {ctx.get('ge', ctx.get('le'))}）"
        elif kind == "string_too_long":
            what = f"过长（最多 {ctx.get('max_length')} 个字符）"
        elif kind == "missing":
            what = "缺失"
        elif kind.startswith("int"):
            what = "须为整数"
        elif kind == "literal_error":
            what = f"须为以下之一：{ctx.get('expected', '')}"
        elif kind in ("list_type", "too_long"):
            what = "格式或数量不符合要求"
        else:
            what = "格式不正确"
        parts.append(f"参数 {where or '请求体'} {what}")
    return "请求参数有误：" + "；".join(parts) + "。"


def _question(q: str) -> str:
    text = (q or "").strip()
    if not text:
        raise ApiError(422, "empty_question", "问题为空：请输入几个词或一句话，例如“谁负责知识产权质押融资？”。")
    if len(text) > MAX_QUESTION_CHARS:
        raise ApiError(422, "question_too_long", f"问题过长：最多 {MAX_QUESTION_CHARS} 个字符，请精简后再试。")
    return text


Q = Annotated[
    str, Query(description=f"检索词或问题（1–{MAX_QUESTION_CHARS} 个字符）", max_length=10 * MAX_QUESTION_CHARS)
]
K = Annotated[int, Query(ge=1, le=MAX_K, description="返回的条款数")]
Text = Annotated[str, Query(max_length=MAX_FILTER_CHARS)]
Year = Annotated[int | None, Query(ge=0, le=9999)]
Docs = Annotated[list[str], Query(max_length=MAX_DOC_IDS, description="只检索这些 doc_id（可重复）")]
LevelParam = Literal[("", *get_args(Level))]  # the one vocabulary, ipqa.records.Level


def search_filters(
    region: Text = "",
    level: LevelParam = "",
    issuer: Text = "",
    doc_type: Text = "",
    validity: Text = "",
    year_from: Year = None,
    year_to: Year = None,
    doc: Docs = [],  # noqa: B006  (FastAPI copies defaults)
) -> Filters:
    """The CLI's filters as query parameters, declared once for /search and /ask (a FastAPI dependency)."""
    from ipqa.cli.common import filters_from

    return filters_from(region, level, issuer, doc_type, year_from, year_to, validity, doc or ())


FilterParams = Annotated[Filters, Depends(search_filters)]


def create_app(index_dir: str | os.PathLike, token: str | None = None) -> FastAPI:
    """The API over the index folder ``index_dir``; with ``token``, every endpoint but /health needs
    ``Authorization: Bearer <token>``."""
    from ipqa import __version__

    holder = IndexHolder(Path(index_dir))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # load before the first request (each worker process does), so none waits for it; a missing index is
        # logged and answered with 503 until a build puts one there
        with contextlib.suppress(IndexUnavailable):
            holder.get()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="ipqa",
        version=__version__,
        description="知识产权政策检索与问答：与命令行 --json 相同的筛选条件与 JSON 结构，引文可复核。",
        default_response_class=JSON,
    )
    app.state.holder = holder
    secret = (token or "").encode("utf-8", "surrogatepass")

    @app.middleware("http")
    async def bearer(request: Request, call_next):
        if secret and request.url.path != "/health":
            header = request.headers.get("authorization", "")
            scheme, _, given = header.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode("latin-1"), secret):
                return _error(
                    401,
                    "unauthorized",
                    "未授权：请在请求头中提供 Authorization: Bearer <令牌>。",
                    {"WWW-Authenticate": "Bearer"},
                )
        return await call_next(request)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(IndexUnavailable)
    async def unavailable(request: Request, exc: IndexUnavailable):
        log.warning("request without an index: %s", exc)
        return _error(503, "index_unavailable", "索引暂不可用：请先运行 ipqa build 建立索引。")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return _error(422, "invalid_request", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code, message = _STATUS_MESSAGES.get(exc.status_code, ("http_error", "请求无法处理。"))
        return _error(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("internal error on %s", request.url.path)
        return _error(500, "internal_error", "服务器内部错误：请稍后重试，或联系管理员查看日志。")

    @app.get("/search", summary="检索条款（同 ipqa search --json）")
    def search(q: Q, filters: FilterParams, k: K = 10):
        from ipqa.views.terminal import search_dict

        text = _question(q)
        index = holder.get()
        return search_dict(index, index.search(text, k=k, filters=filters))

    @app.get("/ask", summary="回答问题并给出可复核的引文（同 ipqa ask --json）")
    def ask(q: Q, filters: FilterParams, k: K = 10):
        from ipqa.answer.pipeline import ask as answer_question
        from ipqa.views.terminal import answer_dict

        text = _question(q)
        index = holder.get()
        return answer_dict(index, answer_question(index, text, k=k, filters=filters))

    @app.get("/documents/{doc_id:path}", summary="文件的元数据、标记与条款目录")
    def document(doc_id: str):
        from ipqa.views.terminal import document_dict

        index = holder.get()
        doc = index.documents.get(doc_id)
        if doc is None:
            raise ApiError(404, "unknown_document", "未找到该文件：索引中没有这个 doc_id。")
        return document_dict(index, doc)

    @app.get("/clauses/{clause_id:path}", summary="条款及其引文字段")
    def clause(clause_id: str):
        from ipqa.views.terminal import clause_dict

        index = holder.get()
        try:
            found = index.clause(clause_id)
        except KeyError:
            raise ApiError(404, "unknown_clause", "未找到该条款：索引中没有这个 clause_id。") from None
        return clause_dict(index, found)

    @app.post("/verify", summary="复核引文：文件 sha256 未变、引文仍在其位置（同 ipqa verify）")
    def verify(citations: Annotated[list[dict], Body(max_length=MAX_CITATIONS)]):
        from ipqa.evaluation.verify import check_citation

        index = holder.get()
        cache: dict = {}
        results = []
        for cit in citations:
            doc_id = cit.get("doc_id")
            if isinstance(doc_id, str) and doc_id in index.documents:
                # the file is found through the index only, never through a path the request names
                cleaned = {k: v for k, v in cit.items() if k != "source"}
                problem = check_citation(cleaned, index.manifest, index.folder, cache)
            elif doc_id is None:
                problem = f"{cit.get('clause_id', '?')}: 引文缺少 doc_id"
            else:
                problem = f"{cit.get('clause_id', '?')}: 未找到文件：索引中没有 doc_id {doc_id!r}"
            results.append(
                {
                    "clause_id": cit.get("clause_id", ""),
                    "doc_id": doc_id if isinstance(doc_id, str) else "",
                    "ok": problem is None,
                    "problem": problem or "",
                }
            )
        return {
            "checked": len(results),
            "ok": all(r["ok"] for r in results),
            "problems": sum(not r["ok"] for r in results),
            "results": results,
        }

    @app.get("/health", summary="服务是否可用、索引是否已加载（无需令牌）")
    def health():
        try:
            index = holder.get()
        except IndexUnavailable:
            return _error(503, "index_unavailable", "索引暂不可用：请先运行 ipqa build 建立索引。")
        return {
            "status": "ok",
            "index_loaded": True,
            "format_version": index.manifest.format_version,
            "clauses": len(index.clauses),
        }

    @app.get("/info", summary="索引的统计、检索器状态与建立时间（同 ipqa info --json 的索引部分）")
    def info():
        from ipqa.views.terminal import index_dict

        return index_dict(holder.get())

    return app


def app_from_env() -> FastAPI:
    """The app for uvicorn worker processes (``uvicorn --factory ipqa.api.app:app_from_env``): the index folder
    and token come from IPQA_INDEX and IPQA_API_TOKEN, which ``ipqa serve`` sets."""
    return create_app(os.environ.get(INDEX_ENV, "index"), os.environ.get(TOKEN_ENV) or None)
