// Entry point: read the embedded results, draw the overview and the matrix, then open the first run.

const data = JSON.parse(document.getElementById('flatline-data').textContent);
const app = document.getElementById('app');
const overview = renderOverview(data);
const runsSection = overview.root.querySelector('.runs-section');
app.append(
  overview.root,
  renderMatrix(data.matrix, (ids, label) => {
    overview.showIds(ids, label);
    runsSection.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }),
);
document.body.dataset.ready = 'overview';
performance.mark('flatline:overview'); // the benchmark's "usable" moment
// The first run (failing ones come first) opens by itself: what went wrong, and over time.
requestAnimationFrame(() => {
  overview.open(0);
  document.body.dataset.ready = 'all';
});
