// The tablet screening: answers are kept in the outbox (IndexedDB) before they are sent, so a
// lost connection loses nothing; each screening carries one idempotency key, so a resend never
// makes a second screening.
(function () {
  "use strict";
  var app = document.getElementById("screening-app");
  if (!app) { return; }
  var form = document.getElementById("screening-form");
  var outbox = window.BrobygOutbox;
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
  var pending = document.getElementById("pending");
  var errors = document.getElementById("errors");
  var buttons = [document.getElementById("finish"), document.getElementById("save-draft")];
  var key = newKey();
  var retryTimer = null;

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ crypto.getRandomValues(new Uint8Array(1))[0] & 15 >> c / 4).toString(16);
    });
  }

  function value(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }

  function message(name, arg) {
    var text = app.getAttribute("data-msg-" + name) || "";
    return arg === undefined ? text : text.replace("{}", arg);
  }

  function payload(draft) {
    var answers = {};
    questions.forEach(function (q) {
      var v = value(q.getAttribute("data-item"));
      if (v) { answers[q.getAttribute("data-item")] = parseInt(v, 10); }
    });
    var help = value("wants_help");
    return {
      citizen: app.getAttribute("data-citizen"),
      answers: answers,
      direct_question: value("direct_question"),
      setting: form.querySelector("#setting").value,
      observations: form.querySelector("#observations").value,
      wants_help: help === "" ? null : help === "true",
      triage: value("triage"),
      draft: draft,
      draft_id: app.getAttribute("data-draft") || null,
      idempotency_key: key,
      screened_at: new Date().toISOString()
    };
  }

  function busy(on) { buttons.forEach(function (b) { b.disabled = on; }); }

  function showErrors(lines) {
    errors.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.className = "mb-0";
      p.textContent = line;
      errors.appendChild(p);
    });
    errors.classList.toggle("d-none", lines.length === 0);
  }

  function questionText(code) {
    var q = form.querySelector('fieldset[data-item="' + code + '"] legend');
    return q ? q.textContent.trim() : code;
  }

  function explain(data) {
    var lines = [];
    Object.keys(data || {}).forEach(function (field) {
      var value = data[field];
      if (field === "answers" && value && typeof value === "object" && !Array.isArray(value)) {
        Object.keys(value).forEach(function (code) {
          lines.push(questionText(code) + ": " + [].concat(value[code]).join(" "));
        });
      } else {
        lines.push([].concat(value).join(" "));
      }
    });
    return lines;
  }

  function showResult(data) {
    form.classList.add("d-none");
    pending.classList.add("d-none");
    var result = document.getElementById("result");
    result.classList.remove("d-none");
    document.getElementById("result-score").textContent = message("score", data.score);
    var triage = data.triage || {};
    document.getElementById("result-colour").textContent = triage.label || "";
    document.getElementById("result-swatch").setAttribute("fill", triage.colour || "#cccccc");
    var step = data.next_step;
    document.getElementById("result-step").textContent = step ? step.what : "";
    document.getElementById("result-due").textContent =
      step ? message("due", step.due.split("-").reverse().join(".")) : "";
    document.getElementById("refer-form").setAttribute(
      "action", app.getAttribute("data-refer-url") + data.id + "/henvis/");
    result.focus();
  }

  function handle(response, draft) {
    busy(false);
    if (response.status === 201 || response.status === 200) {
      if (draft) {
        window.location.assign(app.getAttribute("data-citizen-url") + "?kladde=gemt");
      } else {
        showResult(response.data);
      }
      return;
    }
    if (response.status === 401 || response.status === 403) {
      showErrors([message("signed-out")]);
      return;
    }
    showErrors(explain(response.data));
  }

  function updatePending() {
    return outbox.all().then(function (entries) {
      pending.classList.toggle("d-none", entries.length === 0);
      document.getElementById("pending-count").textContent =
        entries.length > 1 ? message("waiting", entries.length) : "";
      return entries;
    });
  }

  function retry() {
    return outbox.flush().then(function (results) {
      results.forEach(function (r) {
        if (r.key === key) { handle(r, false); }
      });
      return updatePending();
    }).then(function (entries) {
      if (entries.length === 0 && retryTimer) { clearInterval(retryTimer); retryTimer = null; }
    });
  }

  function keepForLater() {
    busy(false);
    pending.classList.remove("d-none");
    if (navigator.serviceWorker && navigator.serviceWorker.ready && window.SyncManager) {
      navigator.serviceWorker.ready.then(function (reg) {
        return reg.sync.register("brobyg-outbox");
      }).catch(function () {});
    }
    if (!retryTimer) { retryTimer = setInterval(retry, 15000); }
  }

  function submit(draft) {
    showErrors([]);
    if (!draft) {
      var missing = questions.filter(function (q) { return !value(q.getAttribute("data-item")); });
      if (missing.length) {
        showErrors(missing.map(function (q) {
          return message("missing", q.querySelector("legend").textContent.trim());
        }));
        missing[0].querySelector("input").focus();
        return;
      }
    }
    busy(true);
    var entry = { key: key, url: app.getAttribute("data-api"), body: payload(draft), csrf: csrf,
                  savedAt: Date.now() };
    outbox.put(entry)
      .then(function () { return outbox.send(entry); })
      .then(function (response) { handle(response, draft); }, keepForLater);
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); submit(false); });
  document.getElementById("save-draft").addEventListener("click", function () { submit(true); });
  window.addEventListener("online", retry);

  // A draft being finished: show its answers again.
  var saved = JSON.parse(document.getElementById("draft-answers").textContent || "{}");
  Object.keys(saved).forEach(function (code) {
    var input = form.querySelector('input[name="' + code + '"][value="' + saved[code] + '"]');
    if (input) { input.checked = true; }
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }
  // Anything left from an earlier visit without a connection goes now.
  updatePending().then(function (entries) { if (entries.length) { retry(); } });
})();
