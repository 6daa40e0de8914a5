/* SafeCity's one map component (see safecity/core/maps.py and templates/includes/map.html).
 *
 * Every element with data-sc-map="<id of a json_script>" becomes a Leaflet map of the layers in that
 * JSON: points as circle markers, region shapes as outlines, each layer switchable in the layer
 * control, bounds fitted to the data. Vectors need no tile server; data-tile-url adds a background.
 * Popup text is inserted as text, never as HTML.
 */
(function () {
  "use strict";

  function popup(props, openLabel) {
    var box = document.createElement("div");
    var title = document.createElement("div");
    title.className = "fw-semibold";
    title.textContent = props.label || "";
    box.appendChild(title);
    (props.lines || []).forEach(function (line) {
      var div = document.createElement("div");
      div.className = "small text-muted";
      div.textContent = line;
      box.appendChild(div);
    });
    if (props.url) {
      var link = document.createElement("a");
      link.href = props.url;
      link.textContent = openLabel;
      link.className = "small";
      box.appendChild(link);
    }
    return box;
  }

  function layerLabel(layer) {
    var span = document.createElement("span");
    var swatch = document.createElement("span");
    swatch.className = "sc-map-swatch";
    swatch.style.background = layer.kind === "regions" ? "transparent" : layer.colour;
    swatch.style.borderColor = layer.colour;
    span.appendChild(swatch);
    span.appendChild(document.createTextNode(layer.name));
    var count = document.createElement("span");
    count.className = "sc-map-count";
    count.textContent = layer.shown < layer.total ? "(" + layer.shown + "/" + layer.total + ")" : "(" + layer.total + ")";
    span.appendChild(count);
    return span.outerHTML; // built from text nodes: names are escaped
  }

  function build(element) {
    if (element.dataset.scMapReady) return;
    var source = document.getElementById(element.dataset.scMap);
    if (!source || typeof L === "undefined") return;
    element.dataset.scMapReady = "1";
    var layers = JSON.parse(source.textContent);
    var openLabel = element.dataset.labelOpen || "Open";
    var map = L.map(element, { preferCanvas: true, zoomSnap: 0.5 });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 18 }).addTo(map);
    }
    var control = L.control.layers(null, null, { collapsed: window.innerWidth < 576 }).addTo(map);
    var bounds = L.latLngBounds([]);
    layers.forEach(function (layer) {
      var group = L.geoJSON(layer.data, {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, {
            radius: 6,
            color: "#fff",
            weight: 1,
            fillColor: layer.colour,
            fillOpacity: 0.9,
          });
        },
        style: function () {
          return { color: layer.colour, weight: 2, fillColor: layer.colour, fillOpacity: 0.06 };
        },
        onEachFeature: function (feature, leafletLayer) {
          leafletLayer.bindPopup(popup(feature.properties || {}, openLabel));
          if (feature.properties && feature.properties.label) {
            leafletLayer.bindTooltip(feature.properties.label);
          }
        },
      });
      if (layer.visible) {
        group.addTo(map);
        if (group.getLayers().length) bounds.extend(group.getBounds());
      }
      control.addOverlay(group, layerLabel(layer));
    });
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    } else {
      map.setView([23.0, 113.0], 8);
    }
    element.scMap = map; // for pages and tests that want to reach it
  }

  function init() {
    document.querySelectorAll("[data-sc-map]").forEach(build);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  window.addEventListener("load", init);
})();
