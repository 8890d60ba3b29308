// Headless Chromium for the browser tests: the Debian package driven by
// playwright-core (never Playwright's own browser download).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './static-server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SDK = fileURLToPath(new URL('..', import.meta.url));

/**
 * Serves the SDK's dist/ at /dist/ and the test pages at /pages/ plus `extraMounts`, opens
 * Chromium, and calls `fn({ page, origin })`; cleans everything up after.
 */
export async function withBrowser(fn, extraMounts = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const { chromium } = await import('playwright-core');
  const server = await serveStatic({
    '/dist/': path.join(SDK, 'dist'),
    '/pages/': path.join(SDK, 'test-support', 'pages'),
    ...extraMounts,
  });
  const profile = mkdtempSync(path.join(os.tmpdir(), 'halyard-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await fn({ page, origin: server.origin, context, pageErrors });
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
