// Progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Opened from disk, folder links would show a listing: point them at index.html.
  if (location.protocol === "file:") {
    document.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(href)) { return; }
      var cut = href.search(/[?#]/);
      var path = cut === -1 ? href : href.slice(0, cut);
      var rest = cut === -1 ? "" : href.slice(cut);
      if (path === "" || path === "." || path.slice(-1) === "/") {
        a.setAttribute("href", (path === "" || path === "." ? "./" : path) + "index.html" + rest);
      }
    });
  }

  // Wide tables scroll sideways inside a labelled region that keyboard users can focus and scroll.
  var scrollers = [];
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.parentNode.classList.contains("table-scroll")) { return; }
    var label = table.querySelector("caption");
    var el = table;
    while (!label && el) {
      el = el.previousElementSibling;
      if (el && /^H[1-6]$/.test(el.tagName)) { label = el; }
    }
    var box = document.createElement("div");
    box.className = "table-scroll";
    box.setAttribute("role", "region");
    if (label) {
      label = label.cloneNode(true);
      label.querySelectorAll(".headerlink").forEach(function (link) { link.remove(); });
    }
    box.setAttribute("aria-label", (label && label.textContent.trim()) || "Table");
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    scrollers.push(box);
  });
  var focusable = function () {
    scrollers.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) { box.setAttribute("tabindex", "0"); }
      else { box.removeAttribute("tabindex"); }
    });
  };
  if (scrollers.length) {
    focusable();
    window.addEventListener("resize", focusable);
  }

  // Directory: filter by text and kind, in the browser.
  var form = document.querySelector(".directory-filter");
  if (form) {
    var text = form.querySelector("#filter-text");
    var kind = form.querySelector("#filter-kind");
    var status = form.querySelector(".filter-status");
    var items = Array.prototype.slice.call(document.querySelectorAll(".champion-item"));
    var regions = Array.prototype.slice.call(document.querySelectorAll(".region"));
    var apply = function () {
      // The same folding as the page's index: lower case, accents dropped ("panaderia" finds "Panadería").
      var words = text.value.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
        .trim().split(/\s+/).filter(Boolean);
      var wanted = kind.value;
      var shown = 0;
      items.forEach(function (item) {
        var hay = item.getAttribute("data-search");
        var ok = (!wanted || item.getAttribute("data-kind") === wanted) &&
          words.every(function (w) { return hay.indexOf(w) !== -1; });
        item.hidden = !ok;
        if (ok) { shown += 1; }
      });
      regions.forEach(function (region) {
        region.hidden = !region.querySelector(".champion-item:not([hidden])");
      });
      status.textContent = (form.getAttribute("data-shown") || "{shown} of {total} champions shown")
        .replace("{shown}", shown).replace("{total}", items.length);
    };
    form.hidden = false;
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    text.addEventListener("input", apply);
    kind.addEventListener("change", apply);
  }

  // Toolkit pieces: copy the text to paste into an e-mail or a post.
  document.querySelectorAll(".copy-button").forEach(function (button) {
    var text = button.getAttribute("data-copy-text");
    var target = text === null ? document.querySelector(button.getAttribute("data-copy")) : null;
    if ((text === null && !target) || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (text === null) {
        var clone = target.cloneNode(true);
        clone.querySelectorAll(".headerlink").forEach(function (el) { el.remove(); });
        text = clone.innerText.trim();
      }
      navigator.clipboard.writeText(text).then(function () {
        var label = button.textContent;
        button.textContent = button.getAttribute("data-copied") || "Copied";
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();
