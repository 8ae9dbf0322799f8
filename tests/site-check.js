/* site-check.js: run in each page of the site by tests/site.sh (WebDriver
   "execute"); returns what the shell checks: the page's ids, its local
   links, its images, and whether anything sticks out sideways. */
var doc = document.documentElement;
var out = {
  ids: [], links: [], images: [],
  width: window.innerWidth, scroll: doc.scrollWidth, client: doc.clientWidth,
  wide: []
};
document.querySelectorAll("[id]").forEach(function (e) { out.ids.push(e.id); });
document.querySelectorAll("a[href]").forEach(function (a) {
  var href = a.getAttribute("href");
  if (!/^[a-z][a-z0-9+.-]*:/i.test(href)) out.links.push(href);
});
Array.prototype.forEach.call(document.images, function (img) {
  out.images.push({
    src: img.getAttribute("src"),
    alt: img.getAttribute("alt"),
    ok: img.complete && img.naturalWidth > 0
  });
});
/* The outermost elements that reach past the right edge, leaving out
   what a box that scrolls sideways (a code block, a table) holds. */
function clipped(e) {
  for (var p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== "visible") return true;
  }
  return false;
}
if (doc.scrollWidth > doc.clientWidth) {
  document.querySelectorAll("body *").forEach(function (e) {
    var r = e.getBoundingClientRect();
    var parent = e.parentElement;
    if (r.right > doc.clientWidth + 1 && r.width > 0 && out.wide.length < 5 &&
        !(parent && parent.getBoundingClientRect().right > doc.clientWidth + 1) &&
        !clipped(e)) {
      out.wide.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
        (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : "") +
        " (" + Math.round(r.right) + " px): " + (e.textContent || "").slice(0, 60).replace(/\s+/g, " "));
    }
  });
}
return out;
