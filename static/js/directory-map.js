// The offer directory's map. The list above it works on its own: without this script, without
// Leaflet and without tiles nothing is lost but the map. Settings come from data attributes,
// the offers from a JSON data block, so the page needs no inline script.
(function () {
  "use strict";

  var DENMARK = [56.0, 10.4];

  function readPoints(element) {
    var source = document.getElementById(element.getAttribute("data-points"));
    if (!source) { return []; }
    try {
      return JSON.parse(source.textContent) || [];
    } catch (error) {
      return [];
    }
  }

  // An offer's address, from the map's pattern (the list's map links to each offer; an offer's
  // own page does not link to itself).
  var OFFER_ID = "00000000-0000-0000-0000-000000000000";
  function offerUrl(element, point) {
    var pattern = element.getAttribute("data-offer-url");
    return pattern ? pattern.replace(OFFER_ID, point.id) : "";
  }

  // The popup is built from text nodes: offer titles are typed by people, never trusted as HTML.
  function popup(point, url) {
    var box = document.createElement("div");
    var title;
    if (url) {
      title = document.createElement("a");
      title.href = url;
    } else {
      title = document.createElement("strong");
    }
    title.textContent = point.title;
    box.appendChild(title);
    if (point.place) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(point.place));
    }
    return box;
  }

  // No tile in this long and the map counts as not loaded (a tile server that never answers).
  var TILES_TIMEOUT_MS = 10000;

  // The map gives way to a short notice when it cannot be drawn: the tile server is down or
  // unreachable, or Leaflet did not load. The list beside it is untouched.
  function failure(element) {
    var notice = document.getElementById("directory-map-failed");
    return {
      show: function () {
        element.hidden = true;
        if (notice) { notice.hidden = false; }
      },
      hide: function () {
        element.hidden = false;
        if (notice) { notice.hidden = true; }
      }
    };
  }

  function draw(element, tiles, failed) {
    var map = window.L.map(element, { scrollWheelZoom: false });
    var layer = window.L.tileLayer(tiles, {
      attribution: element.getAttribute("data-attribution") || "",
      maxZoom: 18
    });
    var loaded = 0;
    var gaveUp = false;
    function giveUp() {
      if (loaded || gaveUp) { return; }
      gaveUp = true;
      failed.show();
    }
    layer.on("tileload", function () {
      loaded += 1;
      if (gaveUp) {
        // A slow tile server after all: the map comes back.
        gaveUp = false;
        failed.hide();
        map.invalidateSize();
      }
    });
    layer.on("tileerror", giveUp);
    window.setTimeout(giveUp, TILES_TIMEOUT_MS);
    layer.addTo(map);

    var points = readPoints(element);
    var bounds = [];
    points.forEach(function (point) {
      var where = [point.lat, point.lng];
      window.L.marker(where, { title: point.title, alt: point.title })
        .bindPopup(popup(point, offerUrl(element, point)))
        .addTo(map);
      bounds.push(where);
    });

    var lat = parseFloat(element.getAttribute("data-lat"));
    var lng = parseFloat(element.getAttribute("data-lng"));
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 14);
    } else if (!isNaN(lat) && !isNaN(lng)) {
      map.setView([lat, lng], 12);
    } else {
      map.setView(DENMARK, 7);
    }
  }

  function start() {
    var element = document.getElementById("directory-map");
    if (!element) { return; }
    var tiles = element.getAttribute("data-tiles");
    if (!tiles) { return; }
    var failed = failure(element);
    if (!window.L) {
      failed.show();
      return;
    }
    element.hidden = false;
    try {
      draw(element, tiles, failed);
    } catch (error) {
      failed.show();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
