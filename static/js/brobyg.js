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

  // A table wider than the screen scrolls sideways in its own box: a keyboard can reach and
  // scroll the box, and a screen reader names it after the table's caption.
  function scrollableTables(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) { return; }
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var caption = box.querySelector("caption");
      var near = box.closest("section, main");
      var title = near && near.querySelector("h1, h2, h3");
      var heading = (caption || title) ? (caption || title).textContent.trim() : "";
      if (heading && !box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        box.setAttribute("aria-label", heading);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { scrollableTables(document); });
  window.addEventListener("resize", function () { scrollableTables(document); });
  document.addEventListener("htmx:afterSettle", function (event) { scrollableTables(event.target); });

  // A page that comes back with errors shows the first one, wherever it is on the page.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("main .is-invalid, main .invalid-feedback");
    if (!invalid) { return; }
    var target = invalid.closest("section, fieldset, form") || invalid;
    target.scrollIntoView({ block: "start" });
    var field = target.querySelector(".is-invalid");
    if (field) { field.focus({ preventScroll: true }); }
  });

  // <button data-add-form="prefix">: one more row of a Django formset, made from its
  // <template data-form-template="prefix"> and put in [data-form-rows="prefix"], without
  // saving first (an offer's meeting times). Without the script the page has one empty row
  // and says to save for another, so the button is shown only here.
  document.querySelectorAll("[data-add-form]").forEach(function (button) {
    var prefix = button.getAttribute("data-add-form");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var most = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    button.hidden = !!(total && most && parseInt(total.value, 10) >= parseInt(most.value, 10));
    var form = button.closest("form");
    (form ? form.querySelectorAll("[data-without-script]") : []).forEach(function (note) {
      note.hidden = true;
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-form]");
    if (!button) { return; }
    var prefix = button.getAttribute("data-add-form");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var most = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.querySelector('template[data-form-template="' + prefix + '"]');
    var rows = document.querySelector('[data-form-rows="' + prefix + '"]');
    if (!total || !template || !rows) { return; }
    var index = parseInt(total.value, 10);
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    if (most && index + 1 >= parseInt(most.value, 10)) { button.hidden = true; }
    var first = rows.lastElementChild && rows.lastElementChild.querySelector("select, input:not([type=hidden])");
    if (first) { first.focus(); }
  });

  // After an htmx swap, move focus to an element that asks for it, for keyboard and screen-reader users.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target.querySelector("[data-autofocus]");
    if (target) { target.focus(); }
  });
})();
