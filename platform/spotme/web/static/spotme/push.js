// Notification settings: turn Web Push on or off for this browser (templates/notifications/
// preferences.html). On: ask for permission, subscribe with the server's VAPID public key
// (applicationServerKey) through the service worker's registration, and post the subscription to
// the API; off: tell the API, then unsubscribe. The messages come from the page (its language).
(function () {
  "use strict";
  var panel = document.getElementById("push-panel");
  if (!panel) { return; }
  var statusLine = document.getElementById("push-status");
  var onWrap = document.getElementById("push-on-wrap");
  var offWrap = document.getElementById("push-off-wrap");
  var onButton = document.getElementById("push-on");
  var offButton = document.getElementById("push-off");
  var publicKey = panel.getAttribute("data-public-key");

  function msg(name) { return panel.getAttribute("data-msg-" + name) || ""; }

  function show(state, text) {
    panel.setAttribute("data-state", state);
    statusLine.textContent = text;
    onWrap.hidden = state !== "off";
    offWrap.hidden = state !== "on";
    onButton.disabled = offButton.disabled = false;
  }

  function busy() {
    onButton.disabled = offButton.disabled = true;
    statusLine.textContent = msg("working");
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    show("unsupported", msg("unsupported"));
    return;
  }

  function keyBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    b64 += "====".slice(0, (4 - b64.length % 4) % 4);
    var raw = window.atob(b64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function madeForOurKey(subscription) {
    // A subscription made for an earlier key pair cannot be used any more.
    var key = subscription.options && subscription.options.applicationServerKey;
    if (!key) { return true; }
    var a = new Uint8Array(key), b = keyBytes(publicKey);
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }

  function knownEndpoints() {
    var items = document.querySelectorAll("#push-devices [data-endpoint]");
    return Array.prototype.map.call(items, function (li) { return li.getAttribute("data-endpoint"); });
  }

  function registration() {
    // The service worker of the site (PWA) registers itself on every page; wait briefly for it.
    return navigator.serviceWorker.getRegistration().then(function (reg) {
      if (reg) { return reg; }
      return Promise.race([
        navigator.serviceWorker.ready,
        new Promise(function (resolve) { window.setTimeout(function () { resolve(null); }, 4000); }),
      ]);
    });
  }

  function post(url, body) {
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": panel.getAttribute("data-csrf") },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  function markThisDevice(endpoint) {
    var items = document.querySelectorAll("#push-devices [data-endpoint]");
    Array.prototype.forEach.call(items, function (li) {
      li.classList.toggle("this-device", li.getAttribute("data-endpoint") === endpoint);
    });
  }

  function refresh() {
    if (Notification.permission === "denied") { show("denied", msg("denied")); return; }
    registration().then(function (reg) {
      return reg ? reg.pushManager.getSubscription() : null;
    }).then(function (subscription) {
      var on = subscription && madeForOurKey(subscription) &&
        knownEndpoints().indexOf(subscription.endpoint) !== -1;
      if (on) { markThisDevice(subscription.endpoint); }
      show(on ? "on" : "off", msg(on ? "on" : "off"));
    }).catch(function () { show("off", msg("off")); });
  }

  var STOP = {};  // a handled outcome, not an error

  function turnOn() {
    busy();
    new Promise(function (resolve) {
      // Older Safari answers through a callback, the others through a promise.
      var answer = Notification.requestPermission(resolve);
      if (answer && answer.then) { answer.then(resolve); }
    }).then(function (permission) {
      if (permission !== "granted") {
        if (permission === "denied") { show("denied", msg("denied")); } else { show("off", msg("off")); }
        throw STOP;
      }
      return registration();
    }).then(function (reg) {
      if (!reg) { show("off", msg("no-worker")); throw STOP; }
      return reg.pushManager.getSubscription().then(function (existing) {
        if (existing && !madeForOurKey(existing)) {
          return existing.unsubscribe().then(function () { return null; });
        }
        return existing;
      }).then(function (existing) {
        return existing || reg.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(publicKey),
        });
      });
    }).then(function (subscription) {
      return post(panel.getAttribute("data-subscribe-url"), subscription.toJSON()).then(function () {
        markThisDevice(subscription.endpoint);
        show("on", msg("on"));
      });
    }).catch(function (error) {
      if (error !== STOP) { show("off", msg("error")); }
    });
  }

  function turnOff() {
    busy();
    registration().then(function (reg) {
      return reg ? reg.pushManager.getSubscription() : null;
    }).then(function (subscription) {
      if (!subscription) { show("off", msg("off")); return null; }
      return post(panel.getAttribute("data-unsubscribe-url"), { endpoint: subscription.endpoint })
        .then(function () { return subscription.unsubscribe(); })
        .then(function () {
          var mine = document.querySelector("#push-devices .this-device");
          if (mine) { mine.parentNode.removeChild(mine); }
          show("off", msg("off"));
        });
    }).catch(function () { show("on", msg("error")); });
  }

  onButton.addEventListener("click", turnOn);
  offButton.addEventListener("click", turnOff);
  refresh();
}());
