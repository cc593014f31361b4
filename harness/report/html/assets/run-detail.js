// One run opened: why it has its status, each verdict with its numbers, what the client did over
// time, its reconnects against the schedule, its message counts, and the line that replays it.

function renderRunDetail(run) {
  const timeline = run.timeline ? renderTimeline(run.timeline) : null;
  const backoff = run.backoff ? renderBackoff(run.backoff) : null;
  const root = h(
    'div',
    { class: 'detail', dataset: { runId: run.id } },
    run.error ? h('div', { class: 'callout error' }, h('strong', {}, run.error.code), ' ', longText('span', {}, run.error.message, 4 * MAX_SHOWN)) : null,
    run.finding ? h('div', { class: 'callout finding' }, h('strong', {}, 'Expected finding: '), longText('span', {}, run.finding)) : null,
    run.description ? longText('p', { class: 'description' }, run.description, 4 * MAX_SHOWN) : null,
    run.verdicts.length ? h('section', {}, h('h3', {}, 'Verdicts'), verdictList(run.verdicts)) : null,
    h(
      'section',
      {},
      h('h3', {}, 'What the client did'),
      timeline ? timeline.root : h('p', { class: 'chart-note' }, 'The trace holds no client events: the run ended before the client started.'),
    ),
    backoff || run.delivery
      ? h(
          'div',
          { class: 'pair' },
          backoff ? h('section', {}, h('h3', {}, 'Reconnect backoff'), backoff.root) : null,
          run.delivery ? h('section', {}, h('h3', {}, 'Messages'), deliveryTable(run.delivery)) : null,
        )
      : null,
    h('section', {}, h('h3', {}, 'Replay'), replayLine(run.replay)),
    longText('p', { class: 'chart-note' }, `${run.file} · subject ${run.subject} · seed ${run.seed} · ${fmtDuration(run.virtualMs)} of virtual time in ${(run.wallMs / 1000).toFixed(2)} s`),
  );
  // Charts measure their box, so they are drawn once the detail is on the page.
  const mount = () => [timeline, backoff].filter(Boolean).map((c) => c.mount());
  return { root, mount };
}

function verdictList(verdicts) {
  return h(
    'ul',
    { class: 'verdicts' },
    verdicts.map((v) =>
      h(
        'li',
        { class: `verdict ${v.status}`, dataset: { check: v.check, status: v.status } },
        h('div', { class: 'verdict-head' }, badge(v.status === 'pass' ? 'pass' : v.status === 'fail' ? 'fail' : 'error'), h('strong', {}, v.check), longText('span', { class: 'summary' }, v.summary, 4 * MAX_SHOWN)),
        numbers('measured', v.measured),
        v.bound ? numbers('bound', v.bound) : null,
      ),
    ),
  );
}

function numbers(title, values) {
  const entries = Object.entries(values || {});
  if (!entries.length) return null;
  return h('dl', { class: 'numbers' }, h('dt', { class: 'numbers-title' }, title), entries.map(([k, v]) => h('div', {}, h('dt', {}, k), longText('dd', { title: String(v) }, fmtMeasure(k, v)))));
}

const DELIVERY_ROWS = [
  ['attempted', 'sent (distinct ids)'],
  ['acknowledged', 'acknowledged to the sender'],
  ['delivered', 'deliveries, repeats included'],
  ['ok', 'delivered at least once'],
  ['lost', 'acknowledged, never delivered'],
  ['unresolved', 'never acknowledged nor delivered by the end'],
  ['failed', 'given up by the sender, never delivered'],
  ['duplicated', 'delivered again'],
  ['unexpected', 'delivered, never sent'],
  ['reordered', 'delivered out of send order'],
  ['recovered', 'delivered though never acknowledged'],
];

function deliveryTable(delivery) {
  const forbidden = new Set(delivery.forbidden);
  return h(
    'div',
    { class: 'delivery' },
    h('p', { class: 'chart-note' }, delivery.guarantee ? `Held to ${delivery.guarantee}: ${delivery.forbidden.join(', ')} must stay 0.` : 'No delivery check in this run; counted from the trace.'),
    h(
      'table',
      { class: 'counts' },
      h(
        'tbody',
        {},
        DELIVERY_ROWS.map(([key, meaning]) => {
          const n = delivery.counts[key];
          const bad = forbidden.has(key) && n > 0;
          return h('tr', { class: bad ? 'bad' : forbidden.has(key) ? 'guarded' : '', dataset: { count: key, value: n } }, h('th', {}, key), h('td', { class: 'n' }, n.toLocaleString('en-US')), h('td', { class: 'meaning' }, meaning));
        }),
      ),
    ),
  );
}

function replayLine(command) {
  const code = longText('code', {}, command, 4 * MAX_SHOWN);
  const button = h('button', { type: 'button', class: 'copy' }, 'copy');
  button.addEventListener('click', (event) => {
    event.stopPropagation();
    const done = () => (button.textContent = 'copied');
    if (navigator.clipboard) navigator.clipboard.writeText(command).then(done, () => selectText(code));
    else selectText(code);
  });
  return h('div', { class: 'replay' }, code, button);
}

function selectText(el) {
  const range = document.createRange();
  range.selectNodeContents(el);
  getSelection().removeAllRanges();
  getSelection().addRange(range);
}
