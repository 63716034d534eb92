"""A Milvus collection holding ipqa's clauses for BM25: connect by engine URI, create the collection, keep it in
step with an index one document at a time.

Milvus computes Lucene's BM25 (the idf and length norm :mod:`ipqa.retrieval.lexical` uses) when it is given ipqa's
own tokens joined by spaces in a VARCHAR field with the whitespace analyzer, so both engines score the same words:
jieba, the IP dictionary and the bigrams stay ipqa's, and Milvus never tokenises Chinese itself.

Engine URIs (``Settings.engine``): ``milvus://PATH.db`` is milvus-lite, the Milvus core embedded in this process
(one process per file); ``milvus://HOST:PORT`` or ``milvus://https://HOST`` is a Milvus server or cluster. The token
of a cluster is read from ``IPQA_MILVUS_TOKEN`` here rather than at the CLI edge: the settings are saved in the
manifest, and a credential must never be.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)

SCHEME = "milvus://"
TOKEN_ENV = "IPQA_MILVUS_TOKEN"
FORMAT = 1  # bumped when the schema changes: a collection of another format is rebuilt
MAX_TOKENS_BYTES = 65_535  # Milvus' VARCHAR limit
INSERT_BATCH = 2_000
DELETE_BATCH = 1_000
CONNECT_SECONDS = 10  # fail in seconds, not after grpc's minute of retries, when a server is down
REQUEST_SECONDS = 30  # a search, delete or insert: pymilvus otherwise retries a failing one for minutes


class MilvusUnavailable(RuntimeError):
    """Milvus cannot be used: pymilvus missing, a bad URI, the server unreachable; the message says what to do."""


@dataclass(frozen=True)
class Engine:
    uri: str  # what pymilvus connects to: a .db path (milvus-lite) or http(s)://host:port
    collection: str

    @property
    def lite(self) -> bool:
        return self.uri.endswith(".db")

    def canonical(self) -> str:
        """The engine URI to save in the settings (a milvus-lite path made absolute)."""
        return SCHEME + self.uri

    def describe(self) -> str:
        """Where the collection lives, for ``ipqa info`` (a URI holds no token)."""
        return f"{'milvus-lite ' if self.lite else ''}{self.uri} / {self.collection}"


def is_milvus(engine: str) -> bool:
    return engine.startswith(SCHEME)


def parse_engine(engine: str, collection: str) -> Engine:
    """``milvus://…`` → where to connect. ValueError (with the forms accepted) for anything else."""
    rest = engine[len(SCHEME) :] if is_milvus(engine) else ""
    if not rest:
        raise ValueError(
            f"引擎地址 {engine!r} 无法识别：请写 milvus://路径.db（本机 milvus-lite）或 milvus://主机:端口（Milvus 服务）"
        )
    if not collection.replace("_", "a").isalnum() or not collection[0].isalpha():
        raise ValueError(f"Milvus 集合名 {collection!r} 无效：只能用字母、数字和下划线，并以字母开头")
    if rest.endswith(".db"):
        return Engine(os.path.abspath(rest), collection)
    uri = rest if rest.startswith(("http://", "https://")) else f"http://{rest}"
    return Engine(uri, collection)


def errors() -> tuple[type[BaseException], ...]:
    """What pymilvus raises for an unreachable server, a dropped collection or a refused request."""
    import grpc
    from pymilvus.exceptions import MilvusException

    return (MilvusException, grpc.RpcError, OSError, RuntimeError, ValueError)


def connect(engine: Engine):
    """A MilvusClient for ``engine``; MilvusUnavailable with the reason when pymilvus or the server is missing."""
    try:
        with warnings.catch_warnings():
            # pymilvus 2.5 imports pkg_resources, which warns that it is deprecated: nothing ipqa can act on
            warnings.simplefilter("ignore")
            from pymilvus import MilvusClient
    except ImportError as exc:
        raise MilvusUnavailable(f"未安装 pymilvus（{exc}）：请运行 pip install 'ipqa[milvus]'") from None
    token = os.environ.get(TOKEN_ENV, "") if not engine.lite else ""
    try:
        return MilvusClient(uri=engine.uri, token=token, timeout=CONNECT_SECONDS)
    except errors() as exc:  # MilvusException, or grpc's and the OS's own errors for an unreachable server
        log.warning("cannot reach Milvus at %s: %s", engine.uri, exc)
        raise MilvusUnavailable(f"无法连接 Milvus（{engine.describe()}）：{exc}") from None


def clause_pk(clause_id: str) -> str:
    """The primary key of a clause: a digest of its id, which is stable across rebuilds but may be long."""
    return hashlib.sha256(clause_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def signature(k1: float, b: float, tokenizer: str) -> str:
    """What the stored rows depend on besides their text: a collection with another signature is rebuilt."""
    return json.dumps({"format": FORMAT, "bm25_k1": k1, "bm25_b": b, "tokenizer": tokenizer}, sort_keys=True)


def create_collection(client, name: str, description: str, k1: float, b: float) -> None:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False, description=description)
    schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=32)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=4096)
    schema.add_field("key", DataType.VARCHAR, max_length=64)  # sha256 of the indexed text: what changed
    # ipqa's tokens joined by spaces: the whitespace analyzer gives them back one by one
    schema.add_field(
        "tokens",
        DataType.VARCHAR,
        max_length=MAX_TOKENS_BYTES,
        enable_analyzer=True,
        analyzer_params={"tokenizer": "whitespace"},
    )
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(
        Function(
            name="bm25", function_type=FunctionType.BM25, input_field_names=["tokens"], output_field_names=["sparse"]
        )
    )
    params = client.prepare_index_params()
    params.add_index(
        field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={"bm25_k1": k1, "bm25_b": b}
    )
    params.add_index(field_name="doc_id", index_type="INVERTED")  # the document filter
    # Strong: a search right after a build sees every row the build wrote
    client.create_collection(name, schema=schema, index_params=params, consistency_level="Strong")


def open_collection(client, name: str, description: str, k1: float, b: float) -> None:
    """Make sure ``name`` exists with ``description`` (the signature); one built differently is dropped first."""
    if client.has_collection(name):
        current = client.describe_collection(name).get("description", "")
        if current == description:
            client.load_collection(name)
            return
        log.info("Milvus collection %s was built with other settings (%s): rebuilding it", name, current)
        client.drop_collection(name)
    create_collection(client, name, description, k1, b)


def sync_documents(
    client, name: str, pks: Sequence[str], doc_ids: Sequence[str], keys: Sequence[bytes], content
) -> tuple[int, int, int]:
    """Per document, compare the (pk, key) pairs the collection holds with the rows': delete and re-insert a
    document that differs (``content(i)`` gives row i's own fields), delete one no row has any more. Returns
    (documents written, clauses written, documents removed)."""
    stored = stored_documents(client, name)
    doc_ids = [safe(d) for d in doc_ids]
    wanted: dict[str, list[int]] = {}
    for i, doc in enumerate(doc_ids):
        wanted.setdefault(doc, []).append(i)
    hexed = [k.hex() for k in keys]
    changed = [d for d, r in wanted.items() if stored.get(d) != frozenset((pks[i], hexed[i]) for i in r)]
    gone = [d for d in stored if d not in wanted]
    delete_documents(client, name, [d for d in changed if d in stored] + gone)
    todo = (i for d in changed for i in wanted[d])
    inserted = insert_rows(
        client, name, ({"pk": pks[i], "doc_id": doc_ids[i], "key": hexed[i], **content(i)} for i in todo)
    )
    log.info(
        "Milvus %s: %d documents unchanged, %d written (%d clauses), %d removed",
        name,
        len(wanted) - len(changed),
        len(changed),
        inserted,
        len(gone),
    )
    return len(changed), inserted, len(gone)


def stored_documents(client, name: str) -> dict[str, frozenset[tuple[str, str]]]:
    """doc_id → the (pk, key) pairs the collection holds for it: what a build compares each document with."""
    out: dict[str, set[tuple[str, str]]] = {}
    iterator = client.query_iterator(name, batch_size=10_000, filter="", output_fields=["pk", "doc_id", "key"])
    try:
        while batch := iterator.next():
            for row in batch:
                out.setdefault(row["doc_id"], set()).add((row["pk"], row["key"]))
    finally:
        iterator.close()
    return {doc: frozenset(pairs) for doc, pairs in out.items()}


def safe(value: str) -> str:
    """``value`` as valid UTF-8 for Milvus: a lone surrogate (from an undecodable file name) becomes an escape,
    the same one every time, so a document id matches itself across builds and filters."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "backslashreplace")


def quoted(value: str) -> str:
    """``value`` as a string literal of a Milvus expression (milvus-lite 2.5.1 has no expression templates)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def doc_filter(doc_ids: Iterable[str]) -> str:
    """The expression keeping the rows of ``doc_ids``."""
    return f"doc_id in [{', '.join(quoted(safe(d)) for d in doc_ids)}]"


def delete_documents(client, name: str, doc_ids: Sequence[str]) -> None:
    """Delete the rows of ``doc_ids`` (as :func:`safe` made them: doc_filter is idempotent on them)."""
    for start in range(0, len(doc_ids), DELETE_BATCH):
        client.delete(name, filter=doc_filter(doc_ids[start : start + DELETE_BATCH]), timeout=REQUEST_SECONDS)


def insert_rows(client, name: str, rows: Iterable[dict]) -> int:
    batch: list[dict] = []
    done = 0
    for row in rows:
        if len(row.get("tokens", "").encode("utf-8", "surrogatepass")) > MAX_TOKENS_BYTES:
            raise ValueError(f"clause {row['pk']} has more than {MAX_TOKENS_BYTES} bytes of tokens")
        batch.append(row)
        if len(batch) == INSERT_BATCH:
            client.insert(name, batch, timeout=REQUEST_SECONDS)
            done += len(batch)
            batch = []
    if batch:
        client.insert(name, batch, timeout=REQUEST_SECONDS)
        done += len(batch)
    return done
