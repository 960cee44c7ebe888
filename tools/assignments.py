"""The nbgrader course: every chapter is one assignment, and nbgrader itself makes the release.

    python3 tasks.py assignments                # writes course/ (gitignored)
    python3 tasks.py assignments --course DIR   # another course directory

It writes

    course/nbgrader_config.py                    the course id and the autograder's cell timeout
    course/source/<chapter>/<chapter>.ipynb      the chapter without the book's worked solutions
                                                 (student_edition.without_markdown_solutions);
                                                 the code solutions stay, between nbgrader's markers

and runs `nbgrader generate_assignment <chapter> --force` for every chapter, so that
`course/release/<chapter>/<chapter>.ipynb` is what students get. Its cells are those of the
student edition (`tasks.py student`, which strips code with nbgrader's own ClearSolutions);
tests/test_nbgrader.py checks both, and that the release has no solution line.

Run it again after a change to the chapters: source/ and release/ are rewritten, while the
gradebook (gradebook.db), submitted/, autograded/ and feedback/ are left alone.

The notebooks need no files besides themselves: they import `lecturelib`, which must be
installed wherever students and the autograder run them. nbgrader runs each notebook in the
`python3` kernel, which starts the `python` found first on PATH, so `nbgrader()` below puts the
running interpreter's directory (this repository's .venv, under tasks.py) first on PATH.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from student_edition import without_markdown_solutions  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
COURSE_ID = "training-deep-networks"
CELL_TIMEOUT = 120  # seconds; a whole chapter runs cold in about 10 s (README's benchmark)

CONFIG = f'''\
# nbgrader's configuration for this course, written by `python3 tasks.py assignments`
# (tools/assignments.py). Every chapter of the book is one assignment, named after its notebook.
c = get_config()  # noqa: F821 (nbgrader provides get_config)
c.CourseDirectory.course_id = "{COURSE_ID}"
c.Execute.timeout = {CELL_TIMEOUT}  # seconds per cell, when autograding and validating
'''


def chapters() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def nbgrader_environment() -> dict[str, str]:
    """The environment for nbgrader: this interpreter's bin/ first on PATH, so that the
    notebooks run in a kernel that has lecturelib."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("MPLBACKEND", None)  # the notebooks keep their inline backend
    env.pop("NBGRADER_EXECUTION", None)  # nbgrader sets it itself while it grades
    return env


def nbgrader(course: Path, *args: str, quiet: bool = False) -> subprocess.CompletedProcess:
    """Run `nbgrader <args>` in the course directory; raise with nbgrader's log if it fails."""
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=nbgrader_environment(),
                            text=True, capture_output=quiet)
    if result.returncode != 0:
        log = f":\n{result.stdout}{result.stderr}" if quiet else " (see its log above)"
        raise RuntimeError(f"`nbgrader {' '.join(args)}` failed in {course}{log}")
    return result


def write_source(course: Path, notebook: Path) -> str:
    """Write one chapter as an nbgrader source assignment; return the assignment's name."""
    name = notebook.stem
    folder = course / "source" / name
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(without_markdown_solutions(nbformat.read(notebook, as_version=4)), folder / notebook.name)
    return name


def write_course(course: Path = COURSE, notebooks: list[Path] | None = None, quiet: bool = False) -> list[str]:
    """Write the course directory and generate every assignment; return their names."""
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG)
    names = [write_source(course, notebook) for notebook in (notebooks or chapters())]
    for name in names:
        nbgrader(course, "generate_assignment", name, "--force", quiet=quiet)
    return names


def reference_submission(release: nbformat.NotebookNode, source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The release with every answer cell filled in with the instructor's solution (matched by
    grade_id): what a student who got everything right hands in."""
    solutions = {cell.metadata.nbgrader.grade_id: cell.source for cell in source.cells
                 if cell.metadata.get("nbgrader", {}).get("solution")}
    submission = nbformat.from_dict(copy.deepcopy(release))
    for cell in submission.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = solutions[cell.metadata.nbgrader.grade_id]
    return submission


def submit(course: Path, assignment: str, student: str, notebook: nbformat.NotebookNode) -> Path:
    """Put a notebook where `nbgrader collect` would: submitted/<student>/<assignment>/."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / f"{assignment}.ipynb")
    (folder / "timestamp.txt").write_text("2026-06-01 12:00:00.000000 UTC\n")
    return folder


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write the nbgrader course directory and generate every assignment.")
    parser.add_argument("--course", type=Path, default=COURSE, help=f"the course directory (default {COURSE})")
    course = parser.parse_args().course.resolve()
    names = write_course(course)
    print(f"Generated {len(names)} assignments in {course / 'release'}: {', '.join(names)}")
