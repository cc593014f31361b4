// The overview: counts per status, then one row per run (failing first), filterable by text and
// status; a row opens in place to show the run.

const ALL_STATUSES = ['fail', 'error', 'finding', 'pass'];
const CARD_WORDS = { fail: 'failed', error: 'could not be judged', finding: 'expected findings', pass: 'passed' };

function renderOverview(data) {
  const filter = { text: '', statuses: new Set(ALL_STATUSES), ids: null };
  const rows = data.runs.map((run, index) => runRow(run, index));
  const shown = h('span', { class: 'shown' });
  const cellChip = h('button', { type: 'button', class: 'chip cell-filter', hidden: true, title: 'show every run again' });
  const boxes = ALL_STATUSES.map((status) => {
    const input = h('input', { type: 'checkbox', checked: true, dataset: { status } });
    input.addEventListener('change', () => {
      if (input.checked) filter.statuses.add(status);
      else filter.statuses.delete(status);
      apply();
    });
    return { status, input, el: h('label', { class: `chip ${status}` }, input, `${STATUS_WORDS[status]} (${data.summary[status]})`) };
  });
  const search = h('input', { type: 'search', class: 'search', placeholder: 'filter by scenario, file, subject or reason', 'aria-label': 'filter runs' });
  search.addEventListener('input', () => {
    filter.text = search.value.trim().toLowerCase();
    apply();
  });
  cellChip.addEventListener('click', () => showIds(null));

  const only = (status) => {
    const alone = filter.statuses.size === 1 && filter.statuses.has(status);
    for (const box of boxes) box.input.checked = alone || box.status === status;
    filter.statuses = new Set(alone ? ALL_STATUSES : [status]);
    apply();
  };

  function apply() {
    let count = 0;
    for (const row of rows) {
      const visible = filter.statuses.has(row.run.status) && (!filter.ids || filter.ids.has(row.run.id)) && (!filter.text || row.text.includes(filter.text));
      row.setVisible(visible);
      if (visible) count++;
    }
    shown.textContent = `${count} of ${plural(rows.length, 'run')} shown`;
  }

  function showIds(ids, label) {
    filter.ids = ids ? new Set(ids) : null;
    cellChip.hidden = !ids;
    cellChip.textContent = ids ? `only ${label} ✕` : '';
    apply();
  }

  function clearFilters() {
    search.value = '';
    filter.text = '';
    filter.statuses = new Set(ALL_STATUSES);
    for (const box of boxes) box.input.checked = true;
    showIds(null);
  }

  /** Opens one run and scrolls to it, showing every run again if the filters hide it. */
  function reveal(id) {
    const row = rows.find((r) => r.run.id === id);
    if (!row) return;
    if (row.el.hidden) clearFilters();
    row.toggle(true);
    row.el.scrollIntoView({ block: 'start' });
  }

  const root = h(
    'div',
    {},
    header(data),
    data.notes.map((note) => h('div', { class: 'callout note' }, note)),
    data.changes ? renderChanges(data.changes, reveal) : null,
    h('div', { class: 'cards' }, ALL_STATUSES.map((status) => statusCard(status, data.summary[status], () => only(status)))),
    h(
      'section',
      { class: 'runs-section' },
      h('div', { class: 'filters' }, search, boxes.map((b) => b.el), cellChip, shown),
      h(
        'table',
        { class: 'runs' },
        h('thead', {}, h('tr', {}, h('th', {}, 'status'), h('th', {}, 'scenario'), h('th', {}, 'why'), h('th', { class: 'num' }, 'virtual time'))),
        h('tbody', {}, rows.map((r) => r.el)),
      ),
    ),
  );
  apply();
  return { root, showIds, reveal, open: (index) => rows[index] && rows[index].toggle(true) };
}

function header(data) {
  const s = data.summary;
  const bad = s.fail + s.error;
  const lead = bad
    ? `${plural(s.fail, 'run')} failed${s.error ? ` and ${plural(s.error, 'run')} could not be judged` : ''}: listed first. Open a run for its verdicts, its timeline and the command that replays it.`
    : `Every verdict holds${s.finding ? ` (${plural(s.finding, 'expected finding')} shown, not counted as failures)` : ''}. Open a run for its verdicts and its timeline.`;
  return h(
    'header',
    {},
    h('h1', {}, 'flatline reliability report'),
    h('p', { class: 'meta' }, `${plural(s.total, 'run')} · seed ${data.seed} · ${fmtDuration(s.virtualMs)} of virtual time in ${(s.wallMs / 1000).toFixed(1)} s · flatline ${data.flatline}`),
    h('p', { class: `lead ${bad ? 'bad' : 'good'}` }, lead),
    data.gallery.length
      ? h(
          'p',
          { class: 'jump' },
          h('a', { href: '#subjects' }, 'Subjects × cases ↓'),
          ` which faults does each subject survive? (${data.gallery.map((g) => `${g.folder}: ${plural(g.subjects.length, 'subject')} × ${plural(g.cases.length, 'case')}`).join('; ')})`,
        )
      : null,
    data.matrix.length ? h('p', { class: 'jump' }, h('a', { href: '#heartbeat-nat' }, 'Heartbeat × NAT matrix ↓'), ' does the heartbeat keep the NAT mappings alive?') : null,
    data.fleets.length ? h('p', { class: 'jump' }, h('a', { href: '#fleets' }, 'Fleets ↓'), ` how hard does a fleet hit a restarted server? (${plural(data.fleets.length, 'fleet run')})`) : null,
  );
}

function statusCard(status, count, onClick) {
  return h(
    'button',
    { type: 'button', class: `card ${status}${count ? '' : ' zero'}`, dataset: { statusCount: status }, title: `show only the runs that ${CARD_WORDS[status]}`, onclick: onClick },
    h('span', { class: 'count' }, String(count)),
    h('span', { class: 'label' }, CARD_WORDS[status]),
  );
}

function runRow(run, index) {
  const el = h(
    'tr',
    { class: `run-row ${run.status}`, tabindex: 0, dataset: { status: run.status, index }, 'aria-expanded': 'false' },
    h('td', {}, badge(run.status)),
    h('td', { class: 'name' }, longText('div', { class: 'scenario' }, run.scenario), longText('div', { class: 'where' }, `${run.file} · ${run.subject}`)),
    longText('td', { class: `why ${run.status}` }, run.why),
    h('td', { class: 'num' }, fmtDuration(run.virtualMs)),
  );
  let detailRow = null;
  const row = {
    run,
    el,
    text: [run.scenario, run.file, run.subject, run.why, run.status].join(' ').toLowerCase(),
    setVisible(visible) {
      el.hidden = !visible;
      if (detailRow) detailRow.hidden = !visible;
    },
    toggle(open = !detailRow) {
      if (!open && detailRow) {
        detailRow.remove();
        detailRow = null;
      } else if (open && !detailRow) {
        const detail = renderRunDetail(run);
        detailRow = h('tr', { class: 'detail-row' }, h('td', { colspan: 4 }, detail.root));
        el.after(detailRow);
        detail.mount();
      }
      el.setAttribute('aria-expanded', String(Boolean(detailRow)));
    },
  };
  el.addEventListener('click', () => row.toggle());
  el.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      row.toggle();
    }
  });
  return row;
}
