"""The student edition: every chapter notebook with its solutions taken out.

    python3 tasks.py student          # notebooks in student/chapters/
    python3 tasks.py student --html   # and the student book in student/_build/html/

The code is stripped by nbgrader itself, so the student edition is exactly what
`nbgrader generate_assignment` releases (`tools/assignments.py`; tests/test_nbgrader.py compares
the two cell by cell):

* in markdown cells, every sphinx-exercise solution is deleted: from `:::{solution-start}` to
  `:::{solution-end}` (or the end of the cell), and `{solution}` blocks. This is the book-only
  part nbgrader does not know about; `tools/assignments.py` removes it the same way before
  nbgrader sees a notebook (`without_markdown_solutions`);
* in code cells, nbgrader's `ClearSolutions` replaces the lines between `### BEGIN SOLUTION` and
  `### END SOLUTION` by `# YOUR CODE HERE` and `raise NotImplementedError()` at the markers'
  indentation, and `ClearHiddenTests` deletes `### BEGIN HIDDEN TESTS` ... `### END HIDDEN TESTS`.
  `ClearSolutions` also refuses a solution region in a cell that is not an nbgrader answer cell;
* outputs and execution counts are cleared;
* the markdown becomes plain Markdown (`tools/plain_markdown.py`): students open these notebooks
  in JupyterLab without `jupyterlab-myst`, in Colab, and read them in nbgrader's feedback,
  none of which renders MyST. Exercise titles become headings, `{ref}` roles links to the
  published book (`html: baseurl:` in `_config.yml`), any other directive a block quote with
  its title; math stays as it is. The book itself keeps MyST; the student book (`--html`) is
  built from the plain notebooks.

Every exercise asks for a function, so a stub raises inside the exercise's checker, which
reports "not done yet": the student notebook still runs top to bottom.
"""

from __future__ import annotations

import argparse
import copy
import functools
import re
import shutil
import sys
from pathlib import Path

import nbformat
import yaml
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plain_markdown import book_links, to_plain_markdown  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

GATED_SOLUTION = re.compile(r"^:::\{solution-start\}.*?(?:^:::\{solution-end\}\n:::[ \t]*$|\Z)", re.M | re.S)
SOLUTION_END = re.compile(r"^:::\{solution-end\}\n:::[ \t]*$", re.M)
SOLUTION_BLOCK = re.compile(r"^(:{3,}|`{3,})\{solution\}.*?^\1[ \t]*$", re.M | re.S)


def strip_markdown(source: str) -> str:
    for pattern in (GATED_SOLUTION, SOLUTION_END, SOLUTION_BLOCK):
        source = pattern.sub("", source)
    return source.strip()


@functools.lru_cache(maxsize=1)
def chapter_links():
    """The book's labels and its published address, for the roles in the chapters' markdown."""
    return book_links(ROOT, docname="chapters/chapter")


def without_markdown_solutions(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of `notebook` without the book's worked solutions and without outputs, its
    markdown in plain Markdown (tools/plain_markdown.py: exercise titles as headings,
    references as links to the published book); code solutions stay (this is the instructors'
    nbgrader source)."""
    cells = []
    for cell in copy.deepcopy(notebook.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            cell.source = to_plain_markdown(strip_markdown(cell.source), chapter_links())
            if not cell.source:
                continue
        cells.append(cell)
    source = copy.deepcopy(notebook)
    source.cells = cells
    source.metadata.pop("widgets", None)
    return source


def student_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of `notebook` without solutions, hidden tests and outputs."""
    student = without_markdown_solutions(notebook)
    for step in (ClearHiddenTests(), ClearSolutions()):
        student, _ = step.preprocess(student, {})
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
