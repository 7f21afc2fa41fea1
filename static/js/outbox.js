// The outbox: screenings waiting on this tablet to be sent, in IndexedDB. Used by the screening
// pages and by the service worker (importScripts), so either can send.
//
// It outlives a sign-out on purpose: a screening made without a connection is sent after the
// next sign-in, with that sign-in's CSRF token (the one it was saved with rotates at sign-in).
// Whoever signs in then, the server decides whether they may record it: a colleague on the
// citizen's team may, anyone else is refused, and a refused entry waits with its reason until
// someone tries again or discards it. Each entry has one idempotency key, so a resend (after a
// lost answer, or by two senders at once) saves one screening and answers with the first result.
(function (scope) {
  "use strict";
  var DB = "brobyg", STORE = "outbox", VERSION = 1;

  // What became of an entry on its last try.
  var SENT = "sent";              // saved now, or saved earlier (the answer is the first one's)
  var REFUSED = "refused";        // the server will not take it as it is: not sent again by itself
  var SIGNED_OUT = "signed-out";  // nobody is signed in (or the sign-in is not confirmed yet)
  var WAITING = "waiting";        // no connection, or the server could not answer now

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, VERSION);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, action) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = action(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function byAge(a, b) { return (a.savedAt || 0) - (b.savedAt || 0); }

  // The answer as {status, data, json}; rejects only when the network is down.
  function post(entry, token) {
    return fetch(entry.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token || "",
                 "Accept": "application/json" },
      body: JSON.stringify(entry.body)
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
      var read = json ? response.json().catch(function () { return {}; }) : Promise.resolve({});
      return read.then(function (data) {
        return { status: response.status, data: data || {}, json: json };
      });
    });
  }

  function outcome(answer) {
    var status = answer.status, code = answer.data.code;
    if (status === 401 || code === "not_authenticated" || code === "two_factor_required") {
      return SIGNED_OUT;
    }
    if (status === 408 || status === 429 || status >= 500) { return WAITING; }
    // A page instead of the API's answer: a redirect led to a sign-in page (ours or a proxy's).
    if (status < 400 && !answer.json) { return SIGNED_OUT; }
    if (status >= 200 && status < 300) { return SENT; }
    return REFUSED;
  }

  var outbox = {
    SENT: SENT, REFUSED: REFUSED, SIGNED_OUT: SIGNED_OUT, WAITING: WAITING,

    // entry: {key (the idempotency key), url, body, csrf, savedAt, label, by}, and after a try
    // {state, status, error (the server's answer when refused), triedAt}
    put: function (entry) { return run("readwrite", function (s) { return s.put(entry); }); },
    remove: function (key) { return run("readwrite", function (s) { return s.delete(key); }); },
    all: function () {
      return run("readonly", function (s) { return s.getAll(); }).then(function (entries) {
        return (entries || []).sort(byAge);
      });
    },
    // Change an entry that is still there: another sender may have sent and removed it meanwhile.
    mark: function (key, changes) {
      return run("readwrite", function (s) {
        var request = s.get(key);
        request.onsuccess = function () {
          if (!request.result) { return; }
          Object.keys(changes).forEach(function (name) { request.result[name] = changes[name]; });
          s.put(request.result);
        };
      });
    },

    // The CSRF token of the person signed in now, read from a signed-in page (the start page:
    // it names no citizen). null when nobody is signed in: the page redirects to the sign-in.
    freshToken: function () {
      return fetch("/", { credentials: "same-origin", redirect: "manual",
                          headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (response.type === "opaqueredirect" || !response.ok) { return null; }
          return response.text().then(function (html) {
            var found = /<meta\s+name="csrf-token"\s+content="([^"]+)"/.exec(html);
            return found ? found[1] : null;
          });
        });
    },

    // Send one entry. Resolves {key, entry, state, status, data, token}, never rejects.
    // options.token: the page's own CSRF token (else the one saved with the entry).
    // options.interactive: the person is at the form, which shows a refusal and keeps the
    // answers, so a refused entry is dropped instead of kept for later.
    send: function (entry, options) {
      options = options || {};
      var token = options.token || entry.csrf;
      function done(state, answer, used) {
        var result = { key: entry.key, entry: entry, state: state,
                       status: answer ? answer.status : 0, data: answer ? answer.data : {},
                       token: used };
        var save;
        if (state === SENT || (state === REFUSED && options.interactive)) {
          save = outbox.remove(entry.key);
        } else {
          var changes = { state: state, status: result.status, triedAt: Date.now() };
          if (state === REFUSED) { changes.error = result.data; }
          if (used) { changes.csrf = used; }
          save = outbox.mark(entry.key, changes);
        }
        return save.catch(function () {}).then(function () { return result; });
      }
      return post(entry, token).then(function (answer) {
        var state = outcome(answer);
        if (answer.status !== 403 || state !== REFUSED || options.renewed) {
          return done(state, answer, answer.status < 400 ? token : null);
        }
        // A 403 with a session: most often the token rotated at a sign-in since the entry was
        // saved. One more try with the token of the sign-in now; a second 403 is a refusal.
        return outbox.freshToken().then(function (fresh) {
          if (!fresh) { return done(SIGNED_OUT, answer, null); }
          var again = {};
          Object.keys(options).forEach(function (name) { again[name] = options[name]; });
          again.token = fresh;
          again.renewed = true;
          return outbox.send(entry, again);
        }, function () { return done(WAITING, null, null); });
      }, function () { return done(WAITING, null, null); });
    },

    // Send everything waiting, oldest first, except what was refused. Stops at the first
    // entry that meets no connection or no sign-in: the others would meet the same.
    // Resolves the results, one for each entry (those not tried carry the state that stopped).
    flush: function (options) {
      if (outbox._flushing) { return outbox._flushing; }
      options = options || {};
      var token = options.token;
      var flushing = outbox.all().then(function (entries) {
        var results = [], stop = null;
        return entries.filter(function (e) { return e.state !== REFUSED; })
          .reduce(function (chain, entry) {
            return chain.then(function () {
              if (stop) {
                results.push({ key: entry.key, entry: entry, state: stop, status: 0, data: {} });
                return;
              }
              return outbox.send(entry, { token: token }).then(function (r) {
                if (r.token) { token = r.token; }
                if (r.state === SIGNED_OUT || (r.state === WAITING && r.status === 0)) {
                  stop = r.state;
                }
                results.push(r);
              });
            });
          }, Promise.resolve())
          .then(function () { return results; });
      });
      outbox._flushing = flushing.then(function (results) {
        outbox._flushing = null; return results;
      }, function (error) { outbox._flushing = null; throw error; });
      return outbox._flushing;
    },
    _flushing: null
  };
  scope.BrobygOutbox = outbox;
})(typeof self !== "undefined" ? self : window);
