// Runs a real Halyard control plane (the `halyard` binary) for the SDK's
// live-server tests: a throwaway SQLite file, a free port on 127.0.0.1, a known
// admin token, and a stop/start that keeps the data (for recovery tests).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

let built;

/**
 * The path of the `halyard` binary: $HALYARD_BIN, else `cargo build -p
 * control-plane` in cargo's target dir ($CARGO_TARGET_DIR, else the
 * workspace's `target/`; a no-op after `cargo test --workspace`).
 */
export function findHalyardBinary() {
  if (process.env.HALYARD_BIN) return process.env.HALYARD_BIN;
  if (built) return built;
  const result = spawnSync('cargo', ['build', '-p', 'control-plane', '--bin', 'halyard'], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const binary = path.join(process.env.CARGO_TARGET_DIR || path.join(REPO, 'target'), 'debug', 'halyard');
  if (result.status !== 0 || !existsSync(binary)) {
    throw new Error(`cargo build -p control-plane failed (status ${result.status}):\n${result.stderr?.slice(-4000)}`);
  }
  return (built = binary);
}

/** A free TCP port on 127.0.0.1 (bound and released; fine for tests). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a control plane and resolves once /readyz answers 200. The returned
 * handle has `baseUrl`, `adminToken`, `api(method, path, body)` (management
 * API as the super admin; resolves `{ status, body }`), `stop()`, `start()`
 * (same port and database) and `dispose()` (stop and delete the data).
 */
export async function startControlPlane() {
  const binary = findHalyardBinary();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'halyard-sdk-test-'));
  const port = await freePort();
  const adminToken = `test-admin-${Math.random().toString(36).slice(2)}`;
  const baseUrl = `http://127.0.0.1:${port}`;
  let child;
  let log = '';

  async function start() {
    log = '';
    child = spawn(binary, [], {
      cwd: dir,
      env: {
        ...process.env,
        DATABASE_URL: `sqlite://${path.join(dir, 'halyard.db')}?mode=rwc`,
        HALYARD_BIND: `127.0.0.1:${port}`,
        HALYARD_ADMIN_TOKEN: adminToken,
        HALYARD_DEMO: '0',
        HALYARD_SDK_DIR: path.join(REPO, 'sdk-js'), // the playground it serves is this package's
        RUST_LOG: process.env.RUST_LOG ?? 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const append = (chunk) => {
      log = (log + chunk).slice(-20_000);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const code = await Promise.race([exited, new Promise((r) => setTimeout(r, 100, 'waiting'))]);
      if (code !== 'waiting') throw new Error(`halyard exited with ${code} before it was ready:\n${log}`);
      const ok = await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false);
      if (ok) return;
    }
    await stop();
    throw new Error(`halyard was not ready within 30 s:\n${log}`);
  }

  async function stop() {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  }

  async function api(method, urlPath, body) {
    const response = await fetch(`${baseUrl}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  await start();
  return {
    baseUrl,
    port,
    adminToken,
    api,
    start,
    stop,
    log: () => log,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Throws with the response when `response.status` is not one of `expected`. */
function expectStatus(what, response, ...expected) {
  if (!expected.includes(response.status)) {
    throw new Error(`${what}: expected ${expected.join('/')}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body?.data ?? response.body;
}

/**
 * Creates an organization through the management API (its default project
 * `default` and auto-publishing environment `production` come with it) and
 * returns helpers for it: `sdkKey`, `createFlag(body)`, `createBooleanFlag(key)`,
 * `setEnabled(flagKey, enabled)` (auto-publishes a new revision and waits until it is served),
 * `createEvent(key, type)`, `results(flagKey)`, and `get(path)` under the project.
 */
export async function seedOrganization(cp, orgId = `org-${Math.random().toString(36).slice(2, 8)}`) {
  expectStatus('create organization', await cp.api('POST', '/api/orgs', { id: orgId, name: `SDK tests ${orgId}` }), 200, 201);
  const project = `/api/orgs/${orgId}/projects/default`;
  const environments = expectStatus('list environments', await cp.api('GET', `${project}/environments`), 200);
  const production = environments.find((env) => env.key === 'production');
  if (!production) throw new Error(`no production environment in ${JSON.stringify(environments)}`);
  const sdkKey = production.sdkKey;
  return {
    orgId,
    project,
    sdkKey,
    environment: production,
    /** Creates a flag from a contract-004 body (variation values are JSON text). */
    async createFlag(flag) {
      return expectStatus(`create flag ${flag.key}`, await cp.api('POST', `${project}/flags`, { description: 'created by the SDK tests', ...flag }), 200, 201);
    },
    async createBooleanFlag(key) {
      const variations = [
        { name: 'Off', key: 'off', value: 'false' },
        { name: 'On', key: 'on', value: 'true' },
      ];
      return this.createFlag({ name: key, key, type: 'BOOLEAN', variations, defaultVariationKey: 'off' });
    },
    /** Toggles the flag in production, then waits until the served datafile shows it (publishing may lag the write). */
    async setEnabled(flagKey, enabled) {
      const config = expectStatus(`toggle ${flagKey}`, await cp.api('PATCH', `${project}/flags/${flagKey}/envs/production`, { enabled }), 200);
      const deadline = Date.now() + 5_000;
      for (;;) {
        const response = await fetch(`${cp.baseUrl}/api/sdk/datafile/${sdkKey}`);
        const served = response.ok ? (await response.json()).flags.find((f) => f.key === flagKey) : undefined;
        if (served?.enabled === enabled) return config;
        if (Date.now() > deadline) throw new Error(`the datafile did not show ${flagKey} enabled=${enabled} within 5 s (last answer ${response.status})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    /** Creates a project event (`CONVERSION` or `NUMERIC`) that `track` may send. */
    async createEvent(key, type) {
      return expectStatus(`create event ${key}`, await cp.api('POST', `${project}/flag-events`, { name: key, key, description: 'SDK tests', type }), 200, 201);
    },
    /** The flag's production results by variation key: { evaluations, impressions, exposedUsers, events: { [eventKey]: … } }. */
    async results(flagKey) {
      const body = expectStatus(`results of ${flagKey}`, await cp.api('GET', `${project}/flags/${flagKey}/results?environment=production`), 200);
      const [environment] = body.environments;
      return Object.fromEntries(
        (environment?.variations ?? []).map((v) => [v.variation, { ...v, events: Object.fromEntries(v.events.map((e) => [e.eventKey, e])) }]),
      );
    },
    async get(path) {
      return expectStatus(`GET ${path}`, await cp.api('GET', `${project}${path}`), 200);
    },
  };
}
