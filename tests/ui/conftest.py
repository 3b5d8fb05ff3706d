"""Widget tests: collect garbage between tests so no Qt object of one test dies inside another."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _collect_between_widget_tests() -> Iterator[None]:
    gc.collect()
    yield
    gc.collect()
