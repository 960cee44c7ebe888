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
    from lecturelib.explore.build_only import BOOK_BUILD

    monkeypatch.setenv(BOOK_BUILD, "1")


EXAMPLES_SCALE = "LECTURELIB_HYPOTHESIS_SCALE"


def pytest_collection_modifyitems(config, items):
    """With LECTURELIB_HYPOTHESIS_SCALE set (a number in (0, 1]), each property-based test draws
    that fraction of its examples, at least 5. The oldest-dependencies lane (`tasks.py oldest`)
    sets 0.2: it asks whether the library works on the oldest NumPy, SciPy and matplotlib, while
    the book's environment runs every property in full."""
    scale = os.environ.get(EXAMPLES_SCALE)
    if not scale:
        return
    from hypothesis import settings

    try:
        fraction = float(scale)
    except ValueError:
        fraction = float("nan")
    if not 0 < fraction <= 1:
        raise pytest.UsageError(f"{EXAMPLES_SCALE} must be a number in (0, 1], got {scale!r}")
    scaled = set()
    for item in items:
        test = getattr(item, "obj", None)
        if not hasattr(test, "hypothesis") or id(test) in scaled:
            continue
        scaled.add(id(test))
        current = getattr(test, "_hypothesis_internal_use_settings", None) or settings.default
        test._hypothesis_internal_use_settings = settings(
            current, max_examples=max(5, round(current.max_examples * fraction)))
