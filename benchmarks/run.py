"""The book's benchmark: prints a Markdown table to paste into README.md.

    python3 tasks.py bench            # everything (builds the book once: about a minute)
    python3 tasks.py bench --no-book  # skip the book build

Rows:
* each notebook's cold execution time: a fresh kernel runs it top to bottom (nbclient), as a
  reader's kernel does and as the book's build does (which also captures the static explorers);
* each chapter's `nbgrader autograde` of one submission (the reference solutions; nbgrader's
  start-up and its fresh kernel included), with its ratio to the cold execution (budget 2×);
* the book build time (`tasks.py book`: executes every notebook and writes the HTML);
* each explorer's live redraw time: the median of `update` + PNG render over its frames
  (lecturelib.explore.EXPLORERS; the budget is 50 ms);
* chapter-specific rows from `benchmarks/rows_*.py`: each such module defines
  `rows() -> list[tuple[str, str]]` (what was measured, the result);
* the parts of the last whole test command on this machine (`tasks.py test` records them).

Timings are wall-clock seconds on whatever machine runs this; the README says which.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def notebook_seconds(paths: list[Path] | None = None, *, book_build: bool = False) -> dict[str, float]:
    """Each notebook's cold execution time, by file name: the chapters, or the given notebooks
    in the given order. A reader's run by default; `book_build` runs it as the book's build does
    (LECTURELIB_BOOK_BUILD=1, which _ext/build_only.py sets: the static explorers are captured)."""
    import nbformat
    from nbclient import NotebookClient

    from lecturelib.explore.build_only import BOOK_BUILD

    seconds = {}
    saved = os.environ.pop(BOOK_BUILD, None)
    if book_build:
        os.environ[BOOK_BUILD] = "1"  # the kernel inherits it, as in the build
    try:
        for path in sorted((ROOT / "chapters").glob("*.ipynb")) if paths is None else paths:
            notebook = nbformat.read(path, as_version=4)
            client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                    resources={"metadata": {"path": str(path.parent)}})
            start = time.perf_counter()
            client.execute()
            seconds[path.name] = time.perf_counter() - start
    finally:
        os.environ.pop(BOOK_BUILD, None)
        if saved is not None:
            os.environ[BOOK_BUILD] = saved
    return seconds


FLOOR = Path(__file__).resolve().parent / "import_floor.ipynb"
FLOOR_GOAL = 2.5
CLASS_SIZE = 300


def notebook_rows(cold: dict[str, float], build: dict[str, float]) -> list[tuple[str, str]]:
    """The import floor (benchmarks/import_floor.ipynb: the chapters' imports, the book style and
    one titled figure) and each chapter's cold run as a ratio to it, measured in the same pass:
    the reader's run (what Binder, Colab and nbgrader run) and the build's (the reader's plus the
    static explorers' capture, which only the web page uses). Goal: every reader's run ≤ 2.5×."""
    floor = cold[FLOOR.name]
    rows = [("import floor: cold run of `benchmarks/import_floor.ipynb` (imports + one figure)", f"{floor:.1f} s")]
    for name, seconds in cold.items():
        if name != FLOOR.name:
            over = "" if seconds <= FLOOR_GOAL * floor else f", over the {FLOOR_GOAL:g}× goal"
            rows.append((f"`{name}`, cold: a reader's run (goal ≤ {FLOOR_GOAL:g}× floor) / the build's run",
                         f"{seconds:.1f} s ({seconds / floor:.1f}× floor{over}) / "
                         f"{build[name]:.1f} s ({build[name] / floor:.1f}×)"))
    return rows


def autograde_rows(cold: dict[str, float]) -> list[tuple[str, str]]:
    """`nbgrader autograde` of one submission per chapter, in a throw-away course directory, and
    what a class of CLASS_SIZE costs at that rate on both cores of such a machine."""
    import nbformat

    sys.path.insert(0, str(ROOT / "tools"))
    from assignments import nbgrader, reference_submission, submit, write_course

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder)
        for name in write_course(course, quiet=True).names:
            release, source = (nbformat.read(course / step / name / f"{name}.ipynb", as_version=4)
                               for step in ("release", "source"))
            submit(course, name, "reference", reference_submission(release, source))
            start = time.perf_counter()
            nbgrader(course, "autograde", name, quiet=True)
            seconds = time.perf_counter() - start
            rows.append((f"nbgrader autograde of one submission of `{name}.ipynb` (against the reader's run); "
                         f"a class of {CLASS_SIZE} on 2 cores",
                         f"{seconds:.1f} s ({seconds / cold[f'{name}.ipynb']:.2f}× the reader's run); "
                         f"{seconds * CLASS_SIZE / 2 / 60:.0f} min"))
    return rows


def book_row() -> list[tuple[str, str]]:
    import tasks

    start = time.perf_counter()
    subprocess.run(tasks.build_command(), cwd=ROOT, env=tasks.environment(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return [("book build (`tasks.py book`, every notebook executed)", f"{time.perf_counter() - start:.1f} s")]


def explorer_rows() -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    from lecturelib.explore import EXPLORERS

    rows = []
    for name, (build, frames) in EXPLORERS.items():
        seconds = build().redraw_seconds(frames())
        rows.append((f"explorer redraw, {name} (median, budget 50 ms)", f"{seconds * 1000:.0f} ms"))
    return rows


def test_command_rows() -> list[tuple[str, str]]:
    """The parts of the last whole test command run on this machine (`tasks.py test` writes them
    to _build/test-command-times.json): the book lane and each lane beside it, by wall clock."""
    import json

    import tasks

    if not tasks.TEST_TIMES.exists():
        return [("the test command's parts", "not measured: run `python3 tasks.py test` first")]
    times = json.loads(tasks.TEST_TIMES.read_text())
    parts = " / ".join(f"{name} {seconds:.0f} s" for name, seconds in times["parts"].items())
    verdict = "passed" if times["passed"] else "FAILED"
    return [(f"the last `tasks.py test` here ({times['date']}, {verdict}): whole / its parts (each lane "
             "from the start)", f"{times['total']:.0f} s / {parts}")]


def chapter_rows() -> list[tuple[str, str]]:
    rows = []
    for path in sorted(Path(__file__).parent.glob("rows_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        rows.extend(module.rows())
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-book", action="store_true", help="skip the book build")
    args = parser.parse_args()
    os.environ.pop("MPLBACKEND", None)  # notebooks keep the inline backend

    chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    cold = notebook_seconds([FLOOR, *chapters])
    build = notebook_seconds(chapters, book_build=True)
    rows = notebook_rows(cold, build) + autograde_rows(cold)
    if not args.no_book:
        rows += book_row()
    rows += explorer_rows() + chapter_rows() + test_command_rows()

    print(f"Measured on {platform.node() or 'this machine'}: {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}\n")
    width = max(len(what) for what, _ in rows)
    print(f"| {'what':<{width}} | result |")
    print(f"|{'-' * (width + 2)}|--------|")
    for what, result in rows:
        print(f"| {what:<{width}} | {result} |")


if __name__ == "__main__":
    main()
