"""nbgrader grades every chapter: the real nbgrader (pinned in requirements.txt) generates,
autogrades, validates and writes feedback, in a throw-away course directory per chapter.

For each chapter, `tools/assignments.py` writes the course and runs `nbgrader generate_assignment`;
then one `nbgrader autograde` call grades three submissions made from the release:

* `reference`: every answer cell filled with the instructor's solution: full marks;
* `stubs`: the release as handed out: 0 on every exercise, and every cell still runs (no kernel
  crash, no timeout);
* `sign-error`: the reference with one exercise's answer negated: the maximum minus exactly
  that exercise's points, and the checker's message in `nbgrader generate_feedback`'s HTML.

`nbgrader validate` passes on the reference. Scores are read from nbgrader's gradebook.
Selected with `-m nbgrader`. Each chapter runs its notebook four times (three submissions, then
validation alongside): 2.5 to 4 minutes per chapter on 2 busy cores.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
from assignments import nbgrader, nbgrader_environment, reference_submission, submit, write_course  # noqa: E402
from exercise_table import Exercise, read_exercises  # noqa: E402
from student_edition import student_notebook  # noqa: E402
from test_student_edition import solution_lines  # noqa: E402

pytestmark = pytest.mark.nbgrader

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
# The exercise each chapter's `sign-error` student gets wrong: one whose function returns numbers
# (so that negating them is a plausible slip) and that no other answer reuses.
SIGN_ERROR = {
    "01_rbf_networks": "ex-rbf-phi",
    "02_activations": "ex-act-sigmoid-prime",
    "03_autodiff": "ex-ad-delta1",
    "04_first_order": "ex-fo-optimal-step",
    "05_second_order": "ex-so-newton-step",
}
NEGATED = '''


_{name}_as_written = {name}


def {name}(*args, **kwargs):
    return -_{name}_as_written(*args, **kwargs)  # a sign error
'''
CRASHES = {"CellTimeoutError", "DeadKernelError", "TimeoutError"}


@dataclass
class Graded:
    name: str
    course: Path
    exercises: list[Exercise]
    wrong: Exercise
    scores: dict[str, dict[str, float]]  # student -> grade_id of a test cell -> score
    totals: dict[str, tuple[float, float]]  # student -> (score, max_score) of the notebook
    autograded: dict[str, nbformat.NotebookNode]
    feedback: str
    validation: str


def grading_metadata(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def with_sign_error(notebook, exercise: Exercise):
    notebook = nbformat.from_dict(notebook)
    cell = next(c for c in notebook.cells if grading_metadata(c).get("grade_id") == exercise.answer_id)
    name = re.search(r"^def (\w+)\(", cell.source, re.M).group(1)
    others = [c.source for c in notebook.cells if grading_metadata(c).get("solution") and c is not cell]
    assert not any(re.search(rf"\b{name}\(", text) for text in others), f"another answer uses {name}"
    cell.source += NEGATED.format(name=name)
    return notebook


def gradebook_scores(course: Path, name: str, students) -> tuple[dict, dict]:
    from nbgrader.api import Gradebook

    scores, totals = {}, {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in students:
            submission = gradebook.find_submission_notebook(name, name, student)
            scores[student] = {grade.name: grade.score for grade in submission.grades}
            totals[student] = (submission.score, submission.max_score)
    return scores, totals


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda p: p.stem)
def graded(request, tmp_path_factory) -> Graded:
    notebook = request.param
    name = notebook.stem
    course = tmp_path_factory.mktemp(name)
    write_course(course, [notebook], quiet=True)
    release = nbformat.read(course / "release" / name / notebook.name, as_version=4)
    source = nbformat.read(course / "source" / name / notebook.name, as_version=4)
    exercises = read_exercises(notebook)
    wrong = next(e for e in exercises if e.label == SIGN_ERROR[name])
    reference = reference_submission(release, source)
    submissions = {"reference": reference, "stubs": release, "sign-error": with_sign_error(reference, wrong)}
    for student, submission in submissions.items():
        submit(course, name, student, submission)

    # nbgrader validate runs the reference while nbgrader autograde runs the three submissions.
    validating = subprocess.Popen([sys.executable, "-m", "nbgrader", "validate",
                                   str(course / "submitted" / "reference" / name / notebook.name)],
                                  cwd=course, env=nbgrader_environment(), text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        nbgrader(course, "autograde", name, quiet=True)
        nbgrader(course, "generate_feedback", name, "--student=sign-error", quiet=True)
        validation = validating.communicate(timeout=600)[0]
    finally:
        validating.kill()
    scores, totals = gradebook_scores(course, name, submissions)
    autograded = {student: nbformat.read(course / "autograded" / student / name / notebook.name, as_version=4)
                  for student in submissions}
    feedback = (course / "feedback" / "sign-error" / name / f"{name}.html").read_text()
    return Graded(name, course, exercises, wrong, scores, totals, autograded, feedback, validation)


def test_every_chapter_has_a_sign_error_case():
    assert set(SIGN_ERROR) == {p.stem for p in NOTEBOOKS}


def test_reference_solutions_score_the_maximum(graded):
    expected = {e.check_id: e.points for e in graded.exercises}
    assert graded.scores["reference"] == expected
    score, maximum = graded.totals["reference"]
    assert score == maximum == sum(expected.values())


def test_released_stubs_score_zero_and_every_cell_still_runs(graded):
    assert graded.scores["stubs"] == {e.check_id: 0 for e in graded.exercises}
    notebook = graded.autograded["stubs"]
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "the kernel stopped before the last cell"
    errors = {c.metadata.get("nbgrader", {}).get("grade_id", c.id): o.ename for c in code for o in c.outputs
              if o.output_type == "error"}
    assert not CRASHES & set(errors.values()), f"a kernel crash or a timeout: {errors}"
    assert set(errors) == {e.check_id for e in graded.exercises}, \
        f"only the test cells may fail in a stub submission: {errors}"


def test_one_sign_error_costs_exactly_that_exercise(graded):
    expected = {e.check_id: (0 if e is graded.wrong else e.points) for e in graded.exercises}
    assert graded.scores["sign-error"] == expected
    score, maximum = graded.totals["sign-error"]
    assert score == maximum - graded.wrong.points


def test_feedback_shows_the_checkers_message_for_the_wrong_exercise(graded):
    cell = next(c for c in graded.autograded["sign-error"].cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == graded.wrong.check_id)
    [error] = [o for o in cell.outputs if o.output_type == "error"]
    assert error.ename == "ExerciseError"
    message = error.evalue
    assert len(message) > 20 and "wrong" in message, message
    assert html.escape(message, quote=False) in graded.feedback or html.escape(message) in graded.feedback
    # the student reads the message, not a traceback through the checker's internals
    assert error.traceback == [f"ExerciseError: {message}"], error.traceback
    assert "exercises/__init__.py" not in graded.feedback


def test_nbgrader_validate_passes_on_the_reference(graded):
    assert "Success! Your notebook passes all the tests." in graded.validation, graded.validation[-2000:]


def test_release_has_no_solution_line(graded):
    chapter = nbformat.read(ROOT / "chapters" / f"{graded.name}.ipynb", as_version=4)
    release = nbformat.read(graded.course / "release" / graded.name / f"{graded.name}.ipynb", as_version=4)
    lines = {line.strip() for cell in release.cells for line in cell.source.splitlines()}
    secrets = solution_lines(chapter)
    assert len(secrets) >= 8
    assert not secrets & lines, f"solution lines in the release: {sorted(secrets & lines)[:3]}"
    assert not any("SOLUTION" in cell.source or "{solution" in cell.source for cell in release.cells)


def test_release_is_the_student_edition(graded):
    chapter = nbformat.read(ROOT / "chapters" / f"{graded.name}.ipynb", as_version=4)
    release = nbformat.read(graded.course / "release" / graded.name / f"{graded.name}.ipynb", as_version=4)
    student = student_notebook(chapter)
    assert [(c.cell_type, c.id, c.source) for c in release.cells] == \
           [(c.cell_type, c.id, c.source) for c in student.cells]


def test_release_locks_the_test_cells(graded):
    release = nbformat.read(graded.course / "release" / graded.name / f"{graded.name}.ipynb", as_version=4)
    locked = {c.metadata.nbgrader["grade_id"] for c in release.cells
              if c.metadata.get("nbgrader", {}).get("locked") and c.metadata.get("deletable") is False}
    assert {e.check_id for e in graded.exercises} <= locked
