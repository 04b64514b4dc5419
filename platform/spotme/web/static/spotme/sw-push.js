// SPOT-Me Web Push, inside the service worker: the service worker (/sw.js) loads this file with
// importScripts. The server (tenant_apps/notifications/push.py) sends an encrypted JSON payload
// {title, body, url, tag, icon, lang}; the browser decrypts it and fires "push".
//
//   push                    show the notification (its URL kept in its data);
//   notificationclick       focus a window of the app already showing that URL; else take an open
//                           window of the app there; else open a new one (pickWindow decides);
//   pushsubscriptionchange  the push service replaced or dropped the subscription: subscribe again
//                           with the server's VAPID public key, tell the API the new one and forget
//                           the old one (renewSubscription). Firefox and Safari fire it; Chromium
//                           does not (it keeps subscriptions until the user revokes them).
// The functions are on self.SpotmePush so the browser tests can call them in the worker.
(function () {
  "use strict";
  var HOME = "/notifications/";
  var API = "/api/v1/notifications/push/";

  function sameOriginUrl(url) {
    // Only ever open a page of this agency's own site, whatever a payload says.
    var target;
    try { target = new URL(url || HOME, self.location.origin); } catch (e) { target = null; }
    if (!target || target.origin !== self.location.origin) { target = new URL(HOME, self.location.origin); }
    return target.href;
  }

  // Which window a click on a notification for `url` should bring forward: [window, navigate?], or
  // null to open a new one. A window already at the URL wins; else the focused window of the app,
  // else the first one (matchAll lists them most recently focused first), taken to the URL.
  function pickWindow(windows, url) {
    var ours = windows.filter(function (w) {
      try { return new URL(w.url).origin === self.location.origin; } catch (e) { return false; }
    });
    var exact = ours.filter(function (w) { return w.url === url; });
    if (exact.length) { return [exact[0], false]; }
    var focused = ours.filter(function (w) { return w.focused; });
    if (focused.length) { return [focused[0], true]; }
    return ours.length ? [ours[0], true] : null;
  }

  function keyBytes(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    return bytes;
  }

  function api(path, body, csrf) {
    var options = { credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = csrf;
      options.body = JSON.stringify(body);
    }
    return fetch(API + path, options).then(function (response) {
      if (!response.ok) { throw new Error("push API " + path + ": " + response.status); }
      return response.json();
    });
  }

  // Resolves to the new subscription as the API stored it, or null when push is off on the server.
  // Needs the person's session (the worker's requests carry its cookie): signed out, it fails, and
  // the notification settings page subscribes again at the next visit.
  function renewSubscription(oldSubscription, newSubscription) {
    return api("").then(function (state) {
      if (!state.enabled || !state.public_key) { return null; }
      var renewed = newSubscription ? Promise.resolve(newSubscription)
        : self.registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(state.public_key),
        });
      return renewed.then(function (subscription) {
        var stored = api("subscriptions/", subscription.toJSON(), state.csrf_token);
        if (!oldSubscription || oldSubscription.endpoint === subscription.endpoint) { return stored; }
        return stored.then(function (created) {
          return api("unsubscribe/", { endpoint: oldSubscription.endpoint }, state.csrf_token)
            .then(function () { return created; });
        });
      });
    });
  }

  self.SpotmePush = { sameOriginUrl: sameOriginUrl, pickWindow: pickWindow, renewSubscription: renewSubscription };

  self.addEventListener("push", function (event) {
    var data = {};
    if (event.data) {
      try { data = event.data.json() || {}; } catch (e) { data = { body: event.data.text() }; }
    }
    var options = {
      body: data.body || "",
      data: { url: sameOriginUrl(data.url) },
      lang: data.lang || "",
    };
    // The same tag replaces a notification already shown (a delivery repeated after a retry).
    if (data.tag) { options.tag = data.tag; }
    if (data.icon) { options.icon = data.icon; options.badge = data.icon; }
    event.waitUntil(self.registration.showNotification(data.title || "SPOT-Me", options));
  });

  self.addEventListener("notificationclick", function (event) {
    event.notification.close();
    var url = sameOriginUrl(event.notification.data && event.notification.data.url);
    event.waitUntil(
      self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
        var choice = pickWindow(windows, url);
        if (!choice) { return self.clients.openWindow(url); }
        var win = choice[0];
        return win.focus().then(function (focused) {
          // navigate() works on windows this worker controls; another (a page opened before the
          // worker took over) is focused as it is, and the page opens in a new window.
          if (!choice[1]) { return focused; }
          var go = (focused || win).navigate ? (focused || win).navigate(url) : Promise.reject(new Error("no navigate"));
          return go.catch(function () { return self.clients.openWindow(url); });
        });
      })
    );
  });

  self.addEventListener("pushsubscriptionchange", function (event) {
    event.waitUntil(renewSubscription(event.oldSubscription, event.newSubscription));
  });
}());
