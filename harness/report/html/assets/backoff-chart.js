// The backoff chart: per reconnect attempt, the delay the schedule allows (a band from its minimum
// to its maximum) against the delay observed, and the one the client announced. Outages sit side by
// side, a gap between them, because the schedule starts again with each one.

const BACKOFF_COLORS = { expected: '#0969da', band: 'rgba(9, 105, 218, 0.13)', observed: '#1a7f37', off: '#cf222e', announced: '#bc4c00' };

function renderBackoff(backoff) {
  // One x slot per attempt, and an empty slot between outages so no line joins two of them.
  const slots = [];
  backoff.attempts.forEach((a, i) => {
    if (i > 0 && a.outage !== backoff.attempts[i - 1].outage) slots.push(null);
    slots.push(a);
  });
  const xs = slots.map((_, i) => i + 1);
  const column = (pick) => slots.map((a) => (a === null ? null : pick(a)));
  const series = [
    { key: 'expected-max', label: 'allowed (max)', values: column((a) => (a.expected ? a.expected.max : null)) },
    { key: 'expected-min', label: 'allowed (min)', values: column((a) => (a.expected ? a.expected.min : null)) },
    { key: 'observed', label: 'observed, on schedule', values: column((a) => (a.onSchedule === false ? null : a.observedMs)) },
    { key: 'off-schedule', label: 'observed, off schedule', values: column((a) => (a.onSchedule === false ? a.observedMs : null)) },
    { key: 'announced', label: 'announced by the client', values: column((a) => a.announcedMs) },
  ];
  const hasExpected = backoff.expectation !== 'none';
  const exact = backoff.attempts.every((a) => !a.expected || a.expected.min === a.expected.max);
  const legend = h(
    'ul',
    { class: 'legend' },
    hasExpected ? h('li', { dataset: { series: 'expected', seriesIndex: 1 } }, swatch(exact ? BACKOFF_COLORS.expected : BACKOFF_COLORS.band, exact), exact ? 'expected delay' : 'allowed range') : null,
    series.slice(2).map((s, i) => {
      const count = s.values.filter((v) => v !== null).length;
      const color = { observed: BACKOFF_COLORS.observed, 'off-schedule': BACKOFF_COLORS.off, announced: BACKOFF_COLORS.announced }[s.key];
      return count ? h('li', { dataset: { series: s.key, seriesIndex: i + 3, total: count } }, swatch(color, s.key === 'announced'), `${s.label} (${count})`) : null;
    }),
  );
  const box = h('div', { class: 'chart-box' });
  const root = h(
    'div',
    { class: 'backoff', dataset: { attempts: backoff.attempts.length, total: backoff.total } },
    h('p', { class: 'chart-note' }, backoffNote(backoff)),
    box,
    legend,
    backoffProblems(backoff),
  );

  const mount = () =>
    plot(
      {
        height: 240,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        scales: { x: { time: false, range: () => [0.5, xs.length + 0.5] }, y: { range: (u, min, max) => [0, Math.max(1000, max * 1.12)] } },
        axes: [
          { splits: () => xs, values: (u, splits) => splits.map((x) => (slots[x - 1] ? String(slots[x - 1].n) : '')), label: 'attempt within its outage', labelSize: 20, grid: { show: false } },
          { values: (u, splits) => splits.map(fmtDuration), incrs: DURATION_TICKS, size: 64, grid: { stroke: '#eaeef2' } },
        ],
        series: [
          {},
          ...series.slice(0, 2).map((s) => ({
            label: s.label,
            stroke: hasExpected ? BACKOFF_COLORS.expected : 'transparent',
            width: 1.5,
            dash: [5, 3],
            points: { show: hasExpected, size: 6, width: 1.5, stroke: BACKOFF_COLORS.expected, fill: '#ffffff' },
          })),
          { label: series[2].label, stroke: BACKOFF_COLORS.observed, paths: () => null, points: { show: true, size: 9, fill: BACKOFF_COLORS.observed, stroke: BACKOFF_COLORS.observed } },
          { label: series[3].label, stroke: BACKOFF_COLORS.off, paths: () => null, points: { show: true, size: 10, fill: BACKOFF_COLORS.off, stroke: BACKOFF_COLORS.off } },
          { label: series[4].label, stroke: BACKOFF_COLORS.announced, paths: () => null, points: { show: true, size: 14, width: 1.5, fill: 'transparent', stroke: BACKOFF_COLORS.announced } },
        ],
        bands: hasExpected ? [{ series: [1, 2], fill: BACKOFF_COLORS.band }] : [],
        hooks: {
          draw: [(u) => labelOutages(u, slots), (u) => countDrawn(u, legend), () => (root.dataset.rendered = 'true')],
        },
      },
      [xs, ...series.map((s) => s.values)],
      box,
    );
  return { root, mount };
}

/** Every off-schedule attempt, in words, under the chart (the verdict's summary names only the first). */
function backoffProblems(backoff) {
  const count = backoff.problems.length + backoff.moreProblems;
  if (!count) return null;
  return h(
    'div',
    { class: 'problems', dataset: { problems: count } },
    h('p', { class: 'chart-note' }, `${plural(count, 'problem')}:`),
    h('ul', {}, backoff.problems.map((p) => h('li', {}, p)), backoff.moreProblems ? h('li', { class: 'more' }, `and ${plural(backoff.moreProblems, 'more problem')}: the verdict names the first`) : null),
  );
}

function backoffNote(backoff) {
  const shown = backoff.total > backoff.attempts.length ? ` (the first ${backoff.attempts.length} of ${backoff.total} attempts)` : '';
  if (backoff.expectation === 'none') return `Observed reconnect delays${shown}; the subject promised no schedule.`;
  const source = backoff.expectation === 'checked' ? 'checked schedule' : 'schedule the subject promises (no backoff check in this run)';
  return `Reconnect delays against the ${source}: ${backoff.schedule}${shown}.`;
}

/** "outage 2" above the first attempt of each outage after the first. */
function labelOutages(u, slots) {
  if (!slots.includes(null)) return;
  inPlotArea(u, (ctx, bbox) => {
    ctx.font = `${px(11)}px system-ui, sans-serif`;
    ctx.fillStyle = '#57606a';
    ctx.textBaseline = 'top';
    slots.forEach((a, i) => {
      if (a && (i === 0 || slots[i - 1] === null)) fitText(ctx, bbox, `outage ${a.outage}`, u.valToPos(i + 1, 'x', true) - px(8), bbox.top + px(3));
    });
  });
}
