/**
 * Node's own floor under a sim world in a fresh process: `turns` chained setImmediate callbacks
 * that do nothing, timed `runs` times in one process (the first is cold, as a world's first day
 * is). The sim drains node's queues at every virtual instant, so a day costs at least one loop turn
 * per instant before any packet is handled. Prints one JSON line: { perRunMs }.
 */
const [turns = '2401', runs = '3'] = process.argv.slice(2);

function chain(n: number): Promise<void> {
  return new Promise((resolve) => {
    let left = n;
    const turn = (): void => void (--left > 0 ? setImmediate(turn) : resolve());
    setImmediate(turn);
  });
}

const perRunMs: number[] = [];
for (let i = 0; i < Number(runs); i++) {
  const start = performance.now();
  await chain(Number(turns));
  perRunMs.push(performance.now() - start);
}
console.log(JSON.stringify({ perRunMs }));
