/* Casebook: sortable tables, and Mermaid diagrams rendered from the site's own
   copy of Mermaid (never a CDN), in the current colour scheme, on first load
   and after Material's instant navigation. */
(function () {
  "use strict";
  var mermaidUrl = new URL("mermaid.min.js", document.currentScript.src).href;
  var loading = null;
  var counter = 0;

  function loadMermaid() {
    if (window.mermaid) return Promise.resolve(window.mermaid);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = mermaidUrl;
        tag.onload = function () { resolve(window.mermaid); };
        tag.onerror = function () { loading = null; reject(new Error("cannot load " + mermaidUrl)); };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function scheme() {
    return document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "default";
  }

  function renderDiagrams() {
    var theme = scheme();
    var blocks = Array.prototype.filter.call(
      document.querySelectorAll("pre.casebook-diagram, div.casebook-diagram"),
      function (block) { return block.dataset.theme !== theme; });
    if (!blocks.length) return Promise.resolve();
    return loadMermaid().then(function (mermaid) {
      mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: theme });
      // One diagram at a time: Mermaid's renderer keeps global state.
      return blocks.reduce(function (done, block) {
        return done.then(function () {
          var source = block.dataset.source || block.textContent;
          return mermaid.render("cb-diagram-" + (++counter), source).then(function (result) {
            var figure = document.createElement("div");
            figure.className = "casebook-diagram";
            figure.dataset.source = source;
            figure.dataset.theme = theme;
            figure.innerHTML = result.svg;
            block.replaceWith(figure);
          }, function (error) {
            block.classList.add("casebook-diagram-error");
            console.error("Casebook: a diagram could not be drawn:", error && error.message);
          });
        });
      }, Promise.resolve());
    }, function (error) {
      console.error("Casebook:", error.message);
    });
  }

  function cellKey(row, index) {
    var cell = row.cells[index];
    if (cell && cell.dataset.sort !== undefined) return [0, parseFloat(cell.dataset.sort)];
    var text = (cell ? cell.textContent : "").trim();
    if (/^-?[\d.,]+/.test(text)) {
      var number = parseFloat(text.replace(/,/g, ""));
      if (!isNaN(number)) return [0, number];
    }
    return [1, text.toLowerCase()];
  }

  function sortTable(table, index, header) {
    // A first click sorts ascending, or descending where the heading says so (improvements).
    var current = header.getAttribute("aria-sort");
    var ascending = current === "none" ? header.dataset.first !== "descending" : current !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellKey(a, index), y = cellKey(b, index);
      var order = x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.setAttribute("aria-sort", "none");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    table.dispatchEvent(new CustomEvent("cb-sorted", { bubbles: true }));
  }

  function makeSortable() {
    document.querySelectorAll(".cb-sortable table").forEach(function (table) {
      if (table.dataset.sortable || !table.tHead || !table.tBodies.length) return;
      table.dataset.sortable = "yes";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "cb-sort";
        button.title = "Sort by this column";
        while (header.firstChild) button.appendChild(header.firstChild);
        header.appendChild(button);
        header.setAttribute("aria-sort", "none");
        button.addEventListener("click", function () { sortTable(table, index, header); });
      });
    });
  }

  function onPage() {
    makeSortable();
    renderDiagrams();
    document.querySelectorAll(".md-content a[href]").forEach(function (a) { if (a.host && a.host !== location.host) a.relList.add("noopener"); });
  }

  new MutationObserver(function () { renderDiagrams(); })
    .observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  // Run a function on every page: the first, and each one Material's instant navigation
  // swaps in. explore.js uses it too.
  function everyPage(run) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(run);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", run);
    } else {
      run();
    }
  }
  window.casebookEveryPage = everyPage;
  everyPage(onPage);

  // Material counts the results it is given; the search worker (search.js) lists at most 50
  // and says how many pages matched: the count says that, not "50 matching documents".
  var RESULT = 3;   // Material's SearchMessageType, as in search.js
  var answers = 0;
  if (window.casebookSearch) {
    window.casebookSearch.addEventListener("message", function (event) {
      var data = event.data && event.data.type === RESULT && event.data.data;
      if (!data) return;
      var answer = ++answers;
      if (!(data.total > data.items.length)) return;
      setTimeout(function () {   // after Material has written its own count; unless a newer answer came
        var count = document.querySelector(".md-search-result__meta");
        if (count && answer === answers) count.textContent = data.total.toLocaleString("en") + " matching documents";
      });
    });
  }
})();
