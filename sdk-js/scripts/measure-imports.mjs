// node scripts/measure-imports.mjs [runs] [dir...]: what dist/ (or each dir
// built like it, to compare builds) costs a cold start and a browser bundle. Per
// entry, the time `await import()` takes in a fresh Node process, wall clock and
// the process's CPU time (steadier on a busy machine), each the median of `runs`
// (default 15; the dirs take turns, so that other work weighs on all alike), and
// the gzip -9 size of a minified browser bundle of `export { createClient } from
// '@halyard/sdk'` (the .wasm aside).
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 15);
const dirs = process.argv.length > 3 ? process.argv.slice(3).map((dir) => resolve(dir)) : [join(root, 'dist')];
const entries = ['index.js', 'engine.js', 'edge.js', 'openfeature.js'];

/** [wall ms, CPU ms] of importing `file` in a new process. */
function importMs(file) {
  const url = pathToFileURL(file).href;
  const script = `const t = performance.now(), c = process.cpuUsage(); await import(${JSON.stringify(url)});
    const { user, system } = process.cpuUsage(c); console.log(performance.now() - t, (user + system) / 1000);`;
  // stderr shows through: a failed import stops the run with the child's own message
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split(' ').map(Number);
}

const median = (xs) => xs.toSorted((a, b) => a - b)[xs.length >> 1];

for (const file of entries) {
  const times = dirs.map(() => []);
  for (let run = 0; run < runs; run++) dirs.forEach((dir, i) => times[i].push(importMs(join(dir, file))));
  dirs.forEach((dir, i) => {
    const [wall, cpu] = [0, 1].map((k) => median(times[i].map((t) => t[k])).toFixed(2));
    console.log(`${dir}: import ${file} ${wall} ms wall, ${cpu} ms CPU (medians of ${runs})`);
  });
}

for (const dir of dirs) {
  const bundle = await build({
    stdin: { contents: "export { createClient } from '@halyard/sdk';", resolveDir: root },
    alias: { '@halyard/sdk': join(dir, 'index.js') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0].contents;
  console.log(`${dir}: browser bundle of createClient ${code.length} B minified, ${gzipSync(code, { level: 9 }).length} B gzip -9`);
}
