// An HTTP proxy in front of the real control plane that records what passes
// and can damage datafile responses the way a broken CDN or a captive portal
// does. The control plane never publishes an invalid datafile, so this is how
// the tests get one.
import { createServer, request as httpRequest } from 'node:http';

/**
 * Starts the proxy on a free 127.0.0.1 port, forwarding to `upstream`
 * (http://host:port). `proxy.mode` decides what happens to 200 datafile
 * responses: 'pass' (default), 'html' (a captive-portal page, no ETag) or
 * 'schema' (valid JSON of an unknown schemaVersion, upstream ETag kept).
 * Everything else, streams included, passes through untouched.
 * `proxy.requests` lists { method, path, contentType, ifNoneMatch, fetchMode, body, status } of every
 * request (body for POSTs only).
 */
export async function startFaultProxy(upstream) {
  const target = new URL(upstream);
  const proxy = { mode: 'pass', damaged: 0, requests: [] };
  const server = createServer((req, res) => {
    const record = {
      method: req.method,
      path: req.url,
      contentType: req.headers['content-type'] ?? null,
      ifNoneMatch: req.headers['if-none-match'] ?? null,
      fetchMode: req.headers['sec-fetch-mode'] ?? null,
      body: null,
      status: null,
    };
    proxy.requests.push(record);
    if (req.method === 'POST') {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => (record.body = Buffer.concat(chunks).toString('utf8')));
    }
    const forward = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host, 'accept-encoding': 'identity' } },
      (upstreamRes) => {
        record.status = upstreamRes.statusCode;
        const damage = proxy.mode !== 'pass' && req.url.startsWith('/api/sdk/datafile/') && upstreamRes.statusCode === 200;
        if (!damage) {
          res.writeHead(upstreamRes.statusCode, upstreamRes.headers);
          upstreamRes.pipe(res);
          return;
        }
        const chunks = [];
        upstreamRes.on('data', (chunk) => chunks.push(chunk));
        upstreamRes.on('end', () => {
          proxy.damaged++;
          const headers = { ...upstreamRes.headers };
          delete headers['content-length'];
          let body;
          if (proxy.mode === 'html') {
            delete headers.etag;
            headers['content-type'] = 'text/html';
            body = '<html><body>Please log in to the guest Wi-Fi</body></html>';
          } else {
            body = JSON.stringify({ ...JSON.parse(Buffer.concat(chunks).toString('utf8')), schemaVersion: 99 });
          }
          res.writeHead(200, headers);
          res.end(body);
        });
      },
    );
    forward.on('error', () => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"error":"upstream unreachable"}');
    });
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.baseUrl = `http://127.0.0.1:${server.address().port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    });
  return proxy;
}
