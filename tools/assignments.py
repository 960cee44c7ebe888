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

Run it again after a change to the chapters: it never overwrites an instructor's work.
`course/source/` is where nbgrader tells instructors to edit (and where their own exercises go,
see instructors.md), so a source notebook is written only where none exists, or where the file
is byte for byte what this command last wrote there: it records the SHA-256 of every source it
writes in `course/.book-sources.json`. Any other source notebook (edited since, or written by
someone else) is left alone, and the command says so, names it, and says how to take the book's
new version:

    python3 tasks.py assignments --replace 03_autodiff   # or --replace all

which first copies the instructor's file to `course/backups/<chapter>/<chapter>-<time>.ipynb`
(outside source/, so that nbgrader never releases it). `nbgrader generate_assignment` then runs
for every chapter, from whatever source/ holds. The gradebook (gradebook.db), submitted/,
autograded/ and feedback/ are never touched.

The notebooks need no files besides themselves: they import `lecturelib`, which must be
installed wherever students and the autograder run them. nbgrader runs each notebook in the
`python3` kernel, which starts the `python` found first on PATH, so `nbgrader()` below puts the
running interpreter's directory (this repository's .venv, under tasks.py) first on PATH.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
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


MANIFEST = ".book-sources.json"  # in the course folder: {source path: SHA-256 of what this command wrote}
BACKUPS = "backups"


@dataclass
class Written:
    """What `write_course` did: the assignments it generated, the sources it (re)wrote, those it
    left alone (with the reason), the backups it made before replacing a source, and the
    assignments nbgrader would not regenerate (with its message)."""

    names: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    kept: dict[Path, str] = field(default_factory=dict)
    backups: list[Path] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def report(self, course: Path) -> str:
        lines = []
        if self.kept:
            lines.append("Left alone (your edits are kept; the release is generated from them):")
            for path, reason in self.kept.items():
                lines.append(f"  {path.relative_to(course)}: {reason}")
            names = " ".join(sorted(path.parent.name for path in self.kept))
            lines.append(f"To take the book's new version instead, run `python3 tasks.py assignments --replace "
                         f"{names}` (or `--replace all`): it first copies your file to "
                         f"{BACKUPS}/<chapter>/<chapter>-<time>.ipynb.")
        for backup in self.backups:
            lines.append(f"Backed up {backup.parent.name}'s previous source to {backup.relative_to(course)}")
        for name, message in self.failed.items():
            lines.append(f"Not regenerated: {name}. {message}")
        return "\n".join(lines)


class CourseError(RuntimeError):
    """nbgrader would not regenerate some assignments; `done` says what was done all the same."""

    def __init__(self, message: str, done: Written):
        super().__init__(message)
        self.done = done


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(course: Path) -> dict[str, str]:
    path = course / MANIFEST
    if not path.exists():
        return {}
    try:
        manifest = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise RuntimeError(f"{path} is not valid JSON ({error}): it records what `tasks.py assignments` "
                           "wrote; delete it to treat every existing source as yours") from None
    return manifest if isinstance(manifest, dict) else {}


def book_source(notebook: Path) -> bytes:
    """The chapter as an nbgrader source notebook: without the book's worked solutions, in plain
    Markdown (student_edition.without_markdown_solutions), as the bytes nbformat writes."""
    text = nbformat.writes(without_markdown_solutions(nbformat.read(notebook, as_version=4)))
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def write_source(course: Path, notebook: Path, manifest: dict[str, str], replace: bool,
                 done: Written) -> bytes | None:
    """Write one chapter as an nbgrader source assignment, unless an instructor's file is there
    (see the module's docstring). Returns the bytes it replaced (None if it wrote nothing or
    the file is new), so that a failed generation can put them back."""
    name = notebook.stem
    target = course / "source" / name / notebook.name
    key = target.relative_to(course).as_posix()
    new = book_source(notebook)
    current = target.read_bytes() if target.exists() else None
    if current == new:
        manifest[key] = _digest(new)
        return None
    if current is not None and manifest.get(key) != _digest(current):
        if not replace:
            done.kept[target] = ("changed since `tasks.py assignments` wrote it" if key in manifest
                                 else "not written by `tasks.py assignments` (no record of it)")
            return None
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        backup = course / BACKUPS / name / f"{name}-{stamp}.ipynb"
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, backup)
        done.backups.append(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(new)
    manifest[key] = _digest(new)
    done.written.append(target)
    return current


def write_course(course: Path = COURSE, notebooks: list[Path] | None = None, quiet: bool = False,
                 replace: list[str] | tuple[str, ...] = ()) -> Written:
    """Write the course directory and generate every assignment. `replace` names the chapters
    (or "all") whose instructor-edited source is to be backed up and replaced by the book's.

    nbgrader refuses to regenerate an assignment whose graded cells changed once it has
    submissions (it would break the gradebook). Then the source this run wrote is put back as
    it was (so that source, release and gradebook agree), the other assignments are generated
    all the same, and CourseError says which and why."""
    notebooks = notebooks or chapters()
    known = {notebook.stem for notebook in notebooks}
    unknown = sorted(set(replace) - known - {"all"})
    if unknown:
        raise ValueError(f"--replace names {', '.join(unknown)}, which is not a chapter; "
                         f"the chapters are {', '.join(sorted(known))} (or all)")
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG)
    manifest = _read_manifest(course)
    done = Written()
    previous = {}
    for notebook in notebooks:
        previous[notebook.stem] = write_source(course, notebook, manifest, "all" in replace or notebook.stem in replace,
                                               done)
        done.names.append(notebook.stem)
    (course / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    for name in done.names:
        release = course / "release" / name
        saved = Path(tempfile.mkdtemp()) / name  # `--force` deletes the release before nbgrader may refuse
        if release.exists():
            shutil.copytree(release, saved)
        try:
            result = nbgrader(course, "generate_assignment", name, "--force", quiet=True)
            if not quiet:
                sys.stdout.write(result.stdout + result.stderr)
        except RuntimeError as error:
            refused = re.search(r"RuntimeError: (Cannot add or remove cells[^\n]*)", str(error))
            if not refused:
                raise
            if saved.exists():
                shutil.rmtree(release, ignore_errors=True)
                shutil.copytree(saved, release)  # the release students have, as it was
            target = course / "source" / name / f"{name}.ipynb"
            if previous[name] is not None:
                target.write_bytes(previous[name])
                manifest[target.relative_to(course).as_posix()] = _digest(previous[name])
                (course / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
                done.written.remove(target)
            done.failed[name] = (f"nbgrader: \"{refused.group(1)}\": the new source adds or removes graded "
                                 "cells, which nbgrader forbids once an assignment has submissions. "
                                 + ("Its previous source is back in place, so source, release and gradebook "
                                    "still agree. " if previous[name] is not None else "")
                                 + "The release is left as it was. To change a graded assignment, release the "
                                 "new version under a new name, or remove its submissions from the gradebook first.")
        finally:
            shutil.rmtree(saved.parent, ignore_errors=True)
    if done.failed:
        raise CourseError(done.report(course), done)
    return done


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
    parser.add_argument("--replace", nargs="+", default=[], metavar="CHAPTER",
                        help="take the book's version of these chapters' sources (or all), after backing up "
                             "the instructor's file to backups/")
    args = parser.parse_args()
    course = args.course.resolve()
    try:
        done = write_course(course, replace=args.replace)
    except CourseError as error:
        print(str(error), file=sys.stderr)
        sys.exit(1)
    except (ValueError, RuntimeError) as error:
        print(f"tasks.py assignments: {error}", file=sys.stderr)
        sys.exit(2)
    print(f"Generated {len(done.names)} assignments in {course / 'release'}: {', '.join(done.names)}")
    if done.kept or done.backups:
        print(done.report(course))
