"""The course pack: everything a student needs to run the chapters on their own machine, in one zip.

    python3 tools/course_pack.py [OUT.zip]   # default: _build/training-deep-networks-course-pack.zip

The HTML build makes it by itself (`_ext/book_downloads.py` calls `write_pack` and puts the zip
at `_build/html/_downloads/`, linked from the landing page). The zip holds

    training-deep-networks/
        README.txt            the two commands
        requirements.txt      what the chapters import, torch pinned as in the book's own environment
        lecturelib-<v>-py3-none-any.whl   the book's library, built from this checkout
        chapters/*.ipynb      the chapter notebooks, as the book's download button gives them

The wheel is built with the running interpreter's setuptools and no build isolation, from a copy
of the package in a temporary folder: no network, and no `build/` folder left in the checkout.
tests/test_course_pack.py unpacks the zip into a fresh virtual environment and runs a chapter.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACK_NAME = "training-deep-networks"  # the folder inside the zip
ZIP_NAME = f"{PACK_NAME}-course-pack.zip"

# requirements.txt lines that only the book's build and tests need, not a reader running the chapters
BUILD_ONLY = ("jupyter-book", "sphinx-", "django-static-mathjax", "pytest", "nbval", "hypothesis",
              "playwright", "nbgrader", "nbconvert", "axe-", "pypdf")
# what a reader needs besides the chapters' imports: a Jupyter to open them in
FOR_READERS = ("jupyterlab>=4",)

README = """\
Training Deep Networks: the course pack
=======================================

The chapters of the book as Jupyter notebooks, and lecturelib, the small library they import.
You need Python 3.10 or newer. In this folder, run

    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt {wheel}
    .venv/bin/jupyter lab chapters/

(on Windows: .venv\\Scripts\\pip and .venv\\Scripts\\jupyter). The first command downloads
PyTorch and the rest, about 1.5 GB; the second opens the chapters in your browser. On Linux,
add `--extra-index-url https://download.pytorch.org/whl/cpu` to the first command: PyTorch's
CPU build is enough for the book, and far smaller than the GPU build pip takes by default.
Run a chapter top to bottom (Run > Run All Cells): its figures, animations and checks are
computed on your machine. Each exercise ends with a check that tells you whether your answer
is right; the book's web pages have the worked solutions.
"""


def reader_requirements(requirements: str) -> str:
    """The book's requirements.txt without its build and test tools, plus a Jupyter to run in."""
    keep = ["# What the chapters need (the book's own requirements.txt, without its build and test tools)."]
    for line in requirements.splitlines():
        name = re.split(r"[<>=!~\[; #]", line.strip(), maxsplit=1)[0].lower()
        if line.strip().startswith("#") or not name:
            continue
        if not name.startswith(BUILD_ONLY):
            keep.append(line.split("  #")[0].rstrip())
    return "\n".join(keep + list(FOR_READERS)) + "\n"


def build_wheel(project: Path, out: Path) -> Path:
    """`pip wheel --no-deps --no-build-isolation` of `project` (copied first, so its tree stays clean)."""
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "src"
        source.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(project / name, source / name)
        shutil.copytree(project / "lecturelib", source / "lecturelib",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
             "--disable-pip-version-check", "-q", "-w", str(out), str(source)],
            capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"building the lecturelib wheel failed:\n{result.stdout}{result.stderr}")
    wheels = sorted(out.glob("lecturelib-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one lecturelib wheel in {out}, found {[w.name for w in wheels]}")
    return wheels[0]


def write_pack(zip_path: Path, chapters: Path = ROOT / "chapters", project: Path = ROOT) -> Path:
    """Write the course pack to `zip_path`: the notebooks of `chapters`, a wheel of `project`'s
    lecturelib, requirements.txt and README.txt. Returns `zip_path`."""
    notebooks = sorted(chapters.glob("*.ipynb"))
    if not notebooks:
        raise RuntimeError(f"no chapter notebooks in {chapters}")
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        wheel = build_wheel(project, Path(scratch))
        files = {
            "README.txt": README.format(wheel=wheel.name).encode(),
            "requirements.txt": reader_requirements((project / "requirements.txt").read_text()).encode(),
            wheel.name: wheel.read_bytes(),
        }
        files.update({f"chapters/{n.name}": n.read_bytes() for n in notebooks})
        partial = zip_path.with_suffix(".part")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as pack:
            for name, data in files.items():
                pack.writestr(f"{PACK_NAME}/{name}", data)
        partial.replace(zip_path)
    return zip_path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write the course pack: notebooks, lecturelib wheel, requirements.")
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "_build" / ZIP_NAME)
    path = write_pack(parser.parse_args().out)
    print(f"Wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
