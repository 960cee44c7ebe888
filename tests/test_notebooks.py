"""Every chapter notebook follows the book's pattern (CONTRIBUTING.md). These tests read the
notebooks as files; the book build runs them (once per `tasks.py test`), tests/test_executed_notebooks.py
checks that run, and tests/test_built_book.py checks the HTML. By hand: `pytest --nbval-lax chapters/`."""

import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
from exercise_table import MINUTES_PER_POINT, book_exercises, exercise_rows, points_for  # noqa: E402

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPOSITORY = CONFIG["repository"]["url"]


def cells(path):
    return nbformat.read(path, as_version=4).cells


def source(cell):
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def test_there_are_chapter_notebooks():
    assert NOTEBOOKS, "no notebooks under chapters/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    dirty = [i for i, cell in enumerate(cells(path)) if cell.cell_type == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs or execution counts; clear them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_installs_lecturelib_on_colab_only_and_is_hidden(path):
    first = cells(path)[0]
    text = source(first)
    assert first.cell_type == "code" and "remove-cell" in first.metadata.get("tags", [])
    assert '"google.colab" in sys.modules' in text
    assert re.search(r'%pip install -q "lecturelib @ git\+(\S+)"', text), text
    url = re.search(r'git\+(\S+)"', text).group(1)
    assert url == REPOSITORY, f"{path.name} installs from {url}, _config.yml says {REPOSITORY}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_seeded_and_uses_the_book_style(path):
    text = "\n".join(source(c) for c in cells(path) if c.cell_type == "code")
    assert "use_book_style()" in text
    assert re.search(r"default_rng\(\d+\)|manual_seed\(\d+\)|seed=\d+", text), "seed every random thing"


MIN_EXPLORERS = 3  # steerable figures per chapter page (issue: a book the reader steers)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_explorers_live_and_static(path):
    code = [c for c in cells(path) if c.cell_type == "code"]
    live = [c for c in code if ".live()" in source(c)]
    static = [c for c in code if ".static(" in source(c)]
    assert len(static) >= MIN_EXPLORERS, \
        f"at least {MIN_EXPLORERS} static explorers the web page can steer without a kernel (explorer.static(...))"
    assert len(live) >= len(static), "each explorer with live controls (explorer.live()) in the notebook"
    assert all("remove-output" in c.metadata.get("tags", []) for c in live), \
        "tag the live explorer cell remove-output: in the static book a widget is a dead box"
    assert not any("remove-output" in c.metadata.get("tags", []) for c in static), "the static explorer is for the web page"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_colon_fence_closes_on_a_line_of_its_own(path):
    """A closing `:::` with text after it closes nothing: MyST reads the rest of the cell into the
    box (a slip box swallowed the next paragraph this way), and the plain-Markdown conversion
    leaves a raw `:::` in what students receive."""
    fused = [line for c in cells(path) if c.cell_type == "markdown"
             for line in source(c).splitlines() if re.match(r"^[ \t]{0,3}:{3,}[ \t]*[^\s{:]", line)]
    assert not fused, f"put the text after a closing fence on a new line: {fused}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_follow_the_pattern(path):
    all_cells = cells(path)
    markdown = "\n".join(source(c) for c in all_cells if c.cell_type == "markdown")
    labels = re.findall(r":::\{exercise\}.*\n:label: (\S+)", markdown)
    assert len(labels) >= 4, f"{path.name} has {len(labels)} exercises, at least 4 expected"
    assert len(set(labels)) == len(labels), "exercise labels must be unique"
    for label in labels:
        assert re.search(rf":::\{{solution-start\}} {re.escape(label)}\n:class: dropdown", markdown), \
            f"exercise {label} needs a solution-start with :class: dropdown (collapsed in the book)"

    inside = False
    solution_cells = 0
    for cell in all_cells:
        text = source(cell)
        if cell.cell_type == "markdown":
            if ":::{solution-start}" in text:
                inside = True
            if ":::{solution-end}" in text:
                inside = False
        elif "### BEGIN SOLUTION" in text:
            solution_cells += 1
            assert inside, "solution code must sit between solution-start and solution-end"
            assert text.count("### BEGIN SOLUTION") == text.count("### END SOLUTION")
            before = text.split("### BEGIN SOLUTION", 1)[0]
            assert re.search(r"^def \w+\(", before, re.M), "an exercise asks for a function (see CONTRIBUTING.md)"
            assert "check_" not in text, "the check_… call goes in its own (locked) test cell"
    assert solution_cells == len(labels)


ANSWER = {"grade": False, "locked": False, "schema_version": 3, "solution": True}
TEST = {"grade": True, "locked": True, "schema_version": 3, "solution": False}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_is_an_nbgrader_answer_cell_then_its_locked_test_cell(path):
    """exercise text → answer cell (folded with the worked solution) → solution-end → test cell."""
    all_cells = cells(path)
    markdown = "\n".join(source(c) for c in all_cells if c.cell_type == "markdown")
    labels = re.findall(r":::\{exercise\}.*\n:label: (\S+)", markdown)
    graded = [c for c in all_cells if "nbgrader" in c.metadata]
    assert len(graded) == 2 * len(labels), "one answer cell and one test cell per exercise, nothing else"
    for label in labels:
        answer = next(i for i, c in enumerate(all_cells) if c.metadata.get("nbgrader", {}).get("grade_id") == f"{label}-answer")
        assert all_cells[answer].metadata["nbgrader"] == {**ANSWER, "grade_id": f"{label}-answer"}
        assert "### BEGIN SOLUTION" in source(all_cells[answer])
        assert source(all_cells[answer + 1]).startswith(":::{solution-end}")
        test = all_cells[answer + 2]
        points = test.metadata.get("nbgrader", {}).get("points")
        assert test.metadata.get("nbgrader") == {**TEST, "grade_id": f"{label}-check", "points": points}, \
            f"{label}: the cell after solution-end must be its locked test cell"
        assert test.id == f"{label}-check", "a stable cell id, named after the exercise"
        function = re.search(r"^def (\w+)\(", source(all_cells[answer]), re.M).group(1)
        assert re.fullmatch(rf"exercises\.check_\w+\({function}\)", source(test)), source(test)
        facts = test.metadata.get("exercise", {})
        assert facts.get("label") == label and len(facts.get("goal", "")) > 10
        assert points == points_for(facts["minutes"]) == facts["minutes"] / MINUTES_PER_POINT


def test_grade_ids_are_unique_across_the_book():
    ids = [c.metadata["nbgrader"]["grade_id"] for path in NOTEBOOKS for c in cells(path) if "nbgrader" in c.metadata]
    assert len(ids) >= 2 * 4 * len(NOTEBOOKS)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_points_rule_rejects_times_it_cannot_turn_into_points():
    assert [points_for(m) for m in (5, 10, 15)] == [1, 2, 3]
    for minutes in (0, 7, -5, 10.0):
        with pytest.raises(ValueError, match="multiple of 5"):
            points_for(minutes)


def test_table_of_contents_lists_every_chapter():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = {entry["file"] for part in toc["parts"] for entry in part["chapters"]} - {"instructors", "errata"}
    on_disk = {f"chapters/{p.stem}" for p in (ROOT / "chapters").iterdir() if p.suffix in (".ipynb", ".md")}
    assert listed == on_disk


def test_instructors_page_generates_its_exercise_table_from_the_notebooks():
    text = (ROOT / "instructors.md").read_text()
    assert "```{exercise-table}\n```" in text and ":by: assignment" in text
    assert not re.search(r"^\|.*\{ref\}`ex-", text, re.M), "no hand-written exercise rows: they drift"
    labels = []
    for path in NOTEBOOKS:
        markdown = "\n".join(source(c) for c in cells(path) if c.cell_type == "markdown")
        labels += re.findall(r":::\{exercise\}.*\n:label: (\S+)", markdown)
    rows = exercise_rows(book_exercises(ROOT / "chapters"))[2:]
    assert [re.search(r"\{ref\}`(\S+)`", row).group(1) for row in rows] == labels, "each exercise once, in order"
    assert all(re.search(r"\| \d+ min \| \d+ \|$", row) for row in rows)
