"""Shared test set-up: a headless matplotlib for unit tests, and the location of the built book."""

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # unit tests draw off-screen (the notebooks keep their inline backend)

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The built HTML book. `tasks.py test` builds it first and sets LECTURELIB_REQUIRE_BOOK, so
    there a missing book is a failure; a bare `pytest` run skips these tests instead."""
    if not (HTML / "index.html").exists():
        message = "the book is not built: run `python3 tasks.py book` (or `python3 tasks.py test`)"
        if os.environ.get("LECTURELIB_REQUIRE_BOOK"):
            pytest.fail(message)
        pytest.skip(message)
    return HTML


@pytest.fixture
def book_build(monkeypatch):
    """As while the book is built (_ext/build_only.py): `Explorer.static` captures the explorer
    instead of returning the reader's note."""
    from lecturelib.explore.static import BOOK_BUILD

    monkeypatch.setenv(BOOK_BUILD, "1")
