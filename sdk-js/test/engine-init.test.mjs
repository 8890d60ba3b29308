// initWasm: each test file runs in its own process, so this one sees the
// module uninitialized. Failures reject and can be retried; success is once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Engine, initWasm } from '../dist/engine.js';

const WASM = new URL('../dist/wasm/evaluator_wasm_bg.wasm', import.meta.url);
const DATAFILE = JSON.stringify({
  schemaVersion: 1, revision: 1, publishedAt: '2026-06-01T00:00:00Z', environment: { id: 'e', key: 'test' },
  flags: [{ key: 'on', type: 'BOOLEAN', status: 'ACTIVE', enabled: true, variations: [{ key: 'on', value: true }, { key: 'off', value: false }], offVariation: 'off', defaultVariation: 'on' }],
});

test('before initWasm, load answers an error instead of throwing', () => {
  assert.equal(Engine.memoryBytes(), 0);
  assert.match(Engine.load(DATAFILE).error, /initWasm/);
});

test('a failed initWasm rejects, and a later one with a fetch Response succeeds once', async () => {
  const garbage = new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]);
  await assert.rejects(initWasm(garbage));
  await assert.rejects(initWasm(new Response(garbage, { headers: { 'content-type': 'application/wasm' } })));
  await assert.rejects(initWasm(new Response('gone', { status: 404 })), /404/);
  // Without the application/wasm type (which compileStreaming requires) the bytes compile whole.
  await initWasm(new Response(readFileSync(WASM)));
  await initWasm(new Uint8Array([1, 2, 3])); // already initialized: the argument is not used
  const engine = Engine.load(DATAFILE);
  assert.equal(engine.isEnabled('on'), true);
  assert.ok(Engine.memoryBytes() > 0);
});

test('initWasm in Node compiles the bytes without loading the fetch implementation (cold start)', () => {
  // A fresh process: this one already touched Response above.
  const script = `const { initWasm, Engine } = await import(${JSON.stringify(new URL('../dist/engine.js', import.meta.url).href)});
    await initWasm();
    await initWasm(await (await import('node:fs/promises')).readFile(new URL(${JSON.stringify(WASM.href)})));
    console.log(JSON.stringify({ memory: Engine.memoryBytes() > 0, fetch: process.moduleLoadList.some((m) => m.includes('undici')) }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), { memory: true, fetch: false });
});
