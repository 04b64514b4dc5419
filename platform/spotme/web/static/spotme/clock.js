// The clock card (Daftar Masuk / Daftar Keluar) as a small state machine: "out" offers only
// Daftar Masuk, "in" only Daftar Keluar (which asks for confirmation). At the tap the punch gets its
// idempotency key and the phone's time, then the browser's position (clocking without one is allowed:
// "denied" / "unavailable"). Online it is posted as the form (the page then shows the server's
// answer); without a connection, or when the server cannot answer (5xx), it waits in the outbox
// (pwa.js) and is shown as "Disimpan dalam peranti — akan dihantar" until it is sent.
(function () {
  "use strict";
  var form = document.getElementById("clock-form");
  if (!form) { return; }
  var card = document.getElementById("today-card");
  var note = document.getElementById("geo-note");
  var buttonIn = document.getElementById("clock-in"), buttonOut = document.getElementById("clock-out");
  var busy = false;
  var serverState = card.getAttribute("data-state") || "out";

  function setState(state) {
    card.setAttribute("data-state", state);
    buttonIn.hidden = state === "in";
    buttonOut.hidden = state !== "in";
  }

  // Punches still waiting on the phone count: after an offline clock-in the card offers Daftar Keluar.
  document.addEventListener("spotme:queue", function (event) {
    var waiting = event.detail.filter(function (e) { return e.kind === "clock" && e.status === "waiting"; });
    setState(waiting.length ? waiting[waiting.length - 1].body.direction : serverState);
  });

  // --- the live clock -------------------------------------------------------------------------------
  var live = document.getElementById("live-clock");
  var zone = card.getAttribute("data-timezone") || undefined;
  function tick() {
    try {
      live.textContent = new Date().toLocaleTimeString("en-GB", { timeZone: zone, hour12: false });
    } catch (e) {
      live.textContent = new Date().toLocaleTimeString("en-GB", { hour12: false });
    }
  }
  if (live) { tick(); window.setInterval(tick, 1000); }

  // --- the distance to the nearest office site ------------------------------------------------------
  var sitesData = document.getElementById("office-sites");
  var sites = sitesData ? JSON.parse(sitesData.textContent) : [];
  var distanceOut = document.getElementById("site-distance");
  function metres(lat1, lon1, lat2, lon2) {
    var r = 6371000, rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
            Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * r * Math.asin(Math.sqrt(a));
  }
  function showDistance(coords) {
    if (!distanceOut || !sites.length) { return; }
    var best = null;
    sites.forEach(function (s) {
      var d = metres(coords.latitude, coords.longitude, s.latitude, s.longitude);
      if (!best || d - s.radius < best.d - best.site.radius) { best = { site: s, d: d }; }
    });
    var d = Math.round(best.d);
    var distance = d >= 1000 ? (d / 1000).toFixed(1) + " km" : d + " m";
    var where = d <= best.site.radius + (coords.accuracy || 0) ? distanceOut.getAttribute("data-inside")
                                                               : distanceOut.getAttribute("data-outside");
    distanceOut.textContent = best.site.name + ": " + distance + " (" + where + ")";
  }
  if (navigator.permissions && navigator.geolocation && sites.length) {
    navigator.permissions.query({ name: "geolocation" }).then(function (p) {
      if (p.state === "granted") {
        navigator.geolocation.getCurrentPosition(function (pos) { showDistance(pos.coords); }, function () {},
                                                 { maximumAge: 60000, timeout: 10000 });
      }
    }, function () {});
  }

  // --- the tap --------------------------------------------------------------------------------------
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function release() {
    busy = false;
    buttonIn.disabled = false; buttonOut.disabled = false;
  }

  function keep(punch) {
    var label = punch.direction === "in" ? buttonIn.textContent : buttonOut.textContent;
    return window.SpotmeOutbox.add({
      key: punch.idempotency_key, kind: "clock", url: form.getAttribute("data-api"), body: punch,
      csrf: window.SpotmeOutbox.csrfToken(), user: parseInt(form.getAttribute("data-user"), 10) || null,
      tapped: punch.client_time, label: label.trim()
    }).then(function () {
      if (note) { note.textContent = form.getAttribute("data-kept"); }
      release();
      return window.SpotmeOutbox.renderQueue();
    });
  }

  function post(punch) {
    Object.keys(punch).forEach(function (name) {
      var input = form.querySelector("input[name=\"" + name + "\"]");
      if (!input) { input = document.createElement("input"); input.type = "hidden"; input.name = name; form.appendChild(input); }
      input.value = punch[name] === null || punch[name] === undefined ? "" : punch[name];
    });
    form.querySelector("input[name=sent_at]").value = new Date().toISOString();
    return fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
          window.location.assign(form.getAttribute("data-home") || "/");  // the server's message is there
          return null;
        }
        if (response.status >= 500) { return keep(punch); }
        if (note) { note.textContent = form.getAttribute("data-failed"); }
        release();
        return null;
      }, function () { return keep(punch); });
  }

  function send(punch) {
    if (!window.SpotmeOutbox || !window.indexedDB) { return post(punch); }
    if (!navigator.onLine) { return keep(punch); }
    return window.SpotmeOutbox.all().then(function (items) {
      var waiting = items.filter(function (e) { return e.kind === "clock" && e.status === "waiting"; });
      if (!waiting.length) { return post(punch); }
      // Earlier punches still on the phone go first, in order.
      return keep(punch).then(function () { return window.SpotmeOutbox.sendWaiting(); });
    }, function () { return post(punch); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    var direction = event.submitter ? event.submitter.value : (card.getAttribute("data-state") === "in" ? "out" : "in");
    if (direction === "out" && !window.confirm(form.getAttribute("data-confirm-out"))) { return; }
    busy = true;
    buttonIn.disabled = true; buttonOut.disabled = true;
    var punch = { direction: direction, latitude: null, longitude: null, accuracy: null, location_status: "unavailable",
                  idempotency_key: newKey(), client_time: new Date().toISOString() };
    if (!navigator.geolocation) { send(punch); return; }
    if (note) { note.textContent = note.getAttribute("data-locating") || "…"; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      punch.latitude = Number(pos.coords.latitude.toFixed(6));
      punch.longitude = Number(pos.coords.longitude.toFixed(6));
      punch.accuracy = Math.round(pos.coords.accuracy);
      punch.location_status = "ok";
      showDistance(pos.coords);
      send(punch);
    }, function (err) {
      punch.location_status = err && err.code === 1 ? "denied" : "unavailable";
      send(punch);
    }, { enableHighAccuracy: true, timeout: parseInt(form.getAttribute("data-geo-timeout"), 10) || 10000,
         maximumAge: 0 });
  });
}());
