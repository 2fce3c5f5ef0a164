/* global document, window */
// Draws the result charts from the figures the page already shows in the table beside each chart.
// Hidden ("..") figures are null and left out of the chart just as the table leaves them out.
(function () {
  'use strict';
  if (typeof window.Chart === 'undefined') return;
  Array.prototype.forEach.call(document.querySelectorAll('[data-chart]'), function (box) {
    var spec;
    try { spec = JSON.parse(box.getAttribute('data-chart')); } catch { return; }
    var canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', spec.label);
    box.appendChild(canvas);
    var stacked = !!spec.stacked;
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          return {
            label: d.label,
            data: d.data,
            borderColor: d.color,
            backgroundColor: d.color,
            borderWidth: spec.type === 'line' ? (d.dashed ? 2 : 3) : 1,
            borderDash: d.dashed ? [6, 4] : undefined,
            pointRadius: spec.type === 'line' ? (d.dashed ? 0 : 5) : undefined,
            spanGaps: false,
            fill: false,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: spec.horizontal ? 'y' : 'x',
        scales: {
          x: { stacked: stacked, max: spec.horizontal ? spec.max : undefined, ticks: { font: { size: 13 } } },
          y: { stacked: stacked, beginAtZero: spec.type === 'bar', max: spec.horizontal ? undefined : spec.max, ticks: { font: { size: 13 }, precision: spec.type === 'bar' && !spec.horizontal ? 0 : undefined } },
        },
        plugins: { legend: { display: spec.datasets.length > 1, labels: { font: { size: 14 } } } },
      },
    });
  });
})();
