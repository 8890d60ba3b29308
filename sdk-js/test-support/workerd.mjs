// Runs test-support/edge/worker.mjs in workerd (npm `workerd`): copies the
// worker and the package's dist/ into a temporary directory, writes a
// config.capnp that registers every module by its import specifier and the
// .wasm as a compiled module, and serves it on a free 127.0.0.1 port.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './control-plane.mjs';

const SDK = fileURLToPath(new URL('..', import.meta.url));
const WORKERD = path.join(SDK, 'node_modules', '.bin', 'workerd');

/** Every ES module of dist/ by its path; the OpenFeature entry is left out (it needs an npm package). */
function distModules(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return distModules(path.join(dir, entry.name), `${prefix}${entry.name}/`);
    return entry.name.endsWith('.js') && entry.name !== 'openfeature.js' ? [`${prefix}${entry.name}`] : [];
  });
}

/**
 * Starts workerd running `worker` (a path; default the test worker) with
 * `text` bindings and DATAFILE (JSON). The package's modules are registered
 * under the names a worker imports, as a bundler would resolve them:
 * `@halyard/sdk/edge` and `@halyard/sdk/evaluator.wasm` (a compiled module).
 * Resolves { origin, stop(), log() } once it answers HTTP.
 */
export async function startWorker({ worker = path.join(SDK, 'test-support', 'edge', 'worker.mjs'), datafile = {}, text = {} }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'halyard-workerd-'));
  cpSync(path.join(SDK, 'dist'), path.join(dir, 'dist'), { recursive: true });
  cpSync(worker, path.join(dir, 'worker.mjs'));
  writeFileSync(path.join(dir, 'datafile.json'), JSON.stringify(datafile));
  const port = await freePort();
  const modules = [
    '(name = "worker.mjs", esModule = embed "worker.mjs")',
    ...distModules(path.join(dir, 'dist')).map((file) => `(name = "@halyard/sdk/${file === 'edge.js' ? 'edge' : file}", esModule = embed "dist/${file}")`),
    '(name = "@halyard/sdk/evaluator.wasm", wasm = embed "dist/wasm/evaluator_wasm_bg.wasm")',
  ];
  const bindings = [
    '(name = "DATAFILE", json = embed "datafile.json")',
    ...Object.entries(text).map(([name, value]) => `(name = "${name}", text = ${JSON.stringify(value)})`),
  ];
  writeFileSync(
    path.join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The control plane under test listens on loopback, which workers may not reach by default.
    (name = "loopback", network = (allow = ["public", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  bindings = [
    ${bindings.join(',\n    ')}
  ],
  globalOutbound = "loopback",
  compatibilityDate = "2025-01-01",
);
`,
  );
  const child = spawn(WORKERD, ['serve', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await fetch(`${origin}/health`).then(() => true, () => false)) return { origin, stop, log: () => log };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`workerd did not start:\n${log}`);
}
