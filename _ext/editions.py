"""A local Sphinx extension: the edition switcher on every page.

A frozen edition of the book (`python3 tasks.py edition NAME`, tools/edition.py) is a copy of the
HTML build with a banner naming it; the switcher lets a reader move between the editions that sit
beside it. pydata-sphinx-theme, under sphinx-book-theme, has a version switcher, but it cannot
serve here: sphinx-book-theme 1.x leaves the navbar it lives in empty, the theme's script
fetch()es its JSON list (browsers refuse that from file://, so a book opened from a folder shows
no switcher) and resolves a relative list address against the site's origin rather than the
page, and the build reads the list to check it. So this extension keeps the theme's look (its
`version-switcher__*` classes and Bootstrap dropdown) and fills it from a list that a <script>
loads, which works from file:// and from any static web space:

* `edition-switcher.html` (in `_ext/editions/`) goes into the primary sidebar of every page,
  under the book's title, hidden: the plain build names no list of editions;
* `switcher.js` (copied into `_static/editions/`, loaded by every page) shows it once
  tools/edition.py has named a list in a frozen copy (`data-editions-list`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent / "editions"
TEMPLATE = "edition-switcher.html"
SCRIPT = "editions/switcher.js"  # inside _static


def config_inited(app, config) -> None:
    config.templates_path.append(str(HERE))


def add_switcher(app, pagename, templatename, context, doctree) -> None:
    sidebars = context.get("sidebars")
    if isinstance(sidebars, list) and TEMPLATE not in sidebars:
        after = sidebars.index("navbar-logo.html") + 1 if "navbar-logo.html" in sidebars else 0
        context["sidebars"] = [*sidebars[:after], TEMPLATE, *sidebars[after:]]


def finish(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / SCRIPT
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(HERE / "switcher.js", target)


def setup(app):
    for name in (TEMPLATE, "switcher.js"):
        if not (HERE / name).exists():
            raise RuntimeError(f"the edition switcher's {HERE / name} is missing")
    app.connect("config-inited", config_inited)
    app.connect("html-page-context", add_switcher)
    app.connect("build-finished", finish)
    app.add_js_file(SCRIPT, loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
