/* site.js: the site's search. The first time the search box is used it
   loads lunr.js (Debian's libjs-lunr, copied beside the pages) and the
   book's text (search-data.js) with script tags, which work from file://
   as well as from a web server, builds the index, and from then on lists
   the sections that match what is typed. Without JavaScript the rest of
   the site works as is. */
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  if (!input || !results) return;

  var index = null, docs = null, loading = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
  }

  function load() {
    if (!loading) {
      loading = loadScript("lunr.min.js")
        .then(function () { return loadScript("search-data.js"); })
        .then(function () {
          docs = window.WORKBOOK_SEARCH_DATA;
          index = window.lunr(function () {
            this.ref("u");
            this.field("t", { boost: 10 });
            this.field("b");
            docs.forEach(function (d) { this.add(d); }, this);
          });
        });
    }
    return loading;
  }

  function byRef() {
    var map = {};
    docs.forEach(function (d) { map[d.u] = d; });
    return map;
  }

  /* The words typed, as lunr clauses: each word as lunr's pipeline stems
     it, and as a prefix while it is being typed. No query syntax, so
     nothing typed is an error. */
  function search(text) {
    var words = window.lunr.tokenizer(text);
    if (words.length === 0) return [];
    return index.query(function (q) {
      words.forEach(function (w) {
        q.term(w, { boost: 10 });
        q.term(w, {
          usePipeline: false, boost: 1,
          wildcard: window.lunr.Query.wildcard.TRAILING
        });
      });
    });
  }

  function snippet(body, text) {
    var lower = body.toLowerCase(), at = -1;
    text.toLowerCase().split(/\s+/).some(function (w) {
      if (w.length > 1) at = lower.indexOf(w);
      return at >= 0;
    });
    var start = Math.max(0, at - 60);
    var s = body.slice(start, start + 160);
    return (start > 0 ? "…" : "") + s + (start + 160 < body.length ? "…" : "");
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function show(text) {
    results.textContent = "";
    results.removeAttribute("data-count");
    if (text.trim() === "") return;
    var hits = search(text), map = byRef();
    results.setAttribute("data-count", String(hits.length));
    if (hits.length === 0) {
      results.appendChild(el("span", "none", "No section matches “" + text + "”."));
      return;
    }
    var list = el("ol");
    hits.slice(0, 20).forEach(function (hit) {
      var d = map[hit.ref], li = el("li"), a = el("a", null, d.t);
      a.href = d.u;
      li.appendChild(a);
      if (d.c !== d.t) li.appendChild(el("span", "where", d.c));
      li.appendChild(el("span", "snippet", snippet(d.b, text)));
      list.appendChild(li);
    });
    results.appendChild(list);
  }

  var timer = null;
  function update() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      load().then(function () { show(input.value); }, function (err) {
        results.textContent = "Search is not available: " + err.message;
      });
    }, 120);
  }
  input.addEventListener("focus", function () { load().catch(function () {}); });
  input.addEventListener("input", update);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      var first = results.querySelector("a");
      if (first) window.location.href = first.href;
    }
  });
})();
