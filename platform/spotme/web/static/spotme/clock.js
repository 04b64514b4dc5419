// Daftar Masuk / Keluar: take the browser's position when a button is pressed, then submit.
// Without permission (or after the timeout) the form is still submitted, marked "denied" or
// "unavailable": clocking without a location is allowed and shown to the supervisor.
(function () {
  "use strict";
  var form = document.getElementById("clock-form");
  if (!form) { return; }
  var note = document.getElementById("geo-note");
  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending) { return; }
    event.preventDefault();
    var button = event.submitter;
    var direction = document.createElement("input");
    direction.type = "hidden"; direction.name = "direction"; direction.value = button ? button.value : "in";
    form.appendChild(direction);
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
    function send(status) {
      form.elements.location_status.value = status;
      sending = true;
      form.submit();
    }
    if (!navigator.geolocation) { send("unavailable"); return; }
    if (note) { note.textContent = note.getAttribute("data-locating") || "…"; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.latitude.value = pos.coords.latitude.toFixed(6);
      form.elements.longitude.value = pos.coords.longitude.toFixed(6);
      form.elements.accuracy.value = Math.round(pos.coords.accuracy);
      send("ok");
    }, function (err) {
      send(err && err.code === 1 ? "denied" : "unavailable");
    }, { enableHighAccuracy: true, timeout: parseInt(form.getAttribute("data-geo-timeout"), 10) || 10000,
         maximumAge: 0 });
  });
}());
