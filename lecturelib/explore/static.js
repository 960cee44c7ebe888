/* Static explorer: HTML controls over frames precomputed at build time.
 *
 * Every <div class="lx-explorer"> holds <script type="application/json" class="lx-data">
 * (JSON version 1, written by static.py; docs/static-explorer.md is the contract). This script
 * builds its controls, an <img> background with a <canvas> on top, and redraws the canvas from
 * the chosen frame: lines, markers, then the background's overlays (legends and whatever else
 * matplotlib draws over the lines, decoded once), then texts. A control with "when" is shown
 * only while its menu has one of the listed options; while hidden it counts as its initial
 * option. It computes nothing: no update rule lives here. No network.
 * Plain ES2017, no library; safe to run several times on a page (one inlined copy per explorer).
 */
(function () {
  "use strict";
  if (!window.__lxStatic) window.__lxStatic = define();
  var api = window.__lxStatic;
  api.initAll();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", api.initAll);

  function define() {
    var explorers = window.lectureExplorers = window.lectureExplorers || [];
    var count = 0;

    function initAll() {
      for (var j = explorers.length - 1; j >= 0; j--) {  // a re-run notebook cell replaced its output
        if (!explorers[j].element.isConnected) explorers.splice(j, 1);
      }
      var found = document.querySelectorAll(".lx-explorer");
      for (var i = 0; i < found.length; i++) {
        if (found[i].dataset.lxInit) continue;
        found[i].dataset.lxInit = "1";
        try {
          explorers.push(create(found[i]));
        } catch (error) {
          found[i].appendChild(make("p", {"class": "lx-error"},
            "This explorer cannot be shown: " + error.message));
          console.warn("lecture explorer:", error);
        }
      }
    }

    function make(tag, attributes, text) {
      var node = document.createElement(tag);
      for (var key in attributes || {}) node.setAttribute(key, attributes[key]);
      if (text !== undefined) node.textContent = text;
      return node;
    }

    function create(element) {
      var source = element.querySelector("script.lx-data");
      if (!source) throw new Error("no <script class=\"lx-data\"> with its data");
      var data = JSON.parse(source.textContent);
      if (data.version !== 1) throw new Error("data version " + data.version + " is not 1");
      var id = "lx" + (++count) + "-" + String(data.name || "explorer").replace(/[^A-Za-z0-9_-]/g, "_");
      var controls = data.controls;
      var names = controls.map(function (c) { return c.name; });
      var backgroundAt = controls.map(function (c) { return data.background.indexOf(c.name) >= 0; });
      var chosen = controls.map(function (c) { return c.initial; });
      // A control with "when" belongs to some options of a menu that is always shown.
      var conditions = controls.map(function (c) {
        if (!c.when) return null;
        var at = names.indexOf(c.when.control);
        if (at < 0 || controls[at].when || controls[at].kind !== "menu")
          throw new Error(c.name + " is shown with " + c.when.control + ", which is not a menu that is always shown");
        return {at: at, options: c.when.options};
      });
      function shown(i) {
        return !conditions[i] || conditions[i].options.indexOf(chosen[conditions[i].at]) >= 0;
      }
      function effective() {  // the setting the figure shows: a hidden control at its initial option
        return chosen.map(function (index, i) { return shown(i) ? index : controls[i].initial; });
      }

      // The controls: one labelled <select> or range <input> each, its value shown in an <output>.
      var form = make("form", {"class": "lx-controls", "aria-label": (data.title || data.name) + ": settings"});
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      var boxes = [];
      var inputs = controls.map(function (control, i) {
        var box = make("div", {"class": "lx-control lx-" + control.kind});
        boxes.push(box);
        var inputId = id + "-" + i;
        box.appendChild(make("label", {"for": inputId}, control.label));
        var input;
        if (control.kind === "menu") {
          input = make("select", {id: inputId, name: control.name});
          control.options.forEach(function (option, k) { input.appendChild(make("option", {value: k}, option)); });
        } else {
          input = make("input", {id: inputId, name: control.name, type: "range", min: 0,
                                 max: control.options.length - 1, step: 1});
        }
        input.value = String(control.initial);
        box.appendChild(input);
        box.appendChild(make("output", {"for": inputId, "aria-hidden": "true"}));
        var changed = function () { choose(i, Number(input.value)); };
        input.addEventListener("input", changed);
        input.addEventListener("change", changed);
        form.appendChild(box);
        return input;
      });

      // The figure: the background image and the canvas scale together (static.css).
      var figure = make("div", {"class": "lx-figure", role: "img"});
      figure.style.width = data.width + "px";
      figure.style.aspectRatio = data.width + " / " + data.height;
      var image = make("img", {alt: "", width: data.width, height: data.height, draggable: "false"});
      var canvas = make("canvas", {"aria-hidden": "true"});
      var ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(data.width * ratio);
      canvas.height = Math.round(data.height * ratio);
      figure.appendChild(image);
      figure.appendChild(canvas);
      var status = make("div", {"class": "lx-status", role: "status", "aria-live": "polite"});

      element.appendChild(form);
      if (data.caption) element.appendChild(make("p", {"class": "lx-caption"}, data.caption));
      element.appendChild(figure);
      element.appendChild(status);

      var context = canvas.getContext("2d");
      var imageKey = null;
      var frameIndex = -1;

      // The overlays of every background, decoded before the explorer says it is ready.
      var layers = {}, pending = 0;
      Object.keys(data.overlays || {}).forEach(function (key) {
        layers[key] = data.overlays[key].map(function (overlay) {
          var picture = new Image();
          pending += 1;
          picture.onload = picture.onerror = function () {
            if (!picture.naturalWidth) console.warn("lecture explorer: an overlay of " + data.name + " cannot be decoded");
            pending -= 1;
            if (pending === 0 && frameIndex >= 0) redraw(-1);
          };
          picture.src = overlay.src;
          return {picture: picture, x: overlay.x, y: overlay.y, w: overlay.w, h: overlay.h};
        });
      });
      var explorer = {
        name: data.name, element: element, redrawTimes: [],
        state: function () {
          var state = {};
          controls.forEach(function (c, i) { if (shown(i)) state[c.name] = c.options[chosen[i]]; });
          return state;
        },
        select: function (name, index) {
          var i = names.indexOf(name);
          if (i < 0) throw new Error(name + " is not a control; the controls are " + names.join(", "));
          if (!(index >= 0 && index < controls[i].options.length && index % 1 === 0))
            throw new Error(name + " takes an option index from 0 to " + (controls[i].options.length - 1) + ", got " + index);
          inputs[i].value = String(index);
          choose(i, index);
        },
        frame: function () { return frameIndex; }
      };

      // A setting the page did not precompute: the nearest one that keeps the control just moved.
      function nearest(moved) {
        var best = null, bestDistance = Infinity, now = effective();
        for (var key in data.settings) {
          var indices = key.split(",").map(Number);
          if (moved >= 0 && indices[moved] !== now[moved]) continue;
          var distance = 0;
          for (var i = 0; i < indices.length; i++) distance += Math.abs(indices[i] - now[i]);
          if (distance < bestDistance) { best = indices; bestDistance = distance; }
        }
        return best;
      }

      function choose(i, index) {
        if (index === chosen[i] && frameIndex >= 0) return;  // `change` after `input`: nothing new
        chosen[i] = index;
        redraw(i);
      }

      function redraw(moved) {
        var start = performance.now();
        if (!(effective().join(",") in data.settings)) {
          var found = nearest(moved);
          if (found) {
            found.forEach(function (index, i) { if (shown(i)) chosen[i] = index; });
            inputs.forEach(function (input, i) { input.value = String(chosen[i]); });
          }
        }
        var setting = effective();
        var frame = data.frames[data.settings[setting.join(",")]];
        var key = setting.filter(function (_, i) { return backgroundAt[i]; }).join(",");
        if (key !== imageKey) {
          imageKey = key;
          image.src = data.images[key];
        }
        frameIndex = data.settings[setting.join(",")];
        draw(frame, data.clips[key] || [], layers[key] || []);
        var said = [];
        controls.forEach(function (c, i) {
          var option = c.options[chosen[i]];
          inputs[i].nextSibling.textContent = option;
          if (c.kind === "slider") inputs[i].setAttribute("aria-valuetext", option);
          boxes[i].hidden = !shown(i);
          if (shown(i)) said.push(c.label + " " + option);
        });
        var texts = frame.texts.map(function (t) { return String(t[1]); })
          .filter(function (t, n, all) { return t && all.indexOf(t) === n; }).join(". ");
        figure.setAttribute("aria-label", (data.title || data.name) + (texts ? ": " + texts : ""));
        status.textContent = said.join(", ") + (texts ? ". " + texts : "");
        explorer.redrawTimes.push(performance.now() - start);
        if (pending === 0) element.dataset.lxReady = "1";
      }

      function draw(frame, clips, overlays) {
        var k = 1 / data.scale;
        context.setTransform(1, 0, 0, 1, 0, 0);
        context.clearRect(0, 0, canvas.width, canvas.height);
        context.setTransform(ratio, 0, 0, ratio, 0, 0);
        frame.lines.forEach(function (line) {
          var style = data.styles[line[0]], clip = line[1] >= 0 ? clips[line[1]] : null;
          context.save();
          if (clip) {
            context.beginPath();
            context.rect(clip[0] * k, clip[1] * k, clip[2] * k, clip[3] * k);
            context.clip();
          }
          context.globalAlpha = style.alpha === undefined ? 1 : style.alpha;
          if (style.width > 0) stroke(line[2], style, k);
          if (style.marker) markers(line[2], style, k);
          context.restore();
        });
        overlays.forEach(function (o) {  // drawn by matplotlib over the lines: legends
          if (o.picture.complete && o.picture.naturalWidth) context.drawImage(o.picture, o.x * k, o.y * k, o.w * k, o.h * k);
        });
        var written = {};
        frame.texts.forEach(function (text) {  // the same text at the same place once
          var key = text[0] + "\n" + text[1];
          if (!written[key]) write(data.text_styles[text[0]], String(text[1]));
          written[key] = true;
        });
      }

      // A polyline; a null coordinate breaks it (matplotlib's NaN).
      function stroke(xy, style, k) {
        context.strokeStyle = style.color;
        context.lineWidth = style.width;
        context.lineJoin = "round";
        context.lineCap = style.dash && style.dash.length ? "butt" : "round";
        context.setLineDash(style.dash || []);
        context.beginPath();
        var pen = false;
        for (var j = 0; j + 1 < xy.length; j += 2) {
          if (xy[j] === null || xy[j + 1] === null) { pen = false; continue; }
          if (pen) context.lineTo(xy[j] * k, xy[j + 1] * k);
          else context.moveTo(xy[j] * k, xy[j + 1] * k);
          pen = true;
        }
        context.stroke();
      }

      // matplotlib's markers for markersize `size` (CSS px): "o" and "s" span it, "^" fills a
      // size × size box, "*" has outer radius size/2, "." is a dot of half that diameter.
      function markers(xy, style, k) {
        var r = style.size / 2;
        context.setLineDash([]);
        context.lineWidth = 1;
        context.strokeStyle = style.color;
        context.fillStyle = style.face && style.face !== "none" ? style.face : style.color;
        var fill = style.face !== "none";
        context.beginPath();
        for (var j = 0; j + 1 < xy.length; j += 2) {
          if (xy[j] === null || xy[j + 1] === null) continue;
          var x = xy[j] * k, y = xy[j + 1] * k;
          if (style.marker === "o" || style.marker === ".") {
            var radius = style.marker === "." ? r / 2 : r;
            context.moveTo(x + radius, y);
            context.arc(x, y, radius, 0, 2 * Math.PI);
          } else if (style.marker === "s") {
            context.rect(x - r, y - r, 2 * r, 2 * r);
          } else if (style.marker === "^") {
            context.moveTo(x, y - r);
            context.lineTo(x - r, y + r);
            context.lineTo(x + r, y + r);
            context.closePath();
          } else if (style.marker === "*") {
            for (var p = 0; p < 10; p++) {
              var a = -Math.PI / 2 + p * Math.PI / 5, s = p % 2 ? r * 0.381966 : r;
              if (p) context.lineTo(x + s * Math.cos(a), y + s * Math.sin(a));
              else context.moveTo(x + s * Math.cos(a), y + s * Math.sin(a));
            }
            context.closePath();
          }
        }
        if (fill) context.fill();
        context.stroke();
      }

      // A text anchored as matplotlib does (ha, va); lines of a multi-line text 1.2 em apart.
      function write(style, text) {
        var k = 1 / data.scale, size = style.size, lines = text.split("\n"), step = 1.2 * size;
        context.save();
        context.globalAlpha = 1;
        context.fillStyle = style.color;
        context.font = (style.weight === "bold" ? "bold " : "") + size + "px \"DejaVu Sans\", sans-serif";
        context.textAlign = {left: "left", center: "center", right: "right"}[style.ha] || "left";
        context.textBaseline = "top";
        context.translate(style.x * k, style.y * k);
        if (style.rotation) context.rotate(-style.rotation * Math.PI / 180);
        var height = (lines.length - 1) * step + size;
        var top = {top: 0, center: -height / 2, center_baseline: -height / 2, bottom: -height,
                   baseline: -height + 0.2 * size}[style.va];
        top = top === undefined ? 0 : top;
        lines.forEach(function (line, n) { context.fillText(line, 0, top + n * step); });
        context.restore();
      }

      redraw(-1);
      return explorer;
    }

    return {initAll: initAll};
  }
})();
