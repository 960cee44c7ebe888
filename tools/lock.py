"""The book's locked environments: what `python3 tasks.py lock` writes and what checks them.

Two lock files, both made by uv (`uv pip compile --generate-hashes`) from the files people edit:

    requirements.lock          the book's environment: requirements.txt, lecturelib's dependencies
                               (pyproject.toml) and its build requirement, every package pinned
                               with the hashes of its files. `tasks.py book` and `tasks.py test`
                               install exactly this (`pip install --require-hashes`).
    requirements-oldest.lock   lecturelib's declared lower bounds (pyproject.toml: `numpy>=1.26`
                               becomes `numpy==1.26`), plus the test tools at the versions of
                               requirements.lock: the oldest-dependencies lane of `tasks.py test`.

Where the packages come from is written down, not taken from this machine's pip configuration:
uv reads no pip configuration and resolves against PyPI alone, except for PyTorch. The book uses
PyTorch's CPU build (`torch==2.13.0+cpu`; PyPI's Linux wheel of the same version is the CUDA build,
several GB), which PyTorch serves from its own index, TORCH_CPU_INDEX, named at the top of each
lock. `tasks.py lock` fetches that one wheel with pip (from the folders pip is configured with,
or else from TORCH_CPU_INDEX) and hands it to uv; the lock records its hash, so whichever mirror
supplies it later must supply the same file. The locks are for CPython 3.11 on Linux x86_64 (the
development machines and CI): the CPU wheel's hash is that platform's.

Each lock names the digest of the requirements it was made from (`# source-sha256:`). The
functions here that `tasks.py` uses need only the standard library (it runs before `.venv`
exists); the checks in tests/test_lock.py also use `packaging`.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = "requirements.lock"
OLDEST_LOCK = "requirements-oldest.lock"
SOURCES = ("requirements.txt", "pyproject.toml")

UV = "uv==0.13.8"  # the tool that writes the locks (a dev tool: tasks.py lock installs it on demand)
PYPI = "https://pypi.org/simple"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
PYTHON_VERSION = "3.11"
PLATFORM = "x86_64-manylinux_2_28"  # uv's name for the platform the locks are made for
PIP_PLATFORM = "manylinux_2_28_x86_64"  # pip's name for it
# The test tools of the oldest-dependencies lane (at requirements.lock's versions): pytest and
# hypothesis for the library's tests, nbval and ipykernel to run a chapter.
OLDEST_LANE_TOOLS = ("pytest", "hypothesis", "nbval", "ipykernel")
# Lower bounds that cannot be installed here, raised in pyproject.toml to the lowest that can be:
# torch>=2.3 became torch>=2.13 (only PyTorch 2.13.0's CPU build is at hand; older CPU builds live
# on PyTorch's own index, PyPI's are the multi-GB CUDA builds). README.md says which ranges are tested.

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.M)
SOURCE_DIGEST = re.compile(r"^# source-sha256: ([0-9a-f]{64})$", re.M)


class LockError(RuntimeError):
    """The lock cannot be made or does not fit its sources; the message says what to do."""


def canonical(name: str) -> str:
    """PEP 503 name: lower case, runs of `-`, `_`, `.` as one `-`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(text: str) -> list[str]:
    """The requirement lines of a requirements file: comments, blanks and options left out."""
    lines = (line.split(" #")[0].split("\t#")[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith(("#", "-"))]


def pyproject(root: Path = ROOT) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text())


def declared(root: Path = ROOT) -> list[str]:
    """lecturelib's declared dependencies: the required ones and those of its extras (torch, which
    the chapters need and Colab preinstalls, is the extra `lecturelib[torch]`)."""
    project = pyproject(root)["project"]
    extras = project.get("optional-dependencies", {})
    return list(project["dependencies"]) + [r for name in sorted(extras) for r in extras[name]]


def book_requirements(root: Path = ROOT) -> list[str]:
    """Everything requirements.lock must satisfy: requirements.txt, lecturelib's dependencies and
    its build requirements (setuptools: `pip install --no-build-isolation -e .` uses the lock's)."""
    project = pyproject(root)
    return (requirement_lines((root / "requirements.txt").read_text())
            + declared(root) + list(project["build-system"]["requires"]))


def lower_bounds(root: Path = ROOT) -> dict[str, str]:
    """lecturelib's declared lowest versions: {"numpy": "1.26", ...} from `numpy>=1.26`.
    A dependency without a `>=` bound is an error: the lane could not know what to test."""
    bounds = {}
    for requirement in declared(root):
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*>=\s*([0-9][0-9a-z.]*)(\s*,.*)?", requirement.strip())
        if not match:
            raise LockError(f"pyproject.toml: lecturelib's dependency {requirement!r} has no lower bound "
                            "(`name>=version`): the oldest-dependencies lane tests each lower bound")
        bounds[canonical(match.group(1))] = match.group(2)
    return bounds


def pins(lock_text: str) -> dict[str, str]:
    """{canonical name: pinned version} of a lock file."""
    found: dict[str, str] = {}
    for name, version in PIN.findall(lock_text):
        if canonical(name) in found:
            raise LockError(f"the lock pins {name} twice")
        found[canonical(name)] = version
    return found


def oldest_requirements(root: Path = ROOT) -> list[str]:
    """The oldest lane's requirements: each lower bound pinned exactly, and the lane's test tools at
    the versions of requirements.lock."""
    lock_file = root / LOCK
    if not lock_file.exists():
        raise LockError(f"{LOCK} is missing: run `python3 tasks.py lock`")
    book = pins(lock_file.read_text())
    tools = []
    for tool in OLDEST_LANE_TOOLS:
        if tool not in book:
            raise LockError(f"{LOCK} has no {tool}, which the oldest-dependencies lane needs: "
                            "add it to requirements.txt and run `python3 tasks.py lock`")
        tools.append(f"{tool}=={book[tool]}")
    return [f"{name}=={version}" for name, version in lower_bounds(root).items()] + tools


def digest(requirements: list[str]) -> str:
    """A digest of a set of requirements: order, spaces and comments do not change it."""
    normal = sorted({re.sub(r"\s+", "", line) for line in requirements})
    return hashlib.sha256("\n".join(normal).encode()).hexdigest()


def recorded_digest(lock_text: str) -> str | None:
    match = SOURCE_DIGEST.search(lock_text)
    return match.group(1) if match else None


def stale(root: Path = ROOT) -> list[str]:
    """The lock files that do not match their sources (missing, or made from other requirements)."""
    out = []
    for name, requirements in ((LOCK, lambda: book_requirements(root)), (OLDEST_LOCK, lambda: oldest_requirements(root))):
        path = root / name
        try:
            wanted = digest(requirements())
        except LockError:
            wanted = None
        if not path.exists() or recorded_digest(path.read_text()) != wanted:
            out.append(name)
    return out


def unsatisfied(requirements: list[str], pinned: dict[str, str], environment: dict | None = None) -> list[str]:
    """The requirements that no pin satisfies (for CPython 3.11 on Linux unless `environment` says
    otherwise); a requirement whose marker excludes that platform is skipped. Needs `packaging`."""
    from packaging.requirements import Requirement
    from packaging.version import Version

    environment = environment or {"python_version": PYTHON_VERSION, "python_full_version": f"{PYTHON_VERSION}.0",
                                  "sys_platform": "linux", "platform_system": "Linux",
                                  "platform_machine": "x86_64", "implementation_name": "cpython"}
    problems = []
    for line in requirements:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        version = pinned.get(canonical(requirement.name))
        if version is None:
            problems.append(f"{line}: not pinned")
        elif not requirement.specifier.contains(Version(version), prereleases=True):
            problems.append(f"{line}: pinned at {version}")
    return problems


HEADER = """\
# {title}
# Written by `python3 tasks.py lock` (uv pip compile --generate-hashes) from {sources};
# do not edit: edit those and run the command again (it keeps every other pin; `--upgrade` moves all).
# For CPython {python} on Linux x86_64. Every file is checked against its hash: pip install --require-hashes -r {name}
# torch is PyTorch's CPU build, {torch}: it comes from PyTorch's CPU index, named on the next line;
# every other package comes from PyPI.
--extra-index-url {index}
# source-sha256: {digest}
"""


def _run(command: list[str], what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise LockError(f"{what} failed ({' '.join(command[:4])} ...):\n{result.stdout}{result.stderr}")
    return result


def torch_cpu_wheel(version: str, into: Path) -> Path:
    """PyTorch's CPU wheel `torch==<version>+cpu` for the lock's platform, fetched by pip: first
    from the sources pip is configured with (a local folder or PIP_EXTRA_INDEX_URL), and if they
    do not have it, from PyTorch's CPU index."""
    base = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q",
            "--disable-pip-version-check", "--platform", PIP_PLATFORM, "--python-version", PYTHON_VERSION,
            "--implementation", "cp", "-d", str(into), f"torch=={version}+cpu"]
    for extra in ([], ["--extra-index-url", TORCH_CPU_INDEX]):
        if subprocess.run(base + extra, capture_output=True, text=True).returncode == 0:
            break
    wheels = sorted(into.glob(f"torch-{version}+cpu-*.whl"))
    if not wheels:
        raise LockError(f"pip could not fetch PyTorch's CPU build torch=={version}+cpu for CPython "
                        f"{PYTHON_VERSION} on {PIP_PLATFORM}, neither from its configured sources nor "
                        f"from {TORCH_CPU_INDEX}")
    return wheels[0]


def compile_lock(uv: Path, root: Path, inputs: list[str], out: str, find_links: Path, upgrade: bool) -> str:
    """uv's lock body (no header) for `inputs` (paths relative to `root`), keeping the pins of the
    existing `out` as preferences unless `upgrade`."""
    with tempfile.TemporaryDirectory() as scratch:
        previous = Path(scratch) / "previous.txt"
        if (root / out).exists() and not upgrade:  # uv keeps the pins of the file it writes to
            previous.write_text("\n".join(line for line in (root / out).read_text().splitlines()
                                          if not line.startswith("--")) + "\n")
        command = [str(uv), "pip", "compile", "--no-config", "--quiet", "--generate-hashes", "--no-header",
                   "--only-binary", ":all:", "--python-version", PYTHON_VERSION, "--python-platform", PLATFORM,
                   "--index-url", PYPI, "--find-links", str(find_links), "-o", str(previous),
                   *(["--upgrade"] if upgrade else []), *inputs]
        result = subprocess.run(command, capture_output=True, text=True, cwd=root)
        if result.returncode != 0:
            raise LockError(f"uv pip compile for {out} failed:\n{result.stdout}{result.stderr}")
        return previous.read_text()


def write_lock(uv: Path, root: Path, name: str, title: str, sources: str, inputs: list[str],
               requirements: list[str], wheels: Path, upgrade: bool) -> Path:
    body = compile_lock(uv, root, inputs, name, wheels, upgrade)
    header = HEADER.format(title=title, sources=sources, python=PYTHON_VERSION, name=name,
                           torch=f"torch=={pins(body).get('torch', '?')}", index=TORCH_CPU_INDEX,
                           digest=digest(requirements))
    (root / name).write_text(header + body)
    return root / name


def write_locks(uv: Path, root: Path = ROOT, upgrade: bool = False) -> list[Path]:
    """Write requirements.lock, then requirements-oldest.lock (its test tools come from the first);
    return their paths."""
    requirements = book_requirements(root)
    torch = [line.replace(" ", "") for line in requirements
             if canonical(re.split(r"[<>=!~ ;\[]", line)[0]) == "torch" and "==" in line]
    if len(torch) != 1 or not re.fullmatch(r"torch==\d+(\.\d+)+", torch[0]):
        raise LockError(f"requirements.txt must pin torch exactly (torch==X.Y.Z), not {torch}: "
                        "a looser pin can take the multi-GB CUDA build")
    with tempfile.TemporaryDirectory(dir=root) as scratch:
        scratch = Path(scratch)
        wheels = scratch / "wheels"
        wheels.mkdir()
        torch_cpu_wheel(torch[0].split("==")[1], wheels)
        build = scratch / "build-system.in"  # lecturelib's build requirement, for the editable install
        build.write_text("\n".join(pyproject(root)["build-system"]["requires"]) + "\n")
        written = [write_lock(uv, root, LOCK, "The book's environment, locked",
                              "requirements.txt and pyproject.toml (lecturelib's dependencies and build requirement)",
                              ["requirements.txt", "pyproject.toml", str(build.relative_to(root))],
                              requirements, wheels, upgrade)]
        oldest = oldest_requirements(root)
        lane = scratch / "oldest.in"
        lane.write_text("\n".join(oldest) + "\n")
        written.append(write_lock(uv, root, OLDEST_LOCK,
                                  "lecturelib's lowest declared versions, locked: the oldest-dependencies lane of tasks.py test",
                                  "pyproject.toml's lower bounds (numpy>=1.26 pinned as numpy==1.26) and the test tools "
                                  "of requirements.lock", [str(lane.relative_to(root))], oldest, wheels, upgrade))
        for path in written:  # the scratch folder's name means nothing to a reader
            text = path.read_text().replace(f"-r {build.relative_to(root)}", "pyproject.toml [build-system]")
            path.write_text(text.replace(f"-r {lane.relative_to(root)}", "pyproject.toml's lower bounds"))
    return written


def install_uv(target: Path) -> Path:
    """uv, installed from the registry into `target` (not into the environment it locks)."""
    uv = target / "bin" / "uv"
    version = UV.split("==")[1]
    if uv.exists() and version in subprocess.run([str(uv), "--version"], capture_output=True, text=True).stdout:
        return uv
    if target.exists():
        shutil.rmtree(target)
    _run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--target", str(target), UV],
         f"installing {UV}")
    return uv
