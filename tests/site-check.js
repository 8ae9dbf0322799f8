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
/* The outermost elements that reach past the right edge. */
if (doc.scrollWidth > doc.clientWidth) {
  document.querySelectorAll("body *").forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.right > doc.clientWidth + 1 && r.width > 0 &&
        !(e.parentElement && e.parentElement.getBoundingClientRect().right > doc.clientWidth + 1) &&
        out.wide.length < 5) {
      out.wide.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
        (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : "") +
        " (" + Math.round(r.right) + " px): " + (e.textContent || "").slice(0, 60));
    }
  });
}
return out;
