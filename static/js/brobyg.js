// Brobyg's own script: no inline scripts anywhere, so a strict Content-Security-Policy holds.
(function () {
  "use strict";
  // Irreversible actions ask first: <form data-confirm="Are you sure …?">.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // Signing out on a shared tablet: the caches of this site go first (the server's
  // Clear-Site-Data empties the browser's own). Not the outbox: it is not a cache, and
  // screenings not yet sent are sent after the next sign-in.
  var signOut = document.querySelector('meta[name="sign-out-url"]');
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!signOut || !window.caches || event.defaultPrevented || form.hasAttribute("data-cleared") ||
        new URL(form.action, window.location.href).pathname !== signOut.content) { return; }
    event.preventDefault();
    form.setAttribute("data-cleared", "");
    var cleared = caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) { return caches.delete(name); }));
    });
    // Never keep anyone from signing out: after a second, the sign-out goes regardless.
    var late = new Promise(function (resolve) { setTimeout(resolve, 1000); });
    Promise.race([cleared, late]).catch(function () {}).then(function () { form.submit(); });
  });

  // <button data-print>: print the page (an access log or an export for the citizen).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });

  // A page that comes back with errors shows the first one, wherever it is on the page.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("main .is-invalid, main .invalid-feedback");
    if (!invalid) { return; }
    var target = invalid.closest("section, fieldset, form") || invalid;
    target.scrollIntoView({ block: "start" });
    var field = target.querySelector(".is-invalid");
    if (field) { field.focus({ preventScroll: true }); }
  });

  // After an htmx swap, move focus to an element that asks for it, for keyboard and screen-reader users.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target.querySelector("[data-autofocus]");
    if (target) { target.focus(); }
  });
})();
