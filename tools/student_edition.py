"""The student edition: every chapter notebook with its solutions taken out.

    python3 tasks.py student          # notebooks in student/chapters/
    python3 tasks.py student --html   # and the student book in student/_build/html/

It follows nbgrader's markup, so the instructors' notebooks also work with nbgrader itself:

* in code cells, the lines between `### BEGIN SOLUTION` and `### END SOLUTION` become
  `# YOUR CODE HERE` and `raise NotImplementedError()` at the markers' indentation (what
  nbgrader's ClearSolutions does), and `### BEGIN HIDDEN TESTS` ... `### END HIDDEN TESTS`
  is deleted (ClearHiddenTests);
* in markdown cells, every sphinx-exercise solution is deleted: from `:::{solution-start}` to
  `:::{solution-end}` (or the end of the cell), and `{solution}` blocks;
* outputs and execution counts are cleared.

Every exercise asks for a function, so a stub raises inside the exercise's checker, which
reports "not done yet": the student notebook still runs top to bottom.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]

_REGION = r"^([ \t]*)### BEGIN {0}[ \t]*\n.*?^[ \t]*### END {0}[ \t]*(?:\n|$)"
SOLUTION_CODE = re.compile(_REGION.format("SOLUTION"), re.M | re.S)
HIDDEN_TESTS = re.compile(_REGION.format("HIDDEN TESTS"), re.M | re.S)
GATED_SOLUTION = re.compile(r"^:::\{solution-start\}.*?(?:^:::\{solution-end\}\n:::[ \t]*$|\Z)", re.M | re.S)
SOLUTION_END = re.compile(r"^:::\{solution-end\}\n:::[ \t]*$", re.M)
SOLUTION_BLOCK = re.compile(r"^(:{3,}|`{3,})\{solution\}.*?^\1[ \t]*$", re.M | re.S)


def strip_code(source: str) -> str:
    source = HIDDEN_TESTS.sub("", source)
    return SOLUTION_CODE.sub(lambda m: "".join(f"{m.group(1)}{line}\n" for line in STUB), source)


def strip_markdown(source: str) -> str:
    for pattern in (GATED_SOLUTION, SOLUTION_END, SOLUTION_BLOCK):
        source = pattern.sub("", source)
    return source.strip()


def student_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of `notebook` without solutions, hidden tests and outputs."""
    cells = []
    for cell in notebook.cells:
        cell = nbformat.from_dict(dict(cell))
        if cell.cell_type == "code":
            cell.source = strip_code(cell.source)
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            cell.source = strip_markdown(cell.source)
            if not cell.source:
                continue
        cells.append(cell)
    student = nbformat.from_dict(dict(notebook))
    student.cells = cells
    student.metadata.pop("widgets", None)
    return student


def write_student_edition(target: Path = ROOT / "student", html: bool = False) -> list[Path]:
    """Write student/chapters/*.ipynb (and the book sources around them); return the notebooks."""
    if target.exists():
        shutil.rmtree(target)
    (target / "chapters").mkdir(parents=True)
    written = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        out = target / "chapters" / path.name
        nbformat.write(student_notebook(notebook), out)
        written.append(out)
    if html:
        for path in (ROOT / "chapters").glob("*.md"):
            shutil.copy(path, target / "chapters" / path.name)
        shutil.copy(ROOT / "intro.md", target / "intro.md")
        toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
        toc["parts"] = [part for part in toc["parts"] if part.get("caption") != "For instructors"]
        (target / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
        shutil.copytree(ROOT / "_ext", target / "_ext")
        config = (ROOT / "_config.yml").read_text()
        config = config.replace("title: Training Deep Networks", "title: Training Deep Networks (student edition)")
        config = config.replace("  config:\n", "  config:\n    hide_solutions: true  # sphinx-exercise: a second safety net\n", 1)
        (target / "_config.yml").write_text(config)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write the student edition into student/.")
    parser.add_argument("--html", action="store_true", help="also prepare the student book's sources")
    paths = write_student_edition(html=parser.parse_args().html)
    print(f"Wrote {len(paths)} student notebooks to {ROOT / 'student' / 'chapters'}")
