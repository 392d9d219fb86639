// `npm run bench -- <name>`: runs the compiled benchmark dist/bench/<name>.js (npm run bench builds first).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const BENCHMARKS = {
  push: 'push.js',
  floor: 'floor.js',
  import: 'import.js',
  parse: 'parse.js',
  mllp: 'mllp.js',
  validation: 'validation.js',
  siu: 'siu.js',
  abuse: 'abuse.js',
  retention: 'retention.js',
};
const name = process.argv[2];
if (!name || !BENCHMARKS[name]) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}>\n`);
  process.exit(2);
}
const file = join(new URL('..', import.meta.url).pathname, 'dist', 'bench', BENCHMARKS[name]);
if (!existsSync(file)) {
  process.stderr.write(`${file} is missing: run npm run build\n`);
  process.exit(2);
}
const benchmark = createRequire(import.meta.url)(file);
await (benchmark.main ?? benchmark.runParseBench)();
