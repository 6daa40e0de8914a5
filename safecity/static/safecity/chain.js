/* SafeCity chain view: draws a transmission chain from the server's laid-out JSON on a canvas.
 *
 * No third-party library: the server places every node (generations left to right, by date within a
 * generation) and aggregates beyond its limit, so the browser only draws a few thousand shapes,
 * pans, zooms and hit-tests. Classes are told apart by colour AND shape AND word (legend, tooltip).
 */
(function () {
  "use strict";

  var canvas = document.getElementById("sc-chain");
  if (!canvas) return;
  var ctx = canvas.getContext("2d");
  var statusBox = document.getElementById("sc-chain-status");
  var tip = document.getElementById("sc-chain-tip");
  var listBox = document.getElementById("sc-chain-list");
  var form = document.getElementById("sc-chain-filters");
  var legend = document.getElementById("sc-chain-legend");
  var classNames = JSON.parse(document.getElementById("sc-chain-classes").textContent);
  var text = JSON.parse(document.getElementById("sc-chain-text").textContent);

  // colour + shape per class (never colour alone)
  var STYLE = {
    case: { fill: "#c62828", shape: "square", size: 9 },
    close: { fill: "#ef6c00", shape: "triangle", size: 9 },
    secondary: { fill: "#f9c80e", shape: "diamond", size: 8 },
    other: { fill: "#9e9e9e", shape: "circle", size: 6 },
    site: { fill: "#1565c0", shape: "hexagon", size: 9 },
  };

  var graph = null;
  var byId = {};
  var view = { x: 40, y: 40, k: 1 };
  var dpr = window.devicePixelRatio || 1;
  var hover = null;

  function nodeRadius(n) {
    var base = STYLE[n["class"]].size;
    if (n.kind === "group") return base + Math.min(18, 3 * Math.log(1 + n.count));
    return base;
  }

  function shapePath(shape, x, y, r) {
    ctx.beginPath();
    if (shape === "square") {
      ctx.rect(x - r, y - r, 2 * r, 2 * r);
    } else if (shape === "triangle") {
      ctx.moveTo(x, y - r * 1.15);
      ctx.lineTo(x + r, y + r * 0.85);
      ctx.lineTo(x - r, y + r * 0.85);
      ctx.closePath();
    } else if (shape === "diamond") {
      ctx.moveTo(x, y - r * 1.2);
      ctx.lineTo(x + r * 1.2, y);
      ctx.lineTo(x, y + r * 1.2);
      ctx.lineTo(x - r * 1.2, y);
      ctx.closePath();
    } else if (shape === "hexagon") {
      for (var i = 0; i < 6; i++) {
        var a = (Math.PI / 3) * i;
        ctx[i ? "lineTo" : "moveTo"](x + r * Math.cos(a), y + r * Math.sin(a));
      }
      ctx.closePath();
    } else {
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
  }

  function resize() {
    var rect = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(rect.width * dpr));
    canvas.height = Math.max(1, Math.round(rect.height * dpr));
    draw();
  }

  function draw() {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!graph) return;
    ctx.setTransform(dpr * view.k, 0, 0, dpr * view.k, dpr * view.x, dpr * view.y);
    // viewport in graph coordinates, to skip what is off screen
    var w = canvas.width / dpr, h = canvas.height / dpr;
    var minX = -view.x / view.k - 40, minY = -view.y / view.k - 40;
    var maxX = (w - view.x) / view.k + 40, maxY = (h - view.y) / view.k + 40;
    function inView(n) { return n.x >= minX && n.x <= maxX && n.y >= minY && n.y <= maxY; }

    ctx.lineWidth = 1 / view.k;
    ctx.strokeStyle = "rgba(90,90,90,0.35)";
    ctx.beginPath();
    for (var i = 0; i < graph.edges.length; i++) {
      var e = graph.edges[i], a = byId[e[0]], b = byId[e[1]];
      if (!a || !b || (!inView(a) && !inView(b))) continue;
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
    }
    ctx.stroke();

    var labels = view.k > 0.55;
    ctx.font = "11px " + getComputedStyle(document.body).fontFamily;
    ctx.textBaseline = "middle";
    for (var j = 0; j < graph.nodes.length; j++) {
      var n = graph.nodes[j];
      if (!inView(n)) continue;
      var st = STYLE[n["class"]], r = nodeRadius(n);
      shapePath(st.shape, n.x, n.y, r);
      ctx.fillStyle = n.outside ? "#ffffff" : st.fill;
      ctx.fill();
      ctx.lineWidth = (n === hover ? 3 : 1.2) / view.k;
      ctx.strokeStyle = n.outside ? st.fill : "#263238";
      if (n.kind === "group") ctx.setLineDash([3 / view.k, 2 / view.k]);
      ctx.stroke();
      ctx.setLineDash([]);
      if (n.kind === "group") {
        ctx.fillStyle = n["class"] === "secondary" ? "#212529" : "#ffffff";
        ctx.textAlign = "center";
        ctx.fillText(String(n.count), n.x, n.y);
      }
      if (labels) {
        ctx.fillStyle = "#212529";
        ctx.textAlign = "left";
        var label = n.kind === "group" ? n.label + " · " + n.detail : n.label + (n.detail ? " " + n.detail : "");
        ctx.fillText(label, n.x + r + 4, n.y);
      }
    }
    // generation headers
    ctx.fillStyle = "#546e7a";
    ctx.textAlign = "left";
    ctx.font = "bold 12px " + getComputedStyle(document.body).fontFamily;
    var firstX = {};
    graph.nodes.forEach(function (n) {
      if (!(n.generation in firstX) || n.x < firstX[n.generation]) firstX[n.generation] = n.x;
    });
    Object.keys(firstX).forEach(function (g) {
      ctx.fillText(text.generation + " " + g, firstX[g] - 8, -22);
    });
  }

  function toGraph(px, py) {
    return { x: (px - view.x) / view.k, y: (py - view.y) / view.k };
  }

  function nodeAt(px, py) {
    if (!graph) return null;
    var p = toGraph(px, py), best = null, bestD = Infinity;
    for (var i = 0; i < graph.nodes.length; i++) {
      var n = graph.nodes[i], dx = n.x - p.x, dy = n.y - p.y, d = dx * dx + dy * dy, r = nodeRadius(n) + 3 / view.k;
      if (d <= r * r && d < bestD) { best = n; bestD = d; }
    }
    return best;
  }

  function fit() {
    if (!graph || !graph.nodes.length) return;
    var rect = canvas.getBoundingClientRect();
    var xs = graph.nodes.map(function (n) { return n.x; }), ys = graph.nodes.map(function (n) { return n.y; });
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs) + 160;
    var minY = Math.min.apply(null, ys) - 70, maxY = Math.max.apply(null, ys) + 20;
    var k = Math.min(2, rect.width / Math.max(1, maxX - minX), rect.height / Math.max(1, maxY - minY));
    view.k = Math.max(0.05, k);
    view.x = -minX * view.k + 20;
    view.y = -minY * view.k + 4;
    draw();
  }

  function renderLegend() {
    legend.innerHTML = "";
    Object.keys(STYLE).forEach(function (cls) {
      var item = document.createElement("span");
      var c = document.createElement("canvas");
      c.width = 22; c.height = 22; c.className = "align-middle me-1";
      var save = ctx; ctx = c.getContext("2d");
      shapePath(STYLE[cls].shape, 11, 11, 7);
      ctx.fillStyle = STYLE[cls].fill; ctx.fill(); ctx.strokeStyle = "#263238"; ctx.stroke();
      ctx = save;
      item.appendChild(c);
      item.appendChild(document.createTextNode(classNames[cls]));
      legend.appendChild(item);
    });
    var out = document.createElement("span");
    out.textContent = "◯ " + text.outside;
    legend.appendChild(out);
  }

  function renderList() {
    listBox.innerHTML = "";
    graph.nodes.slice(0, 500).forEach(function (n) {
      var li = document.createElement("li");
      var label = classNames[n["class"]] + " · " + (n.kind === "group" ? n.label + " · " + n.detail : n.label + (n.detail ? " " + n.detail : ""));
      if (n.url) {
        var a = document.createElement("a");
        a.href = n.url; a.textContent = label; a.setAttribute("data-node", n.id);
        li.appendChild(a);
      } else {
        li.textContent = label;
      }
      listBox.appendChild(li);
    });
  }

  function load() {
    var params = new URLSearchParams();
    var checked = Array.prototype.map.call(form.querySelectorAll("input[name=classes]:checked"), function (i) { return i.value; });
    if (checked.length && checked.length < Object.keys(STYLE).length) params.set("classes", checked.join(","));
    ["gen_min", "gen_max", "town"].forEach(function (name) {
      var v = form.elements[name].value;
      if (v !== "") params.set(name, v);
    });
    statusBox.textContent = text.loading;
    var started = performance.now();
    fetch(canvas.dataset.graphUrl + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        graph = data;
        byId = {};
        data.nodes.forEach(function (n) { byId[n.id] = n; });
        var town = form.elements.town, current = town.value;
        if (town.options.length <= 1) {
          data.towns.forEach(function (t) { var o = document.createElement("option"); o.value = t.code; o.textContent = t.name; town.appendChild(o); });
          town.value = current;
        }
        statusBox.textContent = text.shown.replace("{shown}", data.shown_nodes).replace("{total}", data.total_nodes) +
          (data.truncated ? " · " + text.aggregated : "");
        canvas.dataset.nodeCount = String(data.shown_nodes);
        canvas.dataset.ready = "1";
        canvas.dataset.loadMs = String(Math.round(performance.now() - started));
        renderList();
        fit();
      })
      .catch(function () { statusBox.textContent = text.error; });
  }

  // pan and zoom
  var drag = null, moved = false;
  canvas.addEventListener("mousedown", function (ev) { drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y }; moved = false; });
  window.addEventListener("mouseup", function () { drag = null; });
  canvas.addEventListener("mousemove", function (ev) {
    var rect = canvas.getBoundingClientRect(), px = ev.clientX - rect.left, py = ev.clientY - rect.top;
    if (drag) {
      if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 3) moved = true;
      view.x = drag.vx + ev.clientX - drag.x;
      view.y = drag.vy + ev.clientY - drag.y;
      draw();
      return;
    }
    var n = nodeAt(px, py);
    if (n !== hover) { hover = n; draw(); }
    canvas.style.cursor = n && (n.url || n.kind === "group") ? "pointer" : "grab";
    if (n) {
      tip.classList.remove("d-none");
      tip.style.left = px + 12 + "px";
      tip.style.top = py + 12 + "px";
      tip.textContent = classNames[n["class"]] + " · " + (n.kind === "group" ? n.label + " · " + n.detail : n.label + (n.detail ? " " + n.detail : "")) +
        (n.date ? " · " + n.date : "") + " · " + text.generation + " " + n.generation;
    } else {
      tip.classList.add("d-none");
    }
  });
  canvas.addEventListener("mouseleave", function () { tip.classList.add("d-none"); });
  canvas.addEventListener("click", function (ev) {
    if (moved) return;
    var rect = canvas.getBoundingClientRect();
    var n = nodeAt(ev.clientX - rect.left, ev.clientY - rect.top);
    if (!n) return;
    if (n.url) window.location.href = n.url;
    else if (n.kind === "group") window.location.href = canvas.dataset.personsUrl;
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var rect = canvas.getBoundingClientRect(), px = ev.clientX - rect.left, py = ev.clientY - rect.top;
    var factor = Math.exp(-ev.deltaY * 0.0015), k = Math.min(8, Math.max(0.03, view.k * factor));
    view.x = px - (px - view.x) * (k / view.k);
    view.y = py - (py - view.y) * (k / view.k);
    view.k = k;
    draw();
  }, { passive: false });

  form.addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  document.getElementById("sc-chain-fit").addEventListener("click", fit);
  window.addEventListener("resize", resize);

  // for tests and keyboard users' helpers: where a node is on screen
  window.scChain = {
    screenPosition: function (id) {
      var n = byId[id];
      if (!n) return null;
      var rect = canvas.getBoundingClientRect();
      return { x: rect.left + view.x + n.x * view.k, y: rect.top + view.y + n.y * view.k };
    },
    nodes: function () { return graph ? graph.nodes : []; },
  };

  renderLegend();
  resize();
  load();
})();
