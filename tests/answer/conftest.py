"""The keyword index of the bundled corpus (corpus/) the answer tests ask their questions of: built once per test
module, so that no module's questions depend on another's."""

from __future__ import annotations

import pytest

from tests.helpers.paths import CORPUS


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory):
    from ipqa.index.searcher import Index, build_index
    from ipqa.settings import Settings

    folder = tmp_path_factory.mktemp("answer") / "index"
    build_index([CORPUS], folder, Settings(model=""))
    return Index.load(folder)
