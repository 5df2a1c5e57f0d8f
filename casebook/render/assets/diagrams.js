/* Diagrams: ```mermaid fences, drawn by the site's own copy of Mermaid (its ES-module build, never a
   CDN) in the current colour scheme, on first load and after Material's instant navigation.

   - Light pages: Mermaid's entry module and the chunks a diagram type needs are fetched only when
     a diagram comes within NEAR of the viewport, not with the page (the whole library is 5 MB).
   - Legible: a diagram is drawn at its natural size (labels at Mermaid's 16 px), never shrunk to the
     text column; a wide one scrolls sideways, with a visible cue, and opens full size in a viewer
     that pans and zooms (mouse, keyboard, touch). */
import { everyPage } from "./pages.js";

const ENTRY = new URL("mermaid/mermaid.esm.min.mjs", import.meta.url).href;
const NEAR = "1500px 0px";
let loading = null;
let queue = Promise.resolve();   // one diagram at a time: Mermaid's renderer keeps global state
let counter = 0;
let observer = null;

function mermaid() {
  if (!loading) {
    loading = import(ENTRY).then((module) => module.default, (error) => {
      loading = null;
      throw error;
    });
  }
  return loading;
}

function scheme() {
  return document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "default";
}

function draw(block) {
  const theme = scheme();
  if (block.dataset.theme === theme || block.dataset.drawing) return queue;
  block.dataset.drawing = "yes";
  const source = block.dataset.source || block.textContent;
  queue = queue.then(() => mermaid()).then((library) => {
    library.initialize({
      startOnLoad: false, securityLevel: "strict", theme,
      // Mermaid 12 lays diagrams out with ELK by default, a 1.6 MB chunk; dagre (40 KB) draws
      // the flowcharts and sequence diagrams of the cases as well.
      layout: "dagre",
      flowchart: { useMaxWidth: false }, sequence: { useMaxWidth: false }, state: { useMaxWidth: false },
      class: { useMaxWidth: false }, er: { useMaxWidth: false }, gantt: { useMaxWidth: false },
    });
    return library.render("cb-diagram-" + (++counter), source);
  }).then((result) => {
    if (!block.isConnected) return;
    const figure = frame(result.svg, source, theme);
    block.replaceWith(figure);
    markOverflow(figure);
  }, (error) => {
    delete block.dataset.drawing;
    block.classList.add("casebook-diagram-error");
    console.error("Casebook: a diagram could not be drawn:", error && error.message);
  });
  return queue;
}

function frame(svg, source, theme) {
  const figure = document.createElement("div");
  figure.className = "casebook-diagram";
  figure.dataset.source = source;
  figure.dataset.theme = theme;
  const scroll = document.createElement("div");
  scroll.className = "cb-diagram-scroll";
  scroll.innerHTML = svg;   // Mermaid's output in its strict security level: labels sanitised
  const title = scroll.querySelector("svg title");
  scroll.setAttribute("role", "group");
  scroll.setAttribute("aria-label", "Diagram" + (title && title.textContent ? ": " + title.textContent : ""));
  const tools = document.createElement("p");
  tools.className = "cb-diagram-tools";
  const open = document.createElement("button");
  open.type = "button";
  open.className = "cb-diagram-open";
  open.textContent = "Open full size";
  open.addEventListener("click", () => view(scroll.querySelector("svg")));
  const hint = document.createElement("span");
  hint.className = "cb-diagram-hint";
  hint.textContent = "Wider than the page: scroll sideways, or open it full size.";
  tools.append(open, hint);
  figure.append(scroll, tools);
  return figure;
}

function markOverflow(figure) {
  const scroll = figure.querySelector(".cb-diagram-scroll");
  const overflows = scroll.scrollWidth > scroll.clientWidth + 1;
  figure.classList.toggle("cb-overflows", overflows);
  if (overflows) scroll.tabIndex = 0;   // keyboard users can scroll it too
  else scroll.removeAttribute("tabindex");
}

/* ---- the full-size viewer: one <dialog>, pan by dragging, zoom by wheel, pinch, buttons or keys ---- */

let viewer = null;

function view(svg) {
  if (!svg) return;
  viewer = viewer || makeViewer();
  const canvas = viewer.dialog.querySelector(".cb-viewer-canvas");
  canvas.replaceChildren(svg.cloneNode(true));
  const clone = canvas.firstChild;
  clone.removeAttribute("id");
  viewer.width = parseFloat(svg.getAttribute("width")) || svg.getBoundingClientRect().width;
  viewer.height = parseFloat(svg.getAttribute("height")) || svg.getBoundingClientRect().height;
  viewer.dialog.showModal();
  fit(viewer);
  viewer.dialog.querySelector(".cb-viewer-stage").focus();
}

function makeViewer() {
  const dialog = document.createElement("dialog");
  dialog.className = "cb-viewer";
  dialog.setAttribute("aria-label", "Diagram, full size");
  dialog.innerHTML =
    '<div class="cb-viewer-bar">' +
    '<button type="button" data-zoom="in" aria-label="Zoom in">+</button>' +
    '<button type="button" data-zoom="out" aria-label="Zoom out">−</button>' +
    '<button type="button" data-zoom="fit">Fit</button>' +
    '<button type="button" data-zoom="actual">Actual size</button>' +
    '<span class="cb-viewer-help">Drag to pan; wheel, pinch or + and − to zoom.</span>' +
    '<button type="button" class="cb-viewer-close">Close</button></div>' +
    '<div class="cb-viewer-stage" tabindex="0"><div class="cb-viewer-canvas"></div></div>';
  document.body.appendChild(dialog);
  const state = { dialog, scale: 1, x: 0, y: 0, width: 0, height: 0, pointers: new Map(), pinch: null };
  const stage = dialog.querySelector(".cb-viewer-stage");
  dialog.querySelector(".cb-viewer-close").addEventListener("click", () => dialog.close());
  dialog.querySelector(".cb-viewer-bar").addEventListener("click", (event) => {
    const zoom = event.target.dataset.zoom;
    if (zoom === "in") zoomAt(state, 1.25);
    else if (zoom === "out") zoomAt(state, 0.8);
    else if (zoom === "fit") fit(state);
    else if (zoom === "actual") actual(state);
  });
  stage.addEventListener("wheel", (event) => {
    event.preventDefault();
    const box = stage.getBoundingClientRect();
    zoomAt(state, event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - box.left, event.clientY - box.top);
  }, { passive: false });
  stage.addEventListener("pointerdown", (event) => {
    stage.setPointerCapture(event.pointerId);
    state.pointers.set(event.pointerId, [event.clientX, event.clientY]);
    state.pinch = state.pointers.size === 2 ? spread(state) : null;
  });
  stage.addEventListener("pointermove", (event) => {
    const last = state.pointers.get(event.pointerId);
    if (!last) return;
    state.pointers.set(event.pointerId, [event.clientX, event.clientY]);
    if (state.pointers.size === 2 && state.pinch) {
      const now = spread(state);
      const box = stage.getBoundingClientRect();
      zoomAt(state, now.distance / state.pinch.distance, now.x - box.left, now.y - box.top);
      state.pinch = now;
    } else if (state.pointers.size === 1) {
      state.x += event.clientX - last[0];
      state.y += event.clientY - last[1];
      apply(state);
    }
  });
  const release = (event) => {
    state.pointers.delete(event.pointerId);
    state.pinch = null;
  };
  stage.addEventListener("pointerup", release);
  stage.addEventListener("pointercancel", release);
  stage.addEventListener("keydown", (event) => {
    const step = 40;
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[event.key]) {
      state.x += moves[event.key][0];
      state.y += moves[event.key][1];
      apply(state);
    } else if (event.key === "+" || event.key === "=") zoomAt(state, 1.25);
    else if (event.key === "-") zoomAt(state, 0.8);
    else if (event.key === "0") actual(state);
    else return;
    event.preventDefault();
  });
  return state;
}

function spread(state) {
  const [a, b] = Array.from(state.pointers.values());
  return { distance: Math.hypot(a[0] - b[0], a[1] - b[1]) || 1, x: (a[0] + b[0]) / 2, y: (a[1] + b[1]) / 2 };
}

function stageBox(state) {
  return state.dialog.querySelector(".cb-viewer-stage").getBoundingClientRect();
}

function zoomAt(state, factor, x, y) {
  const box = stageBox(state);
  const cx = x === undefined ? box.width / 2 : x;
  const cy = y === undefined ? box.height / 2 : y;
  const scale = Math.min(8, Math.max(0.1, state.scale * factor));
  state.x = cx - (cx - state.x) * (scale / state.scale);
  state.y = cy - (cy - state.y) * (scale / state.scale);
  state.scale = scale;
  apply(state);
}

function fit(state) {
  const box = stageBox(state);
  state.scale = Math.min(1, box.width / state.width, box.height / state.height) || 1;
  state.x = (box.width - state.width * state.scale) / 2;
  state.y = Math.max(0, (box.height - state.height * state.scale) / 2);
  apply(state);
}

function actual(state) {
  const box = stageBox(state);
  state.scale = 1;
  state.x = Math.min(0, (box.width - state.width) / 2);
  state.y = 0;
  apply(state);
}

function apply(state) {
  const canvas = state.dialog.querySelector(".cb-viewer-canvas");
  canvas.style.transform = `translate(${state.x}px, ${state.y}px) scale(${state.scale})`;
  state.dialog.dataset.scale = String(state.scale);
}

/* ---- which diagrams to draw, and when ---- */

function watch() {
  if (observer) observer.disconnect();
  const blocks = document.querySelectorAll("pre.casebook-diagram");
  if (!blocks.length) return;
  if (!("IntersectionObserver" in window)) {
    blocks.forEach(draw);
    return;
  }
  observer = new IntersectionObserver((entries) => {
    entries.forEach((entry) => {
      if (!entry.isIntersecting) return;
      observer.unobserve(entry.target);
      draw(entry.target);
    });
  }, { rootMargin: NEAR });
  blocks.forEach((block) => observer.observe(block));
}

// A change of colour scheme draws the diagrams already drawn again, in the new colours.
new MutationObserver(() => {
  document.querySelectorAll("div.casebook-diagram").forEach(draw);
}).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

window.addEventListener("resize", () => document.querySelectorAll("div.casebook-diagram").forEach(markOverflow));

everyPage(watch);
