// The outbox on screen (screening/_outbox.html): what waits on this tablet and why, what was
// sent from this page and its result, and what was refused and why. It sends whatever waits as
// soon as it can: on opening the page, when the connection returns, when the tablet wakes, and
// every 15 seconds while something waits. Signed out, it does not send: it says that it waits
// for a sign-in, and looks now and then whether someone has signed in (in another tab).
(function () {
  "use strict";
  var outbox = window.BrobygOutbox;
  var RETRY_MS = 15000;
  var NO_ID = "00000000-0000-0000-0000-000000000000";

  function show(element, on) { element.classList.toggle("d-none", !on); }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  // The server's reasons as sentences: {"detail": …} or {"field": ["…"], "answers": {…}}.
  function reasons(data) {
    if (!data || typeof data !== "object") { return []; }
    if (data.detail) { return [String(data.detail)]; }
    var lines = [];
    Object.keys(data).forEach(function (field) {
      var value = data[field];
      if (value && typeof value === "object" && !Array.isArray(value)) {
        lines = lines.concat(reasons(value));
      } else {
        lines.push([].concat(value).join(" "));
      }
    });
    return lines;
  }

  function create(root, options) {
    options = options || {};
    // claim(result): the page shows this result itself (its own screening); own(): its key.
    var claim = options.claim || function () { return false; };
    var own = options.own || function () { return null; };
    var meta = document.querySelector('meta[name="csrf-token"]');
    var token = meta ? meta.getAttribute("content") : null;
    var signedOut = false, timer = null, running = null;
    var sent = [];  // sent from this page: shown until the page is left, never stored
    var pending = root.querySelector("#pending");
    var signIn = root.querySelector("#outbox-sign-in");
    var list = root.querySelector("#outbox-list");

    function message(name, values) {
      var text = root.getAttribute("data-msg-" + name) || "";
      if (values === undefined) { return text; }
      if (typeof values !== "object") { return text.replace("{}", values); }
      return text.replace(/\{(\w+)\}/g, function (all, key) {
        return values[key] === undefined ? all : values[key];
      });
    }

    function saved(entry) {
      var when = new Date(entry.savedAt || Date.now()).toLocaleString(
        document.documentElement.lang || undefined, { dateStyle: "short", timeStyle: "short" });
      return message("saved", { when: when, who: entry.by || "" });
    }

    // The citizen's name only once the server took the screening from the person signed in:
    // a refusal may mean that this person may not see the citizen at all.
    function heading(entry, named) {
      var item = element("li", "list-group-item");
      if (named) { item.appendChild(element("div", "fw-semibold", entry.label || "")); }
      item.appendChild(element("div", "small text-body-secondary", saved(entry)));
      return item;
    }

    function sentItem(result) {
      var data = result.data || {};
      var item = heading(result.entry, true);
      item.setAttribute("data-testid", "outbox-sent");
      if (data.is_draft) {
        item.appendChild(element("div", "", message("sent-draft")));
      } else {
        var triage = data.triage || {};
        var line = element("div", "d-flex align-items-center gap-2");
        var swatch = element("span", "outbox-swatch");
        swatch.setAttribute("aria-hidden", "true");
        swatch.style.cssText = "display:inline-block;width:1rem;height:1rem;border-radius:50%;" +
          "border:1px solid #333";
        swatch.style.backgroundColor = triage.colour || "#cccccc";
        line.appendChild(swatch);
        line.appendChild(element("span", "", message("sent") + " " + message("score", data.score) +
          (triage.label ? " · " + triage.label : "")));
        item.appendChild(line);
        var step = data.next_step;
        if (step) {
          item.appendChild(element("div", "", step.what + " · " +
            message("due", step.due.split("-").reverse().join("."))));
        }
      }
      if (data.citizen) {
        var link = element("a", "btn btn-outline-primary btn-sm mt-2", message("open"));
        link.href = root.getAttribute("data-citizen-url").replace(NO_ID, data.citizen);
        item.appendChild(link);
      }
      return item;
    }

    function refusedItem(entry) {
      var item = heading(entry, false);
      item.setAttribute("data-testid", "outbox-refused");
      var why = element("div", "text-danger");
      why.appendChild(element("span", "fw-semibold", message("refused")));
      reasons(entry.error).forEach(function (line) {
        why.appendChild(document.createTextNode(" " + line));
      });
      item.appendChild(why);
      var buttons = element("div", "d-flex gap-2 mt-2");
      var retry = element("button", "btn btn-outline-primary btn-sm", message("retry"));
      retry.type = "button";
      retry.setAttribute("data-testid", "outbox-retry");
      retry.addEventListener("click", function () {
        outbox.mark(entry.key, { state: outbox.WAITING, error: null }).then(tick);
      });
      var discard = element("button", "btn btn-outline-danger btn-sm", message("discard"));
      discard.type = "button";
      discard.addEventListener("click", function () {
        if (window.confirm(message("discard-confirm"))) { outbox.remove(entry.key).then(render); }
      });
      buttons.appendChild(retry);
      buttons.appendChild(discard);
      item.appendChild(buttons);
      return item;
    }

    function render() {
      return outbox.all().then(function (entries) {
        var live = entries.filter(function (e) { return e.state !== outbox.REFUSED; });
        var refused = entries.filter(function (e) {
          return e.state === outbox.REFUSED && e.key !== own();
        });
        show(pending, live.length > 0 && !signedOut);
        show(signIn, live.length > 0 && signedOut);
        Array.prototype.forEach.call(root.querySelectorAll(".pending-count"), function (count) {
          count.textContent = live.length > 1 ? message("waiting", live.length) : "";
        });
        list.textContent = "";
        refused.forEach(function (entry) { list.appendChild(refusedItem(entry)); });
        sent.forEach(function (result) { list.appendChild(sentItem(result)); });
        show(list, refused.length + sent.length > 0);
        if (live.length && !timer) { timer = setInterval(tick, RETRY_MS); }
        if (!live.length && timer) { clearInterval(timer); timer = null; }
        return entries;
      }).catch(function () { return []; });
    }

    function note(results) {
      var out = false;
      results.forEach(function (result) {
        if (result.token) { token = result.token; }
        if (result.state === outbox.SIGNED_OUT) { out = true; }
        if (!claim(result) && result.state === outbox.SENT) { sent.push(result); }
      });
      signedOut = out;
    }

    function flush() { return outbox.flush({ token: token }).then(note); }

    function tick() {
      if (running) { return running; }
      var work = signedOut
        // Signed out: no post that would only be refused again, just a look whether anyone
        // has signed in since (in another tab, say).
        ? outbox.freshToken().then(function (fresh) {
          if (!fresh) { return; }
          token = fresh;
          signedOut = false;
          return flush();
        })
        : flush();
      running = work.catch(function () {}).then(render).then(function (entries) {
        running = null;
        return entries;
      });
      return running;
    }

    var panel = {
      token: function () { return token; },
      // A result the page got itself (the person pressed the button).
      note: function (result) { note([result]); return render(); },
      render: render,
      tick: tick,
      start: function () {
        window.addEventListener("online", tick);
        document.addEventListener("visibilitychange", function () {
          if (document.visibilityState === "visible") { tick(); }
        });
        return render().then(function (entries) {
          var live = entries.filter(function (e) { return e.state !== outbox.REFUSED; });
          return live.length ? tick() : entries;
        });
      }
    };
    return panel;
  }

  window.BrobygOutboxPanel = { create: create, reasons: reasons };

  // A page without a screening form of its own (the screening list): the panel starts itself.
  var root = document.getElementById("outbox");
  if (root && root.hasAttribute("data-autostart") && outbox) { create(root).start(); }
})();
