"""The locks (tools/lock.py, `python3 tasks.py lock`) agree with the files people edit, say where
every package comes from, and are what the running environment holds. No network: the lock was
resolved by uv when it was made; these tests check it against its sources and against the
installed packages."""

import importlib.metadata
import re
import shutil
import sys
import sysconfig
from pathlib import Path

import pytest
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lock  # noqa: E402

BOOK = (ROOT / lock.LOCK).read_text()
OLDEST = (ROOT / lock.OLDEST_LOCK).read_text()


def entries(text):
    """{name: the lock's lines for that package}."""
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    return {lock.canonical(m.group(1)): block for block in blocks if (m := lock.PIN.match(block))}


def test_both_locks_were_made_from_the_current_requirements():
    assert lock.stale(ROOT) == [], ("requirements.txt or pyproject.toml changed since the lock was made: "
                                    "run `python3 tasks.py lock` and commit the lock files")


def test_a_changed_requirement_makes_the_lock_stale(tmp_path):
    for name in (*lock.SOURCES, lock.LOCK, lock.OLDEST_LOCK):
        shutil.copy(ROOT / name, tmp_path / name)
    assert lock.stale(tmp_path) == []
    with (tmp_path / "requirements.txt").open("a") as f:
        f.write("tabulate>=0.9\n")
    assert lock.stale(tmp_path) == [lock.LOCK]
    text = (tmp_path / "pyproject.toml").read_text().replace('"numpy>=1.26"', '"numpy>=2.0"')
    (tmp_path / "pyproject.toml").write_text(text)
    assert set(lock.stale(tmp_path)) == {lock.LOCK, lock.OLDEST_LOCK}


def test_comments_and_order_do_not_change_the_digest():
    assert lock.digest(["numpy>=1.26", "scipy >= 1.11"]) == lock.digest(["scipy>=1.11", "numpy>=1.26"])
    assert lock.digest(["numpy>=1.26"]) != lock.digest(["numpy>=1.27"])
    assert lock.requirement_lines("# c\n\n--extra-index-url x\nnumpy>=1  # why\n") == ["numpy>=1"]


def test_every_requirement_of_the_book_is_satisfied_by_a_pin():
    assert lock.unsatisfied(lock.book_requirements(ROOT), lock.pins(BOOK)) == []


def test_the_satisfaction_check_catches_a_pin_outside_the_range():
    pinned = {"numpy": "2.4.6", "torch": "2.13.0+cpu"}
    assert lock.unsatisfied(["numpy>=1.26,<3", "torch==2.13.0"], pinned) == []
    assert lock.unsatisfied(["numpy>=3"], pinned) == ["numpy>=3: pinned at 2.4.6"]
    assert lock.unsatisfied(["scipy>=1.11"], pinned) == ["scipy>=1.11: not pinned"]
    assert lock.unsatisfied(["pywin32>=1; sys_platform == 'win32'"], pinned) == []


def test_a_package_pinned_twice_is_an_error():
    with pytest.raises(lock.LockError, match="twice"):
        lock.pins("numpy==1.26.0 \\\n    --hash=sha256:00\nNumPy==2.0.0\n")


def test_every_pin_has_a_hash_and_nothing_points_at_this_machine():
    for text in (BOOK, OLDEST):
        blocks = entries(text)
        assert len(blocks) > 10
        for name, block in blocks.items():
            assert re.search(r"--hash=sha256:[0-9a-f]{64}", block), f"{name} has no hash"
        options = [line for line in text.splitlines() if line.startswith("-")]
        assert options == [f"--extra-index-url {lock.TORCH_CPU_INDEX}"], options
        assert "file:" not in text and not re.search(r"(^|\s)/(opt|tmp|work|root|home)/", text), \
            "the lock must not depend on a folder of this machine"


def test_torch_is_the_cpu_build_from_the_index_binder_and_ci_use():
    for text in (BOOK, OLDEST):
        assert re.search(r"^torch==\d+\.\d+\.\d+\+cpu \\$", text, re.M), "torch must be PyTorch's CPU build"
        assert len(re.findall(r"--hash", entries(text)["torch"])) >= 1
        assert not any(name.startswith("nvidia-") for name in lock.pins(text)), "a CUDA dependency slipped in"
    binder = (ROOT / "binder" / "requirements.txt").read_text()
    assert f"--extra-index-url {lock.TORCH_CPU_INDEX}" in binder
    assert f"torch=={lock.pins(BOOK)['torch']}" in binder, "Binder installs the torch build the lock pins"
    workflow = (ROOT / ".github" / "workflows" / "book.yml").read_text()
    assert re.search(rf"^\s+PIP_EXTRA_INDEX_URL: {re.escape(lock.TORCH_CPU_INDEX)}$", workflow, re.M)


def test_oldest_lock_pins_every_lower_bound_of_lecturelib():
    bounds = lock.lower_bounds(ROOT)
    assert {"numpy", "scipy", "matplotlib", "ipywidgets", "torch", "scikit-learn", "tqdm"} <= set(bounds)
    pinned = lock.pins(OLDEST)
    for name, bound in bounds.items():
        assert Version(Version(pinned[name]).public) == Version(bound), \
            f"the oldest lane must test {name} {bound}, the lower bound pyproject.toml declares, not {pinned[name]}"
    book = lock.pins(BOOK)
    for tool in lock.OLDEST_LANE_TOOLS:
        assert pinned[tool] == book[tool], f"the oldest lane's {tool} should be the book's"


def test_a_dependency_without_a_lower_bound_is_refused(tmp_path):
    text = (ROOT / "pyproject.toml").read_text().replace('"tqdm>=4.60"', '"tqdm"')
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(lock.LockError, match="tqdm.*no lower bound"):
        lock.lower_bounds(tmp_path)


def installed() -> dict[str, str]:
    """The distributions installed in this environment's site-packages (not the copies that
    setuptools vendors, which land on sys.path once it is imported)."""
    folders = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    return {lock.canonical(d.metadata["Name"]): d.version for d in importlib.metadata.distributions(path=folders)}


def test_the_running_environment_is_exactly_its_lock():
    """tasks.py installs requirements.lock into .venv and requirements-oldest.lock into .venv-oldest:
    every pinned version, and nothing else but pip and (in .venv) lecturelib."""
    prefix = Path(sys.prefix).resolve()
    locks = {(ROOT / ".venv").resolve(): BOOK, (ROOT / ".venv-oldest").resolve(): OLDEST}
    if prefix not in locks:
        pytest.skip(f"not run by one of tasks.py's environments ({sys.prefix})")
    pinned, have = lock.pins(locks[prefix]), installed()
    wrong = {name: (version, have.get(name)) for name, version in pinned.items() if have.get(name) != version}
    assert wrong == {}, f"pinned vs installed: {wrong}: run `python3 tasks.py book` to reinstall the lock"
    extra = set(have) - set(pinned) - {"pip", "lecturelib"}
    assert extra == set(), f"installed but not in the lock: {sorted(extra)}"


def fake_install(venv: Path, name: str, version: str, files: dict[str, bytes]) -> None:
    """A package as pip leaves it in `venv`: its files and a .dist-info whose RECORD lists them."""
    import tasks

    site = tasks.site_packages(venv)
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    for path, content in files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(content)
    listed = [*files, f"{info.name}/METADATA", f"{info.name}/RECORD"]
    (info / "RECORD").write_text("".join(f"{p},,\n" for p in listed))


def test_the_oldest_lane_links_the_packages_pinned_at_the_books_versions_and_no_others(tmp_path):
    """tasks.share_installed: a package the book's environment holds at the version the oldest
    lock pins is linked (the same files, a console script pointing at the oldest lane's Python);
    one at another version, or one the target already holds, is left to pip."""
    import os
    import venv

    sys.path.insert(0, str(ROOT))
    import tasks

    source, target = tmp_path / "book", tmp_path / "oldest"
    for folder in (source, target):
        venv.EnvBuilder(with_pip=False, symlinks=True).create(folder)
    (source / tasks.STAMP_NAME).write_text("installed")
    script = f"#!{tasks.python_of(source)}\nimport same\n".encode()
    fake_install(source, "same", "1.0", {"same/__init__.py": b"x = 1\n", "../../../bin/same-tool": script})
    fake_install(source, "newer", "2.0", {"newer.py": b"x = 2\n"})
    fake_install(source, "held", "1.0", {"held.py": b"x = 3\n"})
    fake_install(target, "held", "1.0", {"held.py": b"x = 'own'\n"})
    pinned = {"same": "1.0", "newer": "1.5", "held": "1.0"}
    assert tasks.share_installed(source, target, pinned) == 1
    site_source, site_target = tasks.site_packages(source), tasks.site_packages(target)
    linked = site_target / "same" / "__init__.py"
    assert os.path.samefile(linked, site_source / "same" / "__init__.py")
    assert (site_target / "same-1.0.dist-info" / "RECORD").exists()
    tool = (target / "bin" / "same-tool").read_bytes()
    assert tool.startswith(f"#!{tasks.python_of(target)}\n".encode()) and tool.endswith(b"import same\n")
    assert not (site_target / "newer.py").exists()  # pinned at 1.5: pip installs it
    assert (site_target / "held.py").read_bytes() == b"x = 'own'\n"
    empty = tmp_path / "unfinished"  # an environment never completed (no stamp) shares nothing
    venv.EnvBuilder(with_pip=False, symlinks=True).create(empty)
    assert tasks.share_installed(empty, target, pinned) == 0
