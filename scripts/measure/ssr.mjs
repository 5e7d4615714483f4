// Server-side rendering throughput: requests/s of the pay-link page and of
// /invoices as a ratio to a static file of the same bytes served by the same
// server in the same run, with keep-alive and with `Connection: close`.
// Goal: >= 0.5. Uses wrk (Debian's package, installed when missing).
//
//   node scripts/measure/ssr.mjs     (QUITTANCE_BIN, MEASURE_PORT; SSR_SECONDS per run, default 10)
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startServer, pageTypes, get } from './lib.mjs';

if (spawnSync('sh', ['-c', 'command -v wrk']).status !== 0) {
  console.error('[measure] installing wrk (Debian)');
  execFileSync('sh', ['-c', 'apt-get install -y -qq wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)'], { stdio: 'inherit' });
}
const seconds = Number(process.env.SSR_SECONDS || 10);
const port = Number(process.env.MEASURE_PORT || 3210);
const server = await startServer(port);
const written = [];
function rps(path, headers) {
  const args = ['-t1', '-c16', `-d${seconds}s`, '--latency'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  const out = execFileSync('wrk', [...args, `${server.base}${path}`]).toString();
  const r = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? NaN);
  const errors = out.match(/Non-2xx or 3xx responses: (\d+)|Socket errors:[^\n]*/g) ?? [];
  return { r, errors: errors.join('; ') };
}
try {
  const pages = (await pageTypes(server)).filter((p) => ['pay link', 'invoice list'].includes(p.type));
  console.log(`${'page'.padEnd(14)} ${'connection'.padEnd(11)} ${'SSR req/s'.padStart(10)} ${'static req/s'.padStart(13)} ${'ratio'.padStart(6)}  bytes`);
  for (const page of pages) {
    const res = await get(`${server.base}${page.path}`, { Cookie: page.cookie, Accept: 'text/html' });
    const name = `measure-${page.type.replace(/ /g, '-')}.html`;
    const file = join(ROOT, 'target/site', name);
    writeFileSync(file, res.body);
    written.push(file);
    for (const [label, extra] of [['keep-alive', {}], ['close', { Connection: 'close' }]]) {
      const headers = { Accept: 'text/html', ...(page.cookie ? { Cookie: page.cookie } : {}), ...extra };
      const ssr = rps(page.path, headers);
      const stat = rps(`/${name}`, headers);
      console.log(`${page.type.padEnd(14)} ${label.padEnd(11)} ${ssr.r.toFixed(0).padStart(10)} ${stat.r.toFixed(0).padStart(13)} ${(ssr.r / stat.r).toFixed(2).padStart(6)}  ${res.body.length}${ssr.errors || stat.errors ? `  (${ssr.errors} ${stat.errors})` : ''}`);
    }
  }
} finally {
  for (const f of written) rmSync(f, { force: true });
  server.stop();
}
