// What a browser downloads on the first load of each page type, compressed as
// the server sends it (Accept-Encoding: br, gzip), from the built site and server.
//
//   node scripts/measure/bundle.mjs           print the figures
//   node scripts/measure/bundle.mjs --check   also enforce the budgets (make test):
//       JS + wasm of the pay-link page <= 100 KB brotli, of any page <= 150 KB;
//       CSS <= 25 KB brotli (KB = 1,000 bytes)
//
// QUITTANCE_BIN picks the server binary (default: release, else dev build);
// MEASURE_PORT the port (default 3207).
import { startServer, pageTypes, get, text, assetsOf, importsOf } from './lib.mjs';

const BUDGET = { payLink: 100_000, anyPage: 150_000, css: 25_000 };
const check = process.argv.includes('--check');
const port = Number(process.env.MEASURE_PORT || 3207);

const server = await startServer(port);
let failed = [];
try {
  const pages = await pageTypes(server);
  const sizes = new Map(); // url -> { br, gzip, raw }
  async function size(url) {
    if (!sizes.has(url)) {
      const br = await get(`${server.base}${url}`, { 'Accept-Encoding': 'br' });
      if (br.status !== 200) throw new Error(`${url}: ${br.status}`);
      const gz = await get(`${server.base}${url}`, { 'Accept-Encoding': 'gzip' });
      const raw = await get(`${server.base}${url}`);
      sizes.set(url, { br: br.body.length, gzip: gz.body.length, raw: raw.body.length, brEncoded: br.headers['content-encoding'] === 'br', js: url.endsWith('.js') ? raw.body.toString('utf8') : null });
    }
    return sizes.get(url);
  }
  const kb = (n) => (n / 1000).toFixed(1).padStart(8);
  console.log('first load, bytes as sent (KB = 1,000 bytes)');
  console.log(`${'page type'.padEnd(24)} ${'html br'.padStart(8)} ${'js+wasm br'.padStart(10)} ${'js+wasm gz'.padStart(10)} ${'css br'.padStart(8)}  files`);
  for (const page of pages) {
    const res = await get(`${server.base}${page.path}`, { Cookie: page.cookie, Accept: 'text/html', 'Accept-Encoding': 'br' });
    if (res.status !== 200) throw new Error(`${page.type} ${page.path}: ${res.status}`);
    const queue = assetsOf(text(res));
    const seen = new Set();
    let code = { br: 0, gzip: 0 }, css = { br: 0 };
    while (queue.length) {
      const url = queue.shift();
      if (seen.has(url)) continue;
      seen.add(url);
      const s = await size(url);
      if (!s.brEncoded) failed.push(`${url} is not sent as brotli`);
      if (url.endsWith('.css')) css.br += s.br;
      else { code.br += s.br; code.gzip += s.gzip; }
      if (s.js) queue.push(...importsOf(s.js, url));
    }
    page.code = code.br;
    page.css = css.br;
    console.log(`${page.type.padEnd(24)} ${kb(res.body.length)} ${kb(code.br).padStart(10)} ${kb(code.gzip).padStart(10)} ${kb(css.br)}  ${[...seen].map((u) => u.split('/').pop()).join(' ')}`);
  }
  const pay = pages.find((p) => p.type === 'pay link');
  if (pay.code > BUDGET.payLink) failed.push(`pay link: JS + wasm ${pay.code} bytes brotli > ${BUDGET.payLink}`);
  for (const p of pages) {
    if (p.code > BUDGET.anyPage) failed.push(`${p.type}: JS + wasm ${p.code} bytes brotli > ${BUDGET.anyPage}`);
    if (p.css > BUDGET.css) failed.push(`${p.type}: CSS ${p.css} bytes brotli > ${BUDGET.css}`);
  }
  console.log(`budgets: pay link JS + wasm <= ${BUDGET.payLink / 1000} KB, any page <= ${BUDGET.anyPage / 1000} KB, CSS <= ${BUDGET.css / 1000} KB (brotli)`);
} finally {
  server.stop();
}
if (failed.length) {
  for (const f of failed) console.log(`OVER BUDGET: ${f}`);
  if (check) process.exit(1);
} else {
  console.log('within budget');
}
