#!/usr/bin/env python3
"""The book's commands: `book` and `test` are the two a reader needs; `pdf`, `slides`, `bench`,
`student`, `assignments`, `lock`, `oldest` and `edition` serve the PDF, the decks, the
benchmark, instructors and the locked environment.

    python3 tasks.py book    build the HTML book into _build/html, with the whole book as one PDF
                             (_build/pdf/training-deep-networks.pdf, linked from the landing page)
    python3 tasks.py pdf     the same: the PDF needs the HTML build, whose executed notebooks it reuses
    python3 tasks.py slides  one reveal.js deck per chapter, _build/html/slides/<chapter>.html, from the
                             book build's executed notebooks (the book command makes them too; see tools/slides.py)
    python3 tasks.py test    run every test: the book build (which executes every notebook once), unit tests,
                             the executed notebooks, the HTML in Chromium, the PDF, the nbgrader round trip
    python3 tasks.py bench   print the benchmark table (see benchmarks/run.py)
    python3 tasks.py student [--html]
                             the student edition: notebooks without solutions in student/
                             (and with --html, the student book in student/_build/html)
    python3 tasks.py assignments [--course DIR] [--replace CHAPTER ... | all]
                             the nbgrader course in course/: every chapter as an assignment,
                             with `nbgrader generate_assignment` run for each; an instructor's edited
                             source is kept unless --replace names it (backed up first; see tools/assignments.py)
    python3 tasks.py lock [--upgrade]
                             renew requirements.lock and requirements-oldest.lock after editing
                             requirements.txt or pyproject.toml (see tools/lock.py)
    python3 tasks.py oldest  the oldest-dependencies lane alone: lecturelib's tests and a chapter with
                             every lower bound of pyproject.toml (`test` runs it beside the build)
    python3 tasks.py edition NAME [--rebuild] [--allow-dirty]
                             freeze an edition: _build/editions/NAME/ (see tools/edition.py)

Each command first makes sure `.venv` holds exactly `requirements.lock` (every package at its
pinned version, every file hash-checked) and lecturelib; it reinstalls when the lock or
`pyproject.toml` changes, and stops with a message when the lock no longer matches
`requirements.txt` and `pyproject.toml`. On a fresh machine with Python 3.11 and pip nothing
else is needed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import venv as venv_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
OLDEST_VENV = ROOT / ".venv-oldest"  # the oldest-dependencies lane (run_oldest)
STAMP_NAME = ".installed-from"


def _load_tool(name: str):
    """A module of tools/ (standard library only where tasks.py uses it: it runs before .venv exists)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


locks = _load_tool("lock")


def bin_dir(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


def python_of(venv: Path) -> Path:
    return bin_dir(venv) / ("python.exe" if os.name == "nt" else "python")


def reachable(url: str, timeout: float = 5.0) -> bool:
    """Whether a connection to the host of `url` can be opened (one try)."""
    address = urllib.parse.urlparse(url)
    try:
        socket.create_connection((address.hostname, address.port or 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def install_lock(venv: Path, lock_name: str, editable: bool, share_from: Path | None = None) -> None:
    """Make `venv` hold exactly the lock `lock_name`: every package at its pinned version, each file
    checked against the lock's hashes (`pip install --require-hashes`; pip finds the files wherever
    it is configured to look, and refuses any whose hash differs), then every package the lock does
    not name removed (pip itself stays). With `editable`, lecturelib is then installed editable,
    built by the lock's setuptools (`--no-build-isolation`: nothing unpinned is fetched). With
    `share_from`, an installed environment, the packages it holds at the versions this lock pins
    are linked from there first (`share_installed`). Nothing happens while the lock and
    pyproject.toml are those of the last install."""
    python = python_of(venv)
    if not python.exists():
        print(f"Creating the virtual environment in {venv.name} ...", flush=True)
        venv_module.EnvBuilder(with_pip=True).create(venv)
    lock = ROOT / lock_name
    fingerprint = hashlib.sha256(lock.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = venv / STAMP_NAME
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    print(f"Installing {lock_name} into {venv.name} (every package pinned and hash-checked; "
          "about a minute the first time) ...", flush=True)
    if share_from is not None:
        shared = share_installed(share_from, venv, locks.pins(lock.read_text()))
        if shared:
            print(f"  {shared} packages pinned at the versions {share_from.name} holds are linked from "
                  "there; pip installs the others", flush=True)
    pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
    with tempfile.TemporaryDirectory() as scratch:
        requirements = lock
        if not reachable(locks.TORCH_CPU_INDEX):
            # Asking an unreachable index for every package would take minutes of retries: pip
            # looks only where it is configured to (here, the machine's own package folders).
            requirements = Path(scratch) / lock_name
            requirements.write_text("".join(line for line in lock.read_text().splitlines(keepends=True)
                                            if not line.startswith("--extra-index-url")))
            print(f"  ({locks.TORCH_CPU_INDEX} cannot be reached: the CPU build of torch must come from "
                  "pip's configured sources, with the lock's hash)", flush=True)
        # pip byte-compiles every module at install: keep it, since with PYTHONDONTWRITEBYTECODE set
        # (as on the development machines) Python would otherwise compile PyTorch on every import
        subprocess.run(pip + ["install", "-q", "--require-hashes", "-r", str(requirements)], check=True)
    pinned = locks.pins(lock.read_text())
    listed = subprocess.run([str(python), "-c", "import importlib.metadata as m\n"
                             "for d in m.distributions(): print(d.metadata['Name'])"],
                            capture_output=True, text=True, check=True).stdout.split()
    extra = sorted({name for name in listed if locks.canonical(name) not in {*pinned, "pip", "lecturelib"}})
    if extra:
        print(f"Removing what {lock_name} does not name: {', '.join(extra)}", flush=True)
        subprocess.run(pip + ["uninstall", "-q", "-y", *extra], check=True)
    if editable:
        subprocess.run(pip + ["install", "-q", "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True)
    stamp.write_text(fingerprint)


def site_packages(venv: Path) -> Path:
    """The venv's site-packages folder (the same interpreter as this one)."""
    return Path(subprocess.run([str(python_of(venv)), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())


def share_installed(source: Path, target: Path, pinned: dict[str, str]) -> int:
    """Hard-link into `target` every package that `source` holds at exactly the version `pinned`
    gives it and `target` does not hold yet: the files of the same wheel, which pip checked
    against the same hash when it installed them in `source`. pip then finds these packages
    installed and unpacks only the others; for the oldest lane, PyTorch, Jupyter and pytest are
    shared with the book's environment, while NumPy, SciPy, matplotlib, … are its own. Each
    file the package's RECORD lists is linked (copied where a link is impossible), a console
    script with its first line pointing to `target`'s Python. Returns how many were shared."""
    if not python_of(source).exists() or not (source / STAMP_NAME).exists():
        return 0  # no complete environment to share from
    source_site, target_site = site_packages(source), site_packages(target)
    have = {locks.canonical(p.name.split("-")[0]) for p in target_site.glob("*.dist-info")}
    source_python, target_python = (str(python_of(venv)).encode() for venv in (source, target))
    shared = 0
    for info in source_site.glob("*.dist-info"):
        name, version = info.name[: -len(".dist-info")].rsplit("-", 1)
        if pinned.get(locks.canonical(name)) != version or locks.canonical(name) in have:
            continue
        for line in (info / "RECORD").read_text().splitlines():
            path = line.rsplit(",", 2)[0]
            origin = (source_site / path).resolve()
            if not path or not origin.is_file() or not origin.is_relative_to(source):
                continue
            copy = target / origin.relative_to(source)
            if copy.exists():
                continue
            copy.parent.mkdir(parents=True, exist_ok=True)
            text = origin.read_bytes() if copy.parent.name == "bin" else b""
            if text.startswith(b"#!") and source_python in text.split(b"\n", 1)[0]:  # a console script
                copy.write_bytes(text.replace(source_python, target_python, 1))
                copy.chmod(origin.stat().st_mode)
                continue
            try:
                os.link(origin, copy)
            except OSError:
                shutil.copy2(origin, copy)
        shared += 1
    return shared


def ensure_environment() -> None:
    """`.venv` holds exactly requirements.lock, and lecturelib (editable). A lock that no longer
    matches requirements.txt or pyproject.toml stops the command: `python3 tasks.py lock` renews it."""
    if locks.LOCK in locks.stale(ROOT):
        sys.exit(f"{locks.LOCK} does not match requirements.txt and pyproject.toml (or is missing): "
                 "run `python3 tasks.py lock` to renew it (it keeps every other pin), then commit it.")
    install_lock(VENV, locks.LOCK, editable=True)
    # pip byte-compiles what it installs, but not an editable lecturelib: with PYTHONDONTWRITEBYTECODE
    # set (as on the development and CI machines) every kernel would compile it again on import
    # (about 0.3 s for a chapter). Python checks each .pyc against its source, so none goes stale.
    subprocess.run([str(PYTHON), "-m", "compileall", "-q", str(ROOT / "lecturelib")], check=True,
                   stdout=subprocess.DEVNULL)


def environment(venv: Path = VENV) -> dict[str, str]:
    """The environment every command runs in: the venv first on PATH.

    MPLBACKEND is removed, not set: notebook kernels inherit it, and with Agg they would show
    "<Figure size ...>" instead of the figure (tests/conftest.py picks Agg for unit tests)."""
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir(venv)}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env.pop("MPLBACKEND", None)
    env.pop("PYTHONHOME", None)
    return env


def build_command(book: Path = ROOT) -> list[str]:
    """The Jupyter Book build: every page re-read (`--all`), so with `execute_notebooks: force`
    every notebook re-runs against the current `lecturelib` and no stale output reaches the HTML;
    warnings are errors (`-W`), references are checked (`-n`), and all problems are reported
    in one go (`--keep-going`)."""
    return [str(BIN / "jupyter-book"), "build", str(book), "--all", "-W", "-n", "--keep-going"]


CHROMIUM = Path("/usr/bin/chromium")  # Debian's; the PDF is printed by it (never a downloaded browser)


BUILT_FROM = ROOT / "_build" / "built-from.json"  # what the last complete build (HTML and PDF) was made from


def source_state() -> dict[str, str]:
    """What a build is made from: the commit, the uncommitted changes (a digest) and the lock."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout
        except FileNotFoundError:
            return ""
    changes = git("status", "--porcelain") + git("diff", "HEAD")
    return {"commit": git("rev-parse", "HEAD").strip(), "changes": hashlib.sha256(changes.encode()).hexdigest(),
            "lock": hashlib.sha256((ROOT / locks.LOCK).read_bytes()).hexdigest()}


def build_book() -> int:
    """The HTML book, then the PDF (tools/pdf.py) when Debian's Chromium is installed. A complete
    build records what it was made from (BUILT_FROM), so `tasks.py edition` can reuse it."""
    state = source_state()
    BUILT_FROM.unlink(missing_ok=True)
    print("Building the book (executes every notebook) ...", flush=True)
    result = subprocess.run(build_command(), cwd=ROOT, env=environment())
    if result.returncode != 0:
        print("The book build failed: see the messages above and _build/html/reports/.", flush=True)
        return result.returncode
    print(f"The book is in {ROOT / '_build' / 'html' / 'index.html'}", flush=True)
    slides = make_slides()
    if slides != 0:
        return slides
    if not CHROMIUM.exists():
        print("No PDF: it is printed by Debian's Chromium (apt-get install chromium poppler-utils "
              "fonts-dejavu-core), which is not installed.", flush=True)
        return 0
    code = make_pdf()
    if code == 0:
        BUILT_FROM.write_text(json.dumps(state))
    return code


def make_pdf() -> int:
    """The whole book as one PDF, from a single-page build that reuses the HTML build's executed
    notebooks (no notebook runs twice), printed by Debian's Chromium."""
    return subprocess.run([str(PYTHON), str(ROOT / "tools" / "pdf.py")], cwd=ROOT, env=environment()).returncode


def make_slides() -> int:
    """The chapters' slide decks, from the executed notebooks of the last book build (seconds)."""
    return subprocess.run([str(PYTHON), str(ROOT / "tools" / "slides.py")], cwd=ROOT, env=environment()).returncode


def slides_command(extra: list[str]) -> int:
    """`tasks.py slides`: the decks from the last book build, building the book first if there is none."""
    if not (ROOT / "_build" / "jupyter_execute" / "chapters").is_dir():
        return build_book()
    return make_slides()


TEST_TIMES = ROOT / "_build" / "test-command-times.json"  # the parts of the last whole test run


def run_tests(extra: list[str]) -> int:
    """Build the book, then run pytest on the library, the notebooks' files and the build.

    Each notebook executes once per run: in the build (`execute_notebooks: force` and `--all`, so
    against the current notebooks and the current lecturelib, never from a cache). A cell that
    raises fails the build (`allow_errors: false`, `-W`); tests/test_executed_notebooks.py then
    reads the executed notebooks (_build/jupyter_execute/) instead of running them again with
    nbval (by hand: `pytest --nbval-lax chapters/`).

    With no extra arguments the two cores share the work: the tests that need no book (the
    library, the checkers, the explorers) run in a second process while the book builds, the
    grading round trip (marker `nbgrader`: the student edition and nbgrader, which run the
    chapters on their own) in a third, and the oldest-dependencies lane in a fourth; the tests of
    the built book and the PDF run after the build. Each report is printed in turn, and each
    part's wall-clock time is written to _build/test-command-times.json (`tasks.py bench` lists
    them). Extra arguments go to one pytest run after the build."""
    import threading

    env = environment()
    env["LECTURELIB_REQUIRE_BOOK"] = "1"  # tests of the built HTML fail, not skip, when it is missing
    pytest = [str(PYTHON), "-m", "pytest", "-p", "no:cacheprovider"]
    start = time.perf_counter()
    beside, finished = {}, {}

    def timed(name: str, process: subprocess.Popen) -> None:  # each lane's end, as it happens
        process.wait()
        finished[name] = time.perf_counter() - start

    whole = not extra
    if whole:
        no_book = "not nbgrader and not book and not pdf"
        lanes = [("the tests that need no book", f'pytest -m "{no_book}"', pytest + ["-m", no_book], env),
                 ("the grading round trip", 'pytest -m "nbgrader"', pytest + ["-m", "nbgrader"], env),
                 ("the oldest-dependencies lane", "python3 tasks.py oldest",
                  [sys.executable, str(ROOT / "tasks.py"), "oldest"], None)]
        for name, shown, command, lane_env in lanes:
            log = tempfile.TemporaryFile("w+")
            print(f"Running {name} ({shown}) beside the build ...", flush=True)
            process = subprocess.Popen(command, cwd=ROOT, env=lane_env, stdout=log, stderr=subprocess.STDOUT)
            waiter = threading.Thread(target=timed, args=(name, process), daemon=True)
            waiter.start()
            beside[name] = (process, waiter, log)
        extra = ["-m", "(book or pdf) and not nbgrader"]
    build_status = build_book()
    built = time.perf_counter() - start
    print(f"Book and PDF: {built:.0f} s", flush=True)
    test_status = subprocess.run(pytest + extra, cwd=ROOT, env=env).returncode
    after = time.perf_counter() - start
    for name, (process, waiter, log) in beside.items():
        waiter.join()
        test_status = process.returncode or test_status
        log.seek(0)
        print(f"\n{name[0].upper() + name[1:]}:\n" + log.read(), flush=True)
        log.close()
        print(f"Done {name}: {finished[name]:.0f} s after the start", flush=True)
    total = time.perf_counter() - start
    print(f"The test command took {total:.0f} s: book and PDF {built:.0f} s, then their tests until "
          f"{after:.0f} s; " + "; ".join(f"{name} until {seconds:.0f} s" for name, seconds in finished.items()),
          flush=True)
    if whole:
        TEST_TIMES.parent.mkdir(exist_ok=True)
        TEST_TIMES.write_text(json.dumps({
            "date": time.strftime("%Y-%m-%d %H:%M"), "passed": not (build_status or test_status),
            "parts": {"the book and the PDF": built, "then the book's and the PDF's tests": after - built,
                      **{f"beside them, {name}": seconds for name, seconds in finished.items()}},
            "total": total}, indent=1) + "\n")
    if build_status != 0:
        print("FAILED: the book build reported errors (see above).", flush=True)
    return build_status or test_status


def run_benchmarks(extra: list[str]) -> int:
    return subprocess.run([str(PYTHON), str(ROOT / "benchmarks" / "run.py"), *extra],
                          cwd=ROOT, env=environment()).returncode


def make_student_edition(extra: list[str]) -> int:
    code = subprocess.run([str(PYTHON), str(ROOT / "tools" / "student_edition.py"), *extra],
                          cwd=ROOT, env=environment()).returncode
    if code == 0 and "--html" in extra:
        code = subprocess.run(build_command(ROOT / "student"), cwd=ROOT / "student",
                              env=environment()).returncode
    return code


def make_assignments(extra: list[str]) -> int:
    return subprocess.run([str(PYTHON), str(ROOT / "tools" / "assignments.py"), *extra],
                          cwd=ROOT, env=environment()).returncode


def make_lock(extra: list[str]) -> int:
    """Write requirements.lock and requirements-oldest.lock from requirements.txt and pyproject.toml
    (tools/lock.py), keeping every pin that still fits; `--upgrade` moves every package to its newest
    version. uv, the tool that writes them, is installed from the registry into .venv/tools."""
    if any(argument != "--upgrade" for argument in extra):
        print("usage: python3 tasks.py lock [--upgrade]")
        return 2
    print(f"Locking with {locks.UV} (resolves against PyPI; torch: PyTorch's CPU build) ...", flush=True)
    uv = locks.install_uv(VENV / "tools")
    for path in locks.write_locks(uv, ROOT, upgrade="--upgrade" in extra):
        pinned = locks.pins(path.read_text())
        print(f"Wrote {path.name}: {len(pinned)} packages pinned with hashes", flush=True)
    return 0


# The oldest-dependencies lane: lecturelib's tests and one chapter, run by .venv-oldest
# (requirements-oldest.lock: every lower bound of pyproject.toml, plus pytest, hypothesis, nbval and
# ipykernel). lecturelib comes from this checkout (PYTHONPATH), not from an install. Left out:
# * the tests of the book, its tools and the browser: marked book/pdf/nbgrader, or importing what
#   only the book's environment has (jupyter-book, nbgrader, PyYAML, Playwright ...): found by
#   importing each test file's imports in .venv-oldest (`needs_the_book`), so a new test file
#   needs no entry here;
# * to keep the lane cheap (it runs beside the build and the other tests), OLDEST_HEAVY: the
#   property-based bad-input tests (lecturelib's own argument checks), the optimisers against
#   torch.optim (the same PyTorch in both environments) and the explorers' tests (figures drawn
#   over and over: chapter 5, run in the lane, builds and draws its three explorers on the old
#   matplotlib): most of the lane's time; and three checks of the project's plumbing, whose
#   answer does not depend on NumPy's or SciPy's version: which modules import torch, the
#   Hypothesis scale itself (the same pytest and Hypothesis in both environments), and a new
#   activation reaching the tests.
OLDEST_HEAVY = ("test_bad_input_activations_autodiff.py", "test_bad_input_second_order.py", "test_optim.py",
                "test_explore*.py", "test_static_explorer*.py", "test_imports.py", "test_hypothesis_scale.py",
                "test_new_activation.py")
OLDEST_CHAPTER = "chapters/05_second_order.ipynb"  # NumPy, SciPy, matplotlib, its static explorer


def needs_the_book(python: Path, env: dict[str, str]) -> list[str]:
    """The test files (tests/test_*.py) that import something `python`'s environment cannot import:
    each file's imports (read with ast, those inside functions included) are imported there. The
    project's own modules a test imports (tests/chromium.py, tools/edition.py, ...) are followed
    to their imports in turn, so a helper that imports Playwright inside a function counts as
    Playwright."""
    import ast

    local = {path.stem: path for folder in ("tests", "tools") for path in (ROOT / folder).glob("*.py")}

    def imported(path: Path) -> set[str]:
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        return names

    def closure(path: Path) -> set[str]:
        seen, todo, names = {path}, [path], set()
        while todo:
            for name in imported(todo.pop()):
                module = local.get(name)
                if module is None:
                    names.add(name)
                elif module not in seen:
                    seen.add(module)
                    todo.append(module)
        return names

    imports = {path.name: sorted(closure(path)) for path in sorted((ROOT / "tests").glob("test_*.py"))}
    probe = ("import importlib, json, sys; sys.path[:0] = sys.argv[2:]; names = json.loads(sys.argv[1]); "
             "missing = []\nfor n in names:\n    try: importlib.import_module(n)\n"
             "    except Exception: missing.append(n)\nprint(json.dumps(missing))")
    every = sorted({name for names in imports.values() for name in names})
    missing = set(json.loads(subprocess.run([str(python), "-c", probe, json.dumps(every), str(ROOT / "tests"),
                                             str(ROOT)], cwd=ROOT, env=env, capture_output=True, text=True,
                                            check=True).stdout.splitlines()[-1]))
    return [name for name, names in imports.items() if missing.intersection(names)]


def run_oldest(extra: list[str]) -> int:
    """Install requirements-oldest.lock into .venv-oldest (once per lock) and run lecturelib's tests
    and one chapter there (nbval, in that environment's own kernel)."""
    if locks.OLDEST_LOCK in locks.stale(ROOT):
        print(f"{locks.OLDEST_LOCK} does not match pyproject.toml's lower bounds or requirements.lock's "
              "test tools: run `python3 tasks.py lock`.", flush=True)
        return 1
    start = time.perf_counter()
    install_lock(OLDEST_VENV, locks.OLDEST_LOCK, editable=False, share_from=VENV)
    pinned = locks.pins((ROOT / locks.OLDEST_LOCK).read_text())
    versions = ", ".join(f"{name} {pinned[name]}" for name in locks.lower_bounds(ROOT))
    print(f"Oldest dependencies ({time.perf_counter() - start:.0f} s to install): {versions}", flush=True)
    env = environment(OLDEST_VENV)
    env["PYTHONPATH"] = str(ROOT)
    env["LECTURELIB_HYPOTHESIS_SCALE"] = "0.2"  # a fifth of each property's examples (tests/conftest.py)
    book_only = needs_the_book(python_of(OLDEST_VENV), env)
    print(f"Left out of the lane, for what they import: {', '.join(book_only)}", flush=True)
    skips = [f"--ignore-glob=tests/{name}" for name in (*OLDEST_HEAVY, *book_only)]
    # -W: the old releases' own deprecation warnings (matplotlib 3.8 on a newer pyparsing, ipywidgets
    # 8.0 on a newer ipykernel) would fill the log; the book's environment reports ours.
    command = [str(python_of(OLDEST_VENV)), "-m", "pytest", "-p", "no:cacheprovider", "-q",
               "-W", "ignore::DeprecationWarning",
               "-m", "not book and not pdf and not nbgrader", *skips, "tests",
               "--nbval-lax", "--nbval-current-env", OLDEST_CHAPTER, *extra]
    code = subprocess.run(command, cwd=ROOT, env=env).returncode
    print(f"Oldest-dependencies lane: {time.perf_counter() - start:.0f} s", flush=True)
    return code


def make_edition(extra: list[str]) -> int:
    """Freeze an edition (tools/edition.py): reuse the last build when it was made from this very
    commit, working tree and lock (BUILT_FROM), else build the book and its PDF first; then the
    student edition, then the edition folder _build/editions/NAME/ and the list of editions."""
    names = [argument for argument in extra if not argument.startswith("--")]
    unknown = [a for a in extra if a.startswith("--") and a not in ("--rebuild", "--allow-dirty")]
    if len(names) != 1 or unknown:
        print("usage: python3 tasks.py edition NAME [--rebuild] [--allow-dirty]   (NAME e.g. 2027-spring)")
        return 2
    fresh = BUILT_FROM.exists() and json.loads(BUILT_FROM.read_text()) == source_state()
    if fresh and "--rebuild" not in extra:
        print("Reusing the last build: it was made from this commit, working tree and lock.", flush=True)
    else:
        code = build_book()
        if code != 0 or not BUILT_FROM.exists():
            print("No edition: the book and its PDF must build first (see above).", flush=True)
            return code or 1
    code = subprocess.run([str(PYTHON), str(ROOT / "tools" / "student_edition.py")], cwd=ROOT,
                          env=environment()).returncode
    if code != 0:
        return code
    freeze = [str(PYTHON), str(ROOT / "tools" / "edition.py"), "freeze", names[0]]
    freeze += ["--allow-dirty"] if "--allow-dirty" in extra else []
    return subprocess.run(freeze, cwd=ROOT, env=environment()).returncode


def main(argv: list[str]) -> int:
    commands = {"book": lambda extra: build_book(), "pdf": lambda extra: build_book(),
                "test": run_tests, "bench": run_benchmarks, "student": make_student_edition,
                "assignments": make_assignments, "lock": make_lock, "oldest": run_oldest,
                "edition": make_edition, "slides": slides_command}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    try:
        if argv[0] not in ("lock", "oldest"):
            ensure_environment()
        return commands[argv[0]](argv[1:])
    except locks.LockError as error:
        print(f"tasks.py {argv[0]}: {error}", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
