"""Work only the web page and the PDF need runs only when the book is built.

The chapters' static explorers (`Explorer.static`) precompute every setting of their grid for
the page: ten seconds and more per chapter that a reader running the notebook on Binder or
Colab would pay for nothing (the live explorer serves them). This extension marks the build:
it sets LECTURELIB_BOOK_BUILD=1 in the environment of the Sphinx process, which the kernels
that execute the notebooks inherit (myst-nb starts them from this process), and
`lecturelib.explore.build_only.in_book_build()` reads it. Any build of the book sets it, whoever
starts it; a reader's kernel, nbgrader's autograde and the benchmark's reader run do not.
"""

from __future__ import annotations

import os

BOOK_BUILD = "LECTURELIB_BOOK_BUILD"  # the same name as lecturelib.explore.build_only.BOOK_BUILD


def setup(app):
    os.environ[BOOK_BUILD] = "1"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
