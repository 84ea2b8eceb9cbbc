/* Kernel-free figure sliders (mlp.widgets.figure_slider): the range input chooses which of the
 * pictures drawn when the book was built is shown. The pictures load only when first shown
 * (loading="lazy"); the first touch or focus on a slider fetches the others, so moving it
 * does not wait. Without this script the starting picture shows and the slider stays disabled. */
(function () {
  "use strict";

  function setup(box) {
    var input = box.querySelector('input[type="range"]');
    var output = box.querySelector("output");
    var frames = Array.prototype.slice.call(box.querySelectorAll(".mlp-figure-slider__frames img"));
    if (!input || frames.length === 0) { return; }
    var labels = JSON.parse(input.dataset.labels || "[]");
    var name = input.dataset.name || "";

    function show() {
      var k = Number(input.value);
      frames.forEach(function (img, i) { img.hidden = i !== k; });
      if (labels[k] !== undefined) {
        if (output) { output.textContent = labels[k]; }
        input.setAttribute("aria-valuetext", name + " = " + labels[k]);
      }
    }
    function preload() {
      frames.forEach(function (img) { img.loading = "eager"; });
    }
    input.addEventListener("input", show);
    input.addEventListener("focus", preload, {once: true});
    input.addEventListener("pointerdown", preload, {once: true});
    input.disabled = false;
    show();
  }

  function init() {
    document.querySelectorAll(".mlp-figure-slider").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
