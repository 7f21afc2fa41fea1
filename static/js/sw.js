// Brobyg's service worker: keeps the pages and assets a home-care worker needs on the tablet,
// and sends screenings waiting in the outbox when the connection returns.
importScripts("/static/js/outbox.js");

var CACHE = "brobyg-v1";

self.addEventListener("install", function (event) {
  self.skipWaiting();
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
  if (url.pathname.indexOf("/api/") === 0) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    // Assets: from the cache, fetched once.
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        return response;
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/screening/") === 0) {
    // Screening pages: the network first, the last copy when offline.
    event.respondWith(fetch(request).then(function (response) {
      var copy = response.clone();
      if (response.ok) { caches.open(CACHE).then(function (cache) { cache.put(request, copy); }); }
      return response;
    }).catch(function () { return caches.match(request); }));
  }
});

// Background Sync (where the browser has it): send the outbox even if the page was closed.
self.addEventListener("sync", function (event) {
  if (event.tag === "brobyg-outbox") {
    event.waitUntil(self.BrobygOutbox.flush());
  }
});
