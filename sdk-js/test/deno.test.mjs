// The default entry in Deno (npm `deno`): the engine loaded from the package,
// evaluation from a bootstrap datafile, and live updates from a running
// control plane over the SSE stream.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedOrganization, startControlPlane } from '../test-support/control-plane.mjs';
import { sampleDatafile } from '../test-support/datafile.mjs';

const SDK = fileURLToPath(new URL('..', import.meta.url));
const DENO = path.join(SDK, 'node_modules', '.bin', 'deno');
const SCRIPT = path.join(SDK, 'test-support', 'deno', 'client.mjs');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'halyard-deno-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the Deno script with only the permissions it needs; calls `onLine` with each JSON line. */
function runDeno(args, permissions, onLine = () => {}) {
  const child = spawn(DENO, ['run', '--no-prompt', ...permissions, SCRIPT, ...args], {
    env: { ...process.env, DENO_DIR: path.join(scratch, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  let stderr = '';
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      onLine(line);
    }
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, lines, stderr })));
}

test('Deno evaluates a bootstrap datafile with no network permission', async () => {
  const file = path.join(scratch, 'datafile.json');
  writeFileSync(file, JSON.stringify(sampleDatafile(4)));
  const { code, lines, stderr } = await runDeno(['bootstrap', file], [`--allow-read=${SDK},${file}`]);
  assert.equal(code, 0, stderr);
  const [ready] = lines;
  assert.match(ready.runtime, /^deno 2\./);
  assert.equal(ready.revision, 4);
  assert.equal(ready.all.new_checkout.reason, 'TARGETING_MATCH');
  assert.equal(ready.all.theme.value.color, 'green');
});

test('Deno follows a toggle on a running control plane through the stream', async () => {
  const cp = await startControlPlane();
  try {
    const org = await seedOrganization(cp);
    await org.createBooleanFlag('deno_flag');
    await org.setEnabled('deno_flag', false);
    const run = runDeno(['live', cp.baseUrl, org.sdkKey, 'deno_flag'], [`--allow-read=${SDK}`, `--allow-net=127.0.0.1:${cp.port}`], (line) => {
      if (line.phase === 'ready') org.setEnabled('deno_flag', true).catch((error) => console.error(error));
    });
    const { code, lines, stderr } = await run;
    assert.equal(code, 0, stderr);
    assert.equal(lines[0].value, false);
    assert.ok(lines[1].change?.flagKeys.includes('deno_flag'), JSON.stringify(lines[1]));
    assert.equal(lines[1].value, true);
  } finally {
    await cp.dispose();
  }
});
