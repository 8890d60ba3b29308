// The engine over the WebAssembly build: loading, context changes and the
// result cache, non-ASCII text, memory growth, wide results, and garbage input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, initWasm } from '../dist/engine.js';
import { bucket } from './bucket-oracle.mjs';

await initWasm();

const ON_OFF = [{ key: 'on', value: true }, { key: 'off', value: false }];

function datafile(flags, audiences = [], revision = 7) {
  return JSON.stringify({
    schemaVersion: 1, revision, publishedAt: '2026-06-01T00:00:00Z',
    environment: { id: 'env_test', key: 'test', production: false }, flags, audiences, events: [],
  });
}

function flag(key, rules = [], extra = {}) {
  return {
    key, type: 'BOOLEAN', status: 'ACTIVE', variations: ON_OFF, offVariation: 'off', enabled: true,
    defaultVariation: 'off', overrides: [], rules, ...extra,
  };
}

function rule(id, audiences, trafficAllocation = 1, hashAttribute = 'userId') {
  return { id, type: 'TARGETED_DELIVERY', audiences, trafficAllocation, variations: [{ variation: 'on', percentage: 1 }], hashAttribute };
}

function audience(id, conditions) {
  return { id, name: id, conditions };
}

function mustLoad(json) {
  const engine = Engine.load(json);
  assert.ok(engine instanceof Engine, engine.error);
  return engine;
}

/** GEO's `half` (one rule, 50 % of `userId`) for a context with only `key`, by BUCKETING.md. */
function halfFor(key) {
  return bucket('half', 'r-half', 'traffic', key) < 50000;
}

const GEO = datafile(
  [flag('nordic', [rule('r-geo', ['geo'])]), flag('pro', [rule('r-plan', ['pro'])]), flag('half', [rule('r-half', [], 0.5)])],
  [
    audience('geo', { attribute: 'country', op: 'in', values: ['NO', 'SE', 'DK', 'Zürich', '東京'] }),
    audience('pro', { all: [{ attribute: 'plan', op: 'eq', value: 'pro' }, { attribute: 'seats', op: 'gte', value: 10 }] }),
  ],
);

test('load reports datafile errors as values, with the path', () => {
  assert.match(Engine.load('{').error, /EOF|expected|line/);
  const badSplit = datafile([flag('f', [{ ...rule('r', []), variations: [{ variation: 'on', percentage: 0.7 }, { variation: 'off', percentage: 0.5 }] }])]);
  assert.match(Engine.load(badSplit).error, /^flags\[0\]\.rules\[0\]/);
  for (const garbage of [undefined, null, 42, {}, [], '', 'null', '[]', '\u0000', '{"schemaVersion": 2}']) {
    const result = Engine.load(garbage);
    assert.equal(typeof result.error, 'string', `load(${JSON.stringify(garbage)})`);
  }
});

test('metadata: revision, flag keys, typed access', () => {
  const engine = mustLoad(GEO);
  assert.equal(engine.revision, 7);
  assert.deepEqual(engine.flagKeys(), ['nordic', 'pro', 'half']);
  assert.equal(engine.evaluate('nordic', 'x', 'string').errorCode, 'TYPE_MISMATCH');
  assert.equal(engine.evaluate('nordic', 'x', 'string').value, 'x');
  assert.equal(engine.evaluate('nordic', true, 'boolean').errorCode, null);
  assert.deepEqual(
    engine.evaluate('missing', 3),
    { flagKey: 'missing', value: 3, variation: null, reason: 'ERROR', ruleId: null, errorCode: 'FLAG_NOT_FOUND', versionSufficient: null, dateReached: null },
  );
  assert.equal(engine.variation('missing', 'fallback'), 'fallback');
  engine.free();
});

test('a changed context is re-evaluated; an unchanged one is not re-copied', () => {
  const engine = mustLoad(GEO);
  const ctx = { key: 'u1', attributes: { country: 'NO', plan: 'pro', seats: 12 } };
  engine.setContext(ctx);
  assert.equal(engine.isEnabled('nordic'), true);
  assert.equal(engine.evaluate('pro').ruleId, 'r-plan');
  engine.setContext({ key: 'u1', attributes: { country: 'US', plan: 'pro', seats: 3 } });
  assert.equal(engine.isEnabled('nordic'), false);
  assert.equal(engine.evaluate('pro').reason, 'DEFAULT');
  // The same object, mutated: setContext must see the new values.
  ctx.attributes.country = 'DK';
  ctx.attributes.seats = 9;
  engine.setContext(ctx);
  assert.equal(engine.isEnabled('nordic'), true);
  assert.equal(engine.isEnabled('pro'), false);
  ctx.attributes.seats = 10;
  engine.setContext(ctx);
  assert.equal(engine.isEnabled('pro'), true);
  // Removing an attribute makes it missing again.
  delete ctx.attributes.country;
  engine.setContext(ctx);
  assert.equal(engine.isEnabled('nordic'), false);
  assert.deepEqual(engine.values(), { nordic: false, pro: true, half: engine.isEnabled('half') });
  engine.free();
});

test('changing one attribute at a time rewrites exactly what evaluation then reads', () => {
  const json = datafile(
    ['a', 'b', 'c', 'd'].map((attr) => flag(`has-${attr}`, [rule(`r-${attr}`, [attr])])),
    ['a', 'b', 'c', 'd'].map((attr) => audience(attr, { attribute: attr, op: 'endsWith', value: '!' })),
  );
  const engine = mustLoad(json);
  const texts = ['x!', 'longer text!', 'é!', '', 'no', 7, true, '東京!', 'plain'];
  const ctx = { key: 'k', attributes: { a: 'x!', b: 'y', c: 'z!', d: 'w' } };
  let seed = 1;
  for (let step = 0; step < 300; step++) {
    seed = (seed * 48271) % 2147483647;
    const attr = 'abcd'[seed % 4];
    ctx.attributes = { ...ctx.attributes, [attr]: texts[(seed >> 3) % texts.length] };
    engine.setContext(ctx);
    for (const attr of 'abcd') {
      const value = ctx.attributes[attr];
      const expected = typeof value === 'string' && value.endsWith('!');
      assert.equal(engine.evaluate(`has-${attr}`).value, expected, `step ${step}: ${attr} for ${JSON.stringify(ctx)}`);
    }
  }
  engine.free();
});

test('top-level key and appVersion shadow attributes; userId falls back to key', () => {
  const json = datafile(
    [flag('k', [rule('r-k', ['k'])]), flag('v', [rule('r-v', ['v'])]), flag('uid', [rule('r-uid', ['uid'])])],
    [
      audience('k', { attribute: 'key', op: 'eq', value: 'top' }),
      audience('v', { attribute: 'appVersion', op: 'semverGte', value: '2.0.0' }),
      audience('uid', { attribute: 'userId', op: 'startsWith', value: 'top' }),
    ],
  );
  const engine = mustLoad(json);
  for (const [ctx, expected] of [
    [{ key: 'top', appVersion: '2.1', attributes: { key: 'attr', appVersion: '1.0' } }, { k: true, v: true, uid: true }],
    [{ attributes: { key: 'top', appVersion: '2.0.0' } }, { k: true, v: true, uid: true }],
    [{ key: null, appVersion: null, attributes: { key: 'attr', appVersion: '1.9' } }, { k: false, v: false, uid: false }],
    [{ key: 'top', attributes: { userId: 'other' } }, { k: true, v: false, uid: false }],
  ]) {
    engine.setContext(ctx);
    assert.deepEqual(engine.values(), expected, JSON.stringify(ctx));
  }
  engine.free();
});

test('non-ASCII attribute values are encoded as UTF-8 and hash as BUCKETING.md says', () => {
  // The oracle itself, on the document's worked example.
  assert.deepEqual(['user-43', 'user-4', 'user-42', 'user-7'].map((k) => bucket('checkout_v2', 'rollout', 'traffic', k)), [18299, 389, 42953, 81331]);
  assert.equal(bucket('checkout_v2', 'rollout', 'variation', 'user-4'), 76987);
  const engine = mustLoad(GEO);
  for (const country of ['Zürich', '東京', 'a\u0301', '😀', 'NO😀']) {
    engine.setContext({ key: 'k', attributes: { country } });
    assert.equal(engine.isEnabled('nordic'), country === 'Zürich' || country === '東京', country);
  }
  // Rollout buckets of non-ASCII keys are those of their UTF-8 bytes.
  const keys = ['ünïcödé-user', 'ユーザー42', 'mixed-ascii-then-ß', '😀😀', 'a'.repeat(300) + 'é'];
  for (let i = 0; i < 40; i++) keys.push(`${keys[i % 5]}-${i}`);
  for (const key of keys) {
    engine.setContext({ key });
    const inside = halfFor(key);
    assert.equal(engine.evaluate('half').value, inside, key);
    assert.equal(engine.evaluate('half').reason, inside ? 'TARGETING_MATCH' : 'DEFAULT', key);
  }
  assert.ok(keys.some(halfFor) && !keys.every(halfFor), 'both sides of the split are checked');
  engine.free();
});

test('views survive memory growth, from a large datafile and from a large context', () => {
  const small = mustLoad(GEO);
  small.setContext({ key: 'u', attributes: { country: 'SE' } });
  assert.equal(small.isEnabled('nordic'), true);
  const before = wasmMemoryBytes();
  // ~2,000 flags with a rule and an audience each: several MB of JSON to parse and compile.
  const flags = [];
  const audiences = [];
  for (let i = 0; i < 2000; i++) {
    audiences.push(audience(`a${i}`, { attribute: 'country', op: 'in', values: [`C${i}`, `D${i}`, 'x'.repeat(200)] }));
    flags.push(flag(`f${i}`, [rule(`r${i}`, [`a${i}`])], { type: 'JSON', variations: [{ key: 'on', value: true }, { key: 'off', value: { i, pad: 'y'.repeat(500) } }] }));
  }
  const big = mustLoad(datafile(flags, audiences));
  assert.ok(wasmMemoryBytes() > before, 'memory grew');
  // The older engine's views were detached by the growth; it re-creates them.
  small.setContext({ key: 'u', attributes: { country: 'DK' } });
  assert.equal(small.isEnabled('nordic'), true);
  big.setContext({ key: 'u', attributes: { country: 'C1999' } });
  assert.equal(big.isEnabled('f1999'), true);
  assert.deepEqual(big.variation('f3', null), { i: 3, pad: 'y'.repeat(500) });
  // A context far larger than the preallocated text area.
  const huge = 'Z'.repeat(3_000_000);
  const grown = wasmMemoryBytes();
  big.setContext({ key: huge, attributes: { country: `C7` } });
  assert.equal(big.isEnabled('f7'), true);
  assert.ok(wasmMemoryBytes() > grown, 'the context area grew');
  small.setContext({ key: huge + 'é', attributes: { country: 'NO' } });
  assert.equal(small.isEnabled('nordic'), true);
  assert.equal(small.evaluate('half').value, halfFor(huge + 'é'));
  small.free();
  big.free();
});

test('results that do not fit the packed form (rule index > 1022) are exact', () => {
  const rules = [];
  for (let i = 0; i < 1100; i++) rules.push(rule(`r${i}`, [`a${i}`]));
  const audiences = rules.map((_, i) => audience(`a${i}`, { attribute: 'n', op: 'eq', value: i }));
  const engine = mustLoad(datafile([flag('many', rules)], audiences));
  for (const n of [0, 1021, 1022, 1023, 1099, 5000]) {
    engine.setContext({ key: 'u', attributes: { n } });
    const expected = n < 1100 ? { value: true, ruleId: `r${n}`, reason: 'TARGETING_MATCH' } : { value: false, ruleId: null, reason: 'DEFAULT' };
    for (const details of [engine.evaluate('many'), engine.evaluateAll().many]) {
      assert.equal(details.value, expected.value, `n=${n}`);
      assert.equal(details.ruleId, expected.ruleId, `n=${n}`);
      assert.equal(details.reason, expected.reason, `n=${n}`);
    }
    assert.equal(engine.values().many, expected.value);
  }
  engine.free();
});

test('now: defaults to the clock, and only flags that read it are re-evaluated', () => {
  const inAnHour = Date.now() + 3_600_000;
  const engine = mustLoad(datafile([
    flag('later', [], { defaultVariation: 'on', scheduledEnableAt: inAnHour }),
    flag('dated', [], { defaultVariation: 'on', rolloutCondition: { activationDate: inAnHour } }),
    flag('plain', [], { defaultVariation: 'on' }),
  ]));
  assert.equal(engine.evaluate('later').reason, 'SCHEDULED');
  assert.equal(engine.evaluate('later', null, undefined, inAnHour).reason, 'DEFAULT');
  assert.equal(engine.evaluate('dated').dateReached, false);
  assert.equal(engine.evaluate('dated', null, undefined, inAnHour + 1).dateReached, true);
  assert.deepEqual(engine.values(inAnHour), { later: true, dated: true, plain: true });
  assert.deepEqual(engine.values(), { later: false, dated: false, plain: true });
  engine.free();
});

test('evaluation never throws on garbage input', () => {
  const engine = mustLoad(GEO);
  const invalid = [null, undefined, 42, 'ctx', [], { key: 5 }, { appVersion: {} }, { attributes: 'x' }, { attributes: [] }, { attributes: null }];
  for (const ctx of invalid) {
    engine.setContext(ctx);
    assert.equal(engine.evaluate('nordic', 'd').errorCode, 'INVALID_CONTEXT', JSON.stringify(ctx));
    assert.equal(engine.evaluate('nordic', 'd').value, 'd');
    assert.equal(engine.isEnabled('nordic'), false);
    assert.equal(engine.evaluateAll().pro.errorCode, 'INVALID_CONTEXT');
    assert.deepEqual(engine.values(), { nordic: null, pro: null, half: null });
  }
  const hostile = new Proxy({}, { get() { throw new Error('boom'); } });
  engine.setContext(hostile);
  assert.equal(engine.evaluate('nordic').errorCode, 'INVALID_CONTEXT');
  // Non-scalar attribute values are missing, not errors.
  engine.setContext({ key: 'u', attributes: { country: ['NO'], plan: { p: 1 }, seats: null } });
  assert.equal(engine.evaluate('nordic').reason, 'DEFAULT');
  engine.setContext({ key: 'u', attributes: { country: 'NO' } });
  assert.equal(engine.isEnabled('nordic'), true, 'a valid context after garbage works again');
  for (const key of [undefined, null, 42, {}, '', '\ud800']) {
    assert.equal(engine.evaluate(key).errorCode, 'FLAG_NOT_FOUND');
    assert.equal(engine.isEnabled(key), false);
  }
  for (const now of ['soon', {}, 10n, NaN, -1e300, Symbol('t')]) {
    assert.equal(engine.evaluate('nordic', null, undefined, now).value, true);
    assert.equal(engine.values(now).nordic, true);
  }
  engine.free();
  engine.free();
  assert.equal(engine.evaluate('nordic', 'gone').errorCode, 'FLAG_NOT_FOUND');
  assert.deepEqual(engine.evaluateAll(), {});
  engine.setContext({ key: 'after free' });
});

test('evaluateAll and values agree with evaluate over many contexts', () => {
  const engine = mustLoad(GEO);
  const countries = ['NO', 'US', 'Zürich', 'DE'];
  for (let i = 0; i < 400; i++) {
    engine.setContext({ key: `user-${i}`, attributes: { country: countries[i % 4], plan: i % 3 ? 'pro' : 'free', seats: i % 20 } });
    const all = engine.evaluateAll();
    const values = engine.values();
    for (const key of engine.flagKeys()) {
      assert.deepEqual(all[key], engine.evaluate(key));
      assert.equal(values[key], all[key].value);
    }
  }
  engine.free();
});

function wasmMemoryBytes() {
  return Engine.memoryBytes();
}

/** Every flag's details for `ctx` from an engine that saw no other context. */
function freshEvaluateAll(json, ctx) {
  const fresh = mustLoad(json);
  try {
    fresh.setContext(ctx);
    return fresh.evaluateAll();
  } finally {
    fresh.free();
  }
}

test('evaluateAll and values re-decode only changed flags, yet never answer for an earlier context', () => {
  const engine = mustLoad(GEO);
  const first = { key: 'u-1', attributes: { country: 'NO', plan: 'pro', seats: 12 } };
  const contexts = [first, { key: 'u-2', attributes: { country: 'US' } }, first, first, { key: 'u-1' }, null, first];
  for (let i = 0; i < 300; i++) contexts.push({ key: `user-${i % 37}`, attributes: { country: ['NO', 'US', 'Zürich'][i % 3], plan: i % 5 ? 'pro' : 'free', seats: i % 13 } });
  let previous;
  contexts.forEach((ctx, step) => {
    engine.setContext(ctx);
    // Alternate the order, so that each record is refreshed after the other one moved on.
    let all;
    let values;
    if (step % 2) {
      all = engine.evaluateAll();
      values = engine.values();
    } else {
      values = engine.values();
      all = engine.evaluateAll();
    }
    const expected = ctx === null ? null : freshEvaluateAll(GEO, ctx);
    for (const key of engine.flagKeys()) {
      const want = expected?.[key] ?? { value: null, variation: null, reason: 'ERROR', ruleId: null, errorCode: 'INVALID_CONTEXT' };
      const { flagKey, versionSufficient, dateReached, ...got } = all[key];
      assert.deepEqual(got, { value: want.value, variation: want.variation, reason: want.reason, ruleId: want.ruleId, errorCode: want.errorCode }, `step ${step}: ${key}`);
      assert.equal(values[key], want.value, `step ${step}: ${key}`);
    }
    assert.notEqual(all, previous, 'a new object per call');
    previous = all;
    // What the caller does with a returned record does not reach the next one.
    all.nordic = 'mutated';
    delete values.pro;
  });
  engine.free();
});
