// The installable app, in the page and in the service worker (which imports this file):
//  - SpotmeOutbox: punches and forms made without a connection, kept in IndexedDB ("spotme-offline")
//    and sent in the order they were made, when the connection returns: on the Background Sync event
//    (service worker), on `online` and on every page load (here). Each sending stamps the phone's
//    clock (`sent_at`): the server measures how wrong that clock is (attendance/offline.py).
//  - in the page: registers /sw.js, lists the waiting items ("Disimpan dalam peranti — akan
//    dihantar"), says when an offline page was last synced, queues forms marked data-offline-queue.
(function (root) {
  "use strict";
  var DB_NAME = "spotme-offline", STORE = "outbox", SYNC_TAG = "spotme-outbox";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = root.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function tx(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), store = t.objectStore(STORE), result;
        result = work(store);
        t.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }

  function all() {
    return tx("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.tapped < b.tapped ? -1 : a.tapped > b.tapped ? 1 : 0; });
    });
  }
  function put(entry) { return tx("readwrite", function (store) { store.put(entry); }); }
  function remove(key) { return tx("readwrite", function (store) { store.delete(key); }); }

  function askForSync() {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(); }
    return navigator.serviceWorker.ready.then(function (reg) {
      return reg.sync ? reg.sync.register(SYNC_TAG) : null;
    }).catch(function () { return null; });
  }

  function add(entry) {
    entry.status = "waiting";
    entry.attempts = 0;
    return put(entry).then(askForSync);
  }

  // One item: "sent", "refused" (the server said no: kept with its reason until dismissed) or "wait".
  function sendOne(entry, csrf) {
    var token = csrf || entry.csrf, options;
    if (entry.kind === "clock") {
      var body = {};
      Object.keys(entry.body).forEach(function (k) { body[k] = entry.body[k]; });
      body.sent_at = new Date().toISOString();
      if (entry.user) { body.user_id = entry.user; }
      options = { method: "POST", credentials: "same-origin", body: JSON.stringify(body),
                  headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Idempotency-Key": entry.key,
                             "Accept": "application/json" } };
    } else {
      var form = new URLSearchParams(entry.body);
      form.set("csrfmiddlewaretoken", token);
      options = { method: "POST", credentials: "same-origin", body: form.toString(), redirect: "manual",
                  headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": token } };
    }
    return fetch(entry.url, options).then(function (response) {
      if (entry.kind !== "clock") {
        if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) { return "sent"; }
        if (response.status === 200) { entry.error = entry.refusedText || ""; return "refused"; }
        return "wait";
      }
      if (response.ok) { return "sent"; }
      // Not signed in, an old CSRF token, another user's session, the server busy: later.
      if (response.status >= 500 || [401, 403, 408, 409, 429].indexOf(response.status) >= 0) { return "wait"; }
      return response.json().then(function (data) { entry.error = data.detail || String(response.status); return "refused"; },
                                  function () { entry.error = String(response.status); return "refused"; });
    }, function () { return "wait"; });
  }

  var flushing = null;
  function flushNow(csrf) {
    return all().then(function (items) {
      var result = { sent: 0, refused: 0, waiting: 0 };
      var waiting = items.filter(function (e) { return e.status === "waiting"; });
      // In the order they were made; a clock-out never goes before the clock-in still waiting.
      return waiting.reduce(function (previous, entry) {
        return previous.then(function (stop) {
          if (stop) { result.waiting += 1; return true; }
          return sendOne(entry, csrf).then(function (outcome) {
            if (outcome === "sent") { result.sent += 1; return remove(entry.key).then(function () { return false; }); }
            if (outcome === "refused") { result.refused += 1; entry.status = "refused"; return put(entry).then(function () { return false; }); }
            result.waiting += 1; entry.attempts = (entry.attempts || 0) + 1;
            return put(entry).then(function () { return entry.kind === "clock"; });
          });
        });
      }, Promise.resolve(false)).then(function () { return result; });
    });
  }

  function flush(csrf) {
    // One flush at a time per phone (the page's and the service worker's share the lock).
    if (root.navigator && navigator.locks) {
      return navigator.locks.request("spotme-outbox", function () { return flushNow(csrf); });
    }
    if (!flushing) { flushing = flushNow(csrf).then(function (r) { flushing = null; return r; }, function (e) { flushing = null; throw e; }); }
    return flushing;
  }

  root.SpotmeOutbox = { add: add, all: all, remove: remove, flush: flush, SYNC_TAG: SYNC_TAG };

  if (typeof document === "undefined") { return; }  // the service worker: nothing more

  // --- the page ---------------------------------------------------------------------------------
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function shortTime(iso) {
    var d = new Date(iso);
    return two(d.getHours()) + ":" + two(d.getMinutes()) + " " + two(d.getDate()) + "/" + two(d.getMonth() + 1);
  }

  function renderQueue() {
    var box = document.getElementById("offline-queue");
    if (!box || !root.indexedDB) { return Promise.resolve([]); }
    return all().then(function (items) {
      var list = box.querySelector("ul");
      list.textContent = "";
      items.forEach(function (e) {
        var li = document.createElement("li");
        li.className = "queued-" + e.status;
        li.setAttribute("data-key", e.key);
        li.textContent = (e.label || "") + " · " + shortTime(e.tapped);
        if (e.status === "refused") {
          var why = document.createElement("strong");
          why.className = "error-text";
          why.textContent = " " + (box.getAttribute("data-refused") || "") + " " + (e.error || "");
          li.appendChild(why);
          var drop = document.createElement("button");
          drop.type = "button"; drop.className = "linklike"; drop.textContent = box.getAttribute("data-remove") || "×";
          drop.addEventListener("click", function () { remove(e.key).then(renderQueue); });
          li.appendChild(document.createTextNode(" ")); li.appendChild(drop);
        }
        list.appendChild(li);
      });
      box.hidden = items.length === 0;
      document.dispatchEvent(new CustomEvent("spotme:queue", { detail: items }));
      return items;
    });
  }

  function showSynced() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-synced]"), function (el) {
      var when = shortTime(el.getAttribute("data-synced"));
      var text = navigator.onLine ? el.getAttribute("data-online-text") : el.getAttribute("data-offline-text");
      el.textContent = (text || "").replace("{time}", when);
      el.classList.toggle("offline", !navigator.onLine);
    });
  }

  function sendWaiting() {
    if (!root.indexedDB || !navigator.onLine) { return Promise.resolve(null); }
    return flush(csrfToken()).then(function (result) {
      return renderQueue().then(function () {
        // The day's card comes from the server: show it with what was just recorded.
        if (result.sent && document.getElementById("today-card")) { root.location.reload(); }
        return result;
      });
    }).catch(function () { return null; });
  }

  function warmPages(reg) {
    var source = document.querySelector("[data-warm]");
    if (!source || !navigator.onLine) { return; }
    var last = parseInt(localStorage.getItem("spotme-warmed") || "0", 10);
    if (Date.now() - last < 6 * 3600 * 1000) { return; }
    var worker = reg.active || navigator.serviceWorker.controller;
    if (!worker) { return; }
    localStorage.setItem("spotme-warmed", String(Date.now()));
    worker.postMessage({ type: "warm", urls: JSON.parse(source.getAttribute("data-warm")) });
  }

  // Forms that may be filled offline (movement, task log): kept and sent later like the punches.
  function queueForms() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-offline-queue]"), function (form) {
      form.addEventListener("submit", function (event) {
        if (navigator.onLine || !root.indexedDB) { return; }
        event.preventDefault();
        var note = form.querySelector("[data-offline-note]");
        var data = new FormData(form), body = new URLSearchParams();
        var hasFile = false;
        data.forEach(function (value, name) {
          if (typeof value === "string") { body.append(name, value); } else if (value && value.size) { hasFile = true; }
        });
        if (hasFile) { if (note) { note.textContent = form.getAttribute("data-offline-no-files"); } return; }
        var key = (root.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random();
        add({ key: key, kind: "form", url: form.action || root.location.pathname, body: body.toString(),
              csrf: csrfToken(), tapped: new Date().toISOString(), label: form.getAttribute("data-offline-queue"),
              refusedText: form.getAttribute("data-offline-refused") }).then(function () {
          form.reset();
          if (note) { note.textContent = form.getAttribute("data-offline-saved"); }
          return renderQueue();
        });
      });
    });
  }

  function start() {
    showSynced();
    queueForms();
    renderQueue().then(sendWaiting);
    root.addEventListener("online", function () { showSynced(); sendWaiting(); });
    root.addEventListener("offline", showSynced);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (reg) {
        return navigator.serviceWorker.ready.then(function () { warmPages(reg); });
      }).catch(function () { return null; });
    }
  }
  root.SpotmeOutbox.renderQueue = renderQueue;
  root.SpotmeOutbox.sendWaiting = sendWaiting;
  root.SpotmeOutbox.csrfToken = csrfToken;
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}(self));
