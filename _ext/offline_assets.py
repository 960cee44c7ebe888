"""A local Sphinx extension: the built book needs no network to render its math.

MathJax 3 comes from the `django-static-mathjax` wheel (a plain copy of MathJax 3.2.2, no
Django needed; it is in requirements.txt). Its `es5/` bundle is copied into the HTML output
at `_static/vendor/mathjax/es5/` and `mathjax_path` points there, instead of to a CDN.
The files are copied after the build rather than listed in `html_static_path`, so that no
tool adds them to every page a second time.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

MATHJAX_TARGET = "vendor/mathjax"  # inside _static


def mathjax_source() -> Path:
    source = Path(str(files("mathjax"))) / "static" / "mathjax" / "es5"
    if not (source / "tex-mml-chtml.js").exists():
        raise RuntimeError(f"MathJax 3 not found at {source}: is django-static-mathjax installed?")
    return source


def copy_mathjax(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / MATHJAX_TARGET / "es5"
        shutil.copytree(mathjax_source(), target, dirs_exist_ok=True)


def setup(app):
    mathjax_source()  # fail early, with a clear message, if the package is missing
    app.config.mathjax_path = f"{MATHJAX_TARGET}/es5/tex-mml-chtml.js"
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
