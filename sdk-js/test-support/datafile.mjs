// Datafiles for the SDK tests: small, valid Datafile v1 documents built in code
// so each test states what it changes.

/** A BOOLEAN flag, on or off, with optional overrides and rules. */
export function booleanFlag(key, { enabled = true, on = true, overrides = [], rules = [] } = {}) {
  return {
    key,
    type: 'BOOLEAN',
    status: 'ACTIVE',
    variations: [
      { key: 'off', value: false },
      { key: 'on', value: true },
    ],
    offVariation: 'off',
    enabled,
    defaultVariation: on ? 'on' : 'off',
    overrides,
    rules,
  };
}

/** A flag of any type whose variations are `values` (keys v0, v1, …), serving `serve` by default. */
export function valueFlag(key, type, values, serve = 0) {
  return {
    key,
    type,
    status: 'ACTIVE',
    variations: values.map((value, i) => ({ key: `v${i}`, value })),
    offVariation: 'v0',
    enabled: true,
    defaultVariation: `v${serve}`,
    overrides: [],
    rules: [],
  };
}

/** A whole datafile around `flags`. */
export function datafile(flags, { revision = 1, audiences = [], events = [] } = {}) {
  return {
    schemaVersion: 1,
    revision,
    publishedAt: '2026-11-21T00:00:00Z',
    environment: { id: 'env_test', key: 'test', production: false },
    flags,
    audiences,
    events,
  };
}

/** The datafile most client tests use: one of each flag type plus a beta-users rule. */
export function sampleDatafile(revision = 1) {
  return datafile(
    [
      booleanFlag('new_checkout', {
        on: false,
        overrides: [{ attribute: 'key', values: ['vip-1'], variation: 'on' }],
        rules: [
          {
            id: 'rule_beta',
            type: 'TARGETED_DELIVERY',
            audiences: ['aud_beta'],
            trafficAllocation: 1,
            variations: [{ variation: 'on', percentage: 1 }],
            hashAttribute: 'userId',
          },
        ],
      }),
      booleanFlag('dark_mode', { enabled: false }),
      valueFlag('banner_text', 'STRING', ['Welcome', 'Hello again'], 1),
      valueFlag('max_items', 'NUMBER', [10, 25], 1),
      valueFlag('theme', 'JSON', [{ color: 'blue' }, { color: 'green', size: 2 }], 1),
    ],
    {
      revision,
      audiences: [{ id: 'aud_beta', name: 'Beta users', conditions: { attribute: 'plan', op: 'eq', value: 'beta' } }],
      events: [{ key: 'purchase', type: 'NUMERIC' }],
    },
  );
}
