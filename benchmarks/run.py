"""The book's benchmark: prints a Markdown table to paste into README.md.

    python3 tasks.py bench            # everything (builds the book once: about a minute)
    python3 tasks.py bench --no-book  # skip the book build

Rows:
* each notebook's cold execution time: a fresh kernel runs it top to bottom (nbclient);
* the book build time (`tasks.py book`: executes every notebook and writes the HTML);
* each explorer's live redraw time: the median of `update` + PNG render over its frames
  (lecturelib.explore.EXPLORERS; the budget is 50 ms);
* chapter-specific rows from `benchmarks/rows_*.py`: each such module defines
  `rows() -> list[tuple[str, str]]` (what was measured, the result).

Timings are wall-clock seconds on whatever machine runs this; the README says which.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def notebook_rows() -> list[tuple[str, str]]:
    import nbformat
    from nbclient import NotebookClient

    rows = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        client.execute()
        rows.append((f"cold execution of `{path.name}` (kernel start included)",
                     f"{time.perf_counter() - start:.1f} s"))
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

    rows = notebook_rows()
    if not args.no_book:
        rows += book_row()
    rows += explorer_rows() + chapter_rows()

    print(f"Measured on {platform.node() or 'this machine'}: {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}\n")
    width = max(len(what) for what, _ in rows)
    print(f"| {'what':<{width}} | result |")
    print(f"|{'-' * (width + 2)}|--------|")
    for what, result in rows:
        print(f"| {what:<{width}} | {result} |")


if __name__ == "__main__":
    main()
