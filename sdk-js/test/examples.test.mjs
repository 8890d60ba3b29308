// The README's offline examples, executed as they are: bootstrap/SSR and OpenFeature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
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
