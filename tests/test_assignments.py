"""`tasks.py assignments` never loses an instructor's work (tools/assignments.py).

A small course of one tiny "chapter" (one graded exercise, so nbgrader generates and autogrades it
in seconds) goes through what an instructor does over a term: generate, collect and autograde
two submissions, edit the source, rerun the command after the book changed, take the book's
version with `--replace`, add a graded cell after grading. After each step the source is
compared byte for byte, and the submissions and nbgrader's own gradebook (the scores it holds)
must be as they were. The tests run in order, each on the course the one before left.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from assignments import (BACKUPS, MANIFEST, CourseError, book_source, nbgrader, reference_submission,  # noqa: E402
                         submit, write_course)

NAME = "01_tiny"


def tiny_chapter(path: Path, intro: str) -> Path:
    """A chapter in the book's form: MyST text, an answer cell and its locked test cell."""
    answer = nbformat.v4.new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION")
    answer.metadata["nbgrader"] = {"grade": False, "grade_id": "ex-double-answer", "locked": False,
                                   "schema_version": 3, "solution": True}
    check = nbformat.v4.new_code_cell("assert double(3) == 6, 'double(3) should be 6'\nprint('right')")
    check.metadata["nbgrader"] = {"grade": True, "grade_id": "ex-double-check", "locked": True, "points": 2,
                                  "schema_version": 3, "solution": False}
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# A tiny chapter\n\n{intro}"),
        nbformat.v4.new_markdown_cell(":::{exercise} Double it\n:label: ex-double\nWrite `double`.\n:::"),
        answer, check])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def scores(course: Path) -> dict[str, tuple[float, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {student.id: (gradebook.find_submission_notebook(NAME, NAME, student.id).score,
                             gradebook.find_submission_notebook(NAME, NAME, student.id).max_score)
                for student in gradebook.students}


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """The course after generating and grading: its paths and what must survive."""
    base = tmp_path_factory.mktemp("term")
    chapter = tiny_chapter(base / "book" / f"{NAME}.ipynb", "Version 1 of the text.")
    course = base / "course"
    write_course(course, [chapter], quiet=True)
    source = course / "source" / NAME / f"{NAME}.ipynb"
    release = nbformat.read(course / "release" / NAME / f"{NAME}.ipynb", as_version=4)
    submit(course, NAME, "right", reference_submission(release, nbformat.read(source, as_version=4)))
    submit(course, NAME, "stub", release)
    nbgrader(course, "autograde", NAME, quiet=True)
    graded = scores(course)
    assert graded == {"right": (2.0, 2.0), "stub": (0.0, 2.0)}, "nbgrader graded the tiny course"
    return {"chapter": chapter, "course": course, "source": source, "scores": graded,
            "submitted": files_under(course / "submitted"), "autograded": files_under(course / "autograded")}


def assert_grading_survived(term):
    course = term["course"]
    assert scores(course) == term["scores"], "the gradebook's scores changed"
    assert files_under(course / "submitted") == term["submitted"], "a submission changed"
    assert files_under(course / "autograded") == term["autograded"], "an autograded notebook changed"


def test_the_course_records_what_it_wrote(term):
    manifest = json.loads((term["course"] / MANIFEST).read_text())
    digest = hashlib.sha256(term["source"].read_bytes()).hexdigest()
    assert manifest == {f"source/{NAME}/{NAME}.ipynb": digest}
    assert term["source"].read_bytes() == book_source(term["chapter"])


def test_an_edited_source_survives_a_rerun_byte_for_byte(term, capsys):
    edited = nbformat.read(term["source"], as_version=4)
    edited.cells.insert(1, nbformat.v4.new_markdown_cell("**My own note for this term's students.**"))
    nbformat.write(edited, term["source"])
    mine = term["source"].read_bytes()
    tiny_chapter(term["chapter"], "Version 2 of the text: the book changed too.")

    done = write_course(term["course"], [term["chapter"]], quiet=True)

    assert term["source"].read_bytes() == mine
    assert done.kept == {term["source"]: "changed since `tasks.py assignments` wrote it"}
    assert done.written == [] and done.backups == []
    report = done.report(term["course"])
    assert f"source/{NAME}/{NAME}.ipynb: changed since" in report
    assert f"python3 tasks.py assignments --replace {NAME}" in report and "backups/" in report
    release = nbformat.read(term["course"] / "release" / NAME / f"{NAME}.ipynb", as_version=4)
    assert release.cells[1].source == "**My own note for this term's students.**", "released from the edited source"
    assert_grading_survived(term)
    term["mine"] = mine


def test_replace_backs_up_the_instructors_file_then_takes_the_books(term):
    mine = term["mine"]
    done = write_course(term["course"], [term["chapter"]], quiet=True, replace=[NAME])

    assert term["source"].read_bytes() == book_source(term["chapter"])
    assert b"Version 2 of the text" in term["source"].read_bytes()
    [backup] = done.backups
    assert backup.parent == term["course"] / BACKUPS / NAME and backup.read_bytes() == mine
    assert not (term["course"] / "release" / NAME / backup.name).exists(), "a backup is never released"
    assert done.kept == {}
    assert_grading_survived(term)

    again = write_course(term["course"], [term["chapter"]], quiet=True)  # now the file is the book's again
    assert again.kept == {} and again.backups == [] and again.written == []
    assert list((term["course"] / BACKUPS / NAME).iterdir()) == [backup]


def test_an_unchanged_source_follows_the_book(term):
    tiny_chapter(term["chapter"], "Version 3 of the text.")
    done = write_course(term["course"], [term["chapter"]], quiet=True)
    assert done.written == [term["source"]] and done.kept == {} and done.backups == []
    assert b"Version 3 of the text" in term["source"].read_bytes()
    assert_grading_survived(term)


def test_a_graded_cell_added_after_grading_is_kept_and_nbgrader_s_refusal_explained(term):
    """nbgrader will not add a graded cell to an assignment with submissions; the command says so
    and keeps the file; --replace then brings back the book's version, the edit in backups/."""
    edited = nbformat.read(term["source"], as_version=4)
    extra = nbformat.v4.new_code_cell("assert double(0) == 0")
    extra.metadata["nbgrader"] = {"grade": True, "grade_id": "my-extra-check", "locked": True, "points": 1,
                                  "schema_version": 3, "solution": False}
    edited.cells.append(extra)
    nbformat.write(edited, term["source"])
    mine = term["source"].read_bytes()
    release = term["course"] / "release" / NAME / f"{NAME}.ipynb"
    released = release.read_bytes()

    with pytest.raises(CourseError, match="Cannot add or remove cells") as raised:
        write_course(term["course"], [term["chapter"]], quiet=True)
    assert "new name" in str(raised.value)
    assert term["source"].read_bytes() == mine, "the instructor's file is never lost"
    assert release.read_bytes() == released, "the release students have stays (nbgrader's --force had removed it)"
    assert_grading_survived(term)

    # The book's version has the cells the gradebook knows: nbgrader takes it, after the backup.
    done = write_course(term["course"], [term["chapter"]], quiet=True, replace=[NAME])
    assert term["source"].read_bytes() == book_source(term["chapter"])
    assert done.backups[0].read_bytes() == mine
    assert_grading_survived(term)


def test_a_source_with_no_record_is_left_alone(tmp_path):
    """A course written before this command recorded anything, or a file put there by hand."""
    chapter = tiny_chapter(tmp_path / "book" / f"{NAME}.ipynb", "Text.")
    source = tmp_path / "course" / "source" / NAME / f"{NAME}.ipynb"
    source.parent.mkdir(parents=True)
    theirs = book_source(chapter).replace(b"A tiny chapter", b"A tiny chapter, as we teach it")
    source.write_bytes(theirs)
    done = write_course(tmp_path / "course", [chapter], quiet=True)
    assert done.kept == {source: "not written by `tasks.py assignments` (no record of it)"}
    assert source.read_bytes() == theirs


def test_replace_names_a_chapter_or_all(tmp_path):
    chapter = tiny_chapter(tmp_path / f"{NAME}.ipynb", "Text.")
    with pytest.raises(ValueError, match=rf"--replace names 99_nope, which is not a chapter; the chapters are {NAME} \(or all\)"):
        write_course(tmp_path / "course", [chapter], replace=["99_nope"])
    assert not (tmp_path / "course").exists()
