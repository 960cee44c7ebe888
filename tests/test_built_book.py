"""The built HTML book (under _build/html) shows what a reader should see.

`python3 tasks.py test` builds the book first; the browser checks (rendering, explorers
steered) are in tests/test_browser.py."""

import itertools
import json
import math
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml

import tasks

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO = CONFIG["repository"]["url"].removeprefix("https://github.com/")
BRANCH = CONFIG["repository"]["branch"]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))

pytestmark = pytest.mark.book


def page(html: Path, stem: str) -> str:
    path = html / "chapters" / f"{stem}.html"
    assert path.exists(), f"{path} was not built"
    return path.read_text()


def exercise_count(notebook: Path) -> int:
    cells = nbformat.read(notebook, as_version=4).cells
    return sum(len(re.findall(r":::\{exercise\}", c.source)) for c in cells if c.cell_type == "markdown")


def test_landing_page_links_every_chapter_in_order(built_book):
    text = (built_book / "intro.html").read_text()
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    chapters = [entry["file"] for part in toc["parts"] for entry in part["chapters"]]
    positions = [text.find(f'href="{chapter}.html"') for chapter in chapters]
    assert all(p >= 0 for p in positions), f"landing page misses a link: {dict(zip(chapters, positions))}"
    assert positions == sorted(positions)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_launch_and_download_buttons_point_to_this_notebook(built_book, notebook):
    text = page(built_book, notebook.stem)
    binder = f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?urlpath=lab/tree/chapters/{notebook.name}"
    colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/chapters/{notebook.name}"
    assert binder in text and colab in text
    assert f'href="../_sources/chapters/{notebook.name}"' in text
    assert (built_book / "_sources" / "chapters" / notebook.name).exists()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_page_shows_executed_figures_each_with_alt_text(built_book, notebook):
    text = page(built_book, notebook.stem)
    assert "&lt;Figure size" not in text, "a figure was printed as text: is MPLBACKEND set for the kernel?"
    outputs = re.findall(r'<img [^>]*src="\.\./_images/[^"]+"[^>]*>', text)
    figure_cells = sum(1 for c in nbformat.read(notebook, as_version=4).cells
                       if c.cell_type == "code" and "image" in c.metadata.get("mystnb", {})
                       and ".static(" not in c.source)
    assert figure_cells >= 1
    assert len(outputs) >= figure_cells, f"{len(outputs)} figure images for {figure_cells} figure cells"
    missing = [img for img in outputs if not re.search(r'alt="[^"]{10,}"', img)]
    assert not missing, f"figures without alt text: {missing[:2]}"
    # Without alt text in the cell's metadata, myst-nb writes the image's file name instead.
    named = [img for img in outputs if re.search(r'alt="[^" ]*\.(?:png|jpe?g|svg)"', img)]
    assert not named, f"figures whose alt text is a file name: {named[:2]}"


def figures_cut_at_the_edge(executed) -> list[str]:
    """The PNG figures of an executed notebook whose outermost pixels are not all background
    (white): ink that reaches the edge of the canvas was cut off there."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    cut = []
    for index, cell in enumerate(executed.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            if not data:
                continue
            pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB"))
            edge = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
            if (edge < 250).any():
                first = cell.source.splitlines()[0] if cell.source else ""
                cut.append(f"cell {index} ({first[:60]}): {int((edge < 250).any(axis=1).sum())} edge pixels inked")
    return cut


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_figure_is_cut_at_the_edge_of_its_canvas(built_book, notebook):
    # Figures are shown as drawn, not cropped to their ink (plotting.show_uncropped): constrained
    # layout must fit every title, label and legend inside the canvas.
    executed = ROOT / "_build" / "jupyter_execute" / "chapters" / notebook.name
    assert executed.exists(), f"{executed} was not written by the build"
    cut = figures_cut_at_the_edge(nbformat.read(executed, as_version=4))
    assert not cut, f"figures whose ink reaches the edge (widen the figure or shorten a title): {cut}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_page_has_no_error_stderr_or_widget_box(built_book, notebook):
    text = page(built_book, notebook.stem)
    assert "Traceback" not in text
    assert 'class="output stderr"' not in text
    assert "application/vnd.jupyter.widget-view+json" not in text, "a live widget would be a dead box here"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_page_embeds_a_static_explorer_that_needs_no_kernel(built_book, notebook):
    """The explorer's data are in the page itself (no kernel, no request): its controls, a
    background image for each group and one frame for every setting the controls offer."""
    text = page(built_book, notebook.stem)
    found = re.findall(r'<script type="application/json" class="lx-data">(\{.*?)</script>', text, re.S)
    expected_count = sum(".static(" in c.source for c in nbformat.read(notebook, as_version=4).cells
                         if c.cell_type == "code")
    assert len(found) == expected_count, f"{len(found)} static explorers on the page, {expected_count} expected"
    for raw in found:
        data = json.loads(raw)
        sizes = [len(c["options"]) for c in data["controls"]]
        assert data["controls"] and all(n >= 2 for n in sizes), f"{data['name']}: every control offers a choice"
        names = [c["name"] for c in data["controls"]]

        def offered(index):  # a control shown only with some options of a menu stays at its first otherwise
            return all(i == c["initial"] or not c.get("when") or index[names.index(c["when"]["control"])]
                       in c["when"]["options"] for i, c in zip(index, data["controls"]))

        expected = sum(map(offered, itertools.product(*map(range, sizes))))
        assert len(data["settings"]) == expected <= math.prod(sizes), \
            f"{data['name']}: a frame for every setting the controls offer"
        assert all(0 <= i < len(data["frames"]) for i in data["settings"].values())
        assert all(src.startswith("data:image/png;base64,") for src in data["images"].values())


PAGE_BUDGET_BYTES = 3_000_000  # a chapter page with its explorers, on a phone's connection


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_page_stays_within_its_weight_budget(built_book, notebook):
    path = built_book / "chapters" / f"{notebook.stem}.html"
    assert path.stat().st_size <= PAGE_BUDGET_BYTES, \
        f"{path.name}: {path.stat().st_size / 1e6:.2f} MB, over the {PAGE_BUDGET_BYTES / 1e6:g} MB budget"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercises_render_with_collapsed_solutions_that_pass_their_checks(built_book, notebook):
    text = page(built_book, notebook.stem)
    n = exercise_count(notebook)
    assert text.count('class="exercise admonition"') == n
    assert text.count('class="solution dropdown admonition"') == n
    assert text.count("✅") >= n, "every reference solution should pass its check in the build"


def test_instructors_page_lists_every_exercise_once_with_its_points(built_book):
    text = (built_book / "instructors.html").read_text()
    tables = re.findall(r"<table.*?</table>", text, re.S)
    [exercises] = [t for t in tables if "Learning goal" in t]
    rows = re.findall(r"<tr.*?</tr>", exercises, re.S)[1:]
    labels = [re.search(r'href="chapters/[\w]+\.html#([\w-]+)"', row).group(1) for row in rows]
    expected = [c.metadata["exercise"]["label"] for notebook in NOTEBOOKS
                for c in nbformat.read(notebook, as_version=4).cells if "exercise" in c.metadata]
    assert labels == expected and len(set(labels)) == len(labels) >= 4 * len(NOTEBOOKS)
    points = [float(re.findall(r"<td><p>([\d.]+)</p></td>", row)[-1]) for row in rows]
    assert all(p > 0 for p in points)


def test_search_index_covers_the_chapters(built_book):
    assert (built_book / "search.html").exists()
    index = (built_book / "searchindex.js").read_text()
    for term in ("sigmoid", "softmax", "vanish"):
        assert term in index
    for notebook in NOTEBOOKS:
        assert f"chapters/{notebook.stem}" in index


@pytest.mark.slow
def test_rebuild_shows_new_library_results(tmp_path):
    """A change to imported code shows up in the next build, although the notebook itself is
    unchanged: the build must not serve cached or stale outputs."""
    book = tmp_path / "book"
    book.mkdir()
    (book / "_config.yml").write_text(
        "title: probe\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: force\n")
    (book / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Probe"),
        nbformat.v4.new_code_cell("import probe\nprint('probe says', probe.VALUE)"),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, book / "page.ipynb")

    seen = []
    for value in ("first-build-value", "second-build-value"):
        (book / "probe.py").write_text(f"VALUE = {value!r}\n")
        subprocess.run(tasks.build_command(book), cwd=book, env=tasks.environment(), check=True,
                       capture_output=True)
        seen.append((book / "_build" / "html" / "page.html").read_text())
    assert "probe says first-build-value" in seen[0]
    assert "probe says second-build-value" in seen[1] and "first-build-value" not in seen[1]


SLIP = re.compile(r"^:::\{slip\} Lecture (\d+),", re.M)


def slip_lectures(notebook: Path) -> list[int]:
    """The lecture of every slip box in the notebook's markdown cells, read from the source."""
    cells = nbformat.read(notebook, as_version=4).cells
    return [int(n) for c in cells if c.cell_type == "markdown" for n in SLIP.findall(c.source)]


def test_errata_table_has_one_row_per_slip_box_each_linking_to_its_box(built_book):
    html = (built_book / "errata.html").read_text()
    [table] = re.findall(r'<table class="slip-errata[^"]*">.*?</table>', html, re.S)
    rows = re.findall(r"<tr.*?</tr>", table, re.S)[1:]
    in_sources = {notebook.stem: slip_lectures(notebook) for notebook in NOTEBOOKS}
    expected = sorted(n for lectures in in_sources.values() for n in lectures)
    lectures = [int(re.sub(r"<.*?>", "", re.findall(r"<td>(.*?)</td>", row, re.S)[0])) for row in rows]
    assert lectures == expected and len(rows) >= 40, "one row per slip box, by lecture"
    assert f"{len(expected)} slips in all" in html
    linked = {}
    for row in rows:
        target, anchor = re.search(r'href="chapters/(\w+)\.html#(slip-[\w-]+)"', row).groups()
        page = (built_book / "chapters" / f"{target}.html").read_text()
        assert f'<div class="slip admonition" id="{anchor}">' in page, f"{target}#{anchor} is no slip box"
        linked.setdefault(target, set()).add(anchor)
    for stem, lectures in in_sources.items():
        assert len(linked.get(stem, ())) == len(lectures), f"{stem}: every box once, no box twice"
        assert page_boxes(built_book, stem) == len(lectures)


def page_boxes(html: Path, stem: str) -> int:
    return page(html, stem).count('class="slip admonition"')


def test_landing_and_instructors_pages_link_the_errata(built_book):
    for name in ("intro.html", "instructors.html"):
        assert 'href="errata.html"' in (built_book / name).read_text(), name
    assert "Errata for the slides" in (built_book / "errata.html").read_text()
