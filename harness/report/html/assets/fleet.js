// The fleet page: per fleet run (a line each: a jitter mode, a subject), reconnect attempts per
// second after the event, the share of the fleet back over time, and the herd numbers. The data is
// per second and at most 200 CDF points per run, whatever the fleet's size.

const FLEET_COLORS = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bc4c00', '#1b7c83', '#bf3989', '#57606a'];

function renderFleets(lines, openRun) {
  const color = (i) => FLEET_COLORS[i % FLEET_COLORS.length];
  const legend = () =>
    h(
      'ul',
      { class: 'legend' },
      lines.map((line, i) => h('li', { dataset: { seriesIndex: i + 1, run: line.run } }, swatch(color(i)), line.label)),
    );
  const rateBox = h('div', { class: 'chart-box fleet-rate' });
  const cdfBox = h('div', { class: 'chart-box fleet-cdf' });
  const rateLegend = legend();
  const cdfLegend = legend();
  const root = h(
    'section',
    { class: 'fleet-section', id: 'fleets', dataset: { lines: lines.length } },
    h('h2', {}, 'Fleets: reconnect storms'),
    h('p', { class: 'chart-note' }, 'Reconnect attempts per second from the event (a server crash, say), one line per fleet run; refused attempts count, each is a SYN the server’s host answers.'),
    rateBox,
    rateLegend,
    h('p', { class: 'chart-note' }, 'The share of the affected clients back, by time since the event.'),
    cdfBox,
    cdfLegend,
    fleetTable(lines, openRun),
  );
  const seconds = Math.max(1, ...lines.map((l) => l.rate.length));
  const xs = Array.from({ length: seconds }, (_, i) => i * 1000);
  const rates = lines.map((l) => xs.map((_, i) => (i < l.rate.length ? l.rate[i] : null)));
  // One x axis for every CDF: the union of their times, each line a step holding its last share.
  const times = [...new Set(lines.flatMap((l) => l.cdf.map(([t]) => t)))].sort((a, b) => a - b);
  const shares = lines.map((l) => {
    let j = -1;
    return times.map((t) => {
      while (j + 1 < l.cdf.length && l.cdf[j + 1][0] <= t) j++;
      return j < 0 ? 0 : l.cdf[j][1] * 100;
    });
  });
  const durationAxis = { values: (u, splits) => splits.map(fmtDuration), incrs: DURATION_TICKS, label: 'since the event', labelSize: 20, grid: { show: false } };
  const mount = () => {
    plot(
      {
        height: 260,
        legend: { show: false },
        cursor: { drag: { x: true, y: false }, points: { show: false } },
        scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [durationAxis, { label: 'attempts / s', labelSize: 20, size: 56, grid: { stroke: '#eaeef2' } }],
        series: [{}, ...lines.map((l, i) => ({ label: l.label, stroke: color(i), width: 1.5, points: { show: false } }))],
        hooks: { draw: [(u) => countDrawn(u, rateLegend), () => (rateBox.dataset.rendered = 'true')] },
      },
      [xs, ...rates],
      rateBox,
    );
    plot(
      {
        height: 220,
        legend: { show: false },
        cursor: { drag: { x: true, y: false }, points: { show: false } },
        scales: { x: { time: false }, y: { range: () => [0, 100] } },
        axes: [durationAxis, { label: '% back', labelSize: 20, size: 56, grid: { stroke: '#eaeef2' } }],
        series: [{}, ...lines.map((l, i) => ({ label: l.label, stroke: color(i), width: 1.5, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } }))],
        hooks: { draw: [(u) => countDrawn(u, cdfLegend), () => (cdfBox.dataset.rendered = 'true')] },
      },
      [times, ...shares],
      cdfBox,
    );
  };
  return { root, mount };
}

function fleetTable(lines, openRun) {
  const time = (ms) => (ms === null ? 'never' : fmtDuration(ms));
  const columns = [
    ['run', (l) => l.label],
    ['back', (l) => `${l.back} of ${l.affected}`],
    ['peak attempts/s', (l) => String(l.peak)],
    ['peak reconnects/s', (l) => String(l.peakReconnects)],
    ['herd factor', (l) => String(l.herdFactor)],
    ['50 % back', (l) => time(l.back50)],
    ['90 %', (l) => time(l.back90)],
    ['99 %', (l) => time(l.back99)],
    ['100 %', (l) => time(l.back100)],
    ['wasted', (l) => String(l.wasted)],
  ];
  return h(
    'table',
    { class: 'fleet-numbers' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), columns.map(([name]) => h('th', { scope: 'col' }, name)))),
    h(
      'tbody',
      {},
      lines.map((l) => {
        const link = h('a', { href: runHash(l.run) }, 'open');
        link.addEventListener('click', () => openRun(l.run));
        return h('tr', { dataset: { run: l.run, status: l.status } }, h('td', {}, badge(l.status), ' ', link), columns.map(([, cell]) => h('td', {}, cell(l))));
      }),
    ),
  );
}
