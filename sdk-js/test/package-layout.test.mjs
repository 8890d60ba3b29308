// What scripts/build.mjs promises about the published package: each entry is
// one module (edge and openfeature also load index.js), the entries share one
// client and engine, and every file the exports and imports name is published.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleDatafile } from '../test-support/datafile.mjs';

const SDK = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(SDK, 'package.json'), 'utf8'));

/** The relative specifiers a dist module imports (static and dynamic). */
function relativeImports(file) {
  const text = readFileSync(path.join(SDK, file), 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*["'](\.[^"']*)["']/g)].map((m) => path.posix.join(path.posix.dirname(file), m[1]));
}

test('each entry is one module; edge and openfeature import only index.js', () => {
  assert.deepEqual(relativeImports('dist/index.js'), []);
  assert.deepEqual(relativeImports('dist/engine.js'), []);
  for (const entry of ['dist/edge.js', 'dist/openfeature.js']) {
    assert.deepEqual([...new Set(relativeImports(entry))], ['dist/index.js'], entry);
  }
});

test('the entries share one HalyardClient class and one engine', async () => {
  const index = await import('@halyard/sdk');
  const edge = await import('@halyard/sdk/edge');
  const { HalyardProvider } = await import('@halyard/sdk/openfeature');
  assert.equal(edge.HalyardClient, index.HalyardClient);
  assert.equal(edge.HalyardError, index.HalyardError);
  // Instantiated once, by the default entry: the edge client is given bytes that
  // are no WebAssembly, which only a second instance would try to compile.
  const first = index.createClient({ datafile: sampleDatafile() });
  await first.ready(5_000);
  const client = edge.createClient({ wasm: new Uint8Array([1, 2, 3]), datafile: sampleDatafile() });
  await client.ready(5_000);
  // An edge client is wrapped as a client, not taken for options.
  assert.equal(new HalyardProvider(client).halyardClient, client);
  await Promise.all([first.close(), client.close()]);
});

test('the published files hold every export target and every module they import', () => {
  const [{ files }] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: SDK, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const published = new Set(files.map((f) => f.path));
  const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
  for (const target of targets) assert.ok(published.has(path.posix.normalize(target)), `${target} is published`);
  for (const file of [...published].filter((f) => f.endsWith('.js'))) {
    for (const imported of relativeImports(file)) assert.ok(published.has(imported), `${file} imports ${imported}, which is published`);
  }
  assert.ok(!published.has('dist/engine.js'), 'the bench/test engine bundle is not published');
});
