// Engine micro-benchmark on the peer workload (../shared/bench/peers/workload.mjs:
// 50 flags, checkout_v2 = country rule + 25 % rollout, a 10,000-context pool).
// Tight synchronous loops, no event-loop yields: a floor for the SDK's engine.
// Each case runs in its own process (no JIT cross-talk), 5 timed runs of ~0.5 s
// after a 0.5 s warm-up; the table shows the median and the min–max of the
// process's CPU time per op (robust when other work shares the 2 cores) and
// the median wall-clock time.
//   npm run build && node bench/engine.mjs [--quick] [case ...]
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildDatafile, toContext } from './halyard-adapter.mjs';
import { Engine, initWasm } from '../dist/engine.js';

const PEERS = process.env.HALYARD_PEERS_DIR ?? fileURLToPath(new URL('../../../shared/bench/peers/', import.meta.url));
const { makeContexts, flagSpec, MEASURED_FLAG } = await import(new URL(`file://${PEERS}/workload.mjs`).href);
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 2 : 5;
const RUN_MS = QUICK ? 150 : 500;

// Each case: setup(engine, pool) -> op(i) that does one unit of work for pool index i.
const CASES = {
  'isEnabled, fresh context': (e, pool) => (i) => {
    e.setContext(toContext(pool[i]));
    return e.isEnabled(MEASURED_FLAG);
  },
  'isEnabled, same context object': (e, pool) => {
    const ctx = toContext(pool.find((c) => !['NO', 'SE', 'DK'].includes(c.country)));
    return () => {
      e.setContext(ctx);
      return e.isEnabled(MEASURED_FLAG);
    };
  },
  'isEnabled, new object with the same values': (e, pool) => {
    const user = pool.find((c) => !['NO', 'SE', 'DK'].includes(c.country));
    return () => {
      e.setContext(toContext(user));
      return e.isEnabled(MEASURED_FLAG);
    };
  },
  'isEnabled, unchanged context': (e, pool) => {
    e.setContext(toContext(pool.find((c) => !['NO', 'SE', 'DK'].includes(c.country))));
    return () => e.isEnabled(MEASURED_FLAG);
  },
  'evaluate (details), fresh context': (e, pool) => (i) => {
    e.setContext(toContext(pool[i]));
    return e.evaluate(MEASURED_FLAG, false).value;
  },
  'setContext only, fresh context': (e, pool) => (i) => {
    e.setContext(toContext(pool[i]));
    return true;
  },
  'evaluateAll 50 -> {key: details}, fresh context': (e, pool) => (i) => {
    e.setContext(toContext(pool[i]));
    return e.evaluateAll()[MEASURED_FLAG].value;
  },
  'values 50 -> {key: value}, fresh context': (e, pool) => (i) => {
    e.setContext(toContext(pool[i]));
    return e.values()[MEASURED_FLAG];
  },
  'evaluateAll 50, unchanged context': (e, pool) => {
    e.setContext(toContext(pool[0]));
    return () => e.evaluateAll()[MEASURED_FLAG].value;
  },
};

async function runCase(name) {
  await initWasm();
  const e = Engine.load(JSON.stringify(buildDatafile(flagSpec({ withSemver: true }))));
  if (!(e instanceof Engine)) throw new Error(e.error);
  const pool = makeContexts();
  const op = CASES[name](e, pool);
  let sink = 0;
  const loop = (n, j) => {
    for (let k = 0; k < n; k++) {
      if (op(j)) sink++;
      if (++j === pool.length) j = 0;
    }
    return j;
  };
  let j = 0;
  let n = 0;
  const w0 = performance.now();
  while (performance.now() - w0 < RUN_MS) { j = loop(1000, j); n += 1000; }
  const perRun = Math.max(1000, n);
  const ns = [];
  const cpu = [];
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    j = loop(perRun, j);
    const c1 = process.cpuUsage(c0);
    ns.push(((performance.now() - t0) * 1e6) / perRun);
    cpu.push(((c1.user + c1.system) * 1e3) / perRun);
  }
  return { ns, cpu, sink };
}

const fmt = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} µs` : `${x.toFixed(1)} ns`);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const caseArg = process.argv.indexOf('--case');
if (caseArg > 0) {
  console.log(JSON.stringify(await runCase(process.argv[caseArg + 1])));
} else {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  console.log(`node ${process.version}; ${RUNS} runs x ~${RUN_MS} ms per case, one process per case${QUICK ? ' (--quick)' : ''}\n`);
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  console.log('| case | CPU time per op, median [min–max] | wall clock per op, median |');
  console.log('|---|---|---|');
  for (const name of Object.keys(CASES).filter((c) => only.length === 0 || only.some((o) => c.includes(o)))) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--case', name, ...(QUICK ? ['--quick'] : [])], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
    const { ns, cpu } = JSON.parse(r.stdout.trim().split('\n').pop());
    console.log(`| ${name} | ${fmt(median(cpu))} [${fmt(Math.min(...cpu))}–${fmt(Math.max(...cpu))}] | ${fmt(median(ns))} |`);
  }
}
