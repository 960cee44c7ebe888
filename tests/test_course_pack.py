"""The course pack (tools/course_pack.py), as the HTML build writes it: a student unpacks it,
installs it and runs a chapter, with nothing from this checkout.

The fresh virtual environment gets lecturelib ONLY from the pack's wheel (`pip install
--no-index --no-deps`, so offline). The chapters' other dependencies (torch, NumPy, ...: 1.5 GB)
are not installed a second time: a `.pth` file in the fresh environment adds the book's own
site-packages after its own, the same packages the pack's requirements.txt names. The test
checks that the kernel runs the fresh environment's Python and imports lecturelib from the
wheel, not from this checkout (where it is installed editable).
"""

import os
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import course_pack  # noqa: E402

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
CHAPTER_TO_RUN = "03_autodiff.ipynb"  # the quickest chapter (about 7 s)

pytestmark = [pytest.mark.book, pytest.mark.pdf]


@pytest.fixture(scope="module")
def pack(built_book) -> Path:
    path = built_book / "_downloads" / course_pack.ZIP_NAME
    assert path.exists(), f"the HTML build did not write the course pack {path}"
    return path


def names(pack: Path) -> set[str]:
    with zipfile.ZipFile(pack) as archive:
        return set(archive.namelist())


def read(pack: Path, name: str) -> bytes:
    with zipfile.ZipFile(pack) as archive:
        return archive.read(f"{course_pack.PACK_NAME}/{name}")


def test_pack_holds_the_notebooks_a_wheel_requirements_and_a_readme(pack):
    inside = {name.removeprefix(f"{course_pack.PACK_NAME}/") for name in names(pack)}
    wheels = [n for n in inside if n.startswith("lecturelib-") and n.endswith("-py3-none-any.whl")]
    assert len(wheels) == 1, f"one lecturelib wheel expected, the pack has {sorted(inside)}"
    assert {"README.txt", "requirements.txt"} <= inside
    for notebook in NOTEBOOKS:
        assert read(pack, f"chapters/{notebook.name}") == notebook.read_bytes(), \
            f"{notebook.name} in the pack differs from chapters/ (a stale pack?)"
    readme = read(pack, "README.txt").decode()
    assert f"pip install -r requirements.txt {wheels[0]}" in readme
    assert "jupyter lab chapters/" in readme
    assert pack.stat().st_size < 2_000_000


def test_pack_requirements_pin_torch_as_the_book_does_and_leave_out_build_tools(pack):
    ours = read(pack, "requirements.txt").decode().splitlines()
    book = (ROOT / "requirements.txt").read_text().splitlines()
    torch_pin = [line for line in book if line.startswith("torch")]
    assert torch_pin and torch_pin[0] in ours
    lowered = " ".join(ours).lower()
    for tool in ("jupyter-book", "pytest", "nbval", "playwright", "sphinx"):
        assert tool not in lowered, f"{tool} is for building the book, not for running it"
    for needed in ("numpy", "scipy", "matplotlib", "ipywidgets", "ipykernel", "jupyterlab", "jupyterlab-myst"):
        assert needed in lowered


def test_landing_page_links_the_pack_and_the_pdf(built_book, pack):
    intro = (built_book / "intro.html").read_text()
    assert f'href="_downloads/{course_pack.ZIP_NAME}"' in intro
    assert 'href="_downloads/training-deep-networks.pdf"' in intro


def test_a_chapter_runs_from_the_pack_in_a_fresh_environment(pack, tmp_path):
    with zipfile.ZipFile(pack) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / course_pack.PACK_NAME
    fresh = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    python = fresh / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "book-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(folder.glob("lecturelib-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index",
                    "--no-deps", "-q", str(wheel)], check=True)

    notebook = nbformat.read(folder / "chapters" / CHAPTER_TO_RUN, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(
        "import sys, lecturelib\nprint('PYTHON', sys.executable)\nprint('LECTURELIB', lecturelib.__file__)"))
    probe = folder / "chapters" / "probe.ipynb"
    nbformat.write(notebook, probe)
    runner = textwrap.dedent(f"""
        import nbformat
        from nbclient import NotebookClient
        notebook = nbformat.read({str(probe)!r}, as_version=4)
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={{"metadata": {{"path": {str(probe.parent)!r}}}}}).execute()
        print(notebook.cells[0].outputs[0]["text"])
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "MPLBACKEND")}
    env.update(PATH=f"{fresh / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(fresh))
    result = subprocess.run([str(python), "-c", runner], cwd=probe.parent, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{CHAPTER_TO_RUN} failed from the pack:\n{result.stderr[-3000:]}"
    kernel_python = result.stdout.split("PYTHON ")[1].split()[0]
    library = result.stdout.split("LECTURELIB ")[1].split()[0]
    assert Path(kernel_python).parent == fresh / "bin", f"the kernel ran {kernel_python}, not the fresh venv"
    assert Path(library).is_relative_to(site), f"lecturelib came from {library}, not from the pack's wheel"
