"""Frozen editions (tools/edition.py, `python3 tasks.py edition NAME`) and the edition switcher
(_ext/editions.py).

The first tests freeze a small stand-in build whose pages carry the switcher exactly as the
extension's template renders it; the last ones freeze two editions of the real build side by
side (a copy each, no rebuild) and move between them in Chromium, from a 127.0.0.1 server and
from file://, with every request outside the editions' folder blocked and counted."""

import json
import re
import sys
import zipfile
from pathlib import Path

import jinja2
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import edition  # noqa: E402

TEMPLATE = (ROOT / "_ext" / "editions" / "edition-switcher.html").read_text()
CHANGELOG = "# Changes\n\n## 2027-spring\n\n- Chapter 4 gains Nesterov.\n\n## 2026-autumn\n\n- First edition.\n"


def page(pagename: str, content_root: str) -> str:
    """A page as the theme writes it: the skip link, then the sidebar with the switcher."""
    switcher = jinja2.Template(TEMPLATE).render(content_root=content_root, pagename=pagename, file_suffix=".html")
    return (f'<!DOCTYPE html><html><head></head><body data-default-mode="">\n'
            f'<div id="pst-skip-link" class="skip-link"><a href="#main-content">Skip to main content</a></div>\n'
            f'<div class="bd-sidebar-primary">{switcher}</div><main id="main-content">{pagename}</main></body></html>\n')


@pytest.fixture
def build(tmp_path) -> Path:
    html = tmp_path / "html"
    for name in ("intro", "instructors", "chapters/01_rbf_networks"):
        path = html / f"{name}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(name, "../" * name.count("/") or "./"))
    (html / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=intro.html" />')
    (html / "_static").mkdir()
    (html / "_static" / "theme.html").write_text("<body>not a page</body>")
    (html / "_downloads").mkdir()
    (html / "_downloads" / edition.PDF).write_bytes(b"%PDF-1.7 stand-in")
    (html / "_downloads" / edition.PACK).write_bytes(b"PK stand-in")
    (html / "reports").mkdir()
    (html / "reports" / "log.txt").write_text("build log")
    return html


@pytest.fixture
def student(tmp_path) -> Path:
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "01_rbf_networks.ipynb").write_text('{"cells": []}')
    return folder


def info(name, built, commit="0123456789abcdef0123456789abcdef01234567"):
    return {"name": name, "commit": commit, "commit_date": "2026-12-01", "built": built, "uncommitted": False}


@pytest.mark.parametrize("bad", ["", "Spring 2027", "../up", "a/b", "latest", "_static", "-x", "x" * 41, "2027_spring"])
def test_bad_edition_names_are_refused_with_what_is_allowed(bad):
    with pytest.raises(edition.EditionError, match="lower-case letters, digits"):
        edition.check_name(bad)


def test_good_names_pass():
    for good in ("2027-spring", "2026.1", "fall-2027"):
        assert edition.check_name(good) == good


def test_an_edition_needs_its_changelog_section():
    with pytest.raises(edition.EditionError, match="no section '## 2028-spring'"):
        edition.changelog_from(CHANGELOG, "2028-spring")
    older = edition.changelog_from(CHANGELOG, "2026-autumn")
    assert older.startswith("# Changes\n\n## 2026-autumn") and "Nesterov" not in older
    assert "Nesterov" in edition.changelog_from(CHANGELOG, "2027-spring")


def test_freeze_stamps_every_page_and_ships_the_edition_files(tmp_path, build, student):
    lock_file = ROOT / "requirements.lock"
    target = edition.freeze(build, tmp_path / "editions", info("2027-spring", "2027-01-15"), student, lock_file, CHANGELOG)
    assert target == tmp_path / "editions" / "2027-spring"
    data = json.loads((target / "edition.json").read_text())
    assert data["pages"] == ["changes.html", "chapters/01_rbf_networks.html", "index.html", "instructors.html", "intro.html"]
    for name in ("intro.html", "instructors.html", "chapters/01_rbf_networks.html"):
        text = (target / name).read_text()
        assert text.count("book-edition-banner") == 1, name
        assert "Edition 2027-spring" in text and "0123456789ab" in text and "2027-01-15" in text and "2026-12-01" in text
        assert text.index("pst-skip-link") < text.index("book-edition-banner") < text.index("bd-sidebar-primary"), \
            "the banner follows the skip link, so the skip link stays the first thing a keyboard reaches"
        assert 'data-editions-list="../editions.js"' in text and 'data-edition="2027-spring"' in text
        for href in re.findall(r'class="bd-header-announcement.*?</aside>', text, re.S)[0].split('href="')[1:]:
            linked = (target / name).parent / href.split('"')[0]
            assert linked.resolve().exists(), f"{name}: the banner links {href.split(chr(34))[0]}, which is missing"
    assert "not a page" in (target / "_static" / "theme.html").read_text()
    assert "book-edition-banner" not in (target / "index.html").read_text()
    assert not (target / "reports").exists() and not (tmp_path / "editions" / ".2027-spring.partial").exists()
    assert (target / "_downloads" / "requirements.lock").read_bytes() == lock_file.read_bytes()
    with zipfile.ZipFile(target / "_downloads" / edition.STUDENT) as archive:
        assert archive.namelist() == ["training-deep-networks-2027-spring-student-edition/01_rbf_networks.ipynb"]
    assert "Nesterov" in (target / "changes.html").read_text()


def test_the_list_names_every_edition_newest_first(tmp_path, build, student):
    editions = tmp_path / "editions"
    for name, built in (("2026-autumn", "2026-09-01"), ("2027-spring", "2027-01-15")):
        edition.freeze(build, editions, info(name, built), student, ROOT / "requirements.lock", CHANGELOG)
    text = (editions / "editions.js").read_text()
    data = json.loads(re.search(r"bookEditions\((.*)\);\s*$", text, re.S).group(1))
    assert [e["name"] for e in data["editions"]] == ["2027-spring", "2026-autumn"]
    assert [e["path"] for e in data["editions"]] == ["2027-spring/", "2026-autumn/"]
    assert "intro.html" in data["editions"][1]["pages"]


def test_freeze_refuses_an_incomplete_build_or_one_without_the_switcher(tmp_path, build, student):
    (build / "_downloads" / edition.PDF).unlink()
    with pytest.raises(edition.EditionError, match="incomplete.*training-deep-networks.pdf"):
        edition.freeze(build, tmp_path / "e", info("x1", "2027-01-01"), student, ROOT / "requirements.lock", CHANGELOG.replace("2027-spring", "x1"))
    (build / "_downloads" / edition.PDF).write_bytes(b"%PDF")
    for path in build.rglob("*.html"):
        path.write_text(path.read_text().replace('data-editions-list=""', ""))
    with pytest.raises(edition.EditionError, match="no page .* has the edition switcher"):
        edition.freeze(build, tmp_path / "e", info("x1", "2027-01-01"), student, ROOT / "requirements.lock", CHANGELOG.replace("2027-spring", "x1"))
    assert not (tmp_path / "e" / "x1").exists()


def test_an_uncommitted_build_says_so_in_its_banner():
    text = edition.stamp_page(page("intro", "./"), dict(info("2027-spring", "2027-01-15"), uncommitted=True), "", "../editions.js")
    assert "with uncommitted changes" in text


def test_the_site_puts_the_latest_at_the_root_and_the_editions_beside_it(tmp_path, build, student):
    editions = tmp_path / "editions"
    edition.freeze(build, editions, info("2027-spring", "2027-01-15"), student, ROOT / "requirements.lock", CHANGELOG)
    out = edition.site(build, editions, tmp_path / "site")
    latest = (out / "chapters" / "01_rbf_networks.html").read_text()
    assert 'data-editions-list="editions/editions.js"' in latest and 'data-edition="latest"' in latest
    assert "book-edition-banner" not in latest
    frozen = (out / "editions" / "2027-spring" / "intro.html").read_text()
    assert frozen.count("book-edition-banner") == 1 and 'data-editions-list="../editions.js"' in frozen
    data = json.loads(re.search(r"bookEditions\((.*)\);", (out / "editions" / "editions.js").read_text(), re.S).group(1))
    assert [(e["name"], e["path"]) for e in data["editions"]] == [("latest", "../"), ("2027-spring", "2027-spring/")]


# --- the real build, in Chromium --------------------------------------------------------------------

from chromium import KNOWN_THEME_ERRORS, NEEDS_CHROMIUM, browser, serve  # noqa: E402,F401

OLD, NEW = "2026-autumn", "2027-spring"


@pytest.fixture(scope="module")
def two_editions(built_book, tmp_path_factory):
    """Two editions of the real build side by side; the older one lacks the instructors' page."""
    if not (built_book / "_downloads" / edition.PDF).exists():
        pytest.skip("the build has no PDF (Debian's Chromium prints it)")
    folder = tmp_path_factory.mktemp("editions")
    student = folder / "student-notebooks"
    student.mkdir()
    (student / "01_rbf_networks.ipynb").write_text('{"cells": []}')
    for name, built in ((OLD, "2026-09-01"), (NEW, "2027-01-15")):
        edition.freeze(built_book, folder, info(name, built), student, ROOT / "requirements.lock", CHANGELOG)
    old = folder / OLD
    (old / "instructors.html").unlink()
    data = json.loads((old / "edition.json").read_text())
    data["pages"].remove("instructors.html")
    (old / "edition.json").write_text(json.dumps(data))
    edition.write_list(folder)
    return folder


class Visit:
    def __init__(self, browser, url, allowed):
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.errors, self.outside = [], []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

        def route(route):
            asked = route.request.url
            if asked.startswith(allowed) or asked.startswith("data:"):
                route.continue_()
            else:
                self.outside.append(asked)
                route.abort()

        self.context.route("**/*", route)
        self.page.goto(url, wait_until="load")

    def switcher(self):
        self.page.wait_for_selector("nav.book-editions:not([hidden])", timeout=10000)
        return self.page.locator("nav.book-editions")

    def clean(self):
        own = [e for e in self.errors if not any(known in e for known in KNOWN_THEME_ERRORS)]
        assert own == [], f"JavaScript errors: {own[:3]}"
        assert self.outside == [], f"requests outside the editions' folder: {self.outside[:3]}"


@pytest.fixture(scope="module")
def site(two_editions):
    with serve(two_editions) as url:
        yield url


@pytest.fixture(params=["http", "file"])
def where(request, site, two_editions):
    """(base URL of the editions' folder, the prefix every request must have)."""
    if request.param == "http":
        return f"{site}/", f"{site}/"
    return two_editions.as_uri() + "/", two_editions.as_uri() + "/"


@pytest.mark.book
@pytest.mark.pdf
@NEEDS_CHROMIUM
def test_switcher_moves_to_the_same_page_of_the_other_edition(browser, where, built_book):
    base, allowed = where
    visit = Visit(browser, f"{base}{NEW}/intro.html", allowed)
    try:
        banner = visit.page.locator("aside.book-edition-banner")
        assert banner.count() == 1 and f"Edition {NEW}" in banner.inner_text()
        switcher = visit.switcher()
        button = switcher.locator("button")
        assert button.inner_text().strip() == NEW
        button.click()
        items = switcher.locator(".dropdown-item")
        items.first.wait_for(state="visible")
        assert items.all_inner_texts() == [NEW, OLD]
        assert switcher.locator(".dropdown-item.active").inner_text() == NEW
        if base.startswith("file:"):
            screenshots = built_book.parent / "screenshots"
            screenshots.mkdir(exist_ok=True)
            visit.page.screenshot(path=str(screenshots / "edition-switcher.png"))
        switcher.locator(f'.dropdown-item[data-edition="{OLD}"]').click()
        visit.page.wait_for_url(f"{base}{OLD}/intro.html")
        visit.page.wait_for_load_state("load")
        assert f"Edition {OLD}" in visit.page.locator("aside.book-edition-banner").inner_text()
        assert visit.switcher().locator("button").inner_text().strip() == OLD
        visit.clean()
    finally:
        visit.context.close()


@pytest.mark.book
@pytest.mark.pdf
@NEEDS_CHROMIUM
def test_a_page_the_other_edition_lacks_leads_to_its_home_page(browser, where):
    base, allowed = where
    visit = Visit(browser, f"{base}{NEW}/instructors.html", allowed)
    try:
        link = visit.switcher().locator(f'.dropdown-item[data-edition="{OLD}"]')
        assert link.get_attribute("href") == f"{base}{OLD}/index.html"
        visit.switcher().locator("button").press("Enter")
        link.wait_for(state="visible")
        link.press("Enter")
        visit.page.wait_for_url(re.compile(rf"{re.escape(base + OLD)}/(index|intro)\.html"))
        visit.clean()
    finally:
        visit.context.close()


@pytest.mark.book
def test_the_plain_build_carries_the_switcher_hidden_and_asks_for_no_list(built_book):
    text = (built_book / "chapters" / "03_autodiff.html").read_text()
    assert 'data-editions-list=""' in text and "book-edition-banner" not in text
    assert re.search(r'<nav class="book-editions[^>]*hidden', text)
    assert (built_book / "_static" / "editions" / "switcher.js").exists()
