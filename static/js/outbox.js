// The outbox: screenings waiting on this tablet for a connection, in IndexedDB.
// Used by the screening page and by the service worker (importScripts), so either can send.
(function (scope) {
  "use strict";
  var DB = "brobyg", STORE = "outbox", VERSION = 1;

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

  var outbox = {
    // entry: {key (the idempotency key), url, body, csrf, savedAt}
    put: function (entry) { return run("readwrite", function (s) { return s.put(entry); }); },
    remove: function (key) { return run("readwrite", function (s) { return s.delete(key); }); },
    all: function () { return run("readonly", function (s) { return s.getAll(); }); },

    // Send one entry. Resolves {status, data}; rejects only when the network is down.
    send: function (entry) {
      return fetch(entry.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": entry.csrf,
                   "Accept": "application/json" },
        body: JSON.stringify(entry.body)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          // Saved (201), already saved earlier (200) or refused for good (400, 404): either
          // way it must not be sent again. 401/403 (signed out) and 5xx stay for a later try.
          var done = response.status < 300 || response.status === 400 || response.status === 404;
          var finish = done ? outbox.remove(entry.key) : Promise.resolve();
          return finish.then(function () { return { status: response.status, data: data }; });
        });
      });
    },

    // Send everything waiting. Each entry carries its idempotency key, so a resend is harmless.
    flush: function () {
      return outbox.all().then(function (entries) {
        return entries.reduce(function (chain, entry) {
          return chain.then(function (results) {
            return outbox.send(entry).then(function (r) {
              r.key = entry.key; results.push(r); return results;
            }, function () { return results; });
          });
        }, Promise.resolve([]));
      });
    }
  };
  scope.BrobygOutbox = outbox;
})(typeof self !== "undefined" ? self : window);
