"""What the browser tests share with tools/pdf.py, which prints the book with the same browser:
Debian's Chromium with the project's flags (`launch`), a quiet local server for a folder
(`serve`), the theme's own known JavaScript error, and a `browser` fixture (one Chromium per
test module: `from chromium import browser`)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from pdf import CHROMIUM, KNOWN_THEME_ERRORS, launch, serve  # noqa: E402

__all__ = ["CHROMIUM", "KNOWN_THEME_ERRORS", "NEEDS_CHROMIUM", "browser", "serve"]

NEEDS_CHROMIUM = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed "
                                    "(apt-get install chromium; .ci/run does this)")


@pytest.fixture(scope="module")
def browser():
    with launch() as launched:
        yield launched
