// Edge workers hand over a precompiled WebAssembly.Module: initWasmSync takes it
// at module top level, and initWasm(module) is then a no-op.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Engine, initWasm, initWasmSync } from '../dist/engine.js';

const module = new WebAssembly.Module(readFileSync(new URL('../dist/wasm/evaluator_wasm_bg.wasm', import.meta.url)));
initWasmSync(module);

test('an engine runs from a precompiled module', async () => {
  await initWasm(module);
  const engine = Engine.load(JSON.stringify({
    schemaVersion: 1, revision: 2, publishedAt: '2026-06-01T00:00:00Z', environment: { id: 'e', key: 'test' },
    flags: [{ key: 'copy', type: 'STRING', status: 'ACTIVE', enabled: true, variations: [{ key: 'a', value: 'Hallo' }], offVariation: 'a', defaultVariation: 'a' }],
  }));
  assert.equal(engine.revision, 2);
  assert.equal(engine.variation('copy', 'x'), 'Hallo');
  assert.equal(engine.evaluate('copy', 'x', 'boolean').errorCode, 'TYPE_MISMATCH');
});
