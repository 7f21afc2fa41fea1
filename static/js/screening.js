// The tablet screening: answers are kept in the outbox (IndexedDB) before they are sent, so a
// lost connection or a lost sign-in loses nothing; each screening carries one idempotency key,
// so a resend never makes a second screening. A screening of this citizen still waiting on the
// tablet (from before a sign-out, say) is this page's screening: its result is shown here.
(function () {
  "use strict";
  var app = document.getElementById("screening-app");
  if (!app) { return; }
  var form = document.getElementById("screening-form");
  var outbox = window.BrobygOutbox;
  var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
  var errors = document.getElementById("errors");
  var buttons = [document.getElementById("finish"), document.getElementById("save-draft")];
  var key = newKey();
  var panel = window.BrobygOutboxPanel.create(document.getElementById("outbox"), {
    own: function () { return key; },
    claim: function (result) {
      if (result.key !== key) { return false; }
      handle(result);
      return true;
    }
  });

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
      instrument: app.getAttribute("data-instrument") || null,
      task: app.getAttribute("data-task") || null,
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
    if (data && data.detail) { return [String(data.detail)]; }
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
    var result = document.getElementById("result");
    result.classList.remove("d-none");
    document.getElementById("result-score").textContent = message("score", data.score);
    var triage = data.triage || {};
    // The colour's texts in the reader's language, as the page has them; the server's are Danish.
    var texts = triage.code ? document.querySelector(
      '#colour-texts [data-code="' + CSS.escape(triage.code) + '"]') : null;
    document.getElementById("result-colour").textContent =
      (texts && texts.getAttribute("data-label")) || triage.label || "";
    document.getElementById("result-swatch").setAttribute("fill", triage.colour || "#cccccc");
    var step = data.next_step;
    var what = step ? step.what : "";
    // The colour's own next step (not one reworded since the page was opened) in the reader's language.
    if (step && texts && what === texts.getAttribute("data-next-step-da")) {
      what = texts.getAttribute("data-next-step") || what;
    }
    document.getElementById("result-step").textContent = what;
    document.getElementById("result-due").textContent =
      step ? message("due", step.due.split("-").reverse().join(".")) : "";
    var refer = document.getElementById("refer-form");
    refer.setAttribute("action", app.getAttribute("data-refer-url") + data.id + "/henvis/");
    // Signed in again since the page was opened: the referral goes with this sign-in's token.
    refer.querySelector("[name=csrfmiddlewaretoken]").value = panel.token();
    result.focus();
  }

  // The outcome of this page's screening, sent now or from the outbox later.
  function handle(result) {
    busy(false);
    if (result.state === outbox.SENT) {
      showErrors([]);
      if (result.data.is_draft) {
        window.location.assign(app.getAttribute("data-citizen-url") + "?kladde=gemt");
      } else {
        showResult(result.data);
      }
      return;
    }
    if (result.state === outbox.REFUSED) {
      showErrors(explain(result.data));
      return;
    }
    // No connection or no sign-in: it waits in the outbox, which says so.
    keepForLater();
  }

  var syncAsked = false;
  function keepForLater() {
    if (syncAsked || !(navigator.serviceWorker && window.SyncManager)) { return; }
    syncAsked = true;
    navigator.serviceWorker.ready.then(function (reg) {
      return reg.sync.register("brobyg-outbox");
    }).catch(function () {});
  }

  // A screening of this citizen kept from an earlier visit: back on the form, and its result
  // (or why it was refused) shows here once it is sent.
  function adopt(entries) {
    var draftId = app.getAttribute("data-draft") || null;
    var mine = entries.filter(function (entry) {
      var body = entry.body || {};
      return body.citizen === app.getAttribute("data-citizen") && !body.draft &&
        (body.draft_id || null) === draftId;
    }).pop();
    if (!mine) { return; }
    key = mine.key;
    restore(mine.body);
    if (mine.state === outbox.REFUSED) { showErrors(explain(mine.error)); }
  }

  function check(name, value) {
    if (value === null || value === undefined || value === "") { return; }
    var input = form.querySelector('input[name="' + name + '"][value="' + value + '"]');
    if (input) { input.checked = true; }
  }

  function restore(body) {
    Object.keys(body.answers || {}).forEach(function (code) { check(code, body.answers[code]); });
    check("direct_question", body.direct_question);
    check("wants_help", body.wants_help === null ? "" : String(body.wants_help));
    check("triage", body.triage);
    if (body.setting) { form.querySelector("#setting").value = body.setting; }
    form.querySelector("#observations").value = body.observations || "";
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
    var entry = { key: key, url: app.getAttribute("data-api"), body: payload(draft),
                  csrf: panel.token(), savedAt: Date.now(),
                  label: app.getAttribute("data-citizen-name"),
                  by: app.getAttribute("data-screener") };
    // Without storage (a private window) it is still sent; it only cannot wait.
    outbox.put(entry).catch(function () {})
      .then(function () { return outbox.send(entry, { token: panel.token(), interactive: true }); })
      .then(panel.note);
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); submit(false); });
  document.getElementById("save-draft").addEventListener("click", function () { submit(true); });

  // A draft being finished: show its answers again.
  var saved = JSON.parse(document.getElementById("draft-answers").textContent || "{}");
  Object.keys(saved).forEach(function (code) {
    var input = form.querySelector('input[name="' + code + '"][value="' + saved[code] + '"]');
    if (input) { input.checked = true; }
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }
  // Anything left from an earlier visit goes now, with this sign-in's token.
  outbox.all().then(adopt).catch(function () {}).then(panel.start);
})();
