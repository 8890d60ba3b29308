// The default entry in headless Chromium: the engine's .wasm fetched next to
// the module (import.meta.url), evaluation from a bootstrap datafile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withBrowser } from '../test-support/browser.mjs';
import { sampleDatafile } from '../test-support/datafile.mjs';

let fixtures;
before(() => {
  fixtures = mkdtempSync(path.join(os.tmpdir(), 'halyard-browser-fixtures-'));
  writeFileSync(path.join(fixtures, 'datafile.json'), JSON.stringify(sampleDatafile(9)));
});
after(() => rmSync(fixtures, { recursive: true, force: true }));

test('a page evaluates a bootstrap datafile in Chromium', async () => {
  await withBrowser(
    async ({ page, origin, pageErrors }) => {
      const requests = [];
      page.on('request', (request) => requests.push(new URL(request.url()).pathname));
      const context = encodeURIComponent(JSON.stringify({ key: 'browser-user', attributes: { plan: 'beta' } }));
      await page.goto(`${origin}/pages/flags.html?bootstrap=/fixtures/datafile.json&context=${context}`);
      await page.waitForFunction(() => document.getElementById('out').dataset.revision === '9');
      const shown = JSON.parse(await page.textContent('#out'));
      assert.deepEqual(shown.values, { new_checkout: true, dark_mode: false, banner_text: 'Hello again', max_items: 25, theme: { color: 'green', size: 2 } });
      assert.ok(requests.includes('/dist/wasm/evaluator_wasm_bg.wasm'), 'the engine was fetched next to the module');
      assert.ok(!requests.some((p) => p.startsWith('/api/')), 'no SDK endpoint was called');
      const details = await page.evaluate(() => {
        window.halyard.setContext({ key: 'vip-1' });
        return window.halyard.evaluate('new_checkout');
      });
      assert.equal(details.reason, 'OVERRIDE');
      assert.deepEqual(pageErrors, []);
    },
    { '/fixtures/': fixtures },
  );
});

test('a page hands the engine its bytes on the main thread', async () => {
  // initWasm compiles bytes synchronously where allowed; browsers that refuse
  // that on the main thread (RangeError) get WebAssembly.compile instead.
  await withBrowser(
    async ({ page, origin, pageErrors }) => {
      await page.goto(`${origin}/fixtures/datafile.json`);
      const values = await page.evaluate(async () => {
        const { createClient } = await import('/dist/index.js');
        const bytes = new Uint8Array(await (await fetch('/dist/wasm/evaluator_wasm_bg.wasm')).arrayBuffer());
        const datafile = await (await fetch('/fixtures/datafile.json')).json();
        const client = createClient({ sdkKey: 'unused', baseUrl: location.origin, datafile, wasm: bytes, pollIntervalMs: 0, context: { key: 'browser-user' } });
        await client.ready();
        const answer = client.evaluate('banner_text');
        client.close();
        return answer;
      });
      assert.equal(values.value, 'Hello again');
      assert.deepEqual(pageErrors, []);
    },
    { '/fixtures/': fixtures },
  );
});
