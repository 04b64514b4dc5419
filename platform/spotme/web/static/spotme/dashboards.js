/* Dashboards: charts (vendored Chart.js) and the team's map, drawn from JSON data blocks
   (<script type="application/json">, written by Django's json_script; CSP allows no inline script).

   <canvas data-chart="ID"> reads the block #ID: {type, labels, datasets:[{label, data, kind?}], percent?}.
   <canvas id="team-map" data-source="ID"> reads {sites:[{name, latitude, longitude, radius_m}],
   rows:[{name, location:{latitude, longitude, inside}}]} and plots the officers' last known positions
   around the office sites, without any map tiles (nothing is fetched from the internet). */
(function () {
  "use strict";

  var PALETTE = ["#1f5fae", "#c62828", "#e0a100", "#2e9e4f", "#6b7280", "#8e44ad", "#00838f", "#ef6c00"];

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function chart(canvas) {
    var spec = data(canvas.dataset.chart);
    if (!spec || typeof window.Chart === "undefined") return;
    var round = spec.type === "doughnut" || spec.type === "pie";
    var datasets = spec.datasets.map(function (d, i) {
      var colour = d.colours || (round ? spec.labels.map(function (l, j) { return PALETTE[j % PALETTE.length]; }) : PALETTE[i % PALETTE.length]);
      return {
        label: d.label,
        data: d.data,
        type: d.kind || undefined,
        yAxisID: d.axis || undefined,
        backgroundColor: colour,
        borderColor: round ? "#fff" : colour,
        tension: 0.2,
        spanGaps: true
      };
    });
    var options = { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: "bottom" } } };
    if (!round) {
      options.scales = { y: { beginAtZero: true, ticks: { precision: 0 } } };
      if (spec.percent) options.scales.y.max = 100;
      if (spec.right) options.scales.y2 = { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } };
    }
    canvas.chart = new window.Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options });
    canvas.dataset.rendered = "1";
  }

  function drawMap(canvas) {
    var team = data(canvas.dataset.source);
    if (!team) return;
    var ctx = canvas.getContext("2d");
    var width = canvas.clientWidth || 600, height = canvas.clientHeight || 320, ratio = window.devicePixelRatio || 1;
    canvas.width = width * ratio; canvas.height = height * ratio; ctx.scale(ratio, ratio);
    var points = [];
    team.sites.forEach(function (s) { points.push([s.latitude, s.longitude, s.radius_m]); });
    var people = team.rows.filter(function (r) { return r.location; });
    people.forEach(function (r) { points.push([r.location.latitude, r.location.longitude, 0]); });
    ctx.fillStyle = "#f7f9fc"; ctx.fillRect(0, 0, width, height);
    if (!points.length) { canvas.dataset.rendered = "1"; canvas.dataset.points = "0"; return; }
    // Equirectangular projection around the centre, metres per pixel chosen to fit every point.
    var lat0 = 0, lon0 = 0;
    points.forEach(function (p) { lat0 += p[0]; lon0 += p[1]; });
    lat0 /= points.length; lon0 /= points.length;
    var kx = 111320 * Math.cos(lat0 * Math.PI / 180), ky = 110540;
    var reach = 100;
    points.forEach(function (p) {
      reach = Math.max(reach, Math.abs((p[1] - lon0) * kx) + p[2], Math.abs((p[0] - lat0) * ky) + p[2]);
    });
    var scale = (Math.min(width, height) / 2 - 24) / reach;
    function xy(lat, lon) { return [width / 2 + (lon - lon0) * kx * scale, height / 2 - (lat - lat0) * ky * scale]; }
    ctx.font = "12px system-ui, sans-serif";
    team.sites.forEach(function (s) {
      var c = xy(s.latitude, s.longitude);
      ctx.beginPath(); ctx.arc(c[0], c[1], Math.max(4, s.radius_m * scale), 0, 2 * Math.PI);
      ctx.fillStyle = "rgba(31,95,174,.12)"; ctx.fill(); ctx.strokeStyle = "#1f5fae"; ctx.stroke();
      ctx.fillStyle = "#1f5fae"; ctx.fillText(s.name, c[0] + 6, c[1] - 6);
    });
    people.forEach(function (r) {
      var c = xy(r.location.latitude, r.location.longitude);
      ctx.beginPath(); ctx.arc(c[0], c[1], 5, 0, 2 * Math.PI);
      ctx.fillStyle = r.location.inside === false ? "#c62828" : (r.location.inside ? "#2e9e4f" : "#6b7280");
      ctx.fill();
      ctx.fillStyle = "#1b1f24"; ctx.fillText(r.name, c[0] + 7, c[1] + 4);
    });
    // Scale bar: 1 km or 100 m.
    var metres = reach > 2000 ? 1000 : 100, px = metres * scale;
    ctx.strokeStyle = "#1b1f24"; ctx.beginPath(); ctx.moveTo(12, height - 14); ctx.lineTo(12 + px, height - 14); ctx.stroke();
    ctx.fillStyle = "#1b1f24"; ctx.fillText(metres >= 1000 ? "1 km" : "100 m", 12, height - 20);
    canvas.dataset.rendered = "1";
    canvas.dataset.points = String(people.length);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), chart);
    var map = document.getElementById("team-map");
    if (map) drawMap(map);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
