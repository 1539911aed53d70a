/* Behaviour every page shares, without inline script or handlers (CSP script-src 'self').
 *
 * Loaded with `defer` before Alpine's CSP build, so the Alpine components below are registered
 * on `alpine:init`. Handlers are delegated from the document, so content that HTMX swaps in
 * later behaves the same.
 *   <form data-confirm="…">        asks before submitting
 *   <select data-autosubmit>       submits its form when changed
 *   <button data-print>            prints the page
 *   <div data-width="42">          sets the bar's width to 42 % (no style attribute needed);
 *                                  data-left, data-indent (gap tree depth), data-swatch (colour)
 */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm !== undefined) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) { window.print(); }
  });

  // Widths and paddings set through the DOM, which CSP allows (style attributes it does not).
  function applyStyles(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = el.dataset.width + "%";
    });
    root.querySelectorAll("[data-left]").forEach(function (el) {
      el.style.left = el.dataset.left + "%";
    });
    root.querySelectorAll("[data-indent]").forEach(function (el) {
      el.style.paddingLeft = "calc(.5rem + " + Number(el.dataset.indent) * 1.25 + "rem)";
    });
    root.querySelectorAll("[data-swatch]").forEach(function (el) {
      el.style.backgroundColor = el.dataset.swatch;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { applyStyles(document); });
  // After any htmx swap (inner or outer) the whole page is cheap to go over again.
  document.addEventListener("htmx:afterSettle", function () { applyStyles(document); });

  // A list row's light popup is filled when opened (htmx, `hx-trigger="show.bs.dropdown once"`):
  // once its reasons arrive, a resize makes Popper place the grown menu again.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.target;
    if (target instanceof Element && target.classList.contains("light-reasons")) {
      window.dispatchEvent(new Event("resize"));
    }
  });

  document.addEventListener("alpine:init", function () {
    // Problems raised in a weekly report: rows start from the json_script the form renders.
    window.Alpine.data("problemRows", function () {
      return {
        rows: [],
        init: function () {
          var source = document.getElementById(this.$el.dataset.rowsSource);
          this.rows = source ? JSON.parse(source.textContent) : [];
        },
        add: function () {
          this.rows.push({ title: "", category: "other", owner_unit: "", due_on: "" });
        },
        remove: function (index) {
          this.rows.splice(index, 1);
        }
      };
    });
  });
})();
