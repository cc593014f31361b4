// Entry point: read the embedded results, draw the overview and the matrices, then open the first run.

const data = JSON.parse(document.getElementById('flatline-data').textContent);
const app = document.getElementById('app');
const overview = renderOverview(data);
const runsSection = overview.root.querySelector('.runs-section');
app.append(overview.root);
if (data.gallery.length) app.append(renderGallery(data.gallery, data.runs, overview.reveal));
const fleets = data.fleets.length ? renderFleets(data.fleets, overview.reveal) : null;
if (fleets) app.append(fleets.root);
app.append(
  renderMatrix(data.matrix, (ids, label) => {
    overview.showIds(ids, label);
    runsSection.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }),
);
document.body.dataset.ready = 'overview';
performance.mark('flatline:overview'); // the benchmark's "usable" moment
// The first run (failing ones come first) opens by itself: what went wrong, and over time; a link
// to one run (a matrix cell's address) opens that one instead.
const linked = data.runs.find((run) => runHash(run.id) === location.hash);
requestAnimationFrame(() => {
  if (fleets) fleets.mount();
  if (linked) overview.reveal(linked.id);
  else overview.open(0);
  document.body.dataset.ready = 'all';
});
