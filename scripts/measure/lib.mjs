// Shared by the measuring scripts: start the built server on a fresh SQLite
// database with the demo data, sign in, and find one URL of each page type.
// Node's own modules only (no install needed).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import http from 'node:http';
import zlib from 'node:zlib';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);

/// The server binary: QUITTANCE_BIN, else the release build, else the dev build.
export function serverBinary() {
  if (process.env.QUITTANCE_BIN) return resolve(process.env.QUITTANCE_BIN);
  for (const p of ['target/release/quittance', 'target/debug/quittance']) {
    try {
      execFileSync('test', ['-x', join(ROOT, p)]);
      return join(ROOT, p);
    } catch { /* next */ }
  }
  throw new Error('no server binary: run scripts/build-site.sh first');
}

/// A raw GET (no automatic decompression): status, headers, the bytes as sent.
export function get(url, headers = {}) {
  return new Promise((ok, fail) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${url}`)));
  });
}

/// The body as text, decoded if the server compressed it.
export function text(res) {
  const enc = res.headers['content-encoding'];
  if (enc === 'br') return zlib.brotliDecompressSync(res.body).toString('utf8');
  if (enc === 'gzip') return zlib.gunzipSync(res.body).toString('utf8');
  return res.body.toString('utf8');
}

function post(url, form, headers) {
  const body = new URLSearchParams(form).toString();
  return new Promise((ok, fail) => {
    const req = http.request(url, {
      method: 'POST',
      agent: false,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), ...headers },
    }, (res) => { res.resume(); res.on('end', () => ok({ status: res.statusCode, headers: res.headers })); });
    req.on('error', fail);
    req.end(body);
  });
}

/// Starts the server on `port` with a fresh seeded database; resolves when it answers.
export async function startServer(port, { env = {} } = {}) {
  const bin = serverBinary();
  const dir = mkdtempSync(join(tmpdir(), 'quittance-measure-'));
  const base = `http://127.0.0.1:${port}`;
  const serverEnv = {
    ...process.env,
    DATABASE_URL: `sqlite://${dir}/measure.db`,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: join(ROOT, 'target/site'),
    LEPTOS_SITE_PKG_DIR: 'pkg',
    LEPTOS_OUTPUT_NAME: 'quittance',
    LEPTOS_ENV: 'PROD',
    PUBLIC_BASE_URL: base,
    OUTBOX_DIR: join(dir, 'outbox'),
    RUST_LOG: process.env.RUST_LOG || 'warn',
    RUST_MIN_STACK: '8388608',
    ...env,
  };
  delete serverEnv.SMTP_URL;
  const seeded = execFileSync(bin, ['seed-demo', '--if-empty'], { cwd: ROOT, env: serverEnv }).toString();
  const payLinks = [...seeded.matchAll(/\/pay\/([A-Za-z0-9_-]+)/g)].map((m) => `/pay/${m[1]}`);
  const child = spawn(bin, ['serve'], { cwd: ROOT, env: serverEnv, stdio: ['ignore', 'inherit', 'inherit'] });
  const stop = () => { child.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); };
  process.on('exit', () => child.kill('SIGTERM'));
  for (let i = 0; i < 300; i++) {
    try {
      if ((await get(`${base}/healthz`)).status === 200) return { base, payLinks, stop, pid: child.pid };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  stop();
  throw new Error('the server did not start');
}

/// Signs in with a demo login; returns the Cookie header value.
export async function login(base, email, password) {
  const res = await post(`${base}/api/login`, { email, password, next: '' }, { Accept: 'text/html', Origin: base });
  const cookies = (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]);
  if (!cookies.length) throw new Error(`login ${email} failed (${res.status})`);
  return cookies.join('; ');
}

async function firstLink(base, path, cookie, pattern) {
  const res = await get(`${base}${path}`, { Cookie: cookie, Accept: 'text/html' });
  const m = text(res).match(pattern);
  if (!m) throw new Error(`no link matching ${pattern} on ${path}`);
  return m[0];
}

/// One URL of each page type, with the cookie it is loaded with.
export async function pageTypes(server) {
  const { base, payLinks } = server;
  const customer = await login(base, 'client@demo.test', 'client-demo-1');
  const staff = await login(base, 'agent@demo.test', 'agent-demo-1');
  const invoice = await firstLink(base, '/invoices', customer, /\/invoices\/[^"\/?]+(?=")/);
  const dispute = await firstLink(base, '/disputes', customer, /\/disputes\/\d+(?=")/);
  const staffDispute = await firstLink(base, '/staff/disputes', staff, /\/staff\/disputes\/\d+(?=")/);
  const staffInvoice = await firstLink(base, '/staff/invoices', staff, /\/staff\/invoices\/\d+(?=")/);
  const draft = await firstLink(base, '/staff/invoices?status=draft', staff, /\/staff\/invoices\/\d+(\/edit)?(?=")/)
    .then((p) => (p.endsWith('/edit') ? p : `${p}/edit`));
  return [
    { type: 'pay link', path: payLinks[0], cookie: '' },
    { type: 'login', path: '/login', cookie: '' },
    { type: 'invoice list', path: '/invoices', cookie: customer },
    { type: 'invoice page', path: invoice, cookie: customer },
    { type: 'customer dispute thread', path: dispute, cookie: customer },
    { type: 'staff invoice', path: staffInvoice, cookie: staff },
    { type: 'staff dispute thread', path: staffDispute, cookie: staff },
    { type: 'draft editor', path: draft, cookie: staff },
  ];
}

/// The scripts, wasm and stylesheets a page makes the browser fetch on first load.
export function assetsOf(html) {
  const urls = new Set();
  for (const m of html.matchAll(/<link\b[^>]*>/g)) {
    const tag = m[0];
    const href = tag.match(/href="([^"]+)"/)?.[1];
    if (href && /rel="(modulepreload|preload|stylesheet)"/.test(tag)) urls.add(href);
  }
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) urls.add(m[1]);
  // The hydration script imports the JS glue and loads the wasm by name.
  for (const m of html.matchAll(/"(\/?[\w/.-]+\.(?:js|wasm))"/g)) if (m[1].includes('/pkg/')) urls.add(m[1]);
  return [...urls].filter((u) => u.startsWith('/'));
}

/// JS imports of a module (relative ones, e.g. wasm-bindgen's snippets).
export function importsOf(js, from) {
  const out = [];
  for (const m of js.matchAll(/(?:import|from)\s*\(?\s*['"](\.{1,2}\/[^'"]+\.js)['"]/g)) {
    out.push(new URL(m[1], `http://x${from}`).pathname);
  }
  return out;
}
