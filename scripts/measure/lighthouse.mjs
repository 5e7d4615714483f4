// Lighthouse mobile (simulated throttling, Debian's Chromium) on the pay-link
// page, /login, /invoices and an invoice page: performance and accessibility
// scores, LCP, TBT, bytes transferred. Goal: performance >= 95, accessibility 100.
//
//   node scripts/measure/lighthouse.mjs     (QUITTANCE_BIN, MEASURE_PORT as in bundle.mjs)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, pageTypes } from './lib.mjs';
import { npmTool } from './tools.mjs';

const lighthouse = join(npmTool('lighthouse', '12.2.3'), 'cli/index.js');
const port = Number(process.env.MEASURE_PORT || 3208);
const server = await startServer(port);
const out = mkdtempSync(join(tmpdir(), 'quittance-lighthouse-'));
try {
  const wanted = ['pay link', 'login', 'invoice list', 'invoice page'];
  const pages = (await pageTypes(server)).filter((p) => wanted.includes(p.type));
  console.log(`${'page'.padEnd(14)} ${'perf'.padStart(5)} ${'a11y'.padStart(5)} ${'LCP ms'.padStart(8)} ${'TBT ms'.padStart(7)} ${'TTI ms'.padStart(8)} ${'KB sent'.padStart(8)}`);
  for (const page of pages) {
    const file = join(out, `${page.type.replace(/ /g, '-')}.json`);
    const args = [lighthouse, `${server.base}${page.path}`, '--quiet', '--output=json', `--output-path=${file}`,
      '--form-factor=mobile', '--throttling-method=simulate', '--only-categories=performance,accessibility',
      '--chrome-flags=--headless --no-sandbox --disable-gpu'];
    if (page.cookie) args.push(`--extra-headers=${JSON.stringify({ Cookie: page.cookie })}`);
    execFileSync('node', args, { env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH || '/usr/bin/chromium' }, stdio: ['ignore', 'ignore', 'inherit'] });
    const r = JSON.parse(readFileSync(file, 'utf8'));
    const a = (id) => Math.round(r.audits[id]?.numericValue ?? NaN);
    const score = (c) => Math.round((r.categories[c]?.score ?? NaN) * 100);
    console.log(`${page.type.padEnd(14)} ${String(score('performance')).padStart(5)} ${String(score('accessibility')).padStart(5)} ${String(a('largest-contentful-paint')).padStart(8)} ${String(a('total-blocking-time')).padStart(7)} ${String(a('interactive')).padStart(8)} ${(a('total-byte-weight') / 1000).toFixed(1).padStart(8)}`);
    const failing = Object.values(r.audits).filter((x) => x.scoreDisplayMode === 'binary' && x.score === 0 && r.categories.accessibility.auditRefs.some((ref) => ref.id === x.id));
    for (const f of failing) console.log(`    accessibility: ${f.id}: ${f.title}`);
  }
} finally {
  server.stop();
  rmSync(out, { recursive: true, force: true });
}
