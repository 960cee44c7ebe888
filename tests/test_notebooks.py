"""Every chapter notebook follows the book's pattern (CONTRIBUTING.md). These tests read the
notebooks as files; nbval runs them, and tests/test_built_book.py checks the HTML."""

import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_an_explorer_live_and_animated(path):
    code = [c for c in cells(path) if c.cell_type == "code"]
    live = [c for c in code if ".live()" in source(c)]
    assert live, "an explorer with live controls (explorer.live())"
    assert all("remove-output" in c.metadata.get("tags", []) for c in live), \
        "tag the live explorer cell remove-output: in the static book a widget is a dead box"
    assert any(".animation(" in source(c) for c in code), "an animation that plays without a kernel"


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
            before, after = text.split("### BEGIN SOLUTION", 1)
            assert re.search(r"^def \w+\(", before, re.M), "an exercise asks for a function (see CONTRIBUTING.md)"
            assert re.search(r"check_\w+\(", after), "the cell ends with its check_… call"
    assert solution_cells >= len(labels)


def test_table_of_contents_lists_every_chapter():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = {entry["file"] for part in toc["parts"] for entry in part["chapters"]} - {"instructors"}
    on_disk = {f"chapters/{p.stem}" for p in (ROOT / "chapters").iterdir() if p.suffix in (".ipynb", ".md")}
    assert listed == on_disk


def test_instructors_page_lists_every_exercise():
    text = (ROOT / "instructors.md").read_text()
    for path in NOTEBOOKS:
        markdown = "\n".join(source(c) for c in cells(path) if c.cell_type == "markdown")
        for label in re.findall(r":::\{exercise\}.*\n:label: (\S+)", markdown):
            assert f"{{ref}}`{label}`" in text, f"instructors.md does not list exercise {label} ({path.name})"
