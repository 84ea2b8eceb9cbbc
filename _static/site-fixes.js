/* Small fixes to the theme's pages, each for a problem a reader, a keyboard or a screen reader
 * would hit (_ext/site_fixes.py lists them; the tests in tests/site check each). */
(function () {
  "use strict";

  // Regions that scroll sideways (wide maths, code, figures, tables) must be reachable by
  // keyboard, or their hidden part is out of reach (axe: scrollable-region-focusable).
  var SCROLLERS = ["pre", "div.math", "mjx-container[display=\"true\"]", ".cell_output", ".cell_output .output",
                   ".mlp-figure-slider__frames", ".pst-scrollable-table-container"].join(", ");

  function focusableScrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (e) {
      var scrolls = e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1;
      if (scrolls && !e.hasAttribute("tabindex")) {
        e.setAttribute("tabindex", "0");
        e.dataset.mlpScrollFocus = "";
      } else if (!scrolls && e.dataset.mlpScrollFocus !== undefined) {
        e.removeAttribute("tabindex");
        delete e.dataset.mlpScrollFocus;
      }
    });
  }

  function fix() {
    // The sidebar's expand/collapse toggles are <summary> elements with only an icon.
    document.querySelectorAll("summary:not([aria-label])").forEach(function (s) {
      if (!s.textContent.trim()) { s.setAttribute("aria-label", "Show or hide the pages of this section"); }
    });
    // myst-nb's hide-input toggle: aria-label "Toggle hidden content" hides its visible text
    // ("Show code cell source"), which is the better name.
    document.querySelectorAll("details.hide > summary[aria-label]").forEach(function (s) {
      if (s.textContent.trim()) { s.removeAttribute("aria-label"); }
    });
    // A search button that shows the word "Search" is named by it (an aria-label would hide
    // its keyboard shortcut); the icon-only search button keeps its aria-label.
    document.querySelectorAll("button.search-button__button[aria-label]").forEach(function (b) {
      var text = b.querySelector(".search-button__default-text");
      if (text && text.textContent.trim()) { b.removeAttribute("aria-label"); }
    });
    // Decorative icons of the colour-mode button: its aria-label names it.
    document.querySelectorAll(".theme-switch-button [title]").forEach(function (e) { e.removeAttribute("title"); });
    document.querySelectorAll(".theme-switch-button i, .theme-switch-button span.fa-solid")
      .forEach(function (e) { e.setAttribute("aria-hidden", "true"); });
    // doc-biblioentry is deprecated in ARIA 1.2 and a role="list" must hold list items.
    document.querySelectorAll('.citation-list > [role="doc-biblioentry"]')
      .forEach(function (e) { e.setAttribute("role", "listitem"); });
    // ipywidgets' slider handles (role="slider") have no accessible name: their slider's label.
    document.querySelectorAll(".widget-slider [role=slider]:not([aria-label])").forEach(function (h) {
      var box = h.closest(".widget-slider");
      var label = box && box.querySelector(".widget-label");
      var text = label && label.textContent.trim();
      if (text) { h.setAttribute("aria-label", text); }
    });
  }

  function init() {
    fix();
    focusableScrollers();
    // widgets and maths are drawn after the page has loaded; the layout changes with the width
    var pending = null;
    function later() {
      if (pending) { return; }
      pending = window.setTimeout(function () { pending = null; fix(); focusableScrollers(); }, 200);
    }
    new MutationObserver(later).observe(document.body, {childList: true, subtree: true});
    window.addEventListener("resize", later);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
