// Runs every shared vector file (tests/vectors/NNN-*.json) through the engine's
// hot path (setContext + evaluate by index, the only way into the WebAssembly
// evaluator), with the comparison rules of the brief: value and reason required;
// variation, ruleId, errorCode always compared (absent = null);
// versionSufficient / dateReached only when the expectation has them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initWasm, Engine } from '../dist/engine.js';

const DIR = fileURLToPath(new URL('../../tests/vectors/', import.meta.url));
const files = readdirSync(DIR).filter((f) => /^\d{3}-.*\.json$/.test(f)).sort();
const vectors = files.map((f) => ({ file: f, ...JSON.parse(readFileSync(DIR + f, 'utf8')) }));
const MIN_CASES = 120;

await initWasm();

function check(actual, expected, where) {
  assert.deepEqual(actual.value, expected.value, `${where}: value`);
  assert.equal(actual.reason, expected.reason, `${where}: reason`);
  for (const field of ['variation', 'ruleId', 'errorCode']) {
    assert.equal(actual[field], expected[field] ?? null, `${where}: ${field}`);
  }
  for (const field of ['versionSufficient', 'dateReached']) {
    if (field in expected) assert.equal(actual[field], expected[field], `${where}: ${field}`);
  }
}

test(`the vector files hold at least ${MIN_CASES} cases`, () => {
  const cases = vectors.reduce((n, v) => n + v.cases.length, 0);
  assert.ok(cases >= MIN_CASES, `${cases} cases in ${files.length} files under ${DIR}`);
});

for (const { file, datafile, cases } of vectors) {
  test(file, () => {
    const json = JSON.stringify(datafile);
    const engine = Engine.load(json);
    assert.ok(engine instanceof Engine, `${file}: ${engine.error}`);
    try {
      for (const c of cases) {
        const where = `${file}: ${c.description}`;
        const now = Date.parse(c.now);
        const fallback = c.defaultValue ?? null;
        engine.setContext(c.context);
        const details = engine.evaluate(c.flagKey, fallback, c.valueType, now);
        check(details, c.expected, `${where} (engine)`);
        assert.equal(details.flagKey, c.flagKey);

        if (!c.expected.errorCode) {
          assert.deepEqual(engine.evaluateAll(now)[c.flagKey], details, `${where} (evaluateAll)`);
          assert.deepEqual(engine.values(now)[c.flagKey], details.value, `${where} (values)`);
          assert.equal(engine.isEnabled(c.flagKey, now), details.value === true, `${where} (isEnabled)`);
        }
      }
    } finally {
      engine.free();
    }
  });
}
