// "Not recorded — try again" (spotme/web/unavailable.py): the same punch, with the same idempotency
// key, is sent again after Retry-After seconds (the server records it at most once), a few times.
(function () {
  "use strict";
  var form = document.getElementById("clock-retry");
  if (!form) { return; }
  var tries = parseInt(sessionStorage.getItem("clock-retry-" + form.elements.idempotency_key.value) || "0", 10);
  if (tries >= 5) { return; }  // then the officer presses the button
  sessionStorage.setItem("clock-retry-" + form.elements.idempotency_key.value, String(tries + 1));
  var seconds = parseInt(form.getAttribute("data-retry-after"), 10) || 3;
  window.setTimeout(function () { form.submit(); }, seconds * 1000 * (tries + 1));
}());
