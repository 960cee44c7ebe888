"""nbgrader grades every chapter: the real nbgrader (pinned in requirements.txt) generates,
autogrades, validates and writes feedback, in a throw-away course directory per chapter.

For each chapter, `tools/assignments.py` writes the course and runs `nbgrader generate_assignment`;
then one `nbgrader autograde` call grades three submissions made from the release:

* `reference`: every answer cell filled with the instructor's solution: full marks;
* `stubs`: the release as handed out: 0 on every exercise, and every cell still runs (no kernel
  crash, no timeout);
* `sign-error`: the reference with one exercise's answer negated: the maximum minus exactly
  that exercise's points, and the checker's message in `nbgrader generate_feedback`'s HTML.

`nbgrader validate` passes on the reference (in chapter 3, whose instructor's exercise has hidden
tests; every chapter's reference scores full marks). Scores are read from nbgrader's gradebook.

Chapter 3 also carries an instructor's own exercise, exactly as instructors.md's worked example
("Your own exercises") adds it to the nbgrader source: a visible check and hidden tests written
with the book's answer layer. `tasks.py assignments` is run again and must keep the edited source
byte for byte; a fourth student, `naive`, answers it with the formula that passes the visible
check and overflows in the hidden tests, and loses exactly its points. After grading, taking the
book's version back (`--replace`) is refused by nbgrader (the exercise's graded cells would
vanish from a graded assignment): the instructor's source is put back, the gradebook unchanged.

The sign-error student's feedback HTML is opened in Chromium: every exercise's title is a
heading and its formulas typeset (the release is plain Markdown, tools/plain_markdown.py).
Selected with `-m nbgrader`. Each chapter runs its notebook three times (four in chapter 3, plus
validation); two chapters are graded at a time (`gradings`).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import textwrap
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
from assignments import (CourseError, Written, nbgrader, nbgrader_environment, reference_submission,  # noqa: E402
                         submit, write_course)
from exercise_table import Exercise, read_exercises  # noqa: E402
from student_edition import student_notebook  # noqa: E402
from test_student_edition import solution_lines  # noqa: E402
from test_plain_markdown import myst_leftovers  # noqa: E402
from chromium import NEEDS_CHROMIUM, browser, serve  # noqa: E402,F401 (browser: a fixture)

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
OWN_CHAPTER = "03_autodiff"  # where the tests add instructors.md's own exercise
VALIDATED = OWN_CHAPTER  # where `nbgrader validate` runs too (its hidden tests included)
OWN = Exercise(notebook=OWN_CHAPTER, chapter=3, label="my-softplus", goal="an instructor's own exercise",
               minutes=10, points=2)
# The answer that passes the visible check and fails the hidden tests (NaN at x = 800).
NAIVE = "import numpy as np\n\n\ndef softplus_prime(x):\n    return np.exp(x) / (1 + np.exp(x))\n"


def own_exercise_cells() -> list:
    """instructors.md's worked example: the task, the answer cell and the test cell, each with
    the metadata the page shows, as an instructor adds them to a source notebook."""
    text = (ROOT / "instructors.md").read_text(encoding="utf-8")
    section = text[text.index("## Your own exercises"):]
    section = section[:section.index("\n## ")]
    blocks = [(kind, textwrap.dedent(body).strip()) for kind, body in
              re.findall(r"^[ \t]*```(\w+)\n(.*?)^[ \t]*```[ \t]*$", section, re.M | re.S)]
    assert [kind for kind, _ in blocks] == ["markdown", "python", "json", "python", "json"], blocks
    task = nbformat.v4.new_markdown_cell(blocks[0][1])
    answer = nbformat.v4.new_code_cell(blocks[1][1], metadata=json.loads(blocks[2][1]))
    test = nbformat.v4.new_code_cell(blocks[3][1], metadata=json.loads(blocks[4][1]))
    assert "### BEGIN HIDDEN TESTS" in test.source and "call_student" in test.source and "assert_close" in test.source
    assert answer.metadata["nbgrader"]["grade_id"] == OWN.answer_id
    assert test.metadata["nbgrader"]["grade_id"] == OWN.check_id and test.metadata["nbgrader"]["points"] == OWN.points
    return [task, answer, test]


@dataclass
class OwnExercise:
    mine: bytes  # the source with the instructor's exercise
    rerun: Written  # what `tasks.py assignments` did when run again
    kept: bytes  # the source after that
    refused: CourseError | None  # `--replace` after grading
    after_replace: bytes  # the source after that
    scores_after_replace: dict


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
    validation: str | None
    own: OwnExercise | None = None


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


GRADING_WORKERS = 2  # chapters graded at once: the lane keeps both cores busy to its end


@pytest.fixture(scope="session")
def gradings(request, tmp_path_factory) -> dict[str, Future]:
    """Every selected chapter's grading (`grade`), started at once, two at a time: each in its own
    course folder and gradebook, the work done by nbgrader's own processes. A chapter's tests wait
    only for their chapter."""
    chosen = {item.callspec.params["graded"] for item in request.session.items
              if hasattr(item, "callspec") and "graded" in item.callspec.params}
    pool = ThreadPoolExecutor(max_workers=GRADING_WORKERS)
    futures = {notebook.stem: pool.submit(grade, notebook, tmp_path_factory.mktemp(notebook.stem))
               for notebook in NOTEBOOKS if notebook in chosen}
    yield futures
    pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda p: p.stem)
def graded(request, gradings) -> Graded:
    return gradings[request.param.stem].result()


def grade(notebook: Path, course: Path) -> Graded:
    """The round trip for one chapter, in `course` (see the module docstring)."""
    name = notebook.stem
    write_course(course, [notebook], quiet=True)
    source_path = course / "source" / name / notebook.name
    exercises = read_exercises(notebook)
    if name == OWN_CHAPTER:  # an instructor adds an exercise, then runs `tasks.py assignments` again
        edited = nbformat.read(source_path, as_version=4)
        edited.cells += own_exercise_cells()
        nbformat.write(edited, source_path)
        mine = source_path.read_bytes()
        rerun = write_course(course, [notebook], quiet=True)
        kept = source_path.read_bytes()
        exercises = exercises + [OWN]
    release = nbformat.read(course / "release" / name / notebook.name, as_version=4)
    source = nbformat.read(source_path, as_version=4)
    wrong = next(e for e in exercises if e.label == SIGN_ERROR[name])
    reference = reference_submission(release, source)
    submissions = {"reference": reference, "stubs": release, "sign-error": with_sign_error(reference, wrong)}
    if name == OWN_CHAPTER:
        naive = nbformat.from_dict(reference)
        next(c for c in naive.cells if grading_metadata(c).get("grade_id") == OWN.answer_id).source = NAIVE
        submissions["naive"] = naive
    for student, submission in submissions.items():
        submit(course, name, student, submission)

    # nbgrader validate (what a student runs before handing in) runs the reference while nbgrader
    # autograde runs the submissions: in VALIDATED only, since every chapter's reference already
    # scores full marks in autograde, which runs the same tests
    validating = None if name != VALIDATED else subprocess.Popen(
        [sys.executable, "-m", "nbgrader", "validate", str(course / "submitted" / "reference" / name / notebook.name)],
        cwd=course, env=nbgrader_environment(), text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        nbgrader(course, "autograde", name, quiet=True)
        nbgrader(course, "generate_feedback", name, "--student=sign-error", quiet=True)
        validation = validating.communicate(timeout=600)[0] if validating else None
    finally:
        if validating:
            validating.kill()
    scores, totals = gradebook_scores(course, name, submissions)
    autograded = {student: nbformat.read(course / "autograded" / student / name / notebook.name, as_version=4)
                  for student in submissions}
    feedback = (course / "feedback" / "sign-error" / name / f"{name}.html").read_text()
    own = None
    if name == OWN_CHAPTER:  # the book's version back, after grading: nbgrader refuses
        try:
            write_course(course, [notebook], quiet=True, replace=[name])
            refused = None
        except CourseError as error:
            refused = error
        own = OwnExercise(mine, rerun, kept, refused, source_path.read_bytes(),
                          gradebook_scores(course, name, submissions)[0])
    return Graded(name, course, exercises, wrong, scores, totals, autograded, feedback, validation, own)


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


def test_grading_runs_the_chapter_as_a_reader_does_without_the_pages_capture(graded):
    """Autograding pays for what a reader's kernel runs, no more: each static explorer cell gives
    the note, not the web page's capture, which only the book's build runs (_ext/build_only.py)."""
    cells = [c for c in graded.autograded["reference"].cells if c.cell_type == "code" and ".static(" in c.source]
    assert cells, "the chapter has no static explorer cell"
    for cell in cells:
        shown = json.dumps([o.get("data", {}) for o in cell.outputs])
        assert "lx-explorer" not in shown and "computed when the book is built" in shown, shown[:300]


def test_an_instructors_own_exercise_is_kept_graded_and_its_hidden_tests_count(graded):
    if graded.own is None:
        pytest.skip(f"the own exercise is added to {OWN_CHAPTER}")
    own = graded.own
    assert own.kept == own.mine, "rerunning `tasks.py assignments` changed the instructor's source"
    assert list(own.rerun.kept) == [graded.course / "source" / graded.name / f"{graded.name}.ipynb"]
    release = nbformat.read(graded.course / "release" / graded.name / f"{graded.name}.ipynb", as_version=4)
    [answer] = [c for c in release.cells if grading_metadata(c).get("grade_id") == OWN.answer_id]
    [test] = [c for c in release.cells if grading_metadata(c).get("grade_id") == OWN.check_id]
    assert "raise NotImplementedError()" in answer.source and "np.where" not in answer.source
    assert "run_check(" in test.source and "HIDDEN" not in test.source and "far" not in test.source
    # the naive answer passes the visible check (its confirmation is printed) and still loses
    # exactly the exercise's points: the hidden tests count
    naive = {e.check_id: e.points for e in graded.exercises} | {OWN.check_id: 0}
    assert graded.scores["naive"] == naive
    score, maximum = graded.totals["naive"]
    assert score == maximum - OWN.points and graded.scores["reference"][OWN.check_id] == OWN.points
    [cell] = [c for c in graded.autograded["naive"].cells if grading_metadata(c).get("grade_id") == OWN.check_id]
    printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert "✅" in printed and "A softplus derivative" in printed, printed
    assert errors and errors[0].ename == "ExerciseError" and "far from 0" in errors[0].evalue


def test_taking_the_books_version_after_grading_is_refused_and_loses_nothing(graded):
    if graded.own is None:
        pytest.skip(f"the own exercise is added to {OWN_CHAPTER}")
    own = graded.own
    assert own.refused is not None and "Cannot add or remove cells" in str(own.refused)
    assert own.after_replace == own.mine, "the instructor's source is back in place"
    [backup] = own.refused.done.backups
    assert backup.read_bytes() == own.mine
    assert own.scores_after_replace == graded.scores, "the gradebook changed"
    release = graded.course / "release" / graded.name / f"{graded.name}.ipynb"
    assert OWN.check_id in release.read_text(), "the release is made again from the instructor's source"


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
    if graded.validation is None:
        pytest.skip(f"validated in {VALIDATED}; this chapter's reference scores full marks in autograde")
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
    ids = [c.id for c in student.cells]
    if graded.own:  # the instructor's exercise follows, as nbgrader strips it
        student.cells += student_notebook(nbformat.v4.new_notebook(cells=own_exercise_cells())).cells
    assert [(c.cell_type, c.source) for c in release.cells] == [(c.cell_type, c.source) for c in student.cells]
    assert [c.id for c in release.cells][:len(ids)] == ids


def test_release_carries_no_myst(graded):
    release = nbformat.read(graded.course / "release" / graded.name / f"{graded.name}.ipynb", as_version=4)
    leftovers = myst_leftovers("\n\n".join(c.source for c in release.cells if c.cell_type == "markdown"))
    assert not leftovers, f"MyST in what students receive: {leftovers[:5]}"


@NEEDS_CHROMIUM
def test_feedback_shows_exercise_titles_and_math_in_chromium(graded, browser):
    """nbgrader's feedback HTML in Chromium: each exercise's title is a heading, and its task's
    formulas typeset. The page asks for MathJax 2 from a CDN (nbgrader's template); here, with no
    network, that request is answered with the MathJax 3 of the django-static-mathjax package,
    configured for `$` as the template configures MathJax 2. The wrong exercise is saved as a
    screenshot (_build/screenshots/feedback-<chapter>.png)."""
    chapter = nbformat.read(ROOT / "chapters" / f"{graded.name}.ipynb", as_version=4)
    titles = re.findall(r"^:::\{exercise\}\s*(.+?)\s*$",
                        "\n".join(c.source for c in chapter.cells if c.cell_type == "markdown"), re.M)
    if graded.own:
        titles.append(re.match(r"### Exercise: (.+)", own_exercise_cells()[0].source).group(1))
    folder = graded.course / "feedback" / "sign-error" / graded.name
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    outside, errors = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with serve(folder) as url:
        page.route("**/*", lambda route: answer_offline(route, url, outside))
        page.goto(f"{url}/{graded.name}.html", wait_until="load")
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000)
        page.evaluate("MathJax.startup.promise")
        headings = page.eval_on_selector_all("h3", "hs => hs.map(h => h.textContent.replace('¶', '').trim())")
        assert [h for h in headings if h.startswith("Exercise: ")] == [f"Exercise: {t}" for t in titles]
        typeset = page.evaluate("""() => [...document.querySelectorAll('h3')]
            .filter(h => h.textContent.startsWith('Exercise: '))
            .map(h => h.closest('.cell, .jp-Cell, .text_cell').querySelectorAll('mjx-container').length)""")
        assert sum(typeset) >= len(titles) and page.evaluate("document.querySelectorAll('mjx-merror').length") == 0
        shown = page.evaluate("document.body.innerText")
        assert ":::" not in shown and "{ref}" not in shown and "{exercise}" not in shown
        wrong = page.locator("h3", has_text=f"Exercise: {chapter_title_of(chapter, graded.wrong.label)}").first
        shots = ROOT / "_build" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        wrong.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"feedback-{graded.name}.png"))
    page.close()
    # nbgrader's template loads jQuery (and so its `$`) from a CDN, which this offline test blocks
    assert [e for e in errors if e != "$ is not defined"] == [], errors


def chapter_title_of(chapter, label: str) -> str:
    """The title of the exercise labelled `label` in the chapter's MyST."""
    text = "\n".join(c.source for c in chapter.cells if c.cell_type == "markdown")
    return re.search(r"^:::\{exercise\}\s*(.+?)\s*\n:label: " + re.escape(label) + r"\s*$", text, re.M).group(1)


MATHJAX_CDN = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/"
MATHJAX_SHIM = f"""window.MathJax = {{tex: {{inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], processEscapes: true}}}};
var script = document.createElement('script');
script.src = '{MATHJAX_CDN}es5/tex-mml-chtml.js';
document.head.appendChild(script);"""


def answer_offline(route, url: str, outside: list) -> None:
    """The local server's files; MathJax's CDN answered from the pip package; nothing else."""
    from importlib.resources import files

    request = route.request.url
    if request.startswith(url) or request.startswith("data:"):
        route.continue_()
    elif request.startswith(MATHJAX_CDN + "latest.js"):
        route.fulfill(body=MATHJAX_SHIM, content_type="text/javascript")
    elif request.startswith(MATHJAX_CDN + "es5/"):
        local = Path(str(files("mathjax"))) / "static" / "mathjax" / request[len(MATHJAX_CDN):].split("?")[0]
        route.fulfill(path=str(local)) if local.is_file() else route.abort()
    else:
        outside.append(request)
        route.abort()


def test_release_locks_the_test_cells(graded):
    release = nbformat.read(graded.course / "release" / graded.name / f"{graded.name}.ipynb", as_version=4)
    locked = {c.metadata.nbgrader["grade_id"] for c in release.cells
              if c.metadata.get("nbgrader", {}).get("locked") and c.metadata.get("deletable") is False}
    assert {e.check_id for e in graded.exercises} <= locked
