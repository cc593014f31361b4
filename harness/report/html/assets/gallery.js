// The subject matrix: per scenario folder whose matrices compare subjects, a row per case and a
// column per subject. A cell is the run's status with its key numbers and opens the run; under each
// column, how many of its cases the subject holds.

const CASE_LEGEND = [
  ['pass', 'the subject holds'],
  ['finding', 'falls short, as known and expected'],
  ['fail', 'falls short, unexpectedly'],
  ['error', 'could not be judged'],
];

function renderGallery(grids, runs, openRun) {
  const byId = new Map(runs.map((run) => [run.id, run]));
  return h(
    'section',
    { class: 'gallery-section', id: 'subjects' },
    h('h2', {}, 'Subjects × cases'),
    h('p', { class: 'chart-note' }, 'Which network faults each subject survives: a row per case, a column per subject, each cell the verdict and its key number. Click a cell to open its run.'),
    h('ul', { class: 'legend case-legend' }, CASE_LEGEND.map(([status, meaning]) => h('li', {}, badge(status), meaning))),
    grids.map((grid) => galleryTable(grid, byId, openRun)),
  );
}

function galleryTable(grid, byId, openRun) {
  const cells = new Map(grid.cells.map((c) => [`${c.row}|${c.column}`, c]));
  return h(
    'div',
    { class: 'case-grid', dataset: { folder: grid.folder } },
    h('h3', {}, grid.folder, h('span', { class: 'sub' }, ` · ${plural(grid.cases.length, 'case')} × ${plural(grid.subjects.length, 'subject')}`)),
    h(
      'table',
      { class: 'gallery' },
      h('thead', {}, h('tr', {}, h('th', { class: 'corner' }, 'case ↓ · subject →'), grid.subjects.map((s) => h('th', { class: 'subject', scope: 'col' }, s.subject)))),
      h(
        'tbody',
        {},
        grid.cases.map((c, row) => h('tr', {}, caseHeader(c), grid.subjects.map((_, column) => caseCell(cells.get(`${row}|${column}`), byId, openRun)))),
      ),
      h('tfoot', {}, h('tr', {}, h('th', { class: 'corner' }, 'per subject'), grid.subjects.map((s) => h('td', { class: 'subject-summary' }, s.summary)))),
    ),
  );
}

function caseHeader(c) {
  // "gallery blackhole: silence both ways ..." reads as a title and what the case does.
  const cut = c.name.indexOf(': ');
  return h(
    'th',
    { class: 'case', scope: 'row', title: c.file },
    longText('div', { class: 'case-title' }, cut > 0 ? c.name.slice(0, cut) : c.name),
    cut > 0 ? longText('div', { class: 'sub' }, c.name.slice(cut + 2)) : null,
    c.params ? h('div', { class: 'params' }, c.params) : null,
  );
}

function caseCell(cell, byId, openRun) {
  if (!cell) return h('td', { class: 'case-cell empty' }, 'not run');
  const run = byId.get(cell.run);
  // The whole cell opens the run; the link inside makes it reachable by keyboard and says where it goes.
  const td = h(
    'td',
    { class: `case-cell ${cell.status}`, title: `${STATUS_WORDS[cell.status]}: ${run.finding || run.why}`, dataset: { status: cell.status, run: cell.run } },
    h('a', { href: runHash(cell.run) }, h('div', { class: 'case-status' }, STATUS_BADGES[cell.status]), cell.keys.map((k) => h('div', { class: 'key' }, k))),
  );
  td.addEventListener('click', () => openRun(cell.run));
  return td;
}
