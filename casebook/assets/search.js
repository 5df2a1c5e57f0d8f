/* Casebook search: the web worker behind Material for MkDocs' search box,
   answering from the Pagefind index that `casebook build` writes into pagefind/.

   Material's own worker downloads the whole search index (13 MB at 2,000 cases)
   and builds a Lunr index from it before it can answer anything. Pagefind's
   index is split into chunks, and a query loads only the chunks of its words
   and the excerpts of the results shown. Material talks to its worker through
   four messages (SETUP, READY, QUERY, RESULT) and lets a site replace the
   worker, so its search box, result list, keyboard handling and highlighting
   stay as they are; the plugin points Material at this file instead of its own. */
"use strict";

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;   // Material's SearchMessageType
var FIRST = 10;   // results shown as soon as their excerpts are in
var MOST = 50;    // then up to this many; a reader does not scroll further

// This file is served from assets/casebook/; the index lives in pagefind/. A long case page
// is penalised less than by Pagefind's default (pageLength 0.75), so that the case of a
// company ranks with, not below, the company's short list page.
var pagefind = import(new URL("../../pagefind/pagefind.js", self.location.href).href)
  .then(function (module) {
    return module.options({ excerptLength: 24, ranking: { pageLength: 0.25 } }).then(function () {
      return module.init();
    }).then(function () { return module; });
  });
pagefind.catch(function (error) {
  console.error("Casebook search: the Pagefind index could not be loaded:", error && error.message);
});

var latest = 0;   // the query being answered; older answers are dropped

self.onmessage = function (event) {
  var message = event.data;
  if (message.type === SETUP) {
    self.postMessage({ type: READY });
  } else if (message.type === QUERY) {
    answer(String(message.data || ""));
  }
};

function answer(query) {
  var ticket = ++latest;
  function post(items) {
    if (ticket === latest) self.postMessage({ type: RESULT, data: { items: items } });
  }
  if (!query.trim()) return post([]);
  var terms = {};
  query.toLowerCase().split(/\s+/).filter(Boolean).forEach(function (word) { terms[word] = true; });
  pagefind.then(function (module) {
    return module.search(query);
  }).then(function (search) {
    if (ticket !== latest || !search) return;
    var results = search.results;
    return load(results.slice(0, FIRST), terms).then(function (first) {
      post(first);
      if (results.length > FIRST && ticket === latest) {
        return load(results.slice(FIRST, MOST), terms).then(function (more) { post(first.concat(more)); });
      }
    });
  }).catch(function (error) {
    console.error("Casebook search failed:", error && error.message);
    post([]);
  });
}

function load(results, terms) {
  return Promise.all(results.map(function (result) {
    return result.data().then(function (data) { return group(data, result.score, terms); });
  }));
}

// One Material result group: the page first, then its sections (collapsed by Material under
// "n more on this page" because they score below the page).
function group(data, score, terms) {
  var items = [{
    location: data.url, title: inert(data.meta && data.meta.title || data.url),
    text: inert(data.excerpt), score: score, terms: terms
  }];
  (data.sub_results || []).forEach(function (section) {
    if (section.url === data.url || section.url.indexOf("#") < 0) return;
    items.push({
      location: section.url, title: inert(section.title), text: inert(section.excerpt),
      score: score / 2, terms: terms
    });
  });
  return items;
}

// Material inserts titles and excerpts as HTML: keep Pagefind's <mark> highlights, and
// make every other "<" text, so that nothing from a page becomes markup in the list.
function inert(html) {
  return String(html || "").replace(/<(?!\/?mark>)/g, "&lt;");
}
