"""Clause vectors in a Milvus collection: the dense retriever's index when ``Settings.engine`` is Milvus, in place
of faiss (:mod:`ipqa.retrieval.faiss_index`), with the same operations (build, search with allowed rows, save,
load, vectors) so :mod:`ipqa.retrieval.dense` and the embedding steps stay as they are.

The index type is ``Settings.milvus_dense_index``: FLAT (exact, as faiss is below its HNSW limit), IVF_FLAT or
AUTOINDEX work in milvus-lite; HNSW needs a Milvus server (milvus-lite refuses it). Inner product on unit vectors is
the cosine, as in faiss. Like the keyword collection, it is updated one document at a time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ipqa import jsonio
from ipqa.retrieval import milvus_store as ms

log = logging.getLogger(__name__)

ROWS = "milvus_rows.json"
INDEX_TYPES = ("FLAT", "IVF_FLAT", "AUTOINDEX", "HNSW")
# build and search parameters per index type: IVF nlist ~ sqrt(n) for ~150k rows, nprobe 16 of 384 lists; HNSW the
# faiss index's M and efSearch (ipqa.retrieval.faiss_index)
BUILD_PARAMS = {"FLAT": {}, "IVF_FLAT": {"nlist": 384}, "AUTOINDEX": {}, "HNSW": {"M": 32, "efConstruction": 200}}
SEARCH_PARAMS = {"FLAT": {}, "IVF_FLAT": {"nprobe": 16}, "AUTOINDEX": {}, "HNSW": {"ef": 64}}


def check_index_type(engine: ms.Engine, index_type: str) -> None:
    if index_type not in INDEX_TYPES:
        raise ms.MilvusUnavailable(f"向量索引类型 {index_type!r} 无效：可选 {'、'.join(INDEX_TYPES)}")
    if engine.lite and index_type == "HNSW":
        raise ms.MilvusUnavailable(
            "milvus-lite 不支持 HNSW 索引：本机请用 FLAT、IVF_FLAT 或 AUTOINDEX，HNSW 需连接 Milvus 服务"
        )


class MilvusVectors:
    """Row i is clause i of the index; search returns (row, cosine) pairs, best first."""

    def __init__(self, engine: ms.Engine, pks: list[str], docs: list[str], doc_of_row, dim: int, index_type: str):
        self.engine = engine
        self.collection = f"{engine.collection}_dense"
        self.pks, self.docs, self.doc_of_row = pks, docs, np.asarray(doc_of_row, dtype=np.int32)
        self.dim, self.index_type = dim, index_type
        self.kind = f"milvus {index_type}"
        self._row = {pk: i for i, pk in enumerate(pks)}
        self._client = None
        self.failed = ""  # why the last search could not reach Milvus (the dense retriever reports it)

    def _fail(self, reason: str) -> list:
        self.failed = f"Milvus 不可用（{self.engine.describe()}）：{reason}"
        log.warning("Milvus vectors off: %s", reason)
        return []

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        engine: ms.Engine,
        index_type: str,
        source: str,
        clause_ids: Sequence[str],
        doc_ids: Sequence[str],
        keys: Sequence[bytes],
    ) -> MilvusVectors:
        """Write the rows whose document changed into the collection (``source``: the model and precision that
        made the vectors; a collection of another source is rebuilt). MilvusUnavailable when it cannot."""
        check_index_type(engine, index_type)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = int(vectors.shape[1])
        pks = [ms.clause_pk(c) for c in clause_ids]
        docs = list(dict.fromkeys(doc_ids))
        position = {d: i for i, d in enumerate(docs)}
        made = cls(engine, pks, docs, [position[d] for d in doc_ids], dim, index_type)
        client = made._connected()
        description = json.dumps(
            {"format": ms.FORMAT, "dim": dim, "index": index_type, "source": source}, sort_keys=True
        )
        try:
            _open(client, made.collection, description, dim, index_type)
            ms.sync_documents(client, made.collection, pks, doc_ids, keys, lambda i: {"vector": vectors[i].tolist()})
        except ms.errors() as exc:
            log.warning("Milvus vectors not written: %s", exc)
            raise ms.MilvusUnavailable(f"向量写入 Milvus 失败（{engine.describe()}）：{exc}") from None
        return made

    def _connected(self):
        if self._client is None:
            self._client = ms.connect(self.engine)
        return self._client

    def __len__(self) -> int:
        return len(self.pks)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` rows most similar to ``query``; with ``allowed`` only those rows (as the documents they are)."""
        k = min(int(k), len(self), 16_384)
        if k <= 0 or (allowed is not None and allowed.size == 0):
            return []
        kwargs = {}
        if allowed is not None:
            docs = [self.docs[i] for i in np.unique(self.doc_of_row[allowed]).tolist()]
            kwargs = {"filter": ms.doc_filter(docs)}
        params = dict(SEARCH_PARAMS[self.index_type])
        if "ef" in params:
            params["ef"] = max(params["ef"], k)
        try:
            found = self._connected().search(
                self.collection,
                data=[np.asarray(query, dtype=np.float32).ravel().tolist()],
                anns_field="vector",
                limit=k,
                output_fields=["pk"],
                search_params={"metric_type": "IP", "params": params},
                timeout=ms.REQUEST_SECONDS,
                **kwargs,
            )[0]
        except ms.MilvusUnavailable as exc:
            return self._fail(str(exc))
        except ms.errors() as exc:
            self._client = None  # reconnect next time
            return self._fail(str(exc))
        self.failed = ""
        hits = [(self._row[h["id"]], float(h["distance"])) for h in found if h["id"] in self._row]
        return sorted(hits, key=lambda h: (-h[1], h[0]))

    def vectors(self) -> np.ndarray:
        """All vectors in row order (a rebuild reuses those of unchanged clauses by their key)."""
        out = np.zeros((len(self), self.dim), dtype=np.float32)
        found = np.zeros(len(self), dtype=bool)
        try:
            client = self._connected()
            for start in range(0, len(self.pks), ms.DELETE_BATCH):
                part = self.pks[start : start + ms.DELETE_BATCH]
                rows = client.query(
                    self.collection,
                    filter=f"pk in [{', '.join(map(ms.quoted, part))}]",
                    output_fields=["pk", "vector"],
                    timeout=ms.REQUEST_SECONDS,
                )
                for row in rows:
                    out[self._row[row["pk"]]] = row["vector"]
                    found[self._row[row["pk"]]] = True
        except ms.MilvusUnavailable as exc:
            raise ValueError(str(exc)) from None
        except ms.errors() as exc:
            raise ValueError(f"cannot read the vectors of {self.collection}: {exc}") from None
        if not found.all():  # the collection moved on (another build, another engine): reuse nothing
            raise ValueError(f"{int((~found).sum())} of {len(self)} vectors are not in {self.collection}")
        return out

    def save(self, folder: Path) -> list[str]:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        data = {
            "format": 1,
            "dim": self.dim,
            "index_type": self.index_type,
            "pks": self.pks,
            "docs": self.docs,
            "doc_of_row": self.doc_of_row.tolist(),
        }
        (folder / ROWS).write_text(jsonio.dumps(data), encoding="utf-8")
        return [ROWS]

    @classmethod
    def load(cls, folder: Path, engine: ms.Engine) -> MilvusVectors:
        path = Path(folder) / ROWS
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(engine, data["pks"], data["docs"], data["doc_of_row"], int(data["dim"]), data["index_type"])
        except FileNotFoundError:
            raise ValueError(f"{path} is missing") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path} is not a valid Milvus row table ({exc})") from None


def _open(client, name: str, description: str, dim: int, index_type: str) -> None:
    from pymilvus import DataType

    if client.has_collection(name):
        if client.describe_collection(name).get("description", "") == description:
            client.load_collection(name)
            return
        log.info("Milvus collection %s holds other vectors or another index type: rebuilding it", name)
        client.drop_collection(name)
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False, description=description)
    schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=32)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=4096)
    schema.add_field("key", DataType.VARCHAR, max_length=64)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    params = client.prepare_index_params()
    params.add_index(field_name="vector", index_type=index_type, metric_type="IP", params=BUILD_PARAMS[index_type])
    params.add_index(field_name="doc_id", index_type="INVERTED")
    client.create_collection(name, schema=schema, index_params=params, consistency_level="Strong")
