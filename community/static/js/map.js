// Fælled: shows a map's points with Leaflet when JavaScript runs. The same items are always listed
// in the table below the map, which is what a page without JavaScript (or a screen reader) uses.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") { return; }
  var points = JSON.parse(element.getAttribute("data-points") || "[]");
  var centre = JSON.parse(element.getAttribute("data-centre") || "null");
  var tiles = element.getAttribute("data-tiles");
  element.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false });
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap" }).addTo(map);
  }
  var bounds = [];
  points.forEach(function (p) {
    var marker = L.marker([p.lat, p.lon], { title: p.title, alt: p.title }).addTo(map);
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.title + " (" + p.kind + ")";
    marker.bindPopup(link);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length > 1) {
    // Clear of the zoom buttons in the top left corner, so no marker sits on them (axe target-size).
    map.fitBounds(bounds, { paddingTopLeft: [64, 64], paddingBottomRight: [24, 24] });
  } else if (bounds.length === 1) {
    map.setView(bounds[0], 14);
  } else if (centre && centre[0] !== null) {
    map.setView(centre, 13);
  } else {
    map.setView([56.0, 10.0], 7);
  }
})();
