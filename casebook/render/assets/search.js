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
var FIRST = 10;   // results shown as soon as their excerpts are in (the top one even sooner)
var MOST = 50;    // then up to this many; a reader does not scroll further

// This file is served at the URL of Material's own worker, assets/javascripts/workers/ (casebook/render/plugin.py);
// the index lives in pagefind/. Started early by
// the page (casebook/plugin.py), the worker runs from a blob: URL and is told this file's URL.
// A long case page is penalised less than by Pagefind's default (pageLength 0.75), so that
// the case of a company ranks with, not below, the company's short list page.
var here = self.casebookSearchURL || self.location.href;
var pagefind = import(new URL("../../../pagefind/pagefind.js", here).href)
  .then(function (module) {
    return module.options({ excerptLength: 24, ranking: { pageLength: 0.25 } }).then(function () {
      return module.init();
    }).then(function () {
      // A large site's index comes in several bundles (casebook/render/plugin.py): merge the rest.
      return Promise.all((self.casebookMoreBundles || []).map(function (bundle) {
        return module.mergeIndex(new URL("../../../" + bundle + "/", here).href);
      }));
    }).then(function () {
      warmUp();
      return module;
    });
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
  var total = 0;
  // Material reads items and suggest. Ours: complete marks the query's last answer, after
  // which the list no longer grows (tests wait for it); total is how many pages matched,
  // of which at most MOST are listed (casebook.js shows it in Material's count).
  function post(items, complete) {
    if (ticket !== latest) return;
    self.postMessage({ type: RESULT, data: {
      items: items, suggest: completion(query, items), complete: complete, total: total
    } });
  }
  if (!query.trim()) return post([], true);
  var terms = {};
  query.toLowerCase().split(/\s+/).filter(Boolean).forEach(function (word) { terms[word] = true; });
  pagefind.then(function (module) {
    return module.search(query);
  }).then(function (search) {
    if (ticket !== latest || !search) return;
    var results = search.results;
    total = results.length;
    var first = load(results.slice(0, FIRST), terms);
    var more = results.length > FIRST;
    // The first ten excerpts are requested together; once they are in, the pages whose title
    // the query names come first (Pagefind ranks by words in the text: a long page that says
    // "read" and "state" often outranks the page titled "Read States").
    return Promise.all(first).then(function (groups) {
      groups = byTitle(groups, query);
      post(groups, !more);   // none at all: "no matching documents"
      if (more && ticket === latest) {
        return Promise.all(load(results.slice(FIRST, MOST), terms)).then(function (rest) {
          post(groups.concat(rest), true);
        });
      }
    });
  }).catch(function (error) {
    console.error("Casebook search failed:", error && error.message);
    post([], true);
  });
}

// How well a page's title answers the query: 0 the title is the query ("rust" and the page
// "Rust"), 1 it has every word of the query (the last one may be a prefix, as in Pagefind),
// 2 it does not. A stable sort keeps Pagefind's order within each class.
function titleClass(title, query) {
  var words = function (text) { return text.toLowerCase().match(/[\p{L}\p{N}+#]+/gu) || []; };
  var have = words(title.replace(/<\/?mark>/g, "")), want = words(query);
  if (!want.length) return 2;
  if (have.join(" ") === want.join(" ")) return 0;
  var last = want.length - 1;
  return want.every(function (word, i) {
    return have.some(function (h) { return h === word || (i === last && h.indexOf(word) === 0); });
  }) ? 1 : 2;
}

function byTitle(groups, query) {
  return groups.map(function (items, index) { return [titleClass(items[0].title, query), index, items]; })
    .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; })
    .map(function (entry) { return entry[2]; });
}

// One promise per result, in rank order.
function load(results, terms) {
  return results.map(function (result) {
    return result.data().then(function (data) { return group(data, result.score, terms); });
  });
}

// Pagefind splits a query into graphemes with Intl.Segmenter, whose first use loads ICU's
// break rules (40 ms measured): do it now, while no one waits, not on the first query.
function warmUp() {
  try {
    Array.from(new Intl.Segmenter("en", { granularity: "grapheme" }).segment("warm up"));
    /^\p{Pd}|\p{Po}$/u.test("-");
  } catch { /* an engine without Intl.Segmenter: Pagefind does without it too */ }
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

// Material's search.suggest: the last word typed, completed with the word the results matched
// most often (Pagefind matches the last word as a prefix: "late" finds "latency"). Material
// shows it after the query and takes it on the right-arrow key.
function completion(query, groups) {
  var typed = query.split(/[\s-]+/).pop();
  var start = typed.toLowerCase(), counts = {}, best = null;
  if (!typed) return [];
  groups.forEach(function (items) {
    items.forEach(function (item) {
      var marked = /<mark>([^<]+)<\/mark>/g, match;
      while ((match = marked.exec(item.title + " " + item.text)) !== null) {
        var word = (/^[\p{L}\p{N}]+/u.exec(match[1].toLowerCase()) || [""])[0];   // "latency." marked
        if (word.length <= start.length || word.indexOf(start) !== 0) continue;
        counts[word] = (counts[word] || 0) + 1;
        if (best === null || counts[word] > counts[best]) best = word;
      }
    });
  });
  return best === null ? [] : [typed + best.slice(start.length)];
}

// Material inserts titles and excerpts as HTML: keep Pagefind's <mark> highlights, and
// make every other "<" text, so that nothing from a page becomes markup in the list.
function inert(html) {
  return String(html || "").replace(/<(?!\/?mark>)/g, "&lt;");
}
