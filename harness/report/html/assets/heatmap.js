// The heartbeat x NAT matrix: one heatmap per subject, a row per NAT (shortest timeout first), a
// column per heartbeat interval. Green: an idle connection survived; red: the mapping expired and the
// connection broke. Each cell also says how long a lost mapping took to notice.

function renderMatrix(grids, showRuns) {
  const section = h('section', { class: 'matrix-section', id: 'heartbeat-nat' }, h('h2', {}, 'Heartbeat × NAT'));
  if (!grids.length) {
    section.append(
      h(
        'p',
        { class: 'chart-note' },
        'No heartbeat × NAT runs in these results. Run "flatline nat --heartbeat 3m --simulate --out reports/nat" for one, ' +
          'or give a scenario matrix the parameters heartbeat and nat (a NAT profile id or a timeout such as "5m").',
      ),
    );
    return section;
  }
  section.append(
    h(
      'p',
      { class: 'chart-note' },
      'Each cell: did an idle connection with this heartbeat keep its mapping behind this NAT, and how long did the client take to notice a lost one (worst case)? ',
      'A cell marked ≠ disagrees with the arithmetic (heartbeat against idle timeout); click a cell to list its runs.',
    ),
  );
  for (const grid of grids) section.append(matrixTable(grid, showRuns));
  return section;
}

function matrixTable(grid, showRuns) {
  const cells = new Map(grid.cells.map((c) => [`${c.row}|${c.column}`, c]));
  return h(
    'div',
    { class: 'matrix', dataset: { subject: grid.subject } },
    h('h3', {}, `subject ${grid.subject}`),
    h(
      'table',
      { class: 'heatmap' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', { class: 'corner' }, 'NAT ↓ · heartbeat →'), grid.columns.map((c) => h('th', { dataset: { column: c.key } }, `every ${c.heartbeat}`, h('div', { class: 'sub' }, `reply within ${c.timeout}`)))),
      ),
      h(
        'tbody',
        {},
        grid.rows.map((row) =>
          h(
            'tr',
            {},
            h('th', { class: 'nat', title: row.name }, row.nat, h('div', { class: 'sub' }, `idle timeout ${row.timeout}`)),
            grid.columns.map((column) => matrixCell(cells.get(`${row.key}|${column.key}`), row, column, showRuns)),
          ),
        ),
      ),
    ),
  );
}

function matrixCell(cell, row, column, showRuns) {
  if (!cell) return h('td', { class: 'nat-cell empty' }, '');
  const words = { survived: 'kept alive', broke: 'broke', unknown: 'not checked' };
  const detection = cell.detectionMs !== null ? `noticed in ${fmtDuration(cell.detectionMs)}` : cell.undetected ? 'never noticed' : '';
  const disagrees = cell.disagreements.length > 0;
  const title = [`heartbeat ${column.heartbeat} × ${row.name}`, `predicted: ${cell.prediction}`, ...cell.disagreements.map((d) => `DISAGREES: ${d}`)].join('\n');
  const td = h(
    'td',
    {
      class: `nat-cell ${cell.outcome}${disagrees ? ' disagrees' : ''}`,
      title,
      tabindex: 0,
      dataset: {
        heartbeat: column.heartbeat,
        nat: row.nat,
        outcome: cell.outcome,
        detectionMs: cell.detectionMs === null ? '' : cell.detectionMs,
        predicted: cell.predictedKeepsAlive ? 'survives' : 'breaks',
        agrees: String(!disagrees),
      },
    },
    h('div', { class: 'outcome' }, words[cell.outcome], disagrees ? h('span', { class: 'ne', title: 'disagrees with the arithmetic' }, ' ≠') : null),
    detection ? h('div', { class: 'sub' }, detection) : null,
  );
  const pick = () => showRuns(cell.runs, `heartbeat ${column.heartbeat} × ${row.nat}`);
  td.addEventListener('click', pick);
  td.addEventListener('keydown', (event) => event.key === 'Enter' && pick());
  return td;
}
