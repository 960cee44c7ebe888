"""Frozen editions: a term's book (HTML, PDF, course pack, student edition, lock) in one folder
that stays put, named, and found again through the edition switcher on every page.

    python3 tasks.py edition NAME [--rebuild] [--allow-dirty]
        builds the book if the last build is not of this very commit (or with --rebuild), then
        `python3 tools/edition.py freeze NAME`: _build/editions/NAME/, and the list of editions
        _build/editions/editions.js
    python3 tools/edition.py site LATEST EDITIONS OUT
        the published site (.github/workflows/book.yml): the build LATEST at OUT, the latest,
        and each edition folder found in EDITIONS at OUT/editions/NAME/, with one list

An edition folder holds

    edition.json      its name, the commit and date it was built from, its pages
    index.html ...    the HTML build, each page with a banner naming the edition, the commit and
                      the dates, and linking the files below; the switcher (see _ext/editions.py)
                      reads ../editions.js, the list of editions beside it
    _downloads/       the PDF and the course pack (made by the build), the student edition
                      (notebooks without solutions, tools/student_edition.py) and requirements.lock
    changes.html      CHANGELOG.md from this edition's section down: what changed for instructors

Every link is relative, so a folder of editions works on any static web space and from file://.
NAME needs a section `## NAME` in CHANGELOG.md.
"""

from __future__ import annotations

import argparse
import datetime
import html
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build" / "html"
EDITIONS = ROOT / "_build" / "editions"
LIST = "editions.js"
INFO = "edition.json"
DOWNLOADS = "_downloads"
PDF = "training-deep-networks.pdf"
PACK = "training-deep-networks-course-pack.zip"
STUDENT = "training-deep-networks-student-edition.zip"
LOCK = "requirements.lock"
CHANGES = "changes.html"
NAME = re.compile(r"[a-z0-9][a-z0-9.-]{0,39}")
RESERVED = {"latest", "editions", "chapters", "_static", "_downloads", "_images", "_sources"}
NOT_PAGES = ("_static/", "_sources/", "_downloads/", "_images/", "reports/")
SWITCHER_LIST = 'data-editions-list=""'
SWITCHER_EDITION = 'data-edition=""'
SKIP_LINK = re.compile(r'(<div id="pst-skip-link"[^>]*>.*?</div>)', re.S)
BODY = re.compile(r"(<body[^>]*>)")


class EditionError(RuntimeError):
    """An edition cannot be made; the message says why and what is allowed."""


def check_name(name: str) -> str:
    if not NAME.fullmatch(name) or name in RESERVED:
        raise EditionError(f"edition name {name!r}: use lower-case letters, digits, '.' and '-', "
                           f"starting with a letter or digit, at most 40 characters (e.g. 2027-spring); "
                           f"not one of {sorted(RESERVED)}")
    return name


def changelog_from(text: str, name: str) -> str:
    """CHANGELOG.md from the section `## NAME` to the end (the older editions' sections follow)."""
    match = re.search(rf"^## {re.escape(name)}\b.*$", text, re.M)
    if not match:
        raise EditionError(f"CHANGELOG.md has no section '## {name}': write what changed for instructors "
                           "in this edition first (see the sections there)")
    title = re.search(r"^# .*$", text, re.M)
    return (title.group(0) + "\n\n" if title else "") + text[match.start():]


def html_pages(folder: Path) -> list[str]:
    """The book's pages in `folder`, as paths relative to it."""
    pages = (path.relative_to(folder).as_posix() for path in folder.rglob("*.html"))
    return sorted(page for page in pages if not page.startswith(NOT_PAGES))


def banner(edition: dict, prefix: str) -> str:
    """The banner of one page; `prefix` leads from the page to the edition's folder."""
    commit = html.escape(edition["commit"][:12])
    if edition.get("uncommitted"):
        commit += " with uncommitted changes"
    links = [(f"{DOWNLOADS}/{PDF}", "PDF"), (f"{DOWNLOADS}/{PACK}", "course pack"),
             (f"{DOWNLOADS}/{STUDENT}", "student edition"), (f"{DOWNLOADS}/{LOCK}", "environment lock"),
             (CHANGES, "what changed")]
    anchors = " · ".join(f'<a href="{prefix}{href}">{label}</a>' for href, label in links)
    return (f'<aside class="bd-header-announcement book-edition-banner" aria-label="Edition" '
            f'data-edition="{html.escape(edition["name"])}">'
            f'<div class="bd-header-announcement__content"><strong>Edition {html.escape(edition["name"])}</strong>'
            f' · built on {edition["built"]} from commit {commit} (committed {edition["commit_date"]})'
            f' · {anchors}</div></aside>')


def stamp_page(text: str, edition: dict | None, prefix: str, list_path: str) -> str:
    """A page with the switcher pointed at the list (`list_path`, from the book's root) and, for a
    frozen edition, its banner after the theme's skip link (or first in the body)."""
    if SWITCHER_LIST not in text:
        return text  # not a page of the book's theme (e.g. index.html, a redirect)
    text = text.replace(SWITCHER_LIST, f'data-editions-list="{html.escape(list_path)}"', 1)
    name = edition["name"] if edition else "latest"
    text = text.replace(SWITCHER_EDITION, f'data-edition="{html.escape(name)}"', 1)
    if edition:
        anchor = SKIP_LINK if SKIP_LINK.search(text) else BODY
        text = anchor.sub(lambda m: m.group(1) + banner(edition, prefix), text, count=1)
    return text


def stamp(folder: Path, edition: dict | None, list_path: str) -> int:
    """Stamp every page of `folder`; return how many carry the switcher."""
    count = 0
    for page in html_pages(folder):
        path = folder / page
        text = path.read_text(encoding="utf-8")
        new = stamp_page(text, edition, "../" * page.count("/"), list_path)
        count += new != text
        path.write_text(new, encoding="utf-8")
    return count


def changes_page(markdown: str, name: str) -> str:
    from markdown_it import MarkdownIt  # in the book's environment (MyST is built on it)

    body = MarkdownIt("commonmark").render(markdown)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>What changed: edition {html.escape(name)}</title>"
            f"<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
            f"line-height:1.5}}code{{font-size:.9em}}</style></head>\n<body>\n"
            f'<p><a href="index.html">Back to the book</a></p>\n{body}</body></html>\n')


def zip_folder(folder: Path, out: Path, prefix: str) -> Path:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")
    return out


def freeze(build: Path, editions: Path, edition: dict, student: Path, lock: Path, changelog: str) -> Path:
    """Copy `build` to `editions/NAME`, add the student edition (a folder of notebooks), the lock
    and the changes, stamp every page, and rewrite the list. Returns the edition's folder."""
    name = check_name(edition["name"])
    missing = [f"{DOWNLOADS}/{f}" for f in (PDF, PACK) if not (build / DOWNLOADS / f).exists()]
    if missing or not (build / "index.html").exists():
        raise EditionError(f"the build in {build} is incomplete (missing {missing or ['index.html']}): "
                           "run `python3 tasks.py book` with Debian's Chromium installed")
    if not sorted(student.glob("*.ipynb")):
        raise EditionError(f"no student notebooks in {student}: run `python3 tasks.py student`")
    changes = changelog_from(changelog, name)
    editions.mkdir(parents=True, exist_ok=True)
    target = editions / name
    partial = editions / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(build, partial, ignore=shutil.ignore_patterns(".buildinfo", "reports"))
    zip_folder(student, partial / DOWNLOADS / STUDENT, f"training-deep-networks-{name}-student-edition")
    shutil.copy(lock, partial / DOWNLOADS / LOCK)
    (partial / CHANGES).write_text(changes_page(changes, name), encoding="utf-8")
    if stamp(partial, edition, f"../{LIST}") == 0:
        raise EditionError(f"no page of {build} has the edition switcher: is the `editions` extension "
                           "in _config.yml (sphinx: local_extensions)?")
    info = dict(edition, pages=html_pages(partial), home="index.html")
    (partial / INFO).write_text(json.dumps(info, indent=1) + "\n")
    if target.exists():
        print(f"Replacing the earlier edition {name} in {editions}", flush=True)
        shutil.rmtree(target)
    partial.rename(target)
    write_list(editions)
    return target


def write_list(editions: Path, latest: dict | None = None) -> Path:
    """editions.js in `editions`: every edition folder there (newest build first), and `latest`
    (an entry whose path is relative to `editions`) at the top when given."""
    entries = []
    for info in sorted(editions.glob(f"*/{INFO}")):
        data = json.loads(info.read_text())
        entries.append({"name": data["name"], "label": data["name"], "path": f"{info.parent.name}/",
                        "home": data.get("home", "index.html"), "pages": data["pages"],
                        "built": data["built"], "commit": data["commit"]})
    entries.sort(key=lambda e: (e["built"], e["name"]), reverse=True)
    if latest:
        entries.insert(0, latest)
    text = ("// The book's editions, read by the edition switcher on every page (_ext/editions/switcher.js).\n"
            "// Written by tools/edition.py; a script rather than JSON so that it loads from file:// too.\n"
            f"bookEditions({json.dumps({'editions': entries}, indent=1)});\n")
    path = editions / LIST
    path.write_text(text)
    return path


def site(latest: Path, editions: Path, out: Path) -> Path:
    """The published site: `latest` at `out` (its switcher reading editions/editions.js) and every
    edition folder of `editions` at out/editions/, with the list that names them all."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(latest, out, ignore=shutil.ignore_patterns(".buildinfo", "reports"))
    stamp(out, None, f"editions/{LIST}")
    entry = {"name": "latest", "label": "latest (main)", "path": "../", "home": "index.html",
             "pages": html_pages(out), "built": "", "commit": ""}
    (out / "editions").mkdir(exist_ok=True)
    for info in sorted(editions.glob(f"*/{INFO}")) if editions.exists() else []:
        shutil.copytree(info.parent, out / "editions" / info.parent.name)
    write_list(out / "editions", latest=entry)
    return out


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def this_commit(allow_dirty: bool) -> dict:
    try:
        commit, date = git("log", "-1", "--format=%H %cs").split()
        changes = git("status", "--porcelain")
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError) as error:
        raise EditionError(f"an edition names the commit it was built from, but git could not tell it ({error})")
    if changes and not allow_dirty:
        raise EditionError("the working tree has uncommitted changes, so no commit names what this edition "
                           "holds: commit them first (or pass --allow-dirty; the banner then says so)\n" + changes)
    return {"commit": commit, "commit_date": date, "uncommitted": bool(changes)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("freeze", help="freeze _build/html as _build/editions/NAME")
    one.add_argument("name")
    one.add_argument("--allow-dirty", action="store_true")
    many = commands.add_parser("site", help="the published site: the latest build and every edition")
    many.add_argument("latest", type=Path)
    many.add_argument("editions", type=Path)
    many.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "site":
            out = site(args.latest, args.editions, args.out)
            print(f"Wrote the site in {out}")
            return 0
        edition = {"name": check_name(args.name), **this_commit(args.allow_dirty),
                   "built": datetime.date.today().isoformat()}
        target = freeze(BUILD, EDITIONS, edition, ROOT / "student" / "chapters", ROOT / LOCK,
                        (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    except EditionError as error:
        print(f"edition: {error}", file=sys.stderr)
        return 1
    print(f"Edition {edition['name']}: {target} (open {target / 'index.html'}); list: {EDITIONS / LIST}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
