"""The student edition leaks no solution and still runs top to bottom, for every chapter."""

import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from student_edition import strip_markdown, student_notebook, without_markdown_solutions, write_student_edition  # noqa: E402

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
REGION = re.compile(r"### BEGIN SOLUTION[^\n]*\n(.*?)### END SOLUTION", re.S)


def solution_lines(notebook) -> set[str]:
    """Every substantial line of every solution: code between the markers, and the prose of
    each sphinx-exercise solution. Lines that also appear outside solutions are not secrets."""
    secret, public = set(), set()
    inside = False
    for cell in notebook.cells:
        text = cell.source
        if cell.cell_type == "code":
            in_solution = "\n".join(REGION.findall(text))
            secret |= set(in_solution.splitlines())
            public |= set(REGION.sub("", text).splitlines())
        else:
            for line in text.splitlines():
                if line.startswith(":::{solution-start}"):
                    inside = True
                elif line.startswith(":::{solution-end}"):
                    inside = False
                (secret if inside else public).add(line)
    return {line.strip() for line in secret - public
            if len(line.strip()) > 8 and not line.strip().startswith((":::", ":class:"))}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_solution_text_reaches_the_student_edition(path):
    instructor = nbformat.read(path, as_version=4)
    student = student_notebook(instructor)
    text = "\n".join(cell.source for cell in student.cells)
    student_lines = {line.strip() for line in text.splitlines()}
    secrets = solution_lines(instructor)
    assert len(secrets) >= 8, "the instructor notebook should have solutions to hide"
    leaked = sorted(secrets & student_lines)
    assert not leaked, f"solution lines in the student edition: {leaked[:3]}"
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "{solution-start}", "{solution-end}", "{solution}"):
        assert marker not in text


@pytest.mark.nbgrader  # executes every chapter again (the student edition): part of the grading round trip
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_notebook_runs_to_the_end_with_every_check_not_done_yet(path):
    student = student_notebook(nbformat.read(path, as_version=4))
    NotebookClient(student, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    printed = "".join(output.get("text", "") for cell in student.cells if cell.cell_type == "code"
                      for output in cell.outputs if output.output_type == "stream")
    chapter = nbformat.read(path, as_version=4)
    exercises = sum(cell.source.count(":::{exercise}") for cell in chapter.cells if cell.cell_type == "markdown")
    assert printed.count("not done yet") == exercises >= 4
    assert "✅" not in printed


def test_writing_the_edition_leaves_the_instructor_notebooks_untouched(tmp_path):
    before = {p: p.read_bytes() for p in NOTEBOOKS}
    written = write_student_edition(tmp_path / "student")
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    assert all(p.read_bytes() == content for p, content in before.items())


def notebook_of(*cells):
    notebook = nbformat.v4.new_notebook(cells=list(cells))
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def answer_cell(source):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": "ex-answer", "locked": False,
                                 "schema_version": 3, "solution": True}
    return cell


def test_solution_code_becomes_a_stub_at_its_indentation_and_hidden_tests_vanish():
    answer = answer_cell("def f(x):\n    '''doc'''\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION")
    test = nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\nassert f(1) == 2\n### END HIDDEN TESTS\ncheck(f)")
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "ex-check", "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False}
    student = student_notebook(notebook_of(answer, test))
    assert student.cells[0].source == "def f(x):\n    '''doc'''\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert student.cells[1].source == "check(f)"


def test_a_solution_outside_an_answer_cell_is_refused_not_leaked():
    plain = nbformat.v4.new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION")
    with pytest.raises(RuntimeError, match="non-solution cell"):
        student_notebook(notebook_of(plain))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_nbgrader_source_keeps_code_solutions_but_not_the_worked_ones(path):
    instructor = nbformat.read(path, as_version=4)
    source = without_markdown_solutions(instructor)
    markdown = "\n".join(c.source for c in source.cells if c.cell_type == "markdown")
    assert "{solution" not in markdown
    code = [c.source for c in instructor.cells if c.cell_type == "code"]
    assert [c.source for c in source.cells if c.cell_type == "code"] == code
    assert all(not c.outputs and c.execution_count is None for c in source.cells if c.cell_type == "code")


def test_markdown_solutions_are_removed_in_every_form():
    gated = ":::{exercise} T\n:label: e\nTask.\n:::\n\n:::{solution-start} e\n:class: dropdown\n:::\n\nSecret."
    assert strip_markdown(gated) == ":::{exercise} T\n:label: e\nTask.\n:::"
    assert strip_markdown(":::{solution-end}\n:::") == ""
    block = "Before.\n\n```{solution} e\n:class: dropdown\nSecret.\n```\n\nAfter."
    assert strip_markdown(block) == "Before.\n\n\n\nAfter."
    colon = "::::{solution} e\nSecret.\n::::\nAfter."
    assert strip_markdown(colon) == "After."
