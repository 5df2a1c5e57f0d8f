/* Casebook's explore pages: the faceted catalog and the metrics explorer.
   Both filter rows the page already has (so the page works without JavaScript)
   and keep their state in the URL's query string, so a view can be linked. */
(function () {
  "use strict";

  function n(count) { return count.toLocaleString("en"); }  // 2,000, as the site writes numbers

  function words(value) { return value ? value.split(" ").filter(Boolean) : []; }

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function writeUrl(params) {
    var query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  /* Show the first rows of those that match, and a button for more: laying out a
     2,000-row table is slow, filtering it is not. */
  function Pager(root, onChange) {
    var button = root.querySelector(".cb-show-more");
    var limit = +root.dataset.firstRows || Infinity;
    var step = limit * 5;
    button.addEventListener("click", function () { limit += step; onChange(); });
    return function show(matching) {
      matching.forEach(function (tr, index) { tr.hidden = index >= limit; });
      var rest = matching.length - limit;
      button.hidden = rest <= 0;
      if (rest > 0) button.textContent = "Show " + n(Math.min(rest, step)) + " more (" + n(rest) + " not shown)";
      return Math.min(matching.length, limit);
    };
  }

  function reveal(rows) {
    // Rows past the first page are hidden by CSS until the script takes over.
    rows.forEach(function (tr) { tr.classList.remove("cb-later"); });
  }

  /* ---- the catalog ---------------------------------------------------- */

  function Catalog(root) {
    var config = JSON.parse(root.dataset.config);
    var form = root.querySelector("form.cb-facets");
    var status = root.querySelector(".cb-catalog-status");
    var tbody = root.querySelector(".cb-catalog-results tbody");
    var facets = config.facets;
    var rows = Array.prototype.map.call(tbody.rows, function (tr) {
      var values = {};
      facets.forEach(function (f) { values[f.key] = words(tr.getAttribute("data-" + f.key)); });
      return { tr: tr, values: values, year: +tr.dataset.year, text: tr.dataset.text,
               title: tr.dataset.title, factor: parseFloat(tr.dataset.factor) };
    });
    var state = readState();
    var boxes = {};  // facet key -> value -> {input, count, label}
    var order = rows.slice();  // the rows in the order the table has them
    var show = Pager(root, apply);

    function readState() {
      var params = new URLSearchParams(location.search);
      var chosen = {};
      facets.forEach(function (f) {
        chosen[f.key] = params.getAll(f.key).filter(function (v) { return config.names[f.key][v] !== undefined; });
      });
      return { chosen: chosen, q: params.get("q") || "", from: +params.get("from") || 0,
               to: +params.get("to") || 0, sort: params.get("sort") || "title" };
    }

    function stateParams() {
      var params = new URLSearchParams();
      facets.forEach(function (f) { state.chosen[f.key].forEach(function (v) { params.append(f.key, v); }); });
      if (state.q) params.set("q", state.q);
      if (state.from) params.set("from", state.from);
      if (state.to) params.set("to", state.to);
      if (state.sort !== "title") params.set("sort", state.sort);
      return params;
    }

    // Does a row pass facet f? 'all': it has every chosen value; 'any': it has one of them.
    function passes(row, f) {
      var chosen = state.chosen[f.key];
      if (!chosen.length) return true;
      var has = row.values[f.key];
      return f.mode === "all"
        ? chosen.every(function (v) { return has.indexOf(v) >= 0; })
        : chosen.some(function (v) { return has.indexOf(v) >= 0; });
    }

    function passesRest(row) {
      if (state.from && row.year < state.from) return false;
      if (state.to && row.year > state.to) return false;
      if (state.q) {
        var terms = words(state.q.toLowerCase());
        for (var i = 0; i < terms.length; i++) if (row.text.indexOf(terms[i]) < 0) return false;
      }
      return true;
    }

    function build() {
      form.textContent = "";
      var text = element("input", { type: "search", name: "q", placeholder: "Title or summary contains…",
                                    "aria-label": "Title or summary contains" });
      text.value = state.q;
      text.addEventListener("input", function () { state.q = text.value.trim(); apply(); });
      var top = element("div", { "class": "cb-facet-top" });
      top.appendChild(text);
      var sort = element("select", { name: "sort", "aria-label": "Sort by" });
      [["title", "Sort: title"], ["year-desc", "Sort: newest first"], ["year", "Sort: oldest first"],
       ["improvement", "Sort: largest improvement"]].forEach(function (o) {
        var option = element("option", { value: o[0] }, o[1]);
        if (state.sort === o[0]) option.selected = true;
        sort.appendChild(option);
      });
      sort.addEventListener("change", function () { state.sort = sort.value; apply(); });
      top.appendChild(sort);
      var years = element("fieldset", { "class": "cb-years-range" });
      years.appendChild(element("legend", {}, "Year"));
      ["from", "to"].forEach(function (end) {
        var select = element("select", { name: end, "aria-label": "Year " + end });
        select.appendChild(element("option", { value: "" }, end === "from" ? "earliest" : "latest"));
        config.years.forEach(function (y) {
          var option = element("option", { value: y }, String(y));
          if (state[end] === y) option.selected = true;
          select.appendChild(option);
        });
        select.addEventListener("change", function () { state[end] = +select.value || 0; apply(); });
        years.appendChild(select);
        if (end === "from") years.appendChild(document.createTextNode(" to "));
      });
      top.appendChild(years);
      var reset = element("button", { type: "button", "class": "md-button cb-reset" }, "Clear filters");
      reset.addEventListener("click", function () {
        facets.forEach(function (f) { state.chosen[f.key] = []; });
        state.q = ""; state.from = 0; state.to = 0;
        build(); apply();
      });
      top.appendChild(reset);
      form.appendChild(top);
      facets.forEach(function (f) {
        var set = element("fieldset", { "class": "cb-facet", "data-facet": f.key });
        set.appendChild(element("legend", {}, f.label + (f.mode === "all" ? " (all of)" : " (any of)")));
        var list = element("div", { "class": "cb-facet-values" });
        boxes[f.key] = {};
        Object.keys(config.names[f.key]).forEach(function (value) {
          var label = element("label", { "data-value": value });
          var input = element("input", { type: "checkbox", name: f.key, value: value });
          input.checked = state.chosen[f.key].indexOf(value) >= 0;
          input.addEventListener("change", function () {
            var chosen = state.chosen[f.key];
            if (input.checked) chosen.push(value);
            else chosen.splice(chosen.indexOf(value), 1);
            apply();
          });
          var count = element("span", { "class": "cb-count" });
          label.appendChild(input);
          label.appendChild(document.createTextNode(" " + config.names[f.key][value] + " "));
          label.appendChild(count);
          list.appendChild(label);
          boxes[f.key][value] = { input: input, count: count, label: label };
        });
        set.appendChild(list);
        var more = element("button", { type: "button", "class": "cb-more" });
        more.addEventListener("click", function () { set.classList.toggle("cb-open"); apply(); });
        set.appendChild(more);
        form.appendChild(set);
      });
      form.hidden = false;
      form.addEventListener("submit", function (event) { event.preventDefault(); });
    }

    function compare(a, b) {
      if (state.sort === "year") return a.year - b.year || (a.title < b.title ? -1 : 1);
      if (state.sort === "year-desc") return b.year - a.year || (a.title < b.title ? -1 : 1);
      if (state.sort === "improvement") return b.factor - a.factor || (a.title < b.title ? -1 : 1);
      return a.title < b.title ? -1 : a.title > b.title ? 1 : 0;
    }

    function apply() {
      // One pass: a row failing no facet counts for every value it has; a row failing
      // exactly one 'any' facet counts for that facet's values (what ticking one would add).
      var counts = {};
      facets.forEach(function (f) { counts[f.key] = {}; });
      var matching = 0;
      rows.forEach(function (row) {
        var failed = [];
        if (passesRest(row)) {
          facets.forEach(function (f) { if (!passes(row, f)) failed.push(f); });
        } else {
          failed = null;
        }
        row.matches = failed !== null && failed.length === 0;
        if (row.matches) matching++;
        if (failed === null) return;
        facets.forEach(function (f) {
          var counted = failed.length === 0 || (failed.length === 1 && failed[0] === f && f.mode === "any");
          if (!counted) return;
          row.values[f.key].forEach(function (v) { counts[f.key][v] = (counts[f.key][v] || 0) + 1; });
        });
      });
      facets.forEach(function (f) {
        var set = form.querySelector('fieldset[data-facet="' + f.key + '"]');
        var values = Object.keys(boxes[f.key]);
        values.sort(function (x, y) {
          return (counts[f.key][y] || 0) - (counts[f.key][x] || 0) ||
            (config.names[f.key][x].toLowerCase() < config.names[f.key][y].toLowerCase() ? -1 : 1);
        });
        var open = set.classList.contains("cb-open");
        var list = set.querySelector(".cb-facet-values");
        var listed = 0;
        values.forEach(function (v) {
          var box = boxes[f.key][v];
          var count = counts[f.key][v] || 0;
          box.count.textContent = String(count);
          box.input.checked = state.chosen[f.key].indexOf(v) >= 0;
          box.input.disabled = count === 0 && !box.input.checked;
          var keep = box.input.checked || (count > 0 && (open || listed < 8));
          if (keep && !box.input.checked) listed++;
          box.label.hidden = !keep;
          list.appendChild(box.label);
        });
        var available = values.filter(function (v) { return counts[f.key][v] || boxes[f.key][v].input.checked; });
        var hiddenCount = available.filter(function (v) { return boxes[f.key][v].label.hidden; }).length;
        var more = set.querySelector(".cb-more");
        more.hidden = !open && hiddenCount === 0;
        more.textContent = open ? "Show fewer" : "Show all " + n(available.length);
      });
      var sorted = rows.slice().sort(compare);
      if (sorted.some(function (row, i) { return row !== order[i]; })) {
        sorted.forEach(function (row) { tbody.appendChild(row.tr); });
        order = sorted;
      }
      var shown = show(order.filter(function (row) {
        row.tr.hidden = true;
        return row.matches;
      }).map(function (row) { return row.tr; }));
      status.textContent = n(matching) + " of " + n(rows.length) + " cases" +
        (shown < matching ? " (the first " + n(shown) + " are shown)" : "");
      writeUrl(stateParams());
      root.dataset.ready = "true";
    }

    build();
    apply();
    reveal(rows.map(function (row) { return row.tr; }));
  }

  /* ---- the metrics explorer ------------------------------------------- */

  function Metrics(root) {
    var form = root.querySelector("form.cb-metric-filter");
    var output = root.querySelector(".cb-metric-count");
    var tbody = root.querySelector("table tbody");
    var byRow = new Map();
    var rows = Array.prototype.map.call(tbody.rows, function (tr) {
      var row = { tr: tr, text: tr.dataset.text, factor: parseFloat(tr.dataset.factor) };
      byRow.set(tr, row);
      return row;
    });
    var show = Pager(root, apply);
    var params = new URLSearchParams(location.search);
    form.q.value = params.get("q") || "";
    form.min.value = params.get("min") || "";

    function apply() {
      var terms = words(form.q.value.toLowerCase());
      var min = parseFloat(form.min.value);
      var matching = Array.prototype.filter.call(tbody.rows, function (tr) {  // in the table's order
        var row = byRow.get(tr);
        tr.hidden = true;
        return terms.every(function (t) { return row.text.indexOf(t) >= 0; }) && (isNaN(min) || row.factor >= min);
      });
      var shown = show(matching);
      output.textContent = n(matching.length) + " of " + n(rows.length) + " metrics" +
        (shown < matching.length ? " (the first " + n(shown) + " are shown)" : "");
      var next = new URLSearchParams();
      if (form.q.value.trim()) next.set("q", form.q.value.trim());
      if (!isNaN(min)) next.set("min", form.min.value);
      writeUrl(next);
      root.dataset.ready = "true";
    }

    form.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    root.addEventListener("cb-sorted", apply);  // casebook.js reordered the rows
    form.hidden = false;
    apply();
    reveal(rows.map(function (row) { return row.tr; }));
  }

  function onPage() {
    document.querySelectorAll("[data-cb-catalog]").forEach(function (root) {
      if (!root.dataset.ready) Catalog(root);
    });
    document.querySelectorAll("[data-cb-metrics]").forEach(function (root) {
      if (!root.dataset.ready) Metrics(root);
    });
  }

  window.casebookEveryPage(onPage);  // from casebook.js, loaded first
})();
