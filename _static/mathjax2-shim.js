/* The ipywidgets embed manager typesets labels with the MathJax 2 API (MathJax.Hub.Queue), which
 * MathJax 3 (what Sphinx loads) does not have. Give every object assigned to window.MathJax a
 * Hub.Queue that forwards to MathJax 3's typesetPromise, so widgets do not throw on pages with
 * maths. Loaded before MathJax, and only on pages that show a widget (_ext/site_fixes.py). */
(function () {
  "use strict";
  var current = window.MathJax;
  function shim(mj) {
    if (mj && typeof mj === "object" && !mj.Hub) {
      Object.defineProperty(mj, "Hub", {enumerable: false, value: {Queue: function (job) {
        var el = Array.isArray(job) ? job[2] : undefined;
        if (window.MathJax && window.MathJax.typesetPromise) { window.MathJax.typesetPromise(el ? [el] : undefined); }
      }}});
    }
    return mj;
  }
  Object.defineProperty(window, "MathJax", {configurable: true, enumerable: true,
    get: function () { return current; }, set: function (v) { current = shim(v); }});
  shim(current);
})();
