// What the two uPlot charts share: duration ticks, sizing, and counting what was drawn.

/** Round durations for axis ticks, so a 30-minute run reads 0ms, 5m, 10m ... */
const DURATION_TICKS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5,
  108e5, 216e5, 432e5, 864e5, 1728e5, 4320e5, 864e6, 1728e6, 2592e6,
];

/** Chart box -> chart, for resizing; a closed run's charts leave the page and are dropped here. */
const liveCharts = new Map();
let resizeTimer;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const [box, chart] of liveCharts) {
      if (box.isConnected) {
        chart.setSize({ width: chartWidth(box), height: chart.height });
      } else {
        chart.destroy();
        liveCharts.delete(box);
      }
    }
  }, 100);
});

function chartWidth(box) {
  return Math.max(320, box.clientWidth);
}

/** Creates a uPlot chart in `box`, sized to it, resized with the window. */
function plot(options, data, box) {
  const chart = new uPlot({ ...options, width: chartWidth(box) }, data, box);
  liveCharts.set(box, chart);
  return chart;
}

/**
 * After each draw, every legend entry says how many of its marks are on screen (data-drawn) next to
 * how many the series has (data-total): tests read these, people read the legend.
 */
function countDrawn(chart, legend) {
  const { min, max } = chart.scales.x;
  chart.series.forEach((_, i) => {
    if (i === 0) return;
    const entry = legend.querySelector(`[data-series-index="${i}"]`);
    if (!entry) return;
    let drawn = 0;
    chart.data[i].forEach((y, j) => {
      const x = chart.data[0][j];
      if (y !== null && y !== undefined && x >= min && x <= max) drawn++;
    });
    entry.dataset.drawn = String(drawn);
  });
}

/** Canvas pixels per CSS pixel, for line widths and fonts drawn in hooks. */
function px(n) {
  return n * uPlot.pxRatio;
}

/**
 * Writes `text` from x (left-aligned), moved left when it would run past the plot's right edge and
 * right when it would start before its left edge: labels near an edge are shown whole, not clipped.
 */
function fitText(ctx, bbox, text, x, y) {
  const left = fitLeft(x, ctx.measureText(text).width, bbox.left, bbox.left + bbox.width, px(2));
  ctx.textAlign = 'left';
  ctx.fillText(text, left, y);
  return left;
}

/** Runs `draw(ctx)` clipped to the plotting area. */
function inPlotArea(chart, draw) {
  const { ctx, bbox } = chart;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  draw(ctx, bbox);
  ctx.restore();
}
