// The Nu Html Checker (npm vnu-jar, Java) over each page type: error counts
// per page, and the messages grouped, so what is ours and what is Leptos's
// can be told apart.
//
//   node scripts/measure/vnu.mjs     (QUITTANCE_BIN, MEASURE_PORT as in bundle.mjs)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, pageTypes, get, text } from './lib.mjs';
import { npmTool } from './tools.mjs';

const jar = join(npmTool('vnu-jar', '26.9.27'), 'build/dist/vnu.jar');
const port = Number(process.env.MEASURE_PORT || 3209);
const server = await startServer(port);
const out = mkdtempSync(join(tmpdir(), 'quittance-vnu-'));
try {
  const pages = await pageTypes(server);
  const files = [];
  for (const page of pages) {
    const res = await get(`${server.base}${page.path}`, { Cookie: page.cookie, Accept: 'text/html' });
    const file = join(out, `${page.type.replace(/ /g, '-')}.html`);
    writeFileSync(file, text(res));
    files.push([page.type, file]);
  }
  const run = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', ...files.map((f) => f[1])], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const messages = JSON.parse(run.stderr || run.stdout || '{"messages": []}').messages.filter((m) => m.type === 'error');
  let total = 0;
  const kinds = new Map();
  for (const [type, file] of files) {
    const mine = messages.filter((m) => m.url?.endsWith(file.split('/').pop()));
    total += mine.length;
    console.log(`${type.padEnd(24)} ${String(mine.length).padStart(4)} errors`);
    for (const m of mine) {
      const key = m.message.replace(/“[^”]{16,}”/g, '“…”').slice(0, 110);
      kinds.set(key, (kinds.get(key) || 0) + 1);
    }
  }
  console.log(`all pages: ${total} errors`);
  for (const [k, n] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(4)}  ${k}`);
} finally {
  server.stop();
  rmSync(out, { recursive: true, force: true });
}
