// SPOT-Me's service worker (spotme/web/pwa.py renders it; its bytes change with every version).
// Workbox from our static files: static files cache-first, pages network-first with the stored copy
// when offline, the API never stored. Punches made offline wait in the outbox (pwa.js) and are sent
// on the Background Sync event, or by the page when it opens or the connection returns.
"use strict";
const CONFIG = {{ config|safe }};
importScripts({{ imports|safe }});
workbox.setConfig({ modulePathPrefix: CONFIG.workboxPrefix, debug: false });
CONFIG.modules.forEach(function (name) { workbox.loadModule(name); });  // all at start, as Workbox requires

const VERSION = CONFIG.version;
const PAGES = "spotme-pages-" + VERSION;
const STATIC = "spotme-static-" + VERSION;
workbox.core.setCacheNameDetails({ prefix: "spotme", suffix: VERSION });
workbox.core.clientsClaim();

workbox.precaching.precacheAndRoute(CONFIG.precache, { ignoreURLParametersMatching: [/.*/] });
workbox.precaching.cleanupOutdatedCaches();

// A page is stored only when it is the page itself (not a redirect to the login page, not an error).
const pagesOnly = {
  cacheWillUpdate: async function (args) {
    const r = args.response;
    return r && r.status === 200 && !r.redirected && r.type === "basic" ? r : null;
  }
};

workbox.routing.registerRoute(
  function (ctx) { return ctx.sameOrigin && ctx.url.pathname.indexOf(CONFIG.staticPrefix) === 0; },
  new workbox.strategies.CacheFirst({
    cacheName: STATIC,
    plugins: [new workbox.expiration.ExpirationPlugin({ maxEntries: 80, maxAgeSeconds: 30 * 86400 })]
  })
);
workbox.routing.registerRoute(
  function (ctx) {
    return ctx.request.mode === "navigate" && ctx.sameOrigin && ctx.url.pathname.indexOf("/api/") !== 0;
  },
  new workbox.strategies.NetworkFirst({
    cacheName: PAGES,
    networkTimeoutSeconds: 8,
    // Pages vary by cookie and language: the stored copies are this phone's signed-in officer's
    // (forgotten at logout), and those stored ahead (`warm`) were not fetched by a navigation.
    matchOptions: { ignoreVary: true },
    plugins: [pagesOnly, new workbox.expiration.ExpirationPlugin({ maxEntries: 40, maxAgeSeconds: 7 * 86400 })]
  })
);
workbox.routing.setCatchHandler(async function (ctx) {
  if (ctx.request.mode === "navigate") {
    return (await workbox.precaching.matchPrecache(CONFIG.offlineUrl)) || Response.error();
  }
  return Response.error();
});

self.addEventListener("activate", function (event) {
  // Runtime caches of earlier versions go (the precache cleans itself).
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return (n.indexOf("spotme-pages-") === 0 || n.indexOf("spotme-static-") === 0) && n.slice(-VERSION.length) !== VERSION;
    }).map(function (n) { return caches.delete(n); }));
  }));
});

self.addEventListener("fetch", function (event) {
  // Logging out forgets the stored pages (a shared phone must not show the last officer's day).
  const url = new URL(event.request.url);
  if (event.request.method === "POST" && url.origin === self.location.origin && url.pathname === "/logout/") {
    event.waitUntil(caches.delete(PAGES));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === SpotmeOutbox.SYNC_TAG) { event.waitUntil(SpotmeOutbox.flush()); }
});

self.addEventListener("message", function (event) {
  const data = event.data || {};
  if (data.type === "flush") { event.waitUntil(SpotmeOutbox.flush()); }
  if (data.type === "warm" && Array.isArray(data.urls)) {
    // The pages an officer needs offline (home, movement form, task log), stored while online.
    event.waitUntil(caches.open(PAGES).then(function (cache) {
      return Promise.all(data.urls.filter(function (u) { return typeof u === "string" && u.charAt(0) === "/"; })
        .map(function (u) {
          return fetch(u, { credentials: "same-origin" }).then(function (r) {
            return pagesOnly.cacheWillUpdate({ response: r }).then(function (ok) { return ok && cache.put(u, ok); });
          }).catch(function () { return null; });
        }));
    }));
  }
});
