import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** The folder where the e2e server writes its mail as .eml files (see scripts/e2e-server.sh). */
export function outboxDir(): string {
  const seed = readFileSync(join(__dirname, '..', '.e2e-seed.txt'), 'utf8');
  const m = seed.match(/^OUTBOX_DIR=(.+)$/m);
  if (!m) throw new Error('OUTBOX_DIR missing from end2end/.e2e-seed.txt');
  return m[1].trim();
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  const soft = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Every text part of a MIME message, decoded (base64, quoted-printable or plain). */
export function textOf(raw: string): string {
  const out: string[] = [raw];
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const headers = part.slice(0, split).toLowerCase();
    const body = part.slice(split).trim();
    if (!headers.includes('content-type: text/')) continue;
    if (headers.includes('content-transfer-encoding: base64')) {
      out.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    } else if (headers.includes('content-transfer-encoding: quoted-printable')) {
      out.push(decodeQuotedPrintable(body));
    } else {
      out.push(body);
    }
  }
  return out.join('\n');
}

/** The first link path matching `pattern` in a message to `to`; waits for the outbox worker. */
export async function linkFromEmail(to: string, pattern: RegExp, timeoutMs = 45_000): Promise<string> {
  const dir = outboxDir();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(dir)) {
      const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().reverse();
      for (const f of files) {
        const raw = readFileSync(join(dir, f), 'utf8');
        const head = raw.slice(0, raw.search(/\r?\n\r?\n/));
        if (!head.toLowerCase().includes(to.toLowerCase())) continue;
        const m = textOf(raw).match(pattern);
        if (m) return m[0];
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no email to ${to} matching ${pattern} in ${dir}`);
}

/** How many messages to `to` the outbox holds. */
export function emailsTo(to: string): number {
  const dir = outboxDir();
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .filter((f) => {
      const raw = readFileSync(join(dir, f), 'utf8');
      return raw.slice(0, raw.search(/\r?\n\r?\n/)).toLowerCase().includes(to.toLowerCase());
    }).length;
}
