"""The built book in a real browser: Debian's Chromium driven by Playwright.

Pages are served on 127.0.0.1 and every request to any other host is blocked, so these tests
also prove that the book renders offline (MathJax is vendored, see _ext/offline_assets.py).
Full-page screenshots of each chapter, light and dark, are written to _build/screenshots/.
`.ci/run` installs Chromium; on a machine without it these tests skip and say why.
"""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from chromium import KNOWN_THEME_ERRORS, NEEDS_CHROMIUM, browser, serve  # noqa: F401 (browser: a fixture)


ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").iterdir() if p.suffix in (".ipynb", ".md"))
NOTEBOOKS = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))

PAGES = ["intro.html", "instructors.html", "errata.html", "search.html", "genindex.html"] + [f"chapters/{c}.html" for c in CHAPTERS]
# axe-core's rules for WCAG 2.0 and 2.1, levels A and AA (axe-playwright-python bundles axe-core)
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
AXE = Axe()

pytestmark = [
    pytest.mark.book,
    NEEDS_CHROMIUM,
]


# Code blocks are thousands of syntax-highlighting spans, which make axe's colour-contrast rule
# take most of a minute per chapter page. Every span of a token class has the same colour on the
# same code background (the theme's Pygments style), so axe checks the page without the code
# blocks plus one span of each token class in each kind of block (cell input, cell output, page):
# every colour the code shows, at a quarter of the cost.
SAMPLE_CODE = """() => {
  const seen = new Set();
  for (const span of document.querySelectorAll('.highlight span[class], .highlight pre')) {
    const block = span.closest('.cell_output') ? 'output' : span.closest('.cell_input') ? 'input' : 'page';
    const key = block + ' ' + span.tagName + ' ' + span.className;
    if (!seen.has(key)) { seen.add(key); span.dataset.axeSample = ''; }
  }
  return seen.size;
}"""
CODE_CONTEXT = {"include": [[":root"], ["[data-axe-sample]"]], "exclude": [[".highlight"]]}


def wcag_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 AA violations on the page as it is now, one line each (code blocks
    through one span per token class, SAMPLE_CODE)."""
    sampled = page.evaluate(SAMPLE_CODE)
    violations = AXE.run(page, context=CODE_CONTEXT if sampled else None, options=WCAG_21_AA).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']}; {len(v['nodes'])} element(s), first {v['nodes'][0]['target']}"
            for v in violations]


@pytest.fixture(scope="module")
def site(built_book):
    with serve(built_book) as url:
        yield url


class Visit:
    """One page load with its JavaScript errors, failed requests and blocked outside requests."""

    def __init__(self, browser, site, path, dark=False):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        if dark:
            self.context.add_init_script("localStorage.setItem('theme', 'dark'); localStorage.setItem('mode', 'dark')")
        self.page = self.context.new_page()
        self.errors, self.failed, self.outside = [], [], []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))

        def route(route):
            if route.request.url.startswith(site) or route.request.url.startswith("data:"):
                route.continue_()
            else:
                self.outside.append(route.request.url)
                route.abort()

        self.page.route("**/*", route)
        self.page.goto(f"{site}/{path}", wait_until="load")
        self.page.wait_for_function("!window.MathJax || !MathJax.startup || MathJax.startup.promise", timeout=10000)
        self.page.evaluate("window.MathJax && MathJax.startup ? MathJax.startup.promise : null")

    def own_errors(self):
        return [e for e in self.errors if not any(known in e for known in KNOWN_THEME_ERRORS)]

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, site):
    visits = []

    def open_page(path, dark=False):
        visits.append(Visit(browser, site, path, dark))
        return visits[-1]

    yield open_page
    for v in visits:
        v.close()


@pytest.mark.parametrize("path", ["intro.html", "search.html", "errata.html"]
                         + [f"chapters/{c}.html" for c in CHAPTERS])
def test_page_loads_offline_without_errors(visit, path):
    page = visit(path)
    assert page.own_errors() == []
    assert page.failed == []
    assert page.outside == [], f"the page asked the network for {page.outside[:3]}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_formula_typesets_and_every_image_loads(visit, chapter):
    page = visit(f"chapters/{chapter}.html").page
    math = page.evaluate("document.querySelectorAll('mjx-container').length")
    errors = page.evaluate("document.querySelectorAll('mjx-merror').length")
    raw = page.evaluate("""() => {
        const body = document.querySelector('article').cloneNode(true);
        body.querySelectorAll('pre, code, mjx-container, script').forEach(e => e.remove());
        return (body.innerText.match(/\\\\\\(|\\\\\\[|\\$\\$/g) || []).length;
    }""")
    broken = page.evaluate("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
    assert errors == 0, f"{errors} formulas failed to typeset"
    assert raw == 0, f"{raw} formulas left as raw TeX"
    assert broken == []
    if chapter in NOTEBOOKS:
        assert math > 20, "a full chapter has formulas"


def test_vendored_mathjax_is_only_what_the_pages_load(visit, built_book):
    """_ext/offline_assets.py ships the one MathJax component the pages use and its fonts, not
    the whole 24 MB package; every file a page asks for is there (no failed request)."""
    mathjax = built_book / "_static" / "vendor" / "mathjax"
    size = sum(p.stat().st_size for p in mathjax.rglob("*") if p.is_file())
    assert 1_000_000 < size < 2_000_000, f"the vendored MathJax weighs {size / 1e6:.1f} MB"
    asked = set()
    for chapter in NOTEBOOKS[:2]:
        page = visit(f"chapters/{chapter}.html")
        page.page.evaluate("document.fonts.ready.then(() => true)")
        asked |= {e["name"].split("?")[0] for e in page.page.evaluate("performance.getEntriesByType('resource')")
                  if "/vendor/mathjax/" in e["name"]}
        assert page.failed == []
    assert any(name.endswith("tex-mml-chtml.js") for name in asked)
    assert any(name.endswith(".woff") for name in asked), "formulas should use MathJax's own fonts"


def canvas_pixels(explorer):
    """A fingerprint of what the explorer's figure shows: its canvas and its background image."""
    return explorer.evaluate("e => e.querySelector('canvas').toDataURL() + e.querySelector('img').src")


@pytest.mark.parametrize("chapter", NOTEBOOKS)
def test_every_static_explorer_steers_from_the_keyboard(visit, chapter, built_book):
    """Each static explorer of the chapter on the built page: each control, moved with the
    keyboard, redraws the figure and shows the value chosen; a screenshot before and after the
    first change goes to _build/screenshots/ (<chapter>-explorer-before.png for the first
    explorer, <chapter>-explorer<k>-before.png for the k-th: the README's "looked at" pictures)."""
    visited = visit(f"chapters/{chapter}.html")
    page = visited.page
    folder = built_book.parent / "screenshots"
    folder.mkdir(exist_ok=True)
    page.wait_for_function("[...document.querySelectorAll('.lx-explorer')].every(e => e.dataset.lxReady === '1')",
                           timeout=20000)
    count = page.locator(".lx-explorer").count()
    assert count >= 1
    for k in range(count):
        explorer = page.locator(".lx-explorer").nth(k)
        explorer.scroll_into_view_if_needed()
        index = page.evaluate("(k) => window.lectureExplorers.indexOf(window.lectureExplorers.find("
                              "x => x.element === document.querySelectorAll('.lx-explorer')[k]))", k)
        assert index >= 0, f"explorer {k} was not set up by static.js"
        stem = f"{chapter}-explorer" + (f"{k + 1}" if k else "")
        explorer.screenshot(path=str(folder / f"{stem}-before.png"))
        # the controls shown (chapter 2 shows only the chosen activation's sliders), counted anew as
        # moving a menu may show others
        controls = explorer.locator(".lx-control:not([hidden]) input[type=range], .lx-control:not([hidden]) select")
        assert controls.count() >= 1
        state_of = f"window.lectureExplorers[{index}].state()"
        shown = (f"[window.lectureExplorers[{index}].frame(), "
                 f"document.querySelectorAll('.lx-explorer')[{k}].querySelector('img').src]")
        redrawn, i = 0, -1
        while i + 1 < controls.count():
            i += 1
            control = controls.nth(i)
            before = canvas_pixels(explorer)
            state = page.evaluate(state_of)
            frame = page.evaluate(shown)
            control.focus()
            for key in ("ArrowRight", "ArrowRight", "ArrowDown", "ArrowLeft"):
                page.keyboard.press(key)
                if canvas_pixels(explorer) != before:
                    break
            assert page.evaluate(state_of) != state, f"explorer {k}: control {i} did not move"
            if page.evaluate(shown) != frame:  # a new frame or background
                assert canvas_pixels(explorer) != before, f"explorer {k}: control {i} moved but the figure stayed"
                redrawn += 1
            name = control.get_attribute("id")
            output = explorer.locator(f"output[for='{name}']")
            assert output.count() == 1, f"explorer {k}: control {i} shows no value"
            assert output.first.inner_text().strip() in page.evaluate(state_of).values()
            if i == 0:
                explorer.screenshot(path=str(folder / f"{stem}-after.png"))
        assert redrawn >= 1, f"explorer {k}: no control changed the figure"
    assert visited.own_errors() == [] and visited.outside == []


@pytest.mark.parametrize("chapter", NOTEBOOKS)
def test_launch_buttons_point_to_this_notebook(visit, chapter):
    page = visit(f"chapters/{chapter}.html").page
    hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
    assert any("mybinder.org" in h and h.endswith(f"chapters/{chapter}.ipynb") for h in hrefs)
    assert any("colab.research.google.com" in h and h.endswith(f"chapters/{chapter}.ipynb") for h in hrefs)


@pytest.mark.parametrize("chapter", NOTEBOOKS)
def test_solutions_start_collapsed_and_open_on_click(visit, chapter):
    page = visit(f"chapters/{chapter}.html").page
    solutions = page.locator(".solution.dropdown")
    assert solutions.count() >= 4
    first = solutions.first
    body = first.locator("section, .cell, p").last
    first.scroll_into_view_if_needed()
    assert not body.is_visible(), "a solution should start collapsed"
    first.locator("button.toggle-button").click()  # the title also holds a link to the exercise
    page.wait_for_timeout(500)
    assert body.is_visible(), "clicking the solution's title should open it"


def test_search_finds_the_chapters(visit):
    terms = ["sigmoid", "softmax"] + (["Nesterov"] if "04_first_order" in NOTEBOOKS else [])
    for term in terms:
        page = visit(f"search.html?q={term}").page
        page.wait_for_selector("ul.search li", timeout=10000)
        links = page.eval_on_selector_all("ul.search li a", "links => links.map(a => a.href)")
        assert any("/chapters/" in link for link in links), f"no chapter found for {term!r}"


@pytest.mark.parametrize("path", PAGES)
def test_light_and_dark_pass_axe_wcag_21_aa_with_screenshots(visit, path, built_book):
    """Every page, in both themes, passes axe-core's WCAG 2.1 A and AA rules; each chapter's
    full page is saved in both themes (_build/screenshots/<chapter>-<theme>.jpg: a chapter is
    some 60,000 pixels tall, which JPEG encodes in half PNG's time)."""
    folder = built_book.parent / "screenshots"
    folder.mkdir(exist_ok=True)
    for mode in ("light", "dark"):
        page = visit(path, dark=(mode == "dark")).page
        theme = page.evaluate("document.documentElement.dataset.theme")
        assert theme == mode, f"expected the {mode} theme, the page has {theme!r}"
        assert wcag_violations(page) == [], f"{path} in the {mode} theme"
        if path.startswith("chapters/"):
            shot = folder / f"{Path(path).stem}-{mode}.jpg"
            page.screenshot(path=str(shot), full_page=True, type="jpeg", quality=75)
            assert shot.stat().st_size > 20_000


def test_errata_table_typesets_its_formulas_and_its_links_reach_the_boxes(visit):
    page = visit("errata.html").page
    assert page.evaluate("document.querySelectorAll('table.slip-errata mjx-container').length") > 30
    assert page.evaluate("document.querySelectorAll('mjx-merror').length") == 0
    link = page.locator("table.slip-errata a.reference").first
    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url(f"**#{anchor}")
    assert page.locator(f"div.slip.admonition#{anchor}").is_visible()


# What the deck shows must fit its 1280 x 720 slide: the slide's height, and every display
# formula inside the slide's width (tools/slides.py's template sets wide ones smaller).
SLIDE_FITS = """() => {
  const slide = Reveal.getCurrentSlide(), box = slide.getBoundingClientRect(), scale = Reveal.getScale();
  const wide = [...slide.querySelectorAll('mjx-container[display="true"]')]
    .filter(m => m.getBoundingClientRect().right > box.right + 2 * scale).length;
  return {height: slide.scrollHeight, limit: Reveal.getConfig().height, wide};
}"""


@pytest.mark.parametrize("chapter", NOTEBOOKS)
def test_every_slide_of_the_deck_by_keyboard_offline(visit, chapter, built_book):
    """The chapter's deck (tools/slides.py) in Chromium with every outside request blocked:
    the right arrow steps through every slide, each fits, no JavaScript error, no failed
    request, every formula typesets; the explorer moves with the keyboard inside its slide;
    then axe-core's WCAG 2.1 AA rules pass on the title slide and the explorer's. The title
    and explorer slides are saved as screenshots (_build/screenshots/slides-<chapter>-*.png)."""
    visited = visit(f"slides/{chapter}.html")
    page = visited.page
    page.wait_for_function("document.body.dataset.deckReady === '1'", timeout=20000)
    total = page.evaluate("Reveal.getTotalSlides()")
    assert total >= 12
    assert page.evaluate("document.querySelectorAll('mjx-container').length") > 10
    assert page.evaluate("document.querySelectorAll('mjx-merror').length") == 0
    folder = built_book.parent / "screenshots"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"slides-{chapter}-title.png"))
    seen, unfit, explorer_at = [], [], None
    while True:
        seen.append(page.evaluate("Reveal.getIndices().h"))
        fits = page.evaluate(SLIDE_FITS)
        if fits["height"] > fits["limit"] + 2 or fits["wide"]:
            unfit.append((seen[-1], fits))
        if page.evaluate("Reveal.getCurrentSlide().querySelector('.lx-explorer') !== null"):
            assert steer_explorer_in_its_slide(page), "the explorer did not move in its slide"
            page.screenshot(path=str(folder / f"slides-{chapter}-explorer.png"))
            explorer_at = seen[-1]
        if page.evaluate("Reveal.isLastSlide()") or len(seen) > total:
            break
        page.keyboard.press("ArrowRight")
    assert seen == list(range(total)), "the right arrow should visit every slide once, in order"
    assert not unfit, f"slides larger than the deck: {unfit[:3]}"
    assert explorer_at is not None, "no slide has the explorer"
    assert visited.own_errors() == [] and visited.failed == []
    assert visited.outside == [], f"the deck asked the network for {visited.outside[:3]}"
    # (after the checks of the requests: axe fetches the style sheets again to read them)
    page.evaluate("(at) => Reveal.slide(at)", explorer_at)
    assert wcag_violations(page) == [], "the explorer's slide"
    page.keyboard.press("Home")
    assert wcag_violations(page) == [], "the title slide"


def steer_explorer_in_its_slide(page) -> bool:
    """Move the explorer's first range control with the keyboard; True when its state and its
    figure changed. The keys move the control, not the deck (reveal.js leaves inputs alone)."""
    explorer = page.locator("section.present .lx-explorer").first
    page.wait_for_function("document.querySelector('section.present .lx-explorer').dataset.lxReady === '1'",
                           timeout=10000)
    where = page.evaluate("Reveal.getIndices().h")
    boxes = explorer.evaluate("""e => ['img', 'canvas'].map(tag => {
        const r = e.querySelector('.lx-figure ' + tag).getBoundingClientRect();
        return [r.x, r.y, r.width, r.height].map(Math.round); })""")
    assert boxes[0] == boxes[1], f"the drawn lines do not lie on the figure's background: {boxes}"
    # this slide's explorer (a deck holds every explorer of the chapter), and its first control shown
    # (chapter 2 hides the sliders of the activations not chosen)
    state_of = ("window.lectureExplorers.find(x => x.element === "
                "document.querySelector('section.present .lx-explorer')).state()")
    state = page.evaluate(state_of)
    before = canvas_pixels(explorer)
    control = explorer.locator(".lx-control:not([hidden]) input[type=range]").first
    control.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    changed = page.evaluate(state_of) != state and canvas_pixels(explorer) != before
    assert page.evaluate("Reveal.getIndices().h") == where, "the arrow keys moved the deck, not the control"
    page.evaluate("document.activeElement.blur()")
    return changed
