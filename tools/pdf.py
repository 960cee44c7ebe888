"""The whole book as one PDF: a single-page HTML build, printed by Debian's Chromium.

    python3 tools/pdf.py                    # after the HTML build (python3 tasks.py book)
    python3 tools/pdf.py --path-output DIR  # a book built with jupyter-book's --path-output DIR

writes `_build/pdf/training-deep-networks.pdf` and a copy at
`_build/html/_downloads/training-deep-networks.pdf`, where the landing page links it.

The route, and why: Jupyter Book's LaTeX route needs TeX Live (minutes to install in CI and a
second set of fonts and macros to get right), and its own `pdfhtml` builder downloads a Chromium
of its own (impossible here). Printing a single-page HTML build with the Chromium that `.ci/run`
already installs for the browser tests needs nothing more, and prints exactly what the web book
shows: the same MathJax, the same figures, the same fonts.

1. `jupyter-book build --builder singlehtml` WITHOUT `--all`, after the HTML build: it shares the
   HTML build's doctrees (`_build/.doctrees`), so no notebook is executed a second time and the
   PDF shows the outputs of that very build. Should a source have changed since (so that
   Sphinx reads and executes it again), the step says which.
2. Chromium (Playwright, `executable_path=/usr/bin/chromium`, never `playwright install`) opens
   the page from a local server, waits until MathJax has typeset every formula and every static
   explorer has drawn its first setting (a still, with a caption), removes the solutions (and the output of
   the check below each, which is the reference solution's), adds a title page and a table of
   contents, and prints A4 with the style sheet `_ext/print/book.css` (added to the single-page
   build by _ext/book_downloads.py): code wrapped, not cut off; figures at most the page's
   width; each chapter on a new page; page numbers at the foot.
3. The contents get page numbers in a second print: the first print's named destinations
   (`pdfinfo -dests`, poppler-utils) say on which page each chapter and section starts. Without
   poppler the contents keep their links, without page numbers. The print that is kept is
   **tagged, with an outline** (Chromium's `tagged` and `outline` options through Playwright's
   `page.pdf`): a structure tree (headings, paragraphs, lists, tables, figures with their alt
   text, in reading order) that screen readers read, and bookmarks. Chromium builds the
   bookmarks from the headings but repeats the text of a heading that meets a page break, so
   `add_outline` (pypdf) then writes them from the contents instead: every chapter with its
   sections, each linked where its contents entry links. Tagging roughly doubles the file,
   well within the 30 MB budget; the first print, which only finds the page numbers, is
   untagged, which is faster.
4. Before printing, every character the PDF shows as text is looked up with fontconfig (which
   Chromium uses): a character no installed font has (it would print as an empty box) stops
   the step with its name. DejaVu (fonts-dejavu-core) covers θ, ε, ∇, ρ′ and the arrows.

Solutions are left out of the PDF: a PDF is printed and handed out, while the exercises are
meant to be tried first, with the notebook's check. The worked solutions stay in the web book
(folded away) and in the instructors' notebooks.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDF_NAME = "training-deep-networks.pdf"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
TIMEOUT_MS = 120_000
KNOWN_THEME_ERRORS = ("Identifier 'THEBE_JS_URL' has already been declared",)  # sphinx-book-theme's own

# Runs in the page before printing: each chapter marked, the solutions removed, captions under the
# explorers' stills, the title page and the contents (links to anchors of its own, with a slot for a
# page number). Returns the contents' anchors, in order, and the characters printed as text.
PREPARE = r"""
({title, author, date}) => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  // The documents of the book: the landing page (it holds the others' toctrees), then each
  // chapter, found by the marker the single-page builder puts before it.
  const root = article.querySelector(':scope > section');
  if (!root) throw new Error('no sections in the single-page build');
  const docs = [root, ...[...article.querySelectorAll('span[id^="document-"]')]
    .map(marker => marker.nextElementSibling).filter(e => e && e.tagName === 'SECTION')];
  docs.forEach(doc => doc.classList.add('print-chapter'));

  // The landing page repeats the book's title: in print it is the preface.
  const preface = root.querySelector(':scope > h1');
  if (preface) preface.firstChild.textContent = 'About this book';

  // Solutions: left out of the printed book (they stay in the web book). The check cell after
  // a solution keeps its code (how to check your answer) but not its output, which is what the
  // reference solution got.
  document.querySelectorAll('.solution').forEach(solution => {
    const check = solution.nextElementSibling;
    if (check && check.classList.contains('cell')) check.querySelectorAll('.cell_output').forEach(o => o.remove());
    solution.remove();
  });

  // Static explorers: the figure at the setting shown first, a still; the controls stay on the
  // web page.
  document.querySelectorAll('.lx-explorer').forEach(explorer => {
    const caption = document.createElement('p');
    caption.className = 'print-still-caption';
    caption.textContent = 'A still of the explorer at its first setting. '
      + 'The web page has the interactive version.';
    explorer.after(caption);
  });

  // The title page and the contents.
  const front = document.createElement('section');
  front.className = 'print-front';
  front.innerHTML = `
    <div class="print-title-page">
      <p class="print-title"></p>
      <p class="print-subtitle"></p>
      <p class="print-author"></p>
      <p class="print-date"></p>
      <p class="print-note">This PDF has every chapter with its formulas, figures, code and
      exercises. Each chapter's explorer appears as a still; the web book has the interactive
      version, and the solutions to the exercises, folded away below each exercise.
      The course pack, offered on the web book's first page, runs the chapters as Jupyter
      notebooks on your own machine.</p>
    </div>
    <nav class="print-contents"><h1 class="print-contents-title">Contents</h1><ol></ol></nav>`;
  const subtitle = root.querySelector(':scope > p em');
  front.querySelector('.print-title').textContent = title;
  front.querySelector('.print-subtitle').textContent = subtitle ? subtitle.textContent : '';
  front.querySelector('.print-author').textContent = author;
  front.querySelector('.print-date').textContent = `Printed from the web book on ${date}.`;
  const list = front.querySelector('.print-contents ol');
  const anchors = [], outline = [];
  for (const doc of docs) {
    const entries = [[doc, 1], ...[...doc.querySelectorAll(':scope > section')].map(s => [s, 2])];
    for (const [target, level] of entries) {
      const heading = target.querySelector(':scope > h1, :scope > h2, :scope > h3');
      if (!heading) continue;
      // An anchor of our own: section ids such as "summary" repeat from chapter to chapter.
      const anchor = document.createElement('span');
      anchor.id = `print-toc-${anchors.length + 1}`;
      target.prepend(anchor);
      const item = document.createElement('li');
      item.className = `print-toc-${level}`;
      const link = document.createElement('a');
      link.href = '#' + anchor.id;
      link.innerHTML = heading.innerHTML;
      link.querySelectorAll('.headerlink').forEach(a => a.remove());
      const page = document.createElement('span');
      page.className = 'print-toc-page';
      page.dataset.target = anchor.id;
      item.append(link, page);
      list.append(item);
      anchors.push(anchor.id);
      outline.push({anchor: anchor.id, level, title: link.textContent.replace(/\s+/g, ' ').trim()});
    }
  }
  article.prepend(front);
  document.title = title;

  // Every character the PDF shows as text: in elements that print (the page is in print
  // mode), outside formulas, which MathJax draws with its own fonts.
  const characters = new Set();
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent || parent.closest('mjx-container, script, style') || !parent.checkVisibility()) continue;
    for (const c of walker.currentNode.data) if (c.codePointAt(0) > 127) characters.add(c);
  }
  return {anchors, outline, characters: [...characters].join('')};
}
"""


def jupyter_book() -> str:
    here = Path(sys.executable).parent / "jupyter-book"
    return str(here) if here.exists() else "jupyter-book"


def build_single_page(book: Path, path_output: Path | None) -> list[str]:
    """Run the single-page build; return the notebooks it had to execute (none after a fresh
    HTML build of the same sources)."""
    command = [jupyter_book(), "build", str(book), "--builder", "singlehtml", "-W", "-n", "--keep-going"]
    if path_output is not None:
        command += ["--path-output", str(path_output)]
    result = subprocess.run(command, cwd=book, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-6000:] + result.stderr[-6000:])
        raise RuntimeError("the single-page build failed (see above)")
    return re.findall(r"(\S+\.ipynb): Executing notebook", result.stdout + result.stderr)


@contextlib.contextmanager
def serve(folder: Path):
    """Serve `folder` on 127.0.0.1 (a free port) while the block runs; yields the base URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@contextlib.contextmanager
def launch():
    """Debian's Chromium (never a browser Playwright downloads), headless with FLAGS, through
    Playwright; closed when the block ends. The browser tests use it too (tests/chromium.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def missing_glyphs(characters: str) -> list[str]:
    """The characters no installed font has (fontconfig, which Chromium uses to pick fonts);
    private-use characters are skipped: they are icon and MathJax glyphs in the pages' web fonts."""
    if shutil.which("fc-list") is None:
        return []
    missing = []
    for character in characters:
        code = ord(character)
        if 0xE000 <= code <= 0xF8FF or character.isspace():
            continue
        found = subprocess.run(["fc-list", f":charset={code:x}", "family"], capture_output=True, text=True).stdout
        if not found.strip():
            missing.append(f"{character} (U+{code:04X} {unicodedata.name(character, '?')})")
    return missing


def named_destinations(pdf: Path) -> dict[str, int]:
    """{anchor: page} from `pdfinfo -dests` (poppler-utils); {} without poppler."""
    if shutil.which("pdfinfo") is None:
        return {}
    listing = subprocess.run(["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True).stdout
    pages = {}
    for line in listing.splitlines():
        match = re.match(r'\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$', line)
        if match:
            pages[match.group(2)] = int(match.group(1))
    return pages


def print_book(url: str, out: Path, meta: dict) -> dict[str, int]:
    """Print the single page at `url` to `out`; return the page of each contents entry."""
    from playwright.sync_api import Error as PlaywrightError

    with launch() as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url)
                   or route.request.url.startswith("data:") else route.abort())
        page.goto(f"{url}/index.html", wait_until="load", timeout=TIMEOUT_MS)
        try:
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise",
                                   timeout=TIMEOUT_MS)
            page.evaluate("MathJax.startup.promise")
        except PlaywrightError as error:
            raise RuntimeError(f"MathJax did not typeset the single page: {error}") from error
        page.wait_for_function("[...document.querySelectorAll('.lx-explorer')]"
                               ".every(e => e.dataset.lxReady === '1')", timeout=TIMEOUT_MS)
        failed = page.evaluate("document.querySelectorAll('mjx-merror').length")
        if failed:
            raise RuntimeError(f"{failed} formulas failed to typeset in the single-page build")
        own_errors = [e for e in errors if not any(known in e for known in KNOWN_THEME_ERRORS)]
        if own_errors:
            raise RuntimeError(f"the single page raised JavaScript errors: {own_errors[:3]}")
        page.emulate_media(media="print")
        prepared = page.evaluate(PREPARE, meta)
        missing = missing_glyphs(prepared["characters"])
        if missing:
            raise RuntimeError("no installed font has " + ", ".join(missing) + ": the PDF would "
                               "show empty boxes (install a font with them, or print other characters)")
        page.evaluate("document.fonts.ready.then(() => true)")
        numbers: dict[str, int] = {}
        for _ in range(3):  # the first print finds the pages; the next prints them (and checks)
            final = bool(numbers) or shutil.which("pdfinfo") is None  # tag the prints that may be kept
            page.pdf(path=str(out), prefer_css_page_size=True, print_background=True, tagged=final)
            found = named_destinations(out)
            wanted = {a: found[a] for a in prepared["anchors"] if a in found}
            if not wanted or wanted == numbers:
                break
            numbers = wanted
            page.evaluate("""(numbers) => document.querySelectorAll('.print-toc-page').forEach(
                span => { span.textContent = numbers[span.dataset.target] ?? ''; })""", numbers)
    add_outline(out, prepared["outline"])
    return numbers


def add_outline(pdf: Path, entries: list[dict]) -> None:
    """Replace the PDF's bookmarks by the book's contents: every chapter (and the preface), each
    with its sections, in order, each linked to the spot its contents entry links to (the
    named destination Chromium writes for it). Chromium's own outline, built from the headings,
    repeats the text of a heading that meets a page break ("2.2. 2.2. The catalogueThe
    catalogue"); these titles are the headings' own text. The structure tree is kept as it is."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import Fit, NameObject

    reader = PdfReader(pdf)
    destinations = reader.named_destinations
    writer = PdfWriter(clone_from=reader)
    writer._root_object.pop(NameObject("/Outlines"), None)  # Chromium's
    parent = None
    for entry in entries:
        target = destinations.get("/" + entry["anchor"]) or destinations.get(entry["anchor"])
        if target is None:
            raise RuntimeError(f"the PDF has no destination for the contents entry {entry['title']!r}")
        page = reader.get_destination_page_number(target)
        item = writer.add_outline_item(title=entry["title"], page_number=page, parent=parent if entry["level"] > 1 else None,
                                       fit=Fit.xyz(left=target.left, top=target.top))
        if entry["level"] == 1:
            parent = item
    writer.page_mode = "/UseOutlines"  # viewers open the bookmarks beside the first page
    scratch = pdf.with_suffix(".outline.pdf")
    with scratch.open("wb") as handle:
        writer.write(handle)
    scratch.replace(pdf)


def make_pdf(book: Path = ROOT, path_output: Path | None = None) -> Path:
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"Debian's Chromium is not at {CHROMIUM}: apt-get install chromium "
                                "(.ci/run does this). The HTML book is built; the PDF is not.")
    build = (path_output or book) / "_build"
    start = time.perf_counter()
    executed = build_single_page(book, path_output)
    if executed:
        print(f"Note: the single-page build executed {', '.join(executed)} again: their sources "
              "changed after the HTML build.", flush=True)
    built = time.perf_counter()
    out = build / "pdf" / PDF_NAME
    out.parent.mkdir(parents=True, exist_ok=True)
    import yaml

    config = yaml.safe_load((book / "_config.yml").read_text())
    meta = {"title": config.get("title", "The book"), "author": config.get("author", ""),
            "date": datetime.date.today().isoformat()}
    with serve(build / "singlehtml") as url:
        numbers = print_book(url, out, meta)
    html = build / "html"
    if (html / "index.html").exists():
        (html / "_downloads").mkdir(exist_ok=True)
        shutil.copy(out, html / "_downloads" / PDF_NAME)
    print(f"Wrote {out} ({out.stat().st_size / 1e6:.1f} MB; single-page build "
          f"{built - start:.0f} s, printing {time.perf_counter() - built:.0f} s"
          + ("" if numbers else "; contents without page numbers: pdfinfo (poppler-utils) is missing")
          + ")", flush=True)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", type=Path, default=ROOT, help="the book's folder (default: this checkout)")
    parser.add_argument("--path-output", type=Path, default=None,
                        help="the --path-output the HTML book was built with, if any")
    args = parser.parse_args()
    try:
        make_pdf(args.book.resolve(), args.path_output.resolve() if args.path_output else None)
    except (FileNotFoundError, RuntimeError) as error:
        print(f"No PDF: {error}", file=sys.stderr)
        sys.exit(1)
