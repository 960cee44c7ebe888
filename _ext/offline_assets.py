"""A local Sphinx extension: the built book needs no network to render its math, and stays lean.

MathJax 3 comes from the `django-static-mathjax` wheel (a plain copy of MathJax 3.2.2, no
Django needed; it is in requirements.txt). Of its 24 MB `es5/` folder the pages load only the
combined component `tex-mml-chtml.js` (TeX input with the AMS packages, CommonHTML output, the
menu) and the CommonHTML fonts it asks for, so only these are copied into the HTML output, at
`_static/vendor/mathjax/es5/`, and `mathjax_path` points there instead of to a CDN:

    tex-mml-chtml.js                  the component every page loads (1.2 MB)
    output/chtml/fonts/woff-v2/       its fonts, all 23 (0.35 MB): a new formula may need another

Left out: the other components, the SVG output and its fonts, the TeX packages that MathJax
loads on first use of their macros (`\\boldsymbol`, `\\cancel`, ...: no page uses one), and the
accessibility explorer with its speech-rule engine (about 4 MB, loaded only when a reader turns
it on in the formula menu; offline that menu item does nothing). tests/test_browser.py checks
that every formula typesets offline and that no page asks for a file that is not shipped: if a
new macro makes MathJax ask for, say, `input/tex/extensions/boldsymbol.js`, add that file to
MATHJAX_PARTS.

The files are copied after the build rather than listed in `html_static_path`, so that no tool
adds them to every page a second time. The same step removes what no page loads (the browser
test would see a request for a missing file): the theme's source maps (`*.map`, read only by a
browser's developer tools), its translation catalogs (`_static/locales/`, used when the HTML is
written, not when it is read) and the TrueType copies of its icon fonts (browsers load the
WOFF2 copies listed first).
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

MATHJAX_TARGET = "vendor/mathjax"  # inside _static
MATHJAX_COMPONENT = "tex-mml-chtml.js"
MATHJAX_PARTS = (MATHJAX_COMPONENT, "output/chtml/fonts/woff-v2")


def mathjax_source() -> Path:
    source = Path(str(files("mathjax"))) / "static" / "mathjax" / "es5"
    missing = [part for part in MATHJAX_PARTS if not (source / part).exists()]
    if missing:
        raise RuntimeError(f"MathJax 3 not found at {source} (missing {missing}): "
                           "is django-static-mathjax installed?")
    return source


def copy_mathjax(target: Path) -> None:
    """Copy the parts of MathJax the pages use to `target` (the `es5` folder), and only those."""
    source = mathjax_source()
    if target.exists():
        shutil.rmtree(target)  # an earlier build may have copied the whole of MathJax
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source / part, target / part)


def trim_theme(static: Path) -> None:
    """Remove the theme's source maps, translation catalogs and TrueType icon fonts from the output."""
    for unused in [*static.glob("**/*.map"), *static.glob("vendor/fontawesome/webfonts/*.ttf")]:
        unused.unlink()
    shutil.rmtree(static / "locales", ignore_errors=True)


def finish(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        copy_mathjax(static / MATHJAX_TARGET / "es5")
        trim_theme(static)


def setup(app):
    mathjax_source()  # fail early, with a clear message, if the package is missing
    app.config.mathjax_path = f"{MATHJAX_TARGET}/es5/{MATHJAX_COMPONENT}"
    app.connect("build-finished", finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
