// Compiles apps/, libs/ and bench/ with SWC (decorator metadata on, path aliases rewritten) into dist/,
// then writes dist/apps/<app>/main.js entry points so each service runs as `node dist/apps/<app>/main.js`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const swc = join(root, 'node_modules', '.bin', 'swc');
execFileSync(
  swc,
  [
    'apps',
    'libs',
    'bench',
    '-d',
    dist,
    '--config-file',
    '.swcrc',
    '--ignore',
    '**/*.spec.ts,**/*.medium-spec.ts,apps/care-web/**',
    '--quiet',
  ],
  { cwd: root, stdio: 'inherit' },
);
for (const app of readdirSync(join(root, 'apps'))) {
  if (!existsSync(join(root, 'apps', app, 'src', 'main.ts'))) continue;
  mkdirSync(join(dist, 'apps', app), { recursive: true });
  writeFileSync(join(dist, 'apps', app, 'main.js'), `require('./src/main.js');\n`);
}
// The Care app screens (React), served by the gateway under /app.
execFileSync(
  join(root, 'node_modules', '.bin', 'vite'),
  ['build', '--config', 'apps/care-web/vite.config.mts', '--logLevel', 'error'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.stdout.write('build: dist/ ready\n');
