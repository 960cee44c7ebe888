"""Benchmark rows for the test command (issue 13): how far each chapter is from the *import
floor*, the cold run of benchmarks/import_floor.ipynb, which only imports what the chapters
import (NumPy, Matplotlib, PyTorch, SciPy, scikit-learn, lecturelib), sets the book's style and
draws one titled figure. The floor and every chapter run cold (a fresh kernel each, wall-clock,
kernel start included) in the same run, with `run.notebook_seconds`; the goal is ≤ 3× the floor.

`tasks.py test` executes each chapter once (in the book build), so these cold times are what the
notebooks cost a test run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLOOR = HERE / "import_floor.ipynb"
GOAL = 3.0


def rows() -> list[tuple[str, str]]:
    sys.path.insert(0, str(HERE))
    from run import notebook_seconds

    os.environ.pop("MPLBACKEND", None)  # the kernels keep the inline backend, as in the book
    chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    cold = notebook_seconds([FLOOR, *chapters])
    floor = cold.pop(FLOOR.name)
    result = [("import floor: cold run of `benchmarks/import_floor.ipynb` (imports + one figure)",
               f"{floor:.1f} s")]
    for name, seconds in cold.items():
        ratio = seconds / floor
        mark = "" if ratio <= GOAL else f", over the {GOAL:.0f}× goal"
        result.append((f"cold execution of `{name}`, same run as the floor (goal ≤ {GOAL:.0f}× floor)",
                       f"{seconds:.1f} s ({ratio:.1f}× floor{mark})"))
    return result


if __name__ == "__main__":
    for what, value in rows():
        print(f"| {what} | {value} |")
