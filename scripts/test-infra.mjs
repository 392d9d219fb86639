// `npm run test:infra`: builds dist/, then runs the e2e suites with one process per app over RabbitMQ
// (AMQP_URL) and system PostgreSQL (TEST_DATABASE_URL), plus the broker-level suites in test/infra.
import { execFileSync } from 'node:child_process';

const missing = ['AMQP_URL', 'TEST_DATABASE_URL'].filter((name) => !process.env[name]);
if (missing.length > 0) {
  process.stderr.write(`test:infra needs ${missing.join(' and ')} (see .ci/run for how CI starts both)\n`);
  process.exit(2);
}
const run = (args, env = {}) =>
  execFileSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
run(['scripts/build.mjs']);
const jest = 'node_modules/jest/bin/jest.js';
// The platform suites first, two at a time (jest.config.js: tenant-isolated suites share the platform the
// e2e global setup starts, the others start a whole distributed platform each; docs/testing.md says which).
// Then the broker-level suites, one at a time: they stop and restart RabbitMQ nodes and measure
// redelivery, which a second suite on the two cores must not starve.
// SFTP sources are served by OpenSSH's sshd here (test/support/siu-folders.ts), not the simulator.
const env = { BRIDGE_TEST_SFTP: 'openssh' };
run([jest, '--selectProjects', 'e2e', ...process.argv.slice(2)], {
  ...env,
  BRIDGE_TEST_TOPOLOGY: 'distributed',
});
run([jest, '--selectProjects', 'infra', '--runInBand', ...process.argv.slice(2)], env);
