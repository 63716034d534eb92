"""schemathesis against the API's own OpenAPI document: for every operation, generated requests (valid ones and,
in negative mode, ones breaking the schema: odd strings, out-of-range k, unknown ids, wrong types) never get a
500, and every answer is JSON."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from ipqa.api.app import create_app
from ipqa.index.build import build_index
from ipqa.settings import Settings
from tests.helpers.paths import CORPUS

# the operations the OpenAPI document lists (it does not depend on the index); checked against it below
OPERATIONS = [
    ("GET", "/search"),
    ("GET", "/ask"),
    ("GET", "/documents/{doc_id}"),
    ("GET", "/clauses/{clause_id}"),
    ("POST", "/verify"),
    ("GET", "/health"),
    ("GET", "/info"),
]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    folder = tmp_path_factory.mktemp("api_schema") / "index"
    build_index([CORPUS], folder, Settings(model=""))
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(folder))


def test_the_operations_are_those_of_the_document(api_schema):
    listed = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert listed == set(OPERATIONS)


# invalid requests where the schema can be broken (a path id is any string; /health and /info take nothing)
RUNS = [(m, p, GenerationMode.POSITIVE) for m, p in OPERATIONS] + [
    (m, p, GenerationMode.NEGATIVE) for m, p in OPERATIONS if p in ("/search", "/ask", "/verify")
]


@pytest.mark.parametrize(
    ("method", "path", "mode"),
    RUNS,
    ids=[f"{m} {p} {'valid' if g is GenerationMode.POSITIVE else 'invalid'}" for m, p, g in RUNS],
)
def test_no_generated_request_is_a_server_error(api_schema, method, path, mode):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        response = case.call()
        assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query}: {response.text[:300]}"
        content_type = response.headers.get("content-type", [""])  # schemathesis keeps each header's values in a list
        assert content_type[0].startswith("application/json"), response.text[:300]

    run()
