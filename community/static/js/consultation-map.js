// Fælled: a consultation's sites on a Leaflet map, when JavaScript runs. The same sites are always in
// the list and the table on the page, which is what a page without JavaScript (or a screen reader) uses.
// A click on the map places a pin for a proposed site: it fills the latitude and longitude fields of the
// proposal form, which can also be typed in or given as a town or postcode.
(function () {
  "use strict";
  var element = document.getElementById("consultation-map");
  if (!element || typeof L === "undefined") { return; }
  var points = JSON.parse(element.getAttribute("data-points") || "[]");
  var centre = JSON.parse(element.getAttribute("data-centre") || "null");
  var tiles = element.getAttribute("data-tiles");
  var latField = document.getElementById(element.getAttribute("data-lat-field") || "");
  var lonField = document.getElementById(element.getAttribute("data-lon-field") || "");
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
    map.fitBounds(bounds, { padding: [32, 32] });
  } else if (bounds.length === 1) {
    map.setView(bounds[0], 14);
  } else if (centre) {
    map.setView(centre, 12);
  }
  if (latField && lonField) {
    var pin = null;
    map.on("click", function (event) {
      var lat = event.latlng.lat.toFixed(5);
      var lon = event.latlng.lng.toFixed(5);
      latField.value = lat;
      lonField.value = lon;
      if (pin) { pin.setLatLng(event.latlng); } else { pin = L.marker(event.latlng, { title: element.getAttribute("data-pin-label") || "" }).addTo(map); }
    });
  }
})();
