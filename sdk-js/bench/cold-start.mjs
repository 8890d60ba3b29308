// Cold start of the engine, split into its steps, in fresh Node processes:
// import of dist/engine.js, initWasm() (read + compile + instantiate the
// .wasm), Engine.load of the peer workload's datafile, the first evaluation.
//   npm run build && node bench/cold-start.mjs [runs=10] [-- node flags…]
// The peer harness (../shared/bench/peers) reports the same total as "cold
// start"; this splits its "init" into initWasm and Engine.load.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PEERS = new URL('../../../shared/bench/peers/workload.mjs', import.meta.url);

async function measureOnce() {
  const { flagSpec, makeContexts } = await import(PEERS.href);
  const adapter = (await import('./halyard-adapter.mjs')).default;
  const { toContext } = await import('./halyard-adapter.mjs');
  const payload = adapter.buildPayload(flagSpec({ withSemver: true }));
  const context = toContext(makeContexts(1)[0]);
  const t0 = performance.now();
  const sdk = await import(new URL('../dist/engine.js', import.meta.url).href);
  const t1 = performance.now();
  await sdk.initWasm();
  const t2 = performance.now();
  const engine = sdk.Engine.load(payload);
  const t3 = performance.now();
  engine.setContext(context);
  engine.isEnabled('checkout_v2');
  const t4 = performance.now();
  return { import: t1 - t0, initWasm: t2 - t1, load: t3 - t2, firstEval: t4 - t3, total: t4 - t0 };
}

if (process.argv[2] === '--once') {
  process.stdout.write(JSON.stringify(await measureOnce()));
} else {
  const split = process.argv.indexOf('--');
  const runs = Number(process.argv[2] && process.argv[2] !== '--' ? process.argv[2] : 10);
  const nodeFlags = split < 0 ? [] : process.argv.slice(split + 1);
  const self = fileURLToPath(import.meta.url);
  const spawn = () => JSON.parse(spawnSync(process.execPath, [...nodeFlags, self, '--once'], { encoding: 'utf8' }).stdout);
  spawn(); // unmeasured: warms the OS file cache
  const results = Array.from({ length: runs }, spawn);
  const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  for (const step of Object.keys(results[0])) {
    const xs = results.map((r) => r[step]);
    console.log(`${step.padEnd(10)} median ${median(xs).toFixed(2)} ms  (min ${Math.min(...xs).toFixed(2)})`);
  }
}
