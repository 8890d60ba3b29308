// Compiled (not run) by test/types.test.mjs: the public .d.ts files must let a
// TypeScript user write this without a cast, and must reject the last lines.
import { createClient, HalyardError, type ChangeEvent, type Context, type Evaluation } from '@halyard/sdk';
import { createClient as createEdgeClient } from '@halyard/sdk/edge';
import { HalyardProvider } from '@halyard/sdk/openfeature';

const context: Context = { key: 'u', appVersion: '1.0.0', attributes: { plan: 'beta', seats: 3, trial: false } };
const client = createClient({ sdkKey: 'k', baseUrl: 'https://flags.example.com', context, stream: true, pollIntervalMs: 5_000 });
const on: boolean = client.isEnabled('x');
const text: string = client.stringVariation('x', 'd');
const count: number = client.numberVariation('x', 1);
const theme: { color: string } = client.jsonVariation('x', { color: 'blue' });
const details: Evaluation = client.evaluate('x', false, 'boolean');
const reason: 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT' | 'DISABLED' | 'ERROR' | 'OVERRIDE' | 'SCHEDULED' | 'ROLLOUT_CONDITION' = details.reason;
const off: () => void = client.on('change', (change: ChangeEvent) => change.flagKeys.join());
client.on('error', (error: HalyardError) => error.kind);
const ready: Promise<void> = client.ready(1_000);
const edge = createEdgeClient({ wasm: new Uint8Array(), datafile: {} });
const provider = new HalyardProvider(edge);
void [on, text, count, theme, reason, off, ready, provider, client.evaluateAll(), client.stats().droppedEvents, client.flush(), client.close()];

// @ts-expect-error the edge entry needs the engine module
createEdgeClient({ datafile: {} });
// @ts-expect-error no such event
client.on('changed', () => undefined);
// @ts-expect-error typed getters take a default of their type
client.booleanVariation('x', 'yes');
