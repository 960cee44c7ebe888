"""Benchmark rows for the book's downloads: the PDF step's time (tools/pdf.py: the single-page
build that reuses the HTML build's executed notebooks, then Chromium's print), the PDF's pages
and size, the course pack's size, and the size of the whole site (_build/html, with the PDF, the
pack and the vendored MathJax). Needs the HTML build, which `benchmarks/run.py` makes first."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"


def megabytes(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def rows() -> list[tuple[str, str]]:
    if not (HTML / "index.html").exists():
        return [("PDF and site size", "not measured: the book is not built")]
    result = []
    start = time.perf_counter()
    made = subprocess.run([sys.executable, str(ROOT / "tools" / "pdf.py")], cwd=ROOT,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    pdf = ROOT / "_build" / "pdf" / "training-deep-networks.pdf"
    if made.returncode != 0 or not pdf.exists():
        result.append(("PDF (`tools/pdf.py`)", "not made: " + (made.stderr.strip().splitlines() or ["?"])[-1]))
    else:
        pages = "?"
        if shutil.which("pdfinfo"):
            listing = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
            pages = re.search(r"Pages:\s+(\d+)", listing).group(1)
        result += [("PDF step (single-page build reusing the executed notebooks + Chromium print)",
                    f"{seconds:.0f} s"),
                   ("PDF of the whole book: pages, size", f"{pages} pages, {megabytes(pdf):.1f} MB")]
    pack = next((HTML / "_downloads").glob("*-course-pack.zip"), None)
    if pack is not None:
        result.append(("course pack (notebooks, lecturelib wheel, requirements)", f"{megabytes(pack):.2f} MB"))
    mathjax = HTML / "_static" / "vendor" / "mathjax"
    result.append(("site `_build/html` (with the PDF and the pack): total / of it MathJax",
                   f"{megabytes(HTML):.1f} MB / {megabytes(mathjax):.1f} MB"))
    return result


if __name__ == "__main__":
    for what, value in rows():
        print(f"| {what} | {value} |")
