// The timeline of one run: the client's connection state as bands, faults shaded from start to end,
// and what happened as marks in lanes (heartbeats, reconnects, the network, messages).

const LANES = [
  ['connection', 'connection'],
  ['heartbeat', 'heartbeat'],
  ['link', 'link / reconnect'],
  ['network', 'network'],
  ['messages', 'messages'],
];

const STATE_COLORS = { open: '#2da44e', connecting: '#d4a72c', waiting: '#fb8f44', closing: '#8c959f', closed: '#cf222e' };

/** Per mark kind: colour, hollow or filled, and an offset inside its lane so pairs (sent / answered) sit apart. */
const MARK_STYLES = {
  'heartbeat.sent': { color: '#0969da', hollow: true, offset: 0.17 },
  'heartbeat.reply': { color: '#0969da', hollow: false, offset: -0.17 },
  'link.dead': { color: '#cf222e', hollow: false, offset: 0.17, size: 9 },
  reconnect: { color: '#bc4c00', hollow: true, offset: -0.17 },
  gave_up: { color: '#1f2328', hollow: false, offset: 0, size: 10 },
  'nat.expired': { color: '#8250df', hollow: false, offset: 0.17, size: 9 },
  'nat.refreshed': { color: '#8250df', hollow: true, offset: 0.17, size: 4 },
  'half_open.cut': { color: '#8250df', hollow: true, offset: -0.17 },
  'nat.mapping.created': { color: '#8250df', hollow: true, offset: -0.17, size: 5 },
  'nat.mapping.recreated': { color: '#8250df', hollow: true, offset: -0.17, size: 8 },
  'nat.reset.client': { color: '#cf222e', hollow: false, offset: -0.17, size: 7 },
  'nat.reset.server': { color: '#cf222e', hollow: true, offset: -0.17, size: 7 },
  'nat.flushed': { color: '#8250df', hollow: false, offset: 0, size: 10 },
  'connections.reset': { color: '#cf222e', hollow: false, offset: 0, size: 10 },
  'message.sent': { color: '#6e7781', hollow: true, offset: 0.17, size: 5 },
  'message.delivered': { color: '#1a7f37', hollow: false, offset: -0.17, size: 5 },
  'message.failed': { color: '#cf222e', hollow: true, offset: 0, size: 7 },
};

const FAULT_COLORS = { toxic: 'rgba(207, 34, 46, 0.11)', server: 'rgba(130, 80, 223, 0.13)', proxy: 'rgba(191, 135, 0, 0.15)', path: 'rgba(9, 105, 218, 0.12)' };
const MARKER_COLORS = { death: '#cf222e', noticed: '#0969da', broke: '#cf222e', alarm: '#bf8700' };

function renderTimeline(timeline) {
  const lanes = LANES.filter(([lane]) => lane === 'connection' || timeline.marks.some((m) => m.lane === lane));
  const laneY = (lane) => lanes.length - 1 - lanes.findIndex(([l]) => l === lane);
  const marks = timeline.marks;
  const times = marks.map((m) => unpackTimes(m.dt));

  const xs = [...new Set([0, timeline.endMs, ...times.flat()])].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = marks.map((m, i) => {
    const column = new Array(xs.length).fill(null);
    const y = laneY(m.lane) + MARK_STYLES[m.kind].offset;
    for (const t of times[i]) column[at.get(t)] = y;
    return column;
  });

  const box = h('div', { class: 'chart-box' });
  const readout = h('div', { class: 'readout' }, 'hover the chart for what happened there; drag to zoom, double-click to zoom out');
  const legend = timelineLegend(timeline, marks);
  const root = h(
    'div',
    { class: 'timeline', dataset: { endMs: timeline.endMs, client: timeline.client } },
    timeline.throughout.length ? h('p', { class: 'chart-note' }, 'In force for the whole run: ', timeline.throughout.join(', ')) : null,
    box,
    readout,
    legend,
  );

  const mount = () => {
    const chart = plot(
      {
        height: 90 + lanes.length * 46,
        legend: { show: false },
        cursor: { y: false, points: { show: false }, drag: { x: true, y: false } },
        // The space above the top lane holds the names of the faults.
        scales: { x: { time: false, range: (u, min, max) => [min, max] }, y: { range: () => [-0.6, lanes.length - 0.05] } },
        axes: [
          { values: (u, splits) => splits.map(fmtDuration), incrs: DURATION_TICKS, space: 64 },
          {
            splits: () => lanes.map((_, i) => i),
            values: (u, splits) => splits.map((i) => lanes[lanes.length - 1 - i][1]),
            size: 118,
            gap: 6,
            grid: { stroke: '#eaeef2', width: 1 },
            ticks: { show: false },
          },
        ],
        series: [
          {},
          ...marks.map((m) => {
            const style = MARK_STYLES[m.kind];
            return {
              label: m.label,
              stroke: style.color,
              paths: () => null,
              points: { show: true, size: style.size || 7, width: 1.5, stroke: style.color, fill: style.hollow ? '#ffffff' : style.color },
            };
          }),
        ],
        hooks: {
          drawAxes: [(u) => drawSpans(u, timeline, laneY('connection'))],
          draw: [(u) => drawMarkers(u, timeline.markers), (u) => countDrawn(u, legend), () => (root.dataset.rendered = 'true')],
          setCursor: [(u) => showMoment(u, timeline, times, readout)],
        },
      },
      [xs, ...ys],
      box,
    );
    return chart;
  };
  return { root, mount };
}

function timelineLegend(timeline, marks) {
  const states = [...new Set(timeline.states.map((s) => s.state))];
  const faultKinds = [...new Set(timeline.faults.map((f) => f.kind))];
  const faultWords = { toxic: 'toxic in force', server: 'server down or not accepting', proxy: 'proxy disabled', path: 'path fault' };
  return h(
    'ul',
    { class: 'legend' },
    states.map((state) => h('li', { dataset: { state } }, swatch(STATE_COLORS[state]), state)),
    faultKinds.map((kind) => h('li', { dataset: { fault: kind } }, swatch(FAULT_COLORS[kind]), faultWords[kind])),
    marks.map((m, i) => {
      const style = MARK_STYLES[m.kind];
      const marksDrawn = m.dt.length;
      const title = marksDrawn < m.total ? `${plural(m.total, 'event')} drawn as ${plural(marksDrawn, 'mark')}: events at one instant, or closer than a pixel, share a mark` : undefined;
      return h('li', { title, dataset: { mark: m.kind, seriesIndex: i + 1, total: m.total, points: marksDrawn } }, swatch(style.color, style.hollow), `${m.label} (${m.total.toLocaleString('en-US')})`);
    }),
  );
}

/** Faults over the full height, with their names; the client's state as bands in the connection lane. */
function drawSpans(u, timeline, connectionY) {
  inPlotArea(u, (ctx, bbox) => {
    const x = (t) => u.valToPos(t, 'x', true);
    ctx.font = `${px(11)}px system-ui, sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    timeline.faults.forEach((f, i) => {
      const left = x(f.from);
      const width = Math.max(px(2), x(f.to) - left);
      ctx.fillStyle = FAULT_COLORS[f.kind];
      ctx.fillRect(left, bbox.top, width, bbox.height);
      // Two rows of names, so neighbours rarely collide; a backing keeps them legible over the marks.
      const top = bbox.top + px(3 + (i % 2) * 15);
      const textLeft = fitLeft(left + px(3), ctx.measureText(f.label).width, bbox.left, bbox.left + bbox.width, px(2));
      ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
      ctx.fillRect(textLeft - px(2), top - px(1), ctx.measureText(f.label).width + px(4), px(14));
      ctx.fillStyle = '#57606a';
      fitText(ctx, bbox, f.label, textLeft, top);
    });
    const mid = u.valToPos(connectionY, 'y', true);
    const half = px(9);
    for (const s of timeline.states) {
      ctx.fillStyle = STATE_COLORS[s.state];
      const left = x(s.from);
      ctx.fillRect(left, mid - half, Math.max(px(1), x(s.to) - left), 2 * half);
    }
  });
}

/** Dashed lines where a verdict says the link died, was noticed, or broke. */
function drawMarkers(u, markers) {
  inPlotArea(u, (ctx, bbox) => {
    ctx.font = `600 ${px(11)}px system-ui, sans-serif`;
    ctx.textBaseline = 'bottom';
    ctx.setLineDash([px(4), px(3)]);
    ctx.lineWidth = px(1.5);
    for (const m of markers) {
      const x = u.valToPos(m.t, 'x', true);
      ctx.strokeStyle = ctx.fillStyle = MARKER_COLORS[m.kind];
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      const text = `${m.label} ${fmtDuration(m.t)}`;
      // The death's label sits left of its line, the others right of theirs; none runs off the plot.
      fitText(ctx, bbox, text, m.kind === 'death' ? x - px(4) - ctx.measureText(text).width : x + px(4), bbox.top + bbox.height - px(2));
    }
  });
}

/** Events closer to the cursor than this many CSS pixels are the ones it points at. */
const HOVER_PX = 6;
const HOVER_MAX_EVENTS = 4;

/** Under the chart: the time at the cursor, the client's state, the faults in force, and the events under the cursor. */
function showMoment(u, timeline, times, readout) {
  if (u.cursor.left === undefined || u.cursor.left < 0) return;
  const t = u.posToVal(u.cursor.left, 'x');
  const reach = Math.abs(u.posToVal(u.cursor.left + HOVER_PX, 'x') - t);
  const state = timeline.states.find((s) => s.from <= t && t < s.to);
  const faults = timeline.faults.filter((f) => f.from <= t && t < f.to).map((f) => f.label);
  const near = [];
  timeline.marks.forEach((m, i) => {
    for (const at of times[i]) if (Math.abs(at - t) <= reach) near.push({ at, text: `${m.label} at ${fmtDuration(at)}` });
  });
  for (const m of timeline.markers) if (Math.abs(m.t - t) <= reach) near.push({ at: m.t, text: `${m.label} at ${fmtDuration(m.t)}` });
  for (const f of timeline.faults) if (Math.abs(f.from - t) <= reach) near.push({ at: f.from, text: `${f.label} begins at ${fmtDuration(f.from)}` });
  near.sort((a, b) => Math.abs(a.at - t) - Math.abs(b.at - t) || a.at - b.at);
  const events = near.slice(0, HOVER_MAX_EVENTS).map((e) => e.text);
  if (near.length > HOVER_MAX_EVENTS) events.push(`${near.length - HOVER_MAX_EVENTS} more here; drag to zoom in`);
  readout.dataset.events = String(near.length);
  readout.textContent = [`t = ${fmtDuration(t)}`, state ? `client ${state.state}` : 'client not connected', ...faults, ...events].join(' · ');
}
