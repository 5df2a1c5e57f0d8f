/* Casebook's explore pages: the catalog of entries and the metrics explorer. Both filter the
   items the page already has (so the page works without JavaScript) and keep their state in the
   URL's query string, so a view can be linked. */
import { everyPage } from "./pages.js";

const n = (count) => count.toLocaleString("en");   // 2,000, as the site writes numbers
const words = (value) => (value ? value.split(" ").filter(Boolean) : []);
const FACET_SHOWN = 8;   // values listed per facet before "Show all"

function element(tag, attrs, text) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([key, value]) => node.setAttribute(key, value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function writeUrl(params) {
  const query = params.toString();
  history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
}

/* Show the first items of those that match, and a button for more: laying out 2,000 of them
   is slow, filtering them is not. */
function Pager(root, onChange) {
  const button = root.querySelector(".cb-show-more");
  let limit = +root.dataset.firstRows || Infinity;
  const step = limit * 5;
  button.addEventListener("click", () => {
    limit += step;
    onChange();
  });
  return function show(matching) {
    matching.forEach((item, index) => { item.hidden = index >= limit; });
    const rest = matching.length - limit;
    button.hidden = rest <= 0;
    if (rest > 0) button.textContent = "Show " + n(Math.min(rest, step)) + " more (" + n(rest) + " not shown)";
    return Math.min(matching.length, limit);
  };
}

function reveal(items) {
  // Items past the first page are hidden by CSS until the script takes over.
  items.forEach((item) => item.classList.remove("cb-later"));
}

/* ---- the catalog ---------------------------------------------------- */

function Catalog(root) {
  const config = JSON.parse(root.dataset.config);
  const form = root.querySelector("form.cb-facets");
  const toggle = root.querySelector(".cb-filter-toggle");
  const status = root.querySelector(".cb-catalog-status");
  const list = root.querySelector(".cb-card-grid");
  const facets = config.facets;
  const names = {};
  facets.forEach((f) => { names[f.key] = Object.fromEntries(config.names[f.key]); });
  const rows = Array.from(list.children).map((item) => {
    const values = {};
    facets.forEach((f) => { values[f.key] = words(item.getAttribute("data-" + f.key)); });
    return { item, values, year: +item.dataset.year, text: item.dataset.text, title: item.dataset.title,
             factor: parseFloat(item.dataset.factor) };
  });
  const state = readState();
  const boxes = {};   // facet key -> value -> {input, count, label}
  let order = rows.slice();   // the items in the order the list has them
  const show = Pager(root, apply);

  function readState() {
    const params = new URLSearchParams(location.search);
    const chosen = {};
    facets.forEach((f) => { chosen[f.key] = params.getAll(f.key).filter((v) => names[f.key][v] !== undefined); });
    return { chosen, q: params.get("q") || "", from: +params.get("from") || 0, to: +params.get("to") || 0,
             sort: params.get("sort") || "title" };
  }

  function stateParams() {
    const params = new URLSearchParams();
    facets.forEach((f) => state.chosen[f.key].forEach((v) => params.append(f.key, v)));
    if (state.q) params.set("q", state.q);
    if (state.from) params.set("from", state.from);
    if (state.to) params.set("to", state.to);
    if (state.sort !== "title") params.set("sort", state.sort);
    return params;
  }

  // Does a row pass facet f? 'all': it has every chosen value; 'any': it has one of them.
  function passes(row, f) {
    const chosen = state.chosen[f.key];
    if (!chosen.length) return true;
    const has = row.values[f.key];
    return f.mode === "all" ? chosen.every((v) => has.includes(v)) : chosen.some((v) => has.includes(v));
  }

  function passesRest(row) {
    if (state.from && row.year < state.from) return false;
    if (state.to && row.year > state.to) return false;
    return words(state.q.toLowerCase()).every((term) => row.text.includes(term));
  }

  function chosenCount() {
    return facets.reduce((sum, f) => sum + state.chosen[f.key].length, 0) + (state.q ? 1 : 0) +
      (state.from ? 1 : 0) + (state.to ? 1 : 0);
  }

  function build() {
    form.textContent = "";
    const text = element("input", { type: "search", name: "q", placeholder: "Title or summary contains…",
                                    "aria-label": "Title or summary contains" });
    text.value = state.q;
    text.addEventListener("input", () => { state.q = text.value.trim(); apply(); });
    const top = element("div", { class: "cb-facet-top" });
    top.appendChild(text);
    const sort = element("select", { name: "sort", "aria-label": "Sort by" });
    [["title", "Sort: title"], ["year-desc", "Sort: newest first"], ["year", "Sort: oldest first"],
     ["improvement", "Sort: largest improvement"]].forEach(([value, label]) => {
      const option = element("option", { value }, label);
      if (state.sort === value) option.selected = true;
      sort.appendChild(option);
    });
    sort.addEventListener("change", () => { state.sort = sort.value; apply(); });
    top.appendChild(sort);
    const years = element("fieldset", { class: "cb-years-range" });
    years.appendChild(element("legend", {}, "Year"));
    ["from", "to"].forEach((end) => {
      const select = element("select", { name: end, "aria-label": "Year " + end });
      select.appendChild(element("option", { value: "" }, end === "from" ? "earliest" : "latest"));
      config.years.forEach((y) => {
        const option = element("option", { value: y }, String(y));
        if (state[end] === y) option.selected = true;
        select.appendChild(option);
      });
      select.addEventListener("change", () => { state[end] = +select.value || 0; apply(); });
      years.appendChild(select);
      if (end === "from") years.appendChild(document.createTextNode(" to "));
    });
    top.appendChild(years);
    const reset = element("button", { type: "button", class: "md-button cb-reset" }, "Clear filters");
    reset.addEventListener("click", () => {
      facets.forEach((f) => { state.chosen[f.key] = []; });
      state.q = "";
      state.from = 0;
      state.to = 0;
      build();
      apply();
    });
    top.appendChild(reset);
    form.appendChild(top);
    facets.forEach((f) => {
      const set = element("fieldset", { class: "cb-facet", "data-facet": f.key });
      set.appendChild(element("legend", {}, f.label + (f.mode === "all" ? " (all of)" : " (any of)")));
      const values = element("div", { class: "cb-facet-values" });
      boxes[f.key] = {};
      // The values keep the order the page gives them (most entries first): nothing moves under the pointer.
      config.names[f.key].forEach(([value, name]) => {
        const label = element("label", { "data-value": value });
        const input = element("input", { type: "checkbox", name: f.key, value });
        input.checked = state.chosen[f.key].includes(value);
        input.addEventListener("change", () => {
          const chosen = state.chosen[f.key];
          if (input.checked) chosen.push(value);
          else chosen.splice(chosen.indexOf(value), 1);
          apply();
        });
        const count = element("span", { class: "cb-count" });
        label.append(input, document.createTextNode(" " + name + " "), count);
        values.appendChild(label);
        boxes[f.key][value] = { input, count, label };
      });
      set.appendChild(values);
      const more = element("button", { type: "button", class: "cb-more" });
      more.addEventListener("click", () => { set.classList.toggle("cb-open"); apply(); });
      set.appendChild(more);
      form.appendChild(set);
    });
    form.hidden = false;
    form.addEventListener("submit", (event) => event.preventDefault());
  }

  function compare(a, b) {
    const byTitle = a.title < b.title ? -1 : a.title > b.title ? 1 : 0;
    if (state.sort === "year") return a.year - b.year || byTitle;
    if (state.sort === "year-desc") return b.year - a.year || byTitle;
    if (state.sort === "improvement") return b.factor - a.factor || byTitle;
    return byTitle;
  }

  function apply() {
    // One pass: a row failing no facet counts for every value it has; a row failing exactly
    // one 'any' facet counts for that facet's values (what ticking one would add).
    const counts = {};
    facets.forEach((f) => { counts[f.key] = {}; });
    let matching = 0;
    rows.forEach((row) => {
      const failed = passesRest(row) ? facets.filter((f) => !passes(row, f)) : null;
      row.matches = failed !== null && failed.length === 0;
      if (row.matches) matching++;
      if (failed === null) return;
      facets.forEach((f) => {
        const counted = failed.length === 0 || (failed.length === 1 && failed[0] === f && f.mode === "any");
        if (counted) row.values[f.key].forEach((v) => { counts[f.key][v] = (counts[f.key][v] || 0) + 1; });
      });
    });
    facets.forEach((f) => {
      const set = form.querySelector('fieldset[data-facet="' + f.key + '"]');
      const open = set.classList.contains("cb-open");
      let listed = 0;
      let available = 0;
      let hidden = 0;
      config.names[f.key].forEach(([v]) => {
        const box = boxes[f.key][v];
        const count = counts[f.key][v] || 0;
        box.count.textContent = String(count);
        box.input.checked = state.chosen[f.key].includes(v);
        box.input.disabled = count === 0 && !box.input.checked;
        const keep = box.input.checked || open || (count > 0 && listed < FACET_SHOWN);
        if (keep && !box.input.checked) listed++;
        box.label.hidden = !keep;
        if (count || box.input.checked) available++;
        if (!keep && count > 0) hidden++;
      });
      const more = set.querySelector(".cb-more");
      more.hidden = !open && hidden === 0;
      more.textContent = open ? "Show fewer" : "Show all " + n(config.names[f.key].length);
      set.hidden = available === 0 && !state.chosen[f.key].length;
    });
    const sorted = rows.slice().sort(compare);
    if (sorted.some((row, i) => row !== order[i])) {
      sorted.forEach((row) => list.appendChild(row.item));
      order = sorted;
    }
    const shown = show(order.filter((row) => {
      row.item.hidden = true;
      return row.matches;
    }).map((row) => row.item));
    status.textContent = n(matching) + " of " + n(rows.length) + (rows.length === 1 ? " entry" : " entries") +
      (shown < matching ? " (the first " + n(shown) + " are shown)" : "");
    const active = chosenCount();
    toggle.textContent = active ? "Filters (" + active + ")" : "Filters";
    writeUrl(stateParams());
    root.dataset.ready = "true";
  }

  // On a narrow screen the filters are a drawer behind a button; on a wide one, a column.
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = root.classList.toggle("cb-filters-open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  build();
  apply();
  reveal(rows.map((row) => row.item));
}

/* ---- the metrics explorer ------------------------------------------- */

function Metrics(root) {
  const form = root.querySelector("form.cb-metric-filter");
  const output = root.querySelector(".cb-metric-count");
  const tbody = root.querySelector("table tbody");
  const byRow = new Map();
  const rows = Array.from(tbody.rows).map((tr) => {
    const row = { tr, text: tr.dataset.text, factor: parseFloat(tr.dataset.factor) };
    byRow.set(tr, row);
    return row;
  });
  const show = Pager(root, apply);
  const params = new URLSearchParams(location.search);
  form.q.value = params.get("q") || "";
  form.min.value = params.get("min") || "";

  function apply() {
    const terms = words(form.q.value.toLowerCase());
    const min = parseFloat(form.min.value);
    const matching = Array.from(tbody.rows).filter((tr) => {   // in the table's order
      const row = byRow.get(tr);
      tr.hidden = true;
      return terms.every((t) => row.text.includes(t)) && (isNaN(min) || row.factor >= min);
    });
    const shown = show(matching);
    output.textContent = n(matching.length) + " of " + n(rows.length) + " metrics" +
      (shown < matching.length ? " (the first " + n(shown) + " are shown)" : "");
    const next = new URLSearchParams();
    if (form.q.value.trim()) next.set("q", form.q.value.trim());
    if (!isNaN(min)) next.set("min", form.min.value);
    writeUrl(next);
    root.dataset.ready = "true";
  }

  form.addEventListener("input", apply);
  form.addEventListener("submit", (event) => event.preventDefault());
  root.addEventListener("cb-sorted", apply);   // tables.js reordered the rows
  form.hidden = false;
  apply();
  reveal(rows.map((row) => row.tr));
}

everyPage(() => {
  document.querySelectorAll("[data-cb-catalog]").forEach((root) => { if (!root.dataset.ready) Catalog(root); });
  document.querySelectorAll("[data-cb-metrics]").forEach((root) => { if (!root.dataset.ready) Metrics(root); });
});
