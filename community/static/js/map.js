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
  var bounds = points.map(function (p) { return [p.lat, p.lon]; });
  var markers = L.layerGroup().addTo(map);

  function link(p) {
    var a = document.createElement("a");
    a.href = p.url;
    a.textContent = p.title + " (" + p.kind + ")";
    return a;
  }

  // Points closer on the screen than a marker's size share one marker, whose popup lists them all:
  // overlapping markers hide each other and fail axe's target-size (two pitches of one stadium, seen
  // at the zoom that also shows a road across the municipality). Redrawn at each zoom.
  function draw() {
    markers.clearLayers();
    var groups = [];
    points.forEach(function (p) {
      var at = map.latLngToLayerPoint([p.lat, p.lon]);
      var near = groups.filter(function (g) {
        return Math.abs(g.at.x - at.x) < 30 && Math.abs(g.at.y - at.y) < 46;
      })[0];
      if (near) { near.points.push(p); } else { groups.push({ at: at, points: [p] }); }
    });
    groups.forEach(function (g) {
      var first = g.points[0];
      var title = g.points.map(function (p) { return p.title; }).join("; ");
      var marker = L.marker([first.lat, first.lon], { title: title, alt: title }).addTo(markers);
      if (g.points.length === 1) {
        marker.bindPopup(link(first));
      } else {
        var list = document.createElement("ul");
        g.points.forEach(function (p) {
          var item = document.createElement("li");
          item.appendChild(link(p));
          list.appendChild(item);
        });
        marker.bindPopup(list);
      }
    });
  }

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
  draw();
  map.on("zoomend", draw);
})();
