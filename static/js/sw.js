// Brobyg's service worker: keeps the assets a home-care worker needs on the tablet and an
// offline page, and sends screenings waiting in the outbox when the connection returns.
//
// It never keeps a page: pages name citizens, and tablets are shared. A page opened without a
// connection is the offline page; a screening page already open keeps working offline (its
// answers go to the outbox).
importScripts("/static/js/outbox.js");

// A new name drops every older cache when this worker takes over (the first one kept pages).
var CACHE = "brobyg-v2";
var OFFLINE = "/static/offline.html";
var SHELL = [
  OFFLINE,
  "/static/vendor/bootstrap/bootstrap.min.css",
  "/static/css/brobyg.css",
  "/static/img/brobyg.svg"
];

function keepShell() {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(OFFLINE).then(function (hit) { return hit || cache.addAll(SHELL); });
  }).catch(function () {});
}

// Only what anyone may see, and what the server allows to be kept.
function storable(response) {
  return response.ok && response.type === "basic" &&
    !/no-store|private/i.test(response.headers.get("Cache-Control") || "");
}

self.addEventListener("install", function (event) {
  event.waitUntil(keepShell().then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n !== CACHE; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    // Assets: from the cache, fetched once.
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (storable(response)) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
    return;
  }
  if (request.mode === "navigate") {
    // Pages: always from the network; without one, the offline page. A sign-out may have
    // emptied the caches: the shell comes back with the next page.
    event.respondWith(fetch(request).catch(function () {
      return caches.match(OFFLINE).then(function (hit) { return hit || Response.error(); });
    }));
    event.waitUntil(keepShell());
  }
});

// Background Sync (where the browser has it): send the outbox even if the page was closed.
// An open screening page sends it itself, and shows each result to the person there.
self.addEventListener("sync", function (event) {
  if (event.tag !== "brobyg-outbox") { return; }
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (windows) {
    var open = windows.some(function (w) {
      return new URL(w.url).pathname.indexOf("/screening/") === 0;
    });
    return open ? null : self.BrobygOutbox.flush();
  }));
});
