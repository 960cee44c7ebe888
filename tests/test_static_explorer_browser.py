"""The static explorer's page script (lecturelib/explore/static.js, static.css) in a real browser.

Debian's Chromium, driven by Playwright, opens stand-alone pages holding explorers: the
hand-made sample of tests/fixtures/static_explorer_sample.json (the JSON, version 1, that
lecturelib/explore/static.py writes) and each chapter's explorer as lecturelib captures it.
Every control is moved with the keyboard and every slider also dragged with the mouse; after
each move the figure shows a different picture exactly when the precomputed frame (or
background) changed, the points of the frame chosen (read from the JSON here, not from
static.js) are drawn, the <output>, aria-valuetext, the live status and `state()` say the option
chosen, a control that belongs to other options of a menu ("when") is hidden and unsaid, and
the page neither logs an error nor asks for any URL but its own and data: URLs.
Pages are opened both from a 127.0.0.1 server and from file://. Without Chromium the tests skip.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from chromium import NEEDS_CHROMIUM, browser, serve  # noqa: F401 (browser: a fixture)

from lecturelib.explore import STATIC_EXPLORERS

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "lecturelib" / "explore"
SAMPLE = ROOT / "tests" / "fixtures" / "static_explorer_sample.json"

pytestmark = [NEEDS_CHROMIUM, pytest.mark.usefixtures("book_build")]  # the capture, as in the build


def explorer_html(data: dict) -> str:
    """The HTML of the contract for `data`, with static.css and static.js inlined."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return (f'<div class="lx-explorer" data-lx-name="{data["name"]}">'
            f'<script type="application/json" class="lx-data">{text}</script></div>\n'
            f'<style class="lx-style">{(ASSETS / "static.css").read_text()}</style>\n'
            f'<script class="lx-script">{(ASSETS / "static.js").read_text()}</script>\n')


def page(*explorers: str) -> str:
    return '<!doctype html><html><head><meta charset="utf-8"></head><body>' + "".join(explorers) + "</body></html>"


def static_of(name: str) -> str:
    """The chapter explorer's static HTML with the chapter's own arguments (background, labels,
    caption), its grid cut to at most 4 values per control to keep the test fast."""
    build, grid_of = STATIC_EXPLORERS[name]
    explorer = build()
    arguments = dict(grid_of())
    grid = dict(arguments.get("grid") or {})
    for control, values in explorer.controls.items():
        values = list(grid.get(control, values))
        if len(values) > 4:
            default = explorer.defaults[control]
            picks = {0, len(values) // 3, 2 * len(values) // 3, len(values) - 1}
            picked = [v for i, v in enumerate(values) if i in picks]
            if default in values and default not in picked:
                picked[1] = default
                picked.sort(key=values.index)
            values = picked
        grid[control] = values
    arguments["grid"] = grid
    return explorer.static(**arguments).html()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("static-explorers")


@pytest.fixture(scope="module")
def site(folder):
    with serve(folder) as url:
        yield url


class Visit:
    """One page with its JavaScript errors, console errors and requests for other URLs."""

    def __init__(self, browser, url, ready=True, **context):
        self.context = browser.new_context(**{"viewport": {"width": 1000, "height": 900}, **context})
        self.page = self.context.new_page()
        self.errors, self.outside = [], []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        own = url.split("#")[0]

        def route(route):
            asked = route.request.url
            if asked == own or asked.startswith("data:"):
                route.continue_()
            else:
                self.outside.append(asked)
                route.abort()

        self.page.route("**/*", route)
        self.page.goto(url, wait_until="load")
        if ready:
            self.page.wait_for_function("[...document.querySelectorAll('.lx-explorer')]"
                                        ".every(e => e.dataset.lxReady === '1')", timeout=10000)

    def clean(self):
        assert self.errors == [], f"the page logged {self.errors[:3]}"
        assert self.outside == [], f"the page asked for {self.outside[:3]}"


@pytest.fixture
def visit(browser):
    visits = []

    def open_page(url, ready=True, **context):
        visits.append(Visit(browser, url, ready, **context))
        return visits[-1]

    yield open_page
    for v in visits:
        v.context.close()


def write(folder, name, html) -> str:
    (folder / name).write_text(html, encoding="utf-8")
    return name


def urls(site, folder, name):
    return [f"{site}/{name}", (folder / name).as_uri()]


LOOK = """n => {
    const e = document.querySelectorAll('.lx-explorer')[n], image = e.querySelector('img');
    const canvas = e.querySelector('canvas'), pixels = canvas.toDataURL();
    let h = 2166136261;
    for (let i = 0; i < pixels.length; i += 1) h = Math.imul(h ^ pixels.charCodeAt(i), 16777619);
    // Independently of static.js: the frame the controls' values select, and up to 24 points of
    // its solid lines and filled markers (2 px inside their clip) that are not drawn on the canvas.
    const cache = window.__lxTest = window.__lxTest || {};
    const data = cache[n] = cache[n] || JSON.parse(e.querySelector('script.lx-data').textContent);
    // A control with "when" counts only while its menu shows one of the options listed.
    const values = [...e.querySelectorAll('select, input[type=range]')].map(i => Number(i.value));
    const names = data.controls.map(c => c.name);
    const shown = data.controls.map(c => !c.when || c.when.options.includes(values[names.indexOf(c.when.control)]));
    const key = values.map((v, i) => shown[i] ? v : data.controls[i].initial).join(',');
    const frame = data.frames[data.settings[key]], k = 1 / data.scale;
    const copy = document.createElement('canvas');
    copy.width = canvas.width; copy.height = canvas.height;
    const context = copy.getContext('2d', {willReadFrequently: true});  // a copy: read it freely
    context.drawImage(canvas, 0, 0);
    const ratio = canvas.width / data.width, clips = data.clips[data.background.map(b =>
        key.split(',')[names.indexOf(b)]).join(',')] || [];
    const points = [];
    for (const [s, c, xy] of frame.lines) {
        const style = data.styles[s], clip = c >= 0 ? clips[c] : [0, 0, data.width * data.scale, data.height * data.scale];
        const solid = style.width > 0 && !(style.dash || []).length, filled = style.marker && style.face !== 'none';
        if (!solid && !filled) continue;
        for (let j = 0; j + 1 < xy.length; j += 2) {
            const x = xy[j] * k, y = xy[j + 1] * k;
            const joined = [j - 2, j + 2].some(m => m >= 0 && m + 1 < xy.length && xy[m] !== null &&
                                                    (xy[m] !== xy[j] || xy[m + 1] !== xy[j + 1]));
            if (!filled && !joined) continue;  // a lone point of a line draws nothing, as in matplotlib
            if (xy[j] === null || x < clip[0] * k + 2 || y < clip[1] * k + 2 ||
                x > (clip[0] + clip[2]) * k - 2 || y > (clip[1] + clip[3]) * k - 2) continue;
            points.push([x, y]);
        }
    }
    const missing = [];
    for (let j = 0; j < points.length; j += Math.max(1, Math.floor(points.length / 24))) {
        const [x, y] = points[j];
        if (context.getImageData(Math.floor(x * ratio), Math.floor(y * ratio), 1, 1).data[3] === 0) missing.push(points[j]);
    }
    return {picture: [h >>> 0, image.src.length, image.src.slice(-64)].join(':'),
            frame: [window.lectureExplorers[n].frame(), image.src.length, image.src.slice(-64)].join(':'),
            state: window.lectureExplorers[n].state(), missing: missing, checked: points.length,
            texts: frame.texts.map(t => String(t[1])), shown: shown,
            hidden: [...e.querySelectorAll('.lx-control')].map(box => box.hidden && !box.offsetParent),
            status: e.querySelector('[aria-live]').textContent};
}"""


def look(page, n):
    """What explorer n shows, which frame and background it says it shows, and its state()."""
    return page.evaluate(LOOK, n)


def check_shown(page, n, control, spec, before):
    """After a move of `control` (an input/select locator): output, aria-valuetext, the live
    status and state() name the option chosen; the picture changed exactly when the frame or
    the background did."""
    name, index = spec["name"], int(control.input_value())
    option = spec["options"][index]
    now = look(page, n)
    assert now["state"][name] == option, f"{name}: state() says {now['state'][name]!r}, the control {option!r}"
    shown = control.evaluate("(e, id) => [document.querySelector(`output[for='${id}']`).textContent, "
                             "e.getAttribute('aria-valuetext')]", control.get_attribute("id"))
    assert shown[0].strip() == option, f"{name}: the output shows {shown[0]!r}, the control {option!r}"
    if spec["kind"] == "slider":
        assert shown[1] == option
    assert f"{spec['label']} {option}" in now["status"]
    assert all(text in now["status"] for text in now["texts"]), "the live status should say the figure's texts"
    assert now["hidden"] == [not s for s in now["shown"]], "a control is shown exactly while its menu option is"
    assert set(now["state"]) == {c for c, s in zip(control_names(page, n), now["shown"]) if s}
    assert now["missing"] == [], f"{name} = {option}: the frame's points {now['missing'][:3]} are not drawn"
    if now["frame"] != before["frame"]:
        assert now["picture"] != before["picture"], f"{name} = {option}: a new frame but the same picture"
    else:
        assert now["picture"] == before["picture"], f"{name} = {option}: the same frame drew another picture"
    return now


def control_names(page, n):
    return page.evaluate("n => JSON.parse(document.querySelectorAll('.lx-explorer')[n]"
                         ".querySelector('script.lx-data').textContent).controls.map(c => c.name)", n)


def moving_setting(data, now, i):
    """The setting nearest `now` (a list of option indices) from which moving control i by one
    option gives another frame, and the direction (+1 or -1): for instance, chapter 2's Soboleva
    parameters change nothing while PReLU is chosen."""
    shown = [c["name"] in data["background"] for c in data["controls"]]
    settings = {key: (frame, [k for k, s in zip(key.split(","), shown) if s])
                for key, frame in data["settings"].items()}  # the frame and the background image
    best = None
    for key, frame in settings.items():
        base = [int(k) for k in key.split(",")]
        for step in (+1, -1):
            moved = base.copy()
            moved[i] += step
            other = settings.get(",".join(map(str, moved)))
            if other is not None and other != frame:
                distance = sum(a != b for a, b in zip(base, now)) * 1000 + abs(base[i] - now[i])
                if best is None or distance < best[0]:
                    best = (distance, base, step)
    assert best is not None, f"no value of control {i} changes the figure in any setting"
    return best[1], best[2]


def steer_every_control(page, n=0):
    """Each control of explorer n moved with the keyboard (first set, with `select`, the other
    controls to the nearest setting where it changes the figure), then back, and each slider
    dragged with the mouse; after each move `check_shown`."""
    controls = page.locator(".lx-explorer").nth(n).locator("select, input[type=range]")
    data = page.evaluate("n => JSON.parse(document.querySelectorAll('.lx-explorer')[n]"
                         ".querySelector('script.lx-data').textContent)", n)
    specs = {c["name"]: c for c in data["controls"]}
    names = [c["name"] for c in data["controls"]]
    assert [controls.nth(i).get_attribute("name") for i in range(controls.count())] == names
    for i, name in enumerate(names):
        control, spec = controls.nth(i), specs[name]
        last = len(spec["options"]) - 1
        menu = [c for c in data["controls"] if spec.get("when") and c["name"] == spec["when"]["control"]]
        if last == 0 or menu and not spec["when"]["options"]:
            continue  # one option, or shown with no option of its menu on this page: nothing to move
        now = [int(controls.nth(j).input_value()) for j in range(len(names))]
        base, step = moving_setting(data, now, i)
        for j, (index, current) in enumerate(zip(base, now)):
            if index != current:
                page.evaluate("([n, name, index]) => window.lectureExplorers[n].select(name, index)", [n, names[j], index])
        control.focus()
        forward = "ArrowRight" if spec["kind"] == "slider" else "ArrowDown"
        backward = {"ArrowRight": "ArrowLeft", "ArrowDown": "ArrowUp"}[forward]
        key = forward if step > 0 else backward
        before = look(page, n)
        pictures = {before["picture"]}
        while True:
            value = int(control.input_value())
            if (key == forward and value == last) or (key == backward and value == 0):
                break
            page.keyboard.press(key)
            assert int(control.input_value()) == value + (1 if key == forward else -1), f"{name}: {key} did not move it"
            before = check_shown(page, n, control, spec, before)
            pictures.add(before["picture"])
        assert len(pictures) > 1, f"{name}: moving it from setting {base} should change the figure"
        before = look(page, n)
        page.keyboard.press(backward if key == forward else forward)
        check_shown(page, n, control, spec, before)
        if spec["kind"] == "slider":
            drag(page, n, control, spec, last)


def drag(page, n, control, spec, last):
    """Mouse down on the thumb, move to the other end, up: the value follows the pointer."""
    control.scroll_into_view_if_needed()
    box = control.bounding_box()
    thumb = 16  # Chromium's default range thumb, px
    at = lambda index: box["x"] + thumb / 2 + (box["width"] - thumb) * index / last
    value = int(control.input_value())
    target = 0 if value > last / 2 else last
    before = look(page, n)
    page.mouse.move(at(value), box["y"] + box["height"] / 2)
    page.mouse.down()
    for k in range(1, 6):
        page.mouse.move(at(value) + (at(target) - at(value)) * k / 5, box["y"] + box["height"] / 2)
        if k == 3 and abs(target - value) > 1:  # mid-drag: the figure follows before the button is up
            assert look(page, n)["state"][spec["name"]] == spec["options"][int(control.input_value())]
            assert int(control.input_value()) != value, "the slider did not follow the pointer"
    page.mouse.up()
    assert int(control.input_value()) == target, f"dragging {control.get_attribute('name')} to {target} " \
                                                 f"left it at {control.input_value()}"
    check_shown(page, n, control, spec, before)


@pytest.fixture(scope="module")
def sample_page(folder):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return write(folder, "sample.html", page(explorer_html(data)))


@pytest.mark.parametrize("where", ["http", "file"])
def test_sample_explorer_steers_from_keyboard_and_mouse(visit, site, folder, sample_page, where):
    url = urls(site, folder, sample_page)[where == "file"]
    v = visit(url)
    steer_every_control(v.page)
    times = v.page.evaluate("window.lectureExplorers[0].redrawTimes")
    assert len(times) > 10 and max(times[1:]) < 100
    v.clean()


def test_sample_page_builds_labelled_controls_a_scaled_canvas_and_a_live_status(visit, site, folder, sample_page):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    v = visit(f"{site}/{sample_page}", device_scale_factor=2)
    p = v.page
    for control in data["controls"]:
        field = p.locator(f".lx-explorer [name='{control['name']}']")
        assert field.evaluate("e => e.tagName") == ("SELECT" if control["kind"] == "menu" else "INPUT")
        assert p.locator(f"label[for='{field.get_attribute('id')}']").inner_text() == control["label"]
        assert int(field.input_value()) == control["initial"]
        if control["kind"] == "slider":
            assert (field.get_attribute("min"), field.get_attribute("max"), field.get_attribute("step")) == \
                ("0", str(len(control["options"]) - 1), "1")
    canvas = p.locator(".lx-explorer canvas")
    assert canvas.evaluate("c => [c.width, c.height]") == [2 * data["width"], 2 * data["height"]]
    assert p.locator(".lx-explorer img").bounding_box() == canvas.bounding_box()
    assert p.locator(".lx-explorer [role=img]").get_attribute("aria-label").startswith(data["title"])
    status = p.locator(".lx-explorer [aria-live=polite]")
    assert status.bounding_box()["width"] <= 1 and "momentum" in status.text_content()
    assert p.evaluate("getComputedStyle(document.querySelector('.lx-figure')).backgroundColor") == "rgb(255, 255, 255)"
    beta = p.locator(".lx-explorer [name='beta']")  # "when": shown for momentum and Adam, not SGD
    assert beta.is_visible()
    p.evaluate("window.lectureExplorers[0].select('method', 0)")
    assert not beta.is_visible() and "beta" not in p.evaluate("window.lectureExplorers[0].state()")
    assert "momentum β" not in status.text_content()
    p.evaluate("window.lectureExplorers[0].select('method', 2)")
    assert beta.is_visible() and p.evaluate("window.lectureExplorers[0].state()")["beta"] == "0.9"
    v.clean()


def test_explorer_shrinks_on_a_narrow_screen_keeping_its_aspect_and_prints(visit, site, folder, sample_page):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    v = visit(f"{site}/{sample_page}", viewport={"width": 360, "height": 800})
    p = v.page
    assert p.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"
    image, canvas = (p.locator(f".lx-explorer {tag}").bounding_box() for tag in ("img", "canvas"))
    assert image == canvas and image["width"] < data["width"]
    assert abs(image["height"] / image["width"] - data["height"] / data["width"]) < 0.01
    before = p.locator(".lx-explorer [name='method']").bounding_box()
    assert before["y"] > p.locator(".lx-explorer [name='problem']").bounding_box()["y"], "controls should wrap"
    p.emulate_media(media="print")
    assert p.locator(".lx-explorer canvas").is_visible() and p.locator(".lx-explorer img").is_visible()
    v.clean()


def test_controls_follow_the_dark_theme_while_the_figure_stays_white(visit, site, folder):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    colours = {}
    for theme in ("light", "dark"):
        variables = ("--pst-color-text-base:#ced6dd;--pst-color-background:#121212;--pst-color-border:#48566b"
                     if theme == "dark" else "--pst-color-text-base:#222832;--pst-color-background:#ffffff")
        html = page(explorer_html(data)).replace("<html>", f'<html data-theme="{theme}">').replace(
            "</head>", f"<style>html[data-theme] {{{variables}}}</style></head>")
        v = visit(f"{site}/{write(folder, f'{theme}.html', html)}")
        colours[theme] = v.page.evaluate("""() => {
            const css = e => getComputedStyle(document.querySelector(e));
            return [css('.lx-explorer label').color, css('.lx-explorer select').backgroundColor,
                    css('.lx-figure').backgroundColor, css('.lx-explorer select').colorScheme];
        }""")
        v.clean()
    assert colours["light"][0] == "rgb(34, 40, 50)" and colours["dark"][0] == "rgb(206, 214, 221)"
    assert colours["dark"][1] == "rgb(18, 18, 18)" and colours["dark"][3] == "dark"
    assert colours["light"][2] == colours["dark"][2] == "rgb(255, 255, 255)"


def test_focused_control_shows_a_focus_ring(visit, site, folder, sample_page):
    v = visit(f"{site}/{sample_page}")
    v.page.locator(".lx-explorer [name='problem']").focus()
    v.page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    ring = v.page.evaluate("(e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth])"
                           "(document.activeElement)")
    assert v.page.evaluate("document.activeElement.name") == "method"
    assert ring == ["solid", "2px"]
    v.clean()


def test_two_explorers_and_one_inserted_after_load_each_work_on_their_own(visit, site, folder):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    other = {**data, "name": "other"}
    name = write(folder, "two.html", page(explorer_html(data), explorer_html(other)))
    v = visit(f"{site}/{name}")
    p = v.page
    assert p.evaluate("window.lectureExplorers.map(e => e.name)") == ["sample", "other"]
    assert len(set(p.eval_on_selector_all(".lx-explorer [id]", "es => es.map(e => e.id)"))) == \
        p.locator(".lx-explorer [id]").count(), "ids must be unique on the page"
    steer_every_control(p, 1)
    assert p.evaluate("window.lectureExplorers[0].state()")["lr"] == "0.1", "moving one explorer moved the other"
    # Jupyter inserts an output's HTML after the page loaded and runs its scripts.
    p.evaluate("""html => {
        const box = document.createElement('div'); document.body.appendChild(box);
        box.appendChild(document.createRange().createContextualFragment(html));
    }""", explorer_html({**data, "name": "late"}))
    p.wait_for_function("window.lectureExplorers.length === 3")
    assert p.evaluate("window.lectureExplorers[2].name") == "late"
    assert p.locator(".lx-explorer").count() == 3 and p.locator(".lx-explorer form").count() == 3
    p.evaluate("window.lectureExplorers[2].select('problem', 1)")
    assert p.evaluate("window.lectureExplorers[2].state()")["problem"] == "ridge"
    error = p.evaluate("(() => { try { window.lectureExplorers[2].select('speed', 1) } catch (e) { return e.message } })()")
    assert "speed" in error and "problem" in error
    v.clean()


def test_bad_data_shows_a_message_instead_of_breaking_the_page(visit, site, folder):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    broken = explorer_html({**data, "version": 2}).split("<style")[0]
    v = visit(f"{site}/{write(folder, 'broken.html', page(broken, explorer_html(data)))}", ready=False)
    v.page.wait_for_function("window.lectureExplorers && window.lectureExplorers.length === 1")
    assert "version 2" in v.page.locator(".lx-explorer").first.inner_text()
    assert v.page.evaluate("window.lectureExplorers.map(e => e.name)") == ["sample"]
    assert len(v.errors) == 1 and "version 2" in v.errors[0]  # one warning, nothing thrown
    assert v.outside == []


@pytest.fixture(scope="module")
def chapter_pages(folder):
    return {}


@pytest.mark.parametrize("name", sorted(STATIC_EXPLORERS))
def test_chapter_explorer_steers_from_keyboard_and_mouse(visit, site, folder, chapter_pages, name):
    """Each chapter's explorer as lecturelib captures it (a smaller grid), on a page served from
    127.0.0.1 and from file://."""
    if name not in chapter_pages:
        slug = "".join(c if c.isalnum() else "-" for c in name)
        chapter_pages[name] = write(folder, f"{slug}.html", page(static_of(name)))
    for where, url in zip(("http", "file"), urls(site, folder, chapter_pages[name])):
        v = visit(url)
        if where == "http":
            steer_every_control(v.page)
        else:
            first = v.page.locator(".lx-explorer select, .lx-explorer input[type=range]").first
            first.focus()
            before = look(v.page, 0)
            v.page.keyboard.press("ArrowRight" if first.get_attribute("type") == "range" else "ArrowDown")
            assert look(v.page, 0)["state"] != before["state"]
        v.clean()


def test_the_activation_menu_shows_only_the_chosen_activations_sliders(visit, site, folder):
    """Chapter 2's explorer: moving the menu with the keyboard shows that activation's own
    sliders and hides the others; Tab goes from the menu through exactly the sliders shown (each
    with its label) to depth, and the live status says only what is shown."""
    name = write(folder, "activation-menu.html", page(static_of("activations")))
    v = visit(f"{site}/{name}")
    p = v.page
    data = p.evaluate("JSON.parse(document.querySelector('script.lx-data').textContent)")
    menu = next(c for c in data["controls"] if c["name"] == "activation")
    p.locator("[name='activation']").focus()
    p.keyboard.press("Home")
    for k, activation in enumerate(menu["options"]):
        if k:
            p.locator("[name='activation']").focus()
            p.keyboard.press("ArrowDown")
        assert p.evaluate("window.lectureExplorers[0].state()")["activation"] == activation
        own = [c for c in data["controls"] if c.get("when") and k in c["when"]["options"]]
        assert own, f"{activation} is on the page, so it has a parameter to move"
        order = []
        for _ in range(len(own) + 2):
            order.append(p.evaluate("document.activeElement.name"))
            p.keyboard.press("Tab")
        assert order == ["activation"] + [c["name"] for c in own] + ["depth"]
        labels = p.eval_on_selector_all(".lx-control:not([hidden]) label", "ls => ls.map(l => l.textContent)")
        assert labels == [menu["label"]] + [c["label"] for c in own] + ["depth L"]
        depth = next(c for c in data["controls"] if c["name"] == "depth")
        said = [f"{menu['label']} {activation}"] + [f"{c['label']} {c['options'][c['initial']]}" for c in own]
        said.append(f"{depth['label']} {depth['options'][depth['initial']]}")
        status = p.locator("[aria-live=polite]").text_content()
        assert status.startswith(", ".join(said) + ". "), f"{activation}: the status says {status!r}"
    v.clean()


OVER = """async ([o, points]) => {
    const e = document.querySelector('.lx-explorer'), canvas = e.querySelector('canvas');
    const data = JSON.parse(e.querySelector('script.lx-data').textContent);
    const ratio = canvas.width / data.width, k = ratio / data.scale;
    const [x, y, w, h] = [o.x, o.y, o.w, o.h].map(v => Math.round(v * k));
    const picture = new Image();
    picture.src = o.src;
    await picture.decode();
    const read = (source, left, top) => {  // w × h device px of `source` from (left, top)
        const copy = document.createElement('canvas');
        copy.width = w; copy.height = h;
        const context = copy.getContext('2d', {willReadFrequently: true});
        context.drawImage(source, -left, -top);
        return context.getImageData(0, 0, w, h).data;
    };
    const over = read(picture, 0, 0), shown = read(canvas, x, y);
    let opaque = 0, unequal = [];
    for (let i = 0; i < over.length; i += 4) {
        if (over[i + 3] !== 255) continue;
        opaque += 1;
        if (shown[i + 3] !== 255 || [0, 1, 2].some(c => Math.abs(shown[i + c] - over[i + c]) > 2)) unequal.push(i / 4);
    }
    const path = points.map(([px, py]) => {
        const i = ((Math.floor(py * ratio) - y) * w + Math.floor(px * ratio) - x) * 4;
        return [[...over.slice(i, i + 4)], [...shown.slice(i, i + 4)]];
    });
    return {opaque: opaque, unequal: unequal.length, path: path, size: [picture.naturalWidth, picture.naturalHeight, w, h]};
}"""


def test_legend_is_drawn_over_a_path_that_crosses_it(visit, site, folder):
    """Chapter 4, where the path runs through the legend: as in matplotlib, the legend is on top.
    Where the legend's overlay is opaque the canvas shows exactly the overlay, and on the path
    inside the legend's box the canvas shows the overlay's colour, the path showing through only
    as much as the overlay is transparent (a path drawn over the legend would fail both)."""
    from lecturelib.explore import descent_explorer, descent_grid

    arguments = dict(descent_grid())
    explorer = descent_explorer()
    grid = {**arguments["grid"], "beta": [explorer.defaults["beta"]]}
    data = explorer.static(**{**arguments, "grid": grid}).data
    best = None
    for key, index in data["settings"].items():  # the setting whose path crosses the legend most
        image = ",".join(key.split(",")[[c["name"] for c in data["controls"]].index(b)] for b in data["background"])
        legend = max(data["overlays"][image], key=lambda o: o["w"] * o["h"])  # the legend, not the star
        x0, y0 = (legend["x"] + 30) / data["scale"], (legend["y"] + 30) / data["scale"]
        x1, y1 = x0 + legend["w"] / data["scale"] - 6, y0 + legend["h"] / data["scale"] - 6
        points = []
        for style, _, flat in data["frames"][index]["lines"]:
            if data["styles"][style]["width"] <= 0:
                continue
            xy = [(flat[j] / data["scale"], flat[j + 1] / data["scale"]) if flat[j] is not None else None
                  for j in range(0, len(flat), 2)]
            for a, b in zip(xy, xy[1:]):
                if a is None or b is None:
                    continue
                for t in np.linspace(0, 1, 1 + int(np.hypot(b[0] - a[0], b[1] - a[1]) / 0.5)):
                    px, py = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
                    if x0 < px < x1 and y0 < py < y1:
                        points.append((px, py))
        if best is None or len(points) > len(best[2]):
            best = (key, legend, points)
    key, legend, points = best
    assert len(points) >= 20, "no path of chapter 4 crosses its legend: the test needs one"
    name = write(folder, "legend.html", page(explorer_html(data)))
    v = visit(f"{site}/{name}", device_scale_factor=2)
    for control, index in zip(data["controls"], key.split(",")):
        v.page.evaluate("([n, i]) => window.lectureExplorers[0].select(n, i)", [control["name"], int(index)])
    seen = v.page.evaluate(OVER, [legend, points[::max(1, len(points) // 60)]])
    assert seen["size"][:2] == seen["size"][2:], "the overlay is drawn at its own resolution"
    assert seen["opaque"] > 100 and seen["unequal"] == 0, \
        f"{seen['unequal']} of the legend's {seen['opaque']} opaque pixels are not the legend's on the canvas"
    covered = 0
    for over, shown in seen["path"]:
        alpha = over[3] / 255
        if alpha >= 0.5:
            covered += 1
            gap = max(abs(s - o) for s, o in zip(shown[:3], over[:3]))
            assert gap <= (1 - alpha) * 255 + 8, f"on the path the canvas shows {shown}, the legend {over}: " \
                                                 f"the path is drawn over the legend"
    assert covered >= 10
    v.clean()
