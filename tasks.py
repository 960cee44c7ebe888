#!/usr/bin/env python3
"""The book's two commands, plus the benchmark.

    python3 tasks.py book    build the HTML book into _build/html, with the whole book as one PDF
                             (_build/pdf/training-deep-networks.pdf, linked from the landing page)
    python3 tasks.py pdf     the same: the PDF needs the HTML build, whose executed notebooks it reuses
    python3 tasks.py slides  one reveal.js deck per chapter, _build/html/slides/<chapter>.html, from the
                             book build's executed notebooks (the book command makes them too; see tools/slides.py)
    python3 tasks.py test    run every test: the book build (which executes every notebook once), unit tests,
                             the executed notebooks, the HTML in Chromium, the PDF, the nbgrader round trip
    python3 tasks.py bench   print the benchmark table (see benchmarks/run.py)
    python3 tasks.py student [--html]
                             the student edition: notebooks without solutions in student/
                             (and with --html, the student book in student/_build/html)
    python3 tasks.py assignments [--course DIR] [--replace CHAPTER ... | all]
                             the nbgrader course in course/: every chapter as an assignment,
                             with `nbgrader generate_assignment` run for each; an instructor's edited
                             source is kept unless --replace names it (backed up first; see tools/assignments.py)

Each command first makes sure `.venv` exists and holds what `requirements.txt` and
`pyproject.toml` ask for (it reinstalls when either file changes), so on a fresh machine
with Python 3.11 and pip nothing else is needed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"
INSTALL_INPUTS = ("requirements.txt", "pyproject.toml")


def _install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    """Create `.venv` and install the requirements and `lecturelib` (editable) when needed."""
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = _install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    print("Installing the book's requirements into .venv (about a minute) ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["--upgrade", "pip"], check=True)
    subprocess.run(pip + ["-r", str(ROOT / "requirements.txt"), "-e", str(ROOT)], check=True)
    STAMP.write_text(fingerprint)


def environment() -> dict[str, str]:
    """The environment every command runs in: the venv first on PATH.

    MPLBACKEND is removed, not set: notebook kernels inherit it, and with Agg they would show
    "<Figure size ...>" instead of the figure (tests/conftest.py picks Agg for unit tests)."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV)
    env.pop("MPLBACKEND", None)
    env.pop("PYTHONHOME", None)
    return env


def build_command(book: Path = ROOT) -> list[str]:
    """The Jupyter Book build: every page re-read (`--all`), so with `execute_notebooks: force`
    every notebook re-runs against the current `lecturelib` and no stale output reaches the HTML;
    warnings are errors (`-W`), references are checked (`-n`), and all problems are reported
    in one go (`--keep-going`)."""
    return [str(BIN / "jupyter-book"), "build", str(book), "--all", "-W", "-n", "--keep-going"]


CHROMIUM = Path("/usr/bin/chromium")  # Debian's; the PDF is printed by it (never a downloaded browser)


def build_book() -> int:
    """The HTML book, then the PDF (tools/pdf.py) when Debian's Chromium is installed."""
    print("Building the book (executes every notebook) ...", flush=True)
    result = subprocess.run(build_command(), cwd=ROOT, env=environment())
    if result.returncode != 0:
        print("The book build failed: see the messages above and _build/html/reports/.", flush=True)
        return result.returncode
    print(f"The book is in {ROOT / '_build' / 'html' / 'index.html'}", flush=True)
    slides = make_slides()
    if slides != 0:
        return slides
    if not CHROMIUM.exists():
        print("No PDF: it is printed by Debian's Chromium (apt-get install chromium poppler-utils "
              "fonts-dejavu-core), which is not installed.", flush=True)
        return 0
    return make_pdf()


def make_pdf() -> int:
    """The whole book as one PDF, from a single-page build that reuses the HTML build's executed
    notebooks (no notebook runs twice), printed by Debian's Chromium."""
    return subprocess.run([str(PYTHON), str(ROOT / "tools" / "pdf.py")], cwd=ROOT, env=environment()).returncode


def make_slides() -> int:
    """The chapters' slide decks, from the executed notebooks of the last book build (seconds)."""
    return subprocess.run([str(PYTHON), str(ROOT / "tools" / "slides.py")], cwd=ROOT, env=environment()).returncode


def slides_command(extra: list[str]) -> int:
    """`tasks.py slides`: the decks from the last book build, building the book first if there is none."""
    if not (ROOT / "_build" / "jupyter_execute" / "chapters").is_dir():
        return build_book()
    return make_slides()


def run_tests(extra: list[str]) -> int:
    """Build the book, then run pytest on the library, the notebooks' files and the build.

    Each notebook executes once per run: in the build (`execute_notebooks: force` and `--all`, so
    against the current notebooks and the current lecturelib, never from a cache). A cell that
    raises fails the build (`allow_errors: false`, `-W`); tests/test_executed_notebooks.py then
    reads the executed notebooks (_build/jupyter_execute/) instead of running them again with
    nbval (by hand: `pytest --nbval-lax chapters/`).

    With no extra arguments the two cores share the work: the tests that need no book (the
    library, the checkers, the explorers) run in a second process while the book builds, and the
    grading round trip (marker `nbgrader`: the student edition and nbgrader, which run the
    chapters on their own) in a third; the tests of the built book and the PDF run after the
    build. Each report is printed in turn. Extra arguments go to one pytest run after the build."""
    env = environment()
    env["LECTURELIB_REQUIRE_BOOK"] = "1"  # tests of the built HTML fail, not skip, when it is missing
    pytest = [str(PYTHON), "-m", "pytest", "-p", "no:cacheprovider"]
    start = time.perf_counter()
    beside = {}
    if not extra:
        for name, marks in (("the tests that need no book", "not nbgrader and not book and not pdf"),
                            ("the grading round trip", "nbgrader")):
            log = tempfile.TemporaryFile("w+")
            print(f"Running {name} (pytest -m \"{marks}\") beside the build ...", flush=True)
            beside[name] = (subprocess.Popen(pytest + ["-m", marks], cwd=ROOT, env=env, stdout=log,
                                             stderr=subprocess.STDOUT), log)
        extra = ["-m", "(book or pdf) and not nbgrader"]
    build_status = build_book()
    print(f"Book and PDF: {time.perf_counter() - start:.0f} s", flush=True)
    test_status = subprocess.run(pytest + extra, cwd=ROOT, env=env).returncode
    for name, (process, log) in beside.items():
        test_status = process.wait() or test_status
        log.seek(0)
        print(f"\n{name[0].upper() + name[1:]}:\n" + log.read(), flush=True)
        log.close()
        print(f"Done {name}: {time.perf_counter() - start:.0f} s after the start", flush=True)
    if build_status != 0:
        print("FAILED: the book build reported errors (see above).", flush=True)
    return build_status or test_status


def run_benchmarks(extra: list[str]) -> int:
    return subprocess.run([str(PYTHON), str(ROOT / "benchmarks" / "run.py"), *extra],
                          cwd=ROOT, env=environment()).returncode


def make_student_edition(extra: list[str]) -> int:
    code = subprocess.run([str(PYTHON), str(ROOT / "tools" / "student_edition.py"), *extra],
                          cwd=ROOT, env=environment()).returncode
    if code == 0 and "--html" in extra:
        code = subprocess.run(build_command(ROOT / "student"), cwd=ROOT / "student",
                              env=environment()).returncode
    return code


def make_assignments(extra: list[str]) -> int:
    return subprocess.run([str(PYTHON), str(ROOT / "tools" / "assignments.py"), *extra],
                          cwd=ROOT, env=environment()).returncode


def main(argv: list[str]) -> int:
    commands = {"book": lambda extra: build_book(), "pdf": lambda extra: build_book(),
                "test": run_tests, "bench": run_benchmarks, "student": make_student_edition,
                "assignments": make_assignments, "slides": slides_command}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    ensure_environment()
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
