"""The notebooks as the book build executed them: each chapter runs once per test run, in the
build (`execute_notebooks: force` with `--all`), and these tests read what that run produced
instead of executing the notebooks a second time (nbval).

myst-nb writes every executed notebook to `_build/jupyter_execute/<docname>.ipynb` (next to
`_build/html`), with all its outputs, before any output is hidden from the page. A reader sees
the HTML made from exactly these outputs, so the checks are: this very notebook ran (its code is
the committed code), in a fresh kernel, every cell once and in order, with no error and nothing
on stderr that the page would show, and after the last change to the notebook and to lecturelib.

To run the notebooks by hand without the book: `pytest --nbval-lax chapters/`.
"""

import os
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml

import tasks

ROOT = Path(__file__).resolve().parent.parent
EXECUTED = ROOT / "_build" / "jupyter_execute"
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
HIDDEN = {"remove-cell", "remove-output", "remove-stderr"}  # tags that keep outputs off the page
ALARMING = ("Traceback", "Error", "Warning")


def code_cells(notebook):
    return [c for c in notebook.cells if c.cell_type == "code"]


def text(value) -> str:
    return value if isinstance(value, str) else "".join(value)


def out_of_date(message: str) -> None:
    """A build older than the sources: a failure under `tasks.py test` (which has just built the
    book), a skip for a bare `pytest` after an edit, like a missing book (tests/conftest.py)."""
    if os.environ.get("LECTURELIB_REQUIRE_BOOK"):
        pytest.fail(message)
    pytest.skip(message)


def lecturelib_sources() -> list[Path]:
    return [p for p in (ROOT / "lecturelib").rglob("*") if p.is_file() and "__pycache__" not in p.parts]


@pytest.fixture(scope="module")
def executed(built_book):
    """{chapter file name: the executed notebook}, read once from the build that made the HTML."""
    return {path.name: nbformat.read(EXECUTED / "chapters" / path.name, as_version=4)
            for path in NOTEBOOKS if (EXECUTED / "chapters" / path.name).exists()}


@pytest.mark.book
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_build_executed_this_very_notebook(executed, notebook):
    assert notebook.name in executed, f"{EXECUTED / 'chapters' / notebook.name} is missing: was it executed?"
    committed = [text(c.source) for c in code_cells(nbformat.read(notebook, as_version=4))]
    ran = [text(c.source) for c in code_cells(executed[notebook.name])]
    if ran != committed:
        out_of_date(f"the build executed other code than chapters/{notebook.name}: rebuild the book")


@pytest.mark.book
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_build_is_newer_than_the_notebook_and_lecturelib(executed, notebook):
    """The outputs come from the current lecturelib: nothing it is made of changed after the run."""
    assert notebook.name in executed
    ran_at = (EXECUTED / "chapters" / notebook.name).stat().st_mtime
    newer = [str(p.relative_to(ROOT)) for p in [notebook, *lecturelib_sources()] if p.stat().st_mtime > ran_at]
    if newer:
        out_of_date(f"{notebook.name} was executed before {newer[:3]} changed: rebuild the book")


@pytest.mark.book
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_ran_once_in_order_without_error(executed, notebook):
    assert notebook.name in executed
    cells = [c for c in code_cells(executed[notebook.name]) if text(c.source).strip()]
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), \
        f"a fresh kernel runs every code cell once, top to bottom; execution counts were {counts}"
    errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(cells)
              for o in c.outputs if o.output_type == "error"]
    assert not errors, f"cells raised: {errors}"


@pytest.mark.book
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_traceback_error_or_warning_on_stderr_a_reader_would_see(executed, notebook):
    """stderr that reaches the page: a warning (DeprecationWarning, a UserWarning of matplotlib,
    torch or scikit-learn), a logged error or a traceback printed by a library."""
    assert notebook.name in executed
    seen = []
    for i, cell in enumerate(code_cells(executed[notebook.name])):
        if HIDDEN & set(cell.metadata.get("tags", [])):
            continue
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stderr":
                if any(word in text(output.text) for word in ALARMING):
                    seen.append(f"code cell {i}: {text(output.text)[:300]}")
    assert not seen, "\n".join(seen)


@pytest.mark.book
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_build_captured_every_static_explorer(executed, notebook):
    """Build-only work runs in the build: _ext/build_only.py marks it, so each `.static(...)` cell
    shows the captured explorer (a reader's kernel shows a note instead: tests/test_nbgrader.py
    and tests/test_static_explorer.py check that side)."""
    cells = [c for c in code_cells(executed[notebook.name]) if ".static(" in c.source]
    assert cells, "no static explorer cell"
    for cell in cells:
        html = "".join(text(o.get("data", {}).get("text/html", "")) for o in cell.outputs)
        assert 'class="lx-explorer"' in html, \
            f"{notebook.stem}: the build did not capture the explorer of cell {cell.id}"


@pytest.mark.slow
def test_a_notebook_that_raises_fails_the_build(tmp_path):
    """With the book's own `execute:` settings and the build command of `tasks.py`, a cell that
    raises fails the build (non-zero exit, the cell and its exception in the output): since nbval
    no longer runs the notebooks a second time, this is what fails the test run. Each of the two
    guards suffices alone: `raise_on_error: true` stops the build at the first such notebook; with
    it off, `-W` still fails the build, and the executed copy records the error."""
    book = tmp_path / "book"
    book.mkdir()
    settings = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]
    assert settings["allow_errors"] is False
    (book / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Probe"),
        nbformat.v4.new_code_cell("print('before')"),
        nbformat.v4.new_code_cell("raise ValueError('probe raised')"),
        nbformat.v4.new_code_cell("print('after')"),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, book / "page.ipynb")

    for raise_on_error in (settings["raise_on_error"], False):
        config = {"title": "probe", "only_build_toc_files": True,
                  "execute": {**settings, "raise_on_error": raise_on_error}}
        (book / "_config.yml").write_text(yaml.safe_dump(config))
        result = subprocess.run(tasks.build_command(book), cwd=book, env=tasks.environment(),
                                capture_output=True, text=True)
        said = result.stdout + result.stderr
        assert result.returncode != 0, f"raise_on_error={raise_on_error}: the build passed although a cell raised"
        assert "CellExecutionError" in said and "page.ipynb" in said
    ran = nbformat.read(book / "_build" / "jupyter_execute" / "page.ipynb", as_version=4)
    assert [o.ename for c in code_cells(ran) for o in c.outputs if o.output_type == "error"] == ["ValueError"]
    assert code_cells(ran)[-1].execution_count is None, "execution stops at the cell that raised"
