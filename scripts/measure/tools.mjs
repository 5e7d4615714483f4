// Installs a measuring tool from npm into .tools/measure (its own folder, so
// the build's .tools/node_modules stays as setup-toolchain.sh left it) and
// returns the path of the installed package.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

export function npmTool(name, version) {
  const prefix = join(ROOT, '.tools/measure');
  const dir = join(prefix, 'node_modules', name);
  let have = null;
  try { have = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version; } catch { /* none */ }
  if (have !== version) {
    mkdirSync(prefix, { recursive: true });
    if (!existsSync(join(prefix, 'package.json'))) writeFileSync(join(prefix, 'package.json'), '{"private": true}\n');
    console.error(`[measure] installing ${name}@${version} into .tools/measure`);
    execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', '-E', '--prefix', prefix, `${name}@${version}`], { stdio: 'inherit' });
  }
  return dir;
}
