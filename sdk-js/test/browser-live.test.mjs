// Headless Chromium against a running control plane: a cross-origin test
// page (so CORS is exercised) and the playground the control plane serves at
// /playground react to a toggle made through the management API, and events
// leave the page with sendBeacon when it is hidden.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser } from '../test-support/browser.mjs';
import { seedOrganization, startControlPlane } from '../test-support/control-plane.mjs';
import { startFaultProxy } from '../test-support/fault-proxy.mjs';
import { waitFor } from '../test-support/wait.mjs';

let cp;
let org;

before(async () => {
  cp = await startControlPlane();
  org = await seedOrganization(cp);
  for (const key of ['page_flag', 'poll_page_flag', 'offline_flag', 'playground_flag', 'beacon_flag']) await org.createBooleanFlag(key);
  await org.createEvent('purchase', 'NUMERIC');
  await org.setEnabled('beacon_flag', true);
});

after(() => cp?.dispose());

test('a page reacts to a toggle through the stream', async () => {
  await withBrowser(async ({ page, origin, pageErrors }) => {
    const query = new URLSearchParams({ baseUrl: cp.baseUrl, sdkKey: org.sdkKey, context: JSON.stringify({ key: 'browser-user' }) });
    await page.goto(`${origin}/pages/flags.html?${query}`);
    await page.waitForFunction(() => document.getElementById('out').dataset.revision);
    const before = JSON.parse(await page.textContent('#out'));
    assert.equal(before.values.page_flag, false);
    await page.waitForTimeout(300); // the stream's first event
    await org.setEnabled('page_flag', true);
    await page.waitForFunction(() => JSON.parse(document.getElementById('out').textContent).values?.page_flag === true, null, { timeout: 5_000 });
    const after = JSON.parse(await page.textContent('#out'));
    assert.ok(after.revision > before.revision);
    assert.deepEqual(await page.evaluate(() => window.halyardErrors), []);
    assert.deepEqual(pageErrors, []);
  });
});

test('a page polls through the browser cache: 304s, no CORS preflight, then the toggle', async () => {
  const proxy = await startFaultProxy(cp.baseUrl);
  try {
    await withBrowser(async ({ page, origin }) => {
      const query = new URLSearchParams({ baseUrl: proxy.baseUrl, sdkKey: org.sdkKey, stream: '0', poll: '200' });
      await page.goto(`${origin}/pages/flags.html?${query}`);
      await page.waitForFunction(() => document.getElementById('out').dataset.revision);
      const polls = () => proxy.requests.filter((r) => r.path.startsWith('/api/sdk/datafile/'));
      await waitFor(() => polls().filter((r) => r.status === 304).length >= 2, { message: 'two 304 polls' });
      assert.equal(polls()[0].ifNoneMatch, null);
      assert.ok(polls().slice(1).every((r) => r.ifNoneMatch !== null), 'the browser revalidates with its cached ETag');
      assert.ok(!polls().some((r) => r.method === 'OPTIONS'), 'no preflight for the datafile');
      await org.setEnabled('poll_page_flag', true);
      await page.waitForFunction(() => JSON.parse(document.getElementById('out').textContent).values?.poll_page_flag === true, null, { timeout: 5_000 });
    });
  } finally {
    await proxy.close();
  }
});

test('offline, a page keeps the last good values; back online, it fetches at once', async () => {
  await withBrowser(async ({ page, context, origin }) => {
    const query = new URLSearchParams({ baseUrl: cp.baseUrl, sdkKey: org.sdkKey, stream: '0', poll: '600000' });
    await page.goto(`${origin}/pages/flags.html?${query}`);
    await page.waitForFunction(() => document.getElementById('out').dataset.revision);
    await context.setOffline(true);
    await org.setEnabled('offline_flag', true);
    const offline = await page.evaluate(() => window.halyard.evaluate('offline_flag'));
    assert.deepEqual([offline.value, offline.reason], [false, 'DISABLED'], 'the last good datafile answers');
    await context.setOffline(false);
    // The next poll is ten minutes away: only the online event can bring the change this soon.
    await page.waitForFunction(() => JSON.parse(document.getElementById('out').textContent).values?.offline_flag === true, null, { timeout: 5_000 });
  });
});

test('the playground served by the control plane lists every flag and updates live', async () => {
  await withBrowser(async ({ page, pageErrors }) => {
    await page.goto(`${cp.baseUrl}/playground?sdkKey=${org.sdkKey}`);
    const row = (flag) => `tr[data-flag="${flag}"]`;
    await page.waitForSelector(row('playground_flag'));
    assert.equal(await page.textContent(`${row('playground_flag')} td[data-col="value"]`), 'false');
    assert.equal(await page.textContent(`${row('playground_flag')} td[data-col="reason"]`), 'DISABLED');
    await page.waitForTimeout(300);
    await org.setEnabled('playground_flag', true);
    await page.waitForFunction(
      (selector) => document.querySelector(selector)?.textContent === 'true',
      `${row('playground_flag')} td[data-col="value"]`,
      { timeout: 5_000 },
    );
    assert.equal(await page.textContent(`${row('playground_flag')} td[data-col="reason"]`), 'DEFAULT');
    assert.match(await page.textContent('#status'), /revision \d+/);
    await page.fill('#context', '{ not json');
    assert.equal(await page.getAttribute('#context', 'class'), 'invalid');
    await page.fill('#context', '{ "key": "someone-else" }');
    assert.equal(await page.getAttribute('#context', 'class'), '');
    assert.equal(await page.textContent(`${row('playground_flag')} td[data-col="value"]`), 'true');
    assert.deepEqual(pageErrors, []);
  });
});

test('queued events leave with sendBeacon (text/plain, no preflight) when the page is hidden', async () => {
  // The page talks to the control plane through a recording proxy, which sees what the browser sent.
  const proxy = await startFaultProxy(cp.baseUrl);
  try {
    await withBrowser(async ({ page, origin }) => {
      const query = new URLSearchParams({ baseUrl: proxy.baseUrl, sdkKey: org.sdkKey, context: JSON.stringify({ key: 'beacon-user' }) });
      await page.goto(`${origin}/pages/flags.html?${query}`);
      await page.waitForFunction(() => document.getElementById('out').dataset.revision);
      await page.evaluate(() => {
        window.halyard.isEnabled('beacon_flag');
        window.halyard.track('purchase', 3);
      });
      const events = () => proxy.requests.filter((r) => r.path === '/api/sdk/events');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(events().length, 0, 'nothing is sent before the page is hidden (flushIntervalMs: 0)');
      await page.goto('about:blank');
      const [beacon] = await waitFor(() => events().length > 0 && events()[0].status !== null && events(), { message: 'the beacon' });
      assert.equal(beacon.method, 'POST');
      assert.match(beacon.contentType, /^text\/plain/);
      assert.equal(beacon.fetchMode, 'no-cors', 'sent by navigator.sendBeacon, not the fetch fallback');
      assert.equal(beacon.status, 202, 'the control plane accepted the batch');
      const body = JSON.parse(beacon.body);
      assert.equal(body.sdkKey, org.sdkKey);
      assert.deepEqual(
        body.events.map((e) => [e.type, e.flagKey ?? e.eventKey]),
        [
          ['impression', 'beacon_flag'],
          ['custom', 'purchase'],
          ['summary', 'beacon_flag'],
        ],
      );
      assert.ok(!proxy.requests.some((r) => r.method === 'OPTIONS' && r.path === '/api/sdk/events'), 'no CORS preflight for events');
      const { on } = await org.results('beacon_flag');
      assert.deepEqual([on.impressions, on.evaluations, on.events.purchase.conversions], [1, 1, 1]);
    });
  } finally {
    await proxy.close();
  }
});
