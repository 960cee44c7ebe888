"""Work only the book's build does: the static explorers' capture.

The capture (`static.capture`) is for the web page and the PDF. `in_book_build()` tells the
build from a reader's kernel; in a reader's kernel `Explorer.static` returns a `ForTheWebPage`
note instead of capturing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

BOOK_BUILD = "LECTURELIB_BOOK_BUILD"  # set to "1" by the book's build (_ext/build_only.py)


def in_book_build() -> bool:
    """True while the book is built: the build's Sphinx extension `_ext/build_only.py` sets
    LECTURELIB_BOOK_BUILD=1, and the kernels that execute the chapters inherit it. A reader's
    kernel (Jupyter, Binder, Colab, nbgrader's autograde) does not have it."""
    return os.environ.get(BOOK_BUILD) == "1"


@dataclass
class ForTheWebPage:
    """What `Explorer.static` gives in a reader's kernel: the capture is work only the web page
    and the PDF use, so it runs when the book is built, and the reader gets this note (and the
    live explorer of the cell before)."""

    name: str
    settings: int

    def _repr_markdown_(self) -> str:
        return (f"*The book's web page shows this explorer ({self.settings} settings) with controls that need "
                "no kernel; they are computed when the book is built. Here, the live explorer above redraws "
                "the same figure for any setting.*")
