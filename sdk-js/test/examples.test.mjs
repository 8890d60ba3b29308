// The README's offline examples, executed as they are: bootstrap/SSR and OpenFeature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const example = (name) => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));

test('examples/bootstrap.mjs evaluates the bundled datafile with no network', async () => {
  const { stdout } = await run(process.execPath, [example('bootstrap.mjs')]);
  assert.equal(
    stdout,
    [
      'new_checkout: true',
      'banner_text: Welcome, and happy holidays!',
      'details: {"value":true,"reason":"TARGETING_MATCH","ruleId":"rule_nordics"}',
      'new_checkout for a US user: false',
      '',
    ].join('\n'),
  );
});

test('examples/openfeature.mjs resolves through the OpenFeature web SDK', async () => {
  const { stdout } = await run(process.execPath, [example('openfeature.mjs')]);
  const [checkout, missing] = stdout.trim().split('\n');
  assert.equal(checkout, 'new_checkout: {"value":true,"variant":"on","reason":"TARGETING_MATCH"}');
  const details = JSON.parse(missing.replace('missing flag: ', ''));
  assert.deepEqual([details.value, details.reason, details.errorCode], ['fallback', 'ERROR', 'FLAG_NOT_FOUND']);
});

test('every README example block is the example file, verbatim', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\n```\w+\n([\s\S]*?)```\n/g)];
  assert.deepEqual(
    blocks.map(([, file]) => file).sort(),
    ['examples/bootstrap.mjs', 'examples/browser.html', 'examples/cloudflare-worker.mjs', 'examples/deno.mjs', 'examples/node.mjs', 'examples/openfeature.mjs'],
  );
  for (const [, file, code] of blocks) {
    assert.equal(code, readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'), `${file} differs from its README block`);
  }
});
