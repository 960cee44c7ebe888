"""A local Sphinx extension: what the build adds for the book's two downloads.

* The course pack. The HTML build writes `_downloads/training-deep-networks-course-pack.zip`
  (chapter notebooks, a wheel of lecturelib, requirements.txt, a README; see
  tools/course_pack.py), linked from the landing page.
* The PDF. `tools/pdf.py` prints a single-page build (`jupyter-book build --builder singlehtml`)
  with Chromium and copies the result to `_downloads/training-deep-networks.pdf`. For that build
  this extension adds the print style sheet `_ext/print/book.css` (copied into
  `_static/print/`, like offline_assets.py copies MathJax: a folder named `_static` in the
  sources would be added to every page twice), and lets the single-page builder render every
  node the HTML builder renders (the theme registers some, e.g. `{fa}` icons, for `html` only).
  An HTML build deletes a PDF left from an earlier build, so the site never offers a stale one:
  the PDF step runs after it.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
PRINT_CSS = HERE / "print" / "book.css"
DOWNLOADS = "_downloads"
PDF_NAME = "training-deep-networks.pdf"


def project_root(start: Path) -> Path:
    """The checkout that holds tools/course_pack.py: the book's folder or one above it (the
    student edition's book lives in student/)."""
    for folder in (start, *start.parents):
        if (folder / "tools" / "course_pack.py").exists() and (folder / "pyproject.toml").exists():
            return folder
    raise RuntimeError(f"no tools/course_pack.py with a pyproject.toml above {start}")


def course_pack_module(root: Path):
    spec = importlib.util.spec_from_file_location("course_pack", root / "tools" / "course_pack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def builder_inited(app) -> None:
    if app.builder.name == "singlehtml":
        handlers = app.registry.translation_handlers
        for node, visitors in handlers.get("html", {}).items():
            handlers.setdefault("singlehtml", {}).setdefault(node, visitors)
        app.add_css_file("print/book.css")
    elif app.builder.name == "html":
        (Path(app.outdir) / DOWNLOADS / PDF_NAME).unlink(missing_ok=True)


def build_finished(app, exception) -> None:
    if exception is not None:
        return
    outdir = Path(app.outdir)
    if app.builder.name == "singlehtml":
        target = outdir / "_static" / "print"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(PRINT_CSS, target / PRINT_CSS.name)
    elif app.builder.name == "html":
        srcdir = Path(app.srcdir)
        pack = course_pack_module(project_root(srcdir))
        pack.write_pack(outdir / DOWNLOADS / pack.ZIP_NAME, chapters=srcdir / "chapters",
                        project=project_root(srcdir))


def setup(app):
    if not PRINT_CSS.exists():
        raise RuntimeError(f"the print style sheet {PRINT_CSS} is missing")
    app.connect("builder-inited", builder_inited)
    app.connect("build-finished", build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
