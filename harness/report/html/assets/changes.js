// What changed since the baseline run, first on the page: runs that got worse, then better, new and
// gone, each with its status flip and the key numbers that moved. A row opens that run below.

const CHANGE_WORDS = { regressed: 'WORSE', improved: 'BETTER', new: 'NEW', gone: 'GONE' };
const MAX_CHANGES_SHOWN = 500;

function renderChanges(diff, reveal) {
  const n = diff.counts;
  const shown = diff.changes.slice(0, MAX_CHANGES_SHOWN);
  const tolerance = `${Math.round(diff.tolerance * 1000) / 10}%`;
  const lead = n.regressed
    ? `${plural(n.regressed, 'run')} got worse since the baseline: listed first.`
    : diff.changes.length
      ? 'Nothing got worse since the baseline.'
      : 'Nothing changed since the baseline.';
  return h(
    'section',
    { class: 'changes', id: 'changes', dataset: { regressed: n.regressed, improved: n.improved, new: n.new, gone: n.gone, unchanged: n.unchanged } },
    h('h2', {}, 'Changes since the baseline'),
    h('p', { class: `lead ${n.regressed ? 'bad' : 'good'}` }, lead),
    h(
      'p',
      { class: 'meta' },
      `${n.regressed} worse, ${n.improved} better, ${n.new} new, ${n.gone} gone, ${n.unchanged} unchanged of the baseline's ${plural(diff.baseline.total, 'run')} (seed ${diff.baseline.seed}); a number that moved less than ${tolerance} counts as unchanged.`,
    ),
    shown.length
      ? h(
          'table',
          { class: 'runs changes-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'change'), h('th', {}, 'scenario'), h('th', {}, 'status'), h('th', {}, 'what moved'))),
          h('tbody', {}, shown.map((c) => changeRow(c, reveal))),
        )
      : null,
    diff.changes.length > shown.length ? h('p', { class: 'chart-note' }, `The first ${shown.length} of ${diff.changes.length} changes; the rest are in diff.json.`) : null,
  );
}

function changeRow(change, reveal) {
  const status = change.before && change.after ? (change.before === change.after ? change.after : `${change.before} → ${change.after}`) : change.after || change.before;
  const moved = change.numbers.length
    ? h('ul', { class: 'moved' }, change.numbers.map((m) => h('li', { class: m.worse ? 'worse' : 'better', dataset: { key: m.key } }, m.text)))
    : change.kind === 'new'
      ? 'not in the baseline'
      : change.kind === 'gone'
        ? 'in the baseline, not run now'
        : 'the verdict changed';
  const row = h(
    'tr',
    { class: `change-row ${change.kind}`, dataset: { kind: change.kind, runId: change.id }, tabindex: change.kind === 'gone' ? undefined : 0 },
    h('td', {}, h('span', { class: `badge change ${change.kind}` }, CHANGE_WORDS[change.kind])),
    h('td', { class: 'name' }, longText('div', { class: 'scenario' }, change.scenario), longText('div', { class: 'where' }, change.file)),
    h('td', { class: 'flip' }, status),
    h('td', {}, moved),
  );
  if (change.kind !== 'gone') {
    row.addEventListener('click', () => reveal(change.id));
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') reveal(change.id);
    });
  }
  return row;
}
