/* Dashboards: charts (vendored Chart.js), drawn from JSON data blocks
   (<script type="application/json">, written by Django's json_script; CSP allows no inline script).

   <canvas data-chart="ID"> reads the block #ID: {type, labels, datasets:[{label, data, kind?}], percent?}.
   The team's map is maps.js (Leaflet). */
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

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), chart);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
