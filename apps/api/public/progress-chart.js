/* global document, window */
// Draws the client's progress chart from the figures the page already shows in its table.
(function () {
  'use strict';
  if (typeof window.Chart === 'undefined') return;
  Array.prototype.forEach.call(document.querySelectorAll('[data-progress-chart]'), function (box) {
    var data;
    try { data = JSON.parse(box.getAttribute('data-progress-chart')); } catch { return; }
    var canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', data.label);
    box.appendChild(canvas);
    var n = data.points.length;
    var datasets = [];
    if (data.band) {
      datasets.push({ label: data.text.bandUpper, data: Array(n).fill(data.band.upper), borderColor: 'rgba(29,93,153,0.5)', borderWidth: 1, pointRadius: 0, fill: false, order: 3 });
      datasets.push({ label: data.text.band, data: Array(n).fill(data.band.lower), borderColor: 'rgba(29,93,153,0.5)', borderWidth: 1, pointRadius: 0, backgroundColor: 'rgba(86,148,202,0.18)', fill: '-1', order: 3 });
    }
    if (data.cutoff !== null) {
      datasets.push({ label: data.text.cutoff, data: Array(n).fill(data.cutoff), borderColor: '#c3311a', borderDash: [8, 6], borderWidth: 2, pointRadius: 0, fill: false, order: 2 });
    }
    datasets.push({ label: data.text.score, data: data.points.map(function (p) { return p.score; }), borderColor: '#0b0c0c', backgroundColor: '#0b0c0c', borderWidth: 3, pointRadius: 6, pointHoverRadius: 8, fill: false, order: 1 });
    new window.Chart(canvas, {
      type: 'line',
      data: { labels: data.points.map(function (p) { return p.label; }), datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: { min: data.min, max: data.max, title: { display: true, text: data.text.axis }, ticks: { precision: 0 } },
        },
        plugins: {
          legend: { labels: { filter: function (item) { return item.text !== data.text.bandUpper; }, font: { size: 14 } } },
          tooltip: { filter: function (item) { return item.dataset.label === data.text.score; } },
        },
      },
    });
  });
})();
