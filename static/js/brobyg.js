// Brobyg's own script: no inline scripts anywhere, so a strict Content-Security-Policy holds.
(function () {
  "use strict";
  // After an htmx swap, move focus to an element that asks for it, for keyboard and screen-reader users.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target.querySelector("[data-autofocus]");
    if (target) { target.focus(); }
  });
})();
