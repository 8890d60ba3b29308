// Halyard in the peer benchmark (../shared/bench/peers): the adapter contract is
// documented in that harness's README and at the top of its bench.mjs.
//   cd ../shared/bench/peers && node bench.mjs --adapter <this file> --only halyard,flagd
// Uses this checkout's built SDK (npm run build first), fully offline: the
// datafile string is the payload, and the .wasm is read from dist/.
import { fileURLToPath } from 'node:url';

const DIST = new URL('../dist/', import.meta.url);
const KEY = 'checkout_v2';
const ON = [{ variation: 'on', percentage: 1 }];

let sdk;
let engine;

/** The workload's flag spec as a Halyard datafile: each spec clause becomes a rule, first match wins. */
export function buildDatafile(spec) {
  const audiences = [];
  const rule = (flag, suffix, audience, trafficAllocation) => ({
    id: `${flag.key}-${suffix}`, type: 'TARGETED_DELIVERY', audiences: audience ? [audience] : [],
    trafficAllocation, variations: ON, hashAttribute: 'userId',
  });
  const flags = spec.flags.map((fl) => {
    const rules = [];
    if (fl.countries) {
      audiences.push({ id: `${fl.key}-geo`, name: `${fl.key} countries`, conditions: { attribute: 'country', op: 'in', values: fl.countries } });
      rules.push(rule(fl, 'geo', `${fl.key}-geo`, 1));
    }
    if (fl.minVersion) {
      audiences.push({ id: `${fl.key}-version`, name: `${fl.key} app version`, conditions: { attribute: 'appVersion', op: 'semverGte', value: fl.minVersion } });
      rules.push(rule(fl, 'version', `${fl.key}-version`, 1));
    }
    if (fl.rolloutPct != null) rules.push(rule(fl, 'rollout', null, fl.rolloutPct / 100));
    return {
      key: fl.key, type: 'BOOLEAN', status: 'ACTIVE', enabled: true,
      variations: [{ key: 'on', value: true }, { key: 'off', value: false }],
      offVariation: 'off', defaultVariation: fl.staticValue ? 'on' : 'off', overrides: [], rules,
    };
  });
  return {
    schemaVersion: 1, revision: 1, publishedAt: '2026-11-21T00:00:00Z',
    environment: { id: 'env_bench', key: 'production', production: true }, flags, audiences, events: [],
  };
}

/** The workload's `{ userId, country, app_version }` as a Halyard context (userId falls back to key). */
export const toContext = (ctx) => ({ key: ctx.userId, appVersion: ctx.app_version, attributes: { country: ctx.country } });

export default {
  name: 'halyard',
  packages: [], // the SDK is this checkout's build, not an installed package
  engine: 'Rust -> WASM (wasm-bindgen, evaluator-core)',
  boundary: 'context copied once into linear-memory slots; flag index in, packed i32 out',
  supportsSemver: true,

  buildPayload(spec) {
    return JSON.stringify(buildDatafile(spec));
  },

  async load() {
    sdk = await import(new URL('engine.js', DIST).href);
  },

  async init(payload) {
    await sdk.initWasm();
    const loaded = sdk.Engine.load(payload);
    if (!(loaded instanceof sdk.Engine)) throw new Error(`datafile rejected: ${loaded.error}`);
    engine = loaded;
  },

  evalOne(ctx) {
    engine.setContext(toContext(ctx));
    return engine.isEnabled(KEY);
  },

  evalFlag(key, ctx) {
    engine.setContext(toContext(ctx));
    return engine.isEnabled(key);
  },

  evalAll(ctx) {
    engine.setContext(toContext(ctx));
    return engine.evaluateAll();
  },

  readAll(result) {
    return Object.fromEntries(Object.entries(result).map(([key, details]) => [key, details.value]));
  },

  wasmMemoryBytes() {
    return sdk.Engine.memoryBytes();
  },

  sizes() {
    const file = (p) => fileURLToPath(new URL(p, DIST));
    return {
      wasm: [{ label: 'dist/wasm/evaluator_wasm_bg.wasm', path: file('wasm/evaluator_wasm_bg.wasm') }],
      files: [
        { label: 'dist/engine.js (engine + wasm-bindgen glue, one bundle)', path: file('engine.js') },
      ],
      bundle: { label: 'esbuild: { Engine, initWasm } (+ .wasm above)', contents: `export { Engine, initWasm } from '${file('engine.js')}';` },
    };
  },

  close() {
    engine?.free();
  },
};
