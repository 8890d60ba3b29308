// The shared vectors (tests/vectors/*.json) through the public client API:
// createClient with each vector's datafile as bootstrap and a pinned clock,
// setContext per case, then evaluate / typed getters / isEnabled / evaluateAll.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClient } from '../dist/index.js';

const DIR = fileURLToPath(new URL('../../tests/vectors/', import.meta.url));
const files = readdirSync(DIR).filter((f) => /^\d{3}-.*\.json$/.test(f)).sort();
const TYPED = { boolean: 'booleanVariation', string: 'stringVariation', number: 'numberVariation', json: 'jsonVariation' };

test('the vector directory is not empty', () => assert.ok(files.length >= 10, files.join(', ')));

for (const file of files) {
  test(file, async () => {
    const { datafile, cases } = JSON.parse(readFileSync(DIR + file, 'utf8'));
    let now = 0;
    const client = createClient({ datafile, clock: () => now });
    await client.ready();
    try {
      for (const c of cases) {
        const where = `${file}: ${c.description}`;
        now = Date.parse(c.now);
        client.setContext(c.context);
        const fallback = c.defaultValue ?? null;
        const result = client.evaluate(c.flagKey, fallback, c.valueType);
        assert.deepEqual(result.value, c.expected.value, `${where}: value`);
        assert.equal(result.reason, c.expected.reason, `${where}: reason`);
        for (const field of ['variation', 'ruleId', 'errorCode']) assert.equal(result[field], c.expected[field] ?? null, `${where}: ${field}`);
        for (const field of ['versionSufficient', 'dateReached']) {
          if (field in c.expected) assert.equal(result[field], c.expected[field], `${where}: ${field}`);
        }
        if (c.valueType && fallback !== null) assert.deepEqual(client[TYPED[c.valueType]](c.flagKey, fallback), c.expected.value, `${where}: ${TYPED[c.valueType]}`);
        if (!c.valueType) assert.deepEqual(client.variation(c.flagKey, fallback), c.expected.value, `${where}: variation`);
        if (!c.expected.errorCode) {
          assert.deepEqual(client.evaluateAll()[c.flagKey], result, `${where}: evaluateAll`);
          assert.equal(client.isEnabled(c.flagKey), c.expected.value === true, `${where}: isEnabled`);
        }
      }
    } finally {
      await client.close();
    }
  });
}
