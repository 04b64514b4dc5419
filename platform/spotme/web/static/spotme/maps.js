/* Maps with Leaflet (static/vendor/leaflet), tiles from the server's SPOTME_MAP_TILE_URL (read from the
   JSON block #map-tiles: {url, attribution}; no url: no tiles, shapes on a blank background).

   <div data-map="picker"> inside a form with latitude/longitude fields (and radius_m for an office
     location): the pin follows the fields, a click on the map or a drag of the pin fills them. The
     fields stay the accessible way to give the place; the map is a help for sighted users.
   <button data-locate> in such a form: "use my location" fills the fields from navigator.geolocation.
   <div data-map="team" data-source="ID">: the supervisor's team today ({sites, rows} from
     json_script): office circles and each officer's last known location, with their name.
   <div data-map="places" data-source="ID">: a map to look at ({sites, points} from json_script):
     office circles with their radius and pins with their label (the office sites list, a movement).

   Leaflet's stylesheet is added by this script (its URL in the script's data-css) and the maps are
   drawn once it has loaded: a <link rel=stylesheet> in the page would hold back its first paint by a
   round trip (about 2 s on a slow phone connection) for a map below the form. */
(function () {
  "use strict";
  var L = window.L;
  var leafletCss = document.currentScript ? document.currentScript.dataset.css : null;
  var MALAYSIA = [[0.8, 99.4], [7.6, 119.5]];
  var BLUE = "#0b3d91", GREEN = "#1e7b34", RED = "#b3261e", GREY = "#5b6470";

  function json(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function newMap(el, options) {
    var map = L.map(el, options || {});
    var tiles = json("map-tiles");
    if (tiles && tiles.url) {
      L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
    } else {
      el.classList.add("map-blank");
    }
    return map;
  }

  function number(input) {
    var v = input ? parseFloat(String(input.value).replace(",", ".")) : NaN;
    return isFinite(v) ? v : null;
  }

  function picker(el) {
    var form = el.closest("form");
    var lat = form.querySelector("[name=latitude]");
    var lon = form.querySelector("[name=longitude]");
    var radius = form.querySelector("[name=radius_m]");
    if (!lat || !lon) return;
    var map = newMap(el, { scrollWheelZoom: false });
    var marker = null, circle = null;

    function draw(fit) {
      var a = number(lat), b = number(lon);
      if (a === null || b === null) {
        if (fit) map.fitBounds(MALAYSIA);
        return;
      }
      var p = [a, b];
      if (!marker) {
        marker = L.marker(p, { draggable: true, title: el.dataset.pinLabel || "", alt: el.dataset.pinLabel || "" }).addTo(map);
        marker.on("dragend", function () {
          var ll = marker.getLatLng();
          set(ll.lat, ll.lng);
        });
      } else {
        marker.setLatLng(p);
      }
      var r = number(radius);
      if (radius && r) {
        if (!circle) circle = L.circle(p, { radius: r, color: BLUE, weight: 2 }).addTo(map);
        else { circle.setLatLng(p); circle.setRadius(r); }
      }
      if (fit) {
        if (circle) map.fitBounds(L.latLng(p).toBounds(r * 2.4), { maxZoom: 18 });
        else map.setView(p, 16);
      }
      el.dataset.pin = a.toFixed(6) + "," + b.toFixed(6);
    }

    function set(a, b) {
      lat.value = a.toFixed(6);
      lon.value = b.toFixed(6);
      draw(false);
    }

    map.on("click", function (e) { set(e.latlng.lat, e.latlng.lng); });
    [lat, lon, radius].forEach(function (f) {
      if (f) f.addEventListener("input", function () { draw(true); });
    });
    draw(true);

    var locate = form.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      var status = form.querySelector("[data-locate-status]");
      locate.hidden = false;
      locate.addEventListener("click", function () {
        if (status) status.textContent = locate.dataset.waiting || "";
        navigator.geolocation.getCurrentPosition(function (pos) {
          set(pos.coords.latitude, pos.coords.longitude);
          draw(true);
          if (status) status.textContent = locate.dataset.done || "";
        }, function () {
          if (status) status.textContent = locate.dataset.failed || "";
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
    el.dataset.ready = "1";
  }

  function team(el) {
    var data = json(el.dataset.source);
    if (!data) return;
    var map = newMap(el, { scrollWheelZoom: false });
    var bounds = [];
    data.sites.forEach(function (s) {
      var centre = L.latLng(s.latitude, s.longitude);
      L.circle(centre, { radius: s.radius_m, color: BLUE, weight: 2, fillOpacity: 0.1 }).addTo(map).bindTooltip(s.name);
      var box = centre.toBounds(s.radius_m * 2);
      bounds.push(box.getNorthEast(), box.getSouthWest());
    });
    var people = data.rows.filter(function (r) { return r.location; });
    people.forEach(function (r) {
      var colour = r.location.inside === false ? RED : (r.location.inside ? GREEN : GREY);
      var p = [r.location.latitude, r.location.longitude];
      L.circleMarker(p, { radius: 8, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 1, className: "team-dot" })
        .addTo(map)
        .bindTooltip(r.name, { permanent: true, direction: "auto", className: "team-name" });
      bounds.push(L.latLng(p));
    });
    if (bounds.length) map.fitBounds(L.latLngBounds(bounds).pad(0.3), { maxZoom: 17 });
    else map.fitBounds(MALAYSIA);
    el.dataset.points = String(people.length);
    el.dataset.rendered = "1";
  }

  function places(el) {
    var data = json(el.dataset.source);
    if (!data) return;
    var map = newMap(el, { scrollWheelZoom: false });
    var bounds = [];
    (data.sites || []).forEach(function (s) {
      var centre = L.latLng(s.latitude, s.longitude);
      L.circle(centre, { radius: s.radius_m, color: BLUE, weight: 2, fillOpacity: 0.1 }).addTo(map).bindTooltip(s.name);
      var box = centre.toBounds(s.radius_m * 2);
      bounds.push(box.getNorthEast(), box.getSouthWest());
    });
    (data.points || []).forEach(function (pt) {
      var p = [pt.latitude, pt.longitude];
      L.marker(p, { title: pt.label, alt: pt.label, keyboard: false }).addTo(map).bindTooltip(pt.label);
      bounds.push(L.latLng(p));
    });
    if (bounds.length === 1) map.setView(bounds[0], 16);
    else if (bounds.length) map.fitBounds(L.latLngBounds(bounds).pad(0.2), { maxZoom: 17 });
    else map.fitBounds(MALAYSIA);
    el.dataset.points = String((data.points || []).length);
    el.dataset.sites = String((data.sites || []).length);
    el.dataset.rendered = "1";
  }

  function draw() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-map=picker]"), picker);
    Array.prototype.forEach.call(document.querySelectorAll("[data-map=team]"), team);
    Array.prototype.forEach.call(document.querySelectorAll("[data-map=places]"), places);
  }

  function start() {
    if (!L || !document.querySelector("[data-map]")) return;
    if (!leafletCss || document.querySelector("link[data-leaflet]")) { draw(); return; }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = leafletCss;
    link.setAttribute("data-leaflet", "");
    link.addEventListener("load", draw);
    link.addEventListener("error", draw);
    document.head.appendChild(link);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
