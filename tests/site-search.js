/* site-search.js: run by tests/site.sh (WebDriver "execute/async") in a
   page of the site: types arguments[0] into the search box, as a reader
   would, and returns the links the results list ({count, links}), or
   count -1 if no result list came within 10 s. */
var term = arguments[0], done = arguments[arguments.length - 1];
var input = document.getElementById("search-input");
var results = document.getElementById("search-results");
if (!input || !results) return done({ count: -1, links: [], why: "no search box" });
results.removeAttribute("data-count");
input.focus();
input.value = term;
input.dispatchEvent(new Event("input", { bubbles: true }));
var start = Date.now();
(function poll() {
  var count = results.getAttribute("data-count");
  if (count !== null) {
    var links = [];
    results.querySelectorAll("a[href]").forEach(function (a) { links.push(a.getAttribute("href")); });
    done({ count: Number(count), links: links, first: links.length ? results.querySelector("a").textContent : "" });
  } else if (Date.now() - start > 10000) {
    done({ count: -1, links: [], why: results.textContent || "no answer in 10 s" });
  } else {
    setTimeout(poll, 50);
  }
})();
