"""The whole book as a PDF (tools/pdf.py): a single-page build printed by Debian's Chromium.

Read with poppler-utils (`pdftotext`, `pdfinfo`, `pdftoppm`; `.ci/run` installs them): every
chapter and exercise title is in it, no error text is, the solutions are left out, the contents
have page numbers, and the first page of each chapter is rendered to
`_build/screenshots/pdf-<chapter>.png` for a person to look at. Without Chromium the PDF is not
made, and these tests skip and say why.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
PDF = BUILD / "pdf" / "training-deep-networks.pdf"
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
POPPLER = ("pdftotext", "pdfinfo", "pdftoppm")

pytestmark = [
    pytest.mark.book,
    pytest.mark.pdf,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's Chromium is not "
                       "installed, so there is no PDF (apt-get install chromium; .ci/run does this)"),
]


def clean(text: str) -> str:
    """One line of plain text: a title broken after a hyphen joined again, curly quotes straight."""
    text = re.sub(r"-\n\s*", "-", text).replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip()


def code(notebook: Path) -> list[str]:
    return [c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]


def markdown(notebook: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "markdown")


def chapter_title(notebook: Path) -> str:
    return re.search(r"^# (.+)$", markdown(notebook), re.M).group(1).strip()


def exercise_titles(notebook: Path) -> list[str]:
    return re.findall(r"^:::\{exercise\}\s*(.+?)\s*$", markdown(notebook), re.M)


@pytest.fixture(scope="module")
def pdf() -> Path:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    problem = (f"poppler-utils is not installed ({', '.join(missing)} missing)" if missing else
               None if PDF.exists() else f"{PDF} is missing: run `python3 tools/pdf.py` after the book build")
    if problem:
        if os.environ.get("LECTURELIB_REQUIRE_BOOK"):
            pytest.fail(problem)
        pytest.skip(problem)
    return PDF


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def squash(text: str) -> str:
    """Letters and digits only: immune to line breaks, and to pdftotext joining "Gauss-" and
    "Newton" at a line break into "GaussNewton"."""
    return re.sub(r"[\W_]+", "", text.lower())


def first_page_of(pages: list[str], title: str) -> int:
    """The 0-based page where the chapter starts: the title's first page after the contents."""
    hits = [i for i, page in enumerate(pages) if squash(title) in squash(page)]
    assert len(hits) >= 2, f"{title!r} should be in the contents and at its chapter, found on pages {hits}"
    return hits[1]


def test_pdf_is_a_whole_book_under_30_mb(pdf, pages):
    assert pdf.stat().st_size < 30_000_000
    assert int(info(pdf)["Pages"].strip()) == len(pages) >= 10 * len(NOTEBOOKS)
    assert "(A4)" in info(pdf)["Page size"]
    site_copy = BUILD / "html" / "_downloads" / pdf.name
    assert site_copy.exists() and site_copy.read_bytes() == pdf.read_bytes(), \
        "the web book should offer this very PDF"


def test_pdf_shows_the_outputs_of_the_current_build(pdf):
    """The single-page build reused the HTML build's executed notebooks: the same figures
    (their file names are hashes of their content), and the PDF was printed after both."""
    html_pages = [BUILD / "html" / "chapters" / f"{n.stem}.html" for n in NOTEBOOKS]
    root_doc = re.search(r"url=([\w.]+)", (BUILD / "singlehtml" / "index.html").read_text()).group(1)
    single = BUILD / "singlehtml" / root_doc  # index.html only redirects to it
    figures = set()
    for page in html_pages:
        figures |= set(re.findall(r'src="\.\./_images/([^"]+)"', page.read_text()))
    printed = set(re.findall(r'src="_images/([^"]+)"', single.read_text()))
    assert figures and figures <= printed, \
        f"figures of the HTML book missing from the PDF's page: {sorted(figures - printed)[:3]}"
    assert pdf.stat().st_mtime >= single.stat().st_mtime >= max(p.stat().st_mtime for p in html_pages)


def test_pdf_has_every_chapter_and_exercise_title(pages):
    text = clean(" ".join(pages))
    for notebook in NOTEBOOKS:
        title = chapter_title(notebook)
        first_page_of(pages, title)
        for exercise in exercise_titles(notebook):
            assert f"({exercise})" in text, f"exercise {exercise!r} of {notebook.stem} is not in the PDF"


def test_pdf_has_no_error_or_raw_tex(pages):
    text = " ".join(pages)
    for bad in ("Undefined control sequence", "Missing $", "??", "Math input error", "Traceback",
                "\\(", "\\[", "$$", "<Figure size"):
        assert bad not in text, f"the PDF contains {bad!r}"
    sources = [source for notebook in NOTEBOOKS for source in code(notebook)]
    sources += [block for page in ROOT.glob("*.md") for block in
                re.findall(r"^[ \t]*```\w*\n(.*?)^[ \t]*```[ \t]*$", page.read_text(), re.M | re.S)]  # e.g. instructors.md's examples
    raw = [tex for tex in re.findall(r"\$[^$\s][^$\n]{0,80}\$", text)
           if not any(tex in " ".join(source.split()) for source in sources)]  # `$` in printed code is code
    assert not raw, f"raw TeX in the PDF: {raw[:3]}"


def test_pdf_leaves_the_solutions_out_and_shows_stills(pages):
    text = clean(" ".join(pages))
    assert "Solution to Exercise" not in text
    for notebook in NOTEBOOKS:
        solutions = [re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", source, re.S)
                     for source in code(notebook)]
        lines = [line.strip() for found in solutions if found
                 for line in found.group(1).splitlines() if len(line.strip()) > 25]
        assert lines, f"{notebook.stem} should have solution code"
        shown = [line for line in lines if clean(line) in text]
        assert not shown, f"solution code of {notebook.stem} is in the PDF: {shown[:2]}"
    explorers = sum(1 for n in NOTEBOOKS for c in nbformat.read(n, as_version=4).cells
                    if c.cell_type == "code" and ".static(" in c.source)
    assert text.count("The web page has the interactive version") == explorers >= len(NOTEBOOKS)


def test_contents_list_every_chapter_with_its_page(pages):
    contents = clean(" ".join(pages[1:first_page_of(pages, "About this book")]))  # after the title page
    assert contents.startswith("Contents")
    for notebook in NOTEBOOKS:
        title = chapter_title(notebook)
        number = re.search(re.escape(title[-20:]) + r" (\d+)", contents)  # a long title wraps
        assert number, f"{title!r} has no page number in the contents"
        assert int(number.group(1)) == first_page_of(pages, title) + 1


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_render_the_first_page_of_each_chapter(pdf, pages, notebook):
    page = first_page_of(pages, chapter_title(notebook)) + 1
    folder = BUILD / "screenshots"
    folder.mkdir(exist_ok=True)
    stem = folder / f"pdf-{notebook.stem}"
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True)
    assert Path(f"{stem}.png").stat().st_size > 20_000


def test_pdf_has_the_errata_page_with_every_slip(pdf, pages):
    """The errata page is printed after the chapters, with its table (the count of slips it
    states is the count of slip boxes in the notebooks' sources)."""
    boxes = sum(len(re.findall(r"^:::\{slip\} Lecture \d+,", markdown(n), re.M)) for n in NOTEBOOKS)
    # chapters link the page by its title, so find the page that starts with it
    start = next(i for i, page in enumerate(pages) if clean(page).startswith("Errata for the slides"))
    text = clean(" ".join(pages[start:]))
    assert start > first_page_of(pages, chapter_title(NOTEBOOKS[-1])), "after the chapters"
    assert f"{boxes} slips in all" in text
    # pdftotext interleaves the lines of a table's columns: look for one-word topics
    for topic in ("SiLU", "Gaussian", "Jacobean", "Levenberg-Marquardt"):
        assert squash(topic) in squash(text), f"{topic!r} is not on the errata page"
    folder = BUILD / "screenshots"
    folder.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(start + 1), "-l", str(start + 1), "-singlefile",
                    str(pdf), str(folder / "pdf-errata")], check=True)
    assert (folder / "pdf-errata.png").stat().st_size > 20_000


def section_titles(notebook: Path) -> list[str]:
    """The chapter's `## ` sections, in order, as the book shows them (MyST roles as their text)."""
    titles = re.findall(r"^## (.+?)\s*$", markdown(notebook), re.M)
    return [re.sub(r"\{\w+\}`([^`<]*?)\s*(?:<[^>]*>)?`|`", r"\1", t).replace("*", "") for t in titles]


def outline_of(reader) -> list[tuple[int, str, int]]:
    """(depth, title, 0-based page) of every bookmark, in order."""
    entries = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return entries


def test_pdf_outline_lists_every_chapter_and_section_and_links_to_it(pdf, pages):
    """The bookmarks (pypdf reads them): each chapter at the top level, numbered as in the book,
    with its sections under it in the chapter's order; each bookmark leads to the page where its
    heading is printed (or the one before, where its section begins)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert reader.trailer["/Root"].get("/PageMode") == "/UseOutlines", "viewers should open the bookmarks"
    outline = outline_of(reader)
    for number, notebook in enumerate(NOTEBOOKS, start=1):
        title = chapter_title(notebook)
        [at] = [i for i, (depth, text, _) in enumerate(outline) if depth == 0 and squash(text) == squash(f"{number}. {title}")]
        children = []
        for depth, text, page in outline[at + 1:]:
            if depth == 0:
                break
            children.append(text)
        expected = [f"{number}.{k}. {section}" for k, section in enumerate(section_titles(notebook), start=1)]
        assert [squash(c) for c in children] == [squash(e) for e in expected], f"the sections of {notebook.stem}"
    for depth, text, page in outline:
        heading = squash(re.sub(r"^[\d.]+\s*", "", text))[:30]
        assert heading in squash(pages[page]) or heading in squash(pages[page + 1]), \
            f"the bookmark {text!r} leads to page {page + 1}, which does not show its heading"


def test_pdf_is_tagged_with_a_structure_tree_that_describes_the_figures(pdf):
    """pdfinfo says Tagged: yes; the structure tree (read with pypdf) has headings, paragraphs,
    lists and tables, and every figure of the chapters is a /Figure whose /Alt is the alt text
    of its notebook cell."""
    from pypdf import PdfReader

    assert info(pdf)["Tagged"].strip() == "yes"
    root = PdfReader(pdf).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    kinds, alts = {}, set()
    stack = [root["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            kind = node.get("/S")
            kinds[kind] = kinds.get(kind, 0) + 1
            if kind == "/Figure" and "/Alt" in node:
                alts.add(" ".join(str(node["/Alt"]).split()))
            if "/K" in node:
                stack.append(node["/K"])
    headings = sum(count for kind, count in kinds.items() if kind and re.fullmatch(r"/H\d", str(kind)))
    assert headings >= sum(len(section_titles(n)) + 1 for n in NOTEBOOKS)
    for kind in ("/P", "/L", "/LI", "/Table", "/Link"):
        assert kinds.get(kind, 0) >= 5, f"the structure tree has {kinds.get(kind, 0)} {kind}"
    figures = [" ".join(c.metadata["mystnb"]["image"]["alt"].split()) for n in NOTEBOOKS
               for c in nbformat.read(n, as_version=4).cells
               if c.cell_type == "code" and "image" in c.metadata.get("mystnb", {}) and ".static(" not in c.source]
    missing = [alt for alt in figures if alt not in alts]
    assert len(figures) > 30 and not missing, f"figures without their description: {missing[:2]}"
