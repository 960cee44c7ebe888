"""Static explorer rows: each chapter's explorer captured for the page (`Explorer.static`, with
the chapter's grid `<name>_grid()` beside `<name>_explorer` when lecturelib has one), opened in
headless Chromium; 100 seeded random control changes, each an `input` event as a slider or menu
sends it. Reported: the median and 95th percentile of static.js's own redraw times
(`lectureExplorers[0].redrawTimes`: look-up, image swap, canvas drawing; budget 16 / 33 ms), the
same with the canvas rasterised (a 1-pixel read-back after each redraw forces Chromium to run
the drawing it defers), the HTML's size (JSON with PNGs, static.css and static.js inlined), and
the number of settings captured beside the product of every control's values (a control shown
only for some options of a menu, `Explorer.shown_when`, multiplies only those).
"""

from __future__ import annotations

import os

import math
import statistics
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
CHANGES = 100
FALLBACK_VALUES = 6  # without a chapter grid: at most this many values per control

STEP = """async ([changes, seed]) => {
    let state = seed;
    const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const root = document.querySelector('.lx-explorer'), explorer = window.lectureExplorers[0];
    const context = root.querySelector('canvas').getContext('2d');
    explorer.redrawTimes.length = 0;
    const total = [];
    for (let k = 0; k < changes; k++) {
        // the controls shown now (chapter 2 shows only the chosen activation's sliders)
        const inputs = [...root.querySelectorAll('.lx-control:not([hidden]) :is(select, input[type=range])')]
            .filter(e => e.options ? e.options.length > 1 : Number(e.max) > 0);
        const input = inputs[Math.floor(random() * inputs.length)];
        const count = input.options ? input.options.length : Number(input.max) + 1;
        const now = Number(input.value);
        const next = (now + 1 + Math.floor(random() * (count - 1))) % count;
        const start = performance.now();
        input.value = String(next);
        input.dispatchEvent(new Event('input', {bubbles: true}));
        context.getImageData(0, 0, 1, 1);
        total.push(performance.now() - start);
        await new Promise(resolve => setTimeout(resolve, 0));
    }
    return [explorer.redrawTimes.slice(), total];
}"""


def chapter_explorers() -> dict:
    """name -> (build the explorer, its `static` arguments or None)."""
    from lecturelib import explore

    if hasattr(explore, "STATIC_EXPLORERS"):
        return dict(explore.STATIC_EXPLORERS)
    return {name: (build, getattr(explore, build.__name__.replace("_explorer", "_grid"), None))
            for name, (build, _) in explore.EXPLORERS.items()}


def static_explorer(build, grid_of):
    """The chapter's StaticExplorer as the page would show it (captured as in the book's build)."""
    from lecturelib.explore.build_only import BOOK_BUILD

    os.environ[BOOK_BUILD] = "1"  # this process measures the capture; it starts no kernel
    explorer = build()
    if grid_of:
        return explorer.static(**grid_of())
    grid = {}
    for control, values in explorer.controls.items():
        values = list(values)
        grid[control] = values[::max(1, -(-len(values) // FALLBACK_VALUES))]
    menus = tuple(c for c, values in explorer.controls.items() if all(isinstance(v, str) for v in values))
    for background in ((), menus, tuple(explorer.controls)):
        try:
            return explorer.static(grid=grid, background=background)
        except ValueError as error:
            if "to background" not in str(error):
                raise
    raise RuntimeError(f"{build.__name__}: no background captures")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def rows() -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        return [("static explorers in Chromium", "skipped: /usr/bin/chromium is not installed")]
    result = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        for n, (name, (build, grid_of)) in enumerate(chapter_explorers().items()):
            captured = static_explorer(build, grid_of)
            path = Path(folder) / f"explorer{n}.html"
            path.write_text("<!doctype html><html><head><meta charset='utf-8'></head><body>"
                            + captured.html() + "</body></html>", encoding="utf-8")
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function("document.querySelector('.lx-explorer').dataset.lxReady === '1'")
            page.evaluate(STEP, [10, 1])  # warm up fonts, images and the JIT
            script, drawn = page.evaluate(STEP, [CHANGES, 2])
            page.close()
            data = captured.data
            result += [
                (f"static explorer, {name}: redraw median / p95 over {CHANGES} changes (budget 16 / 33 ms)",
                 f"{statistics.median(script):.1f} / {percentile(script, 95):.1f} ms "
                 f"(rasterised: {statistics.median(drawn):.1f} / {percentile(drawn, 95):.1f} ms)"),
                (f"static explorer, {name}: HTML size (frames / settings; capture time)",
                 f"{len(captured.html().encode('utf-8')) / 1024:.0f} KB ({len(data['frames'])} / "
                 f"{len(data['settings'])}; {getattr(captured, 'seconds', 0.0):.1f} s)"),
                (f"static explorer, {name}: settings captured (all combinations of all controls)",
                 f"{len(data['settings']):,} ({math.prod(len(c['options']) for c in data['controls']):,})"),
            ]
        browser.close()
    return result


if __name__ == "__main__":
    for what, value in rows():
        print(f"| {what} | {value} |")
