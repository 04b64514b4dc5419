// SPOT-Me Web Push, inside the service worker: the service worker (/sw.js) loads this file with
// importScripts. The server (tenant_apps/notifications/push.py) sends an encrypted JSON payload
// {title, body, url, tag, icon, lang}; the browser decrypts it and fires "push".
(function () {
  "use strict";
  var HOME = "/notifications/";

  function sameOriginUrl(url) {
    // Only ever open a page of this agency's own site, whatever a payload says.
    var target;
    try { target = new URL(url || HOME, self.location.origin); } catch (e) { target = null; }
    if (!target || target.origin !== self.location.origin) { target = new URL(HOME, self.location.origin); }
    return target.href;
  }

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
        for (var i = 0; i < windows.length; i++) {
          if (windows[i].url === url && "focus" in windows[i]) { return windows[i].focus(); }
        }
        return self.clients.openWindow(url);
      })
    );
  });
}());
