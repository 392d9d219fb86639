import 'reflect-metadata';
import { applyHeapGrowth, ConfigError, STREAMING_HEAP_GROWTH_PERCENT } from '@bridge/config';
import {
  ensureDatabase,
  freePort,
  startEmbeddedPostgres,
  withDatabase,
  type EmbeddedPostgresHandle,
} from '@bridge/database';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
// The embedded launcher may import apps: it hosts the simulator for the demo.
import { SIM_AUTHORITIES, SIM_VISIT_SYSTEM } from '../../hospital-sim/src/dataset';
import { startHospitalSim, type HospitalSim } from '../../hospital-sim/src/hospital-sim';
import { dropSiuDay } from '../../hospital-sim/src/siu-drop';
import { runDemoSiu, seedDemo } from './demo-seed';
import { loadOrCreateSecrets } from './local-secrets';
import { startPlatform, type RunningPlatform } from './platform';

/** The demo hospital's SIU folder on the simulator's SFTP server (archived files go to `<it>/archive`). */
const DEMO_SIU_SFTP_PATH = '/siu-drop';

/**
 * `npm start`: the whole platform in one process — embedded PostgreSQL unless DATABASE_URL is set,
 * the in-process bus unless AMQP_URL is set — plus the demo hospital unless DEMO=off.
 */
async function main(): Promise<void> {
  const startedAt = Date.now();
  const dataDir = resolve(process.env.DATA_DIR || '.data');
  mkdirSync(dataDir, { recursive: true });
  let postgres: EmbeddedPostgresHandle | undefined;
  let platform: RunningPlatform | undefined;
  let simulator: HospitalSim | undefined;

  const shutdown = async (code: number) => {
    await platform?.close().catch(() => undefined);
    await simulator?.close().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  try {
    applyHeapGrowth(STREAMING_HEAP_GROWTH_PERCENT);
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      postgres = await startEmbeddedPostgres({
        dataDir,
        port: Number(process.env.EMBEDDED_POSTGRES_PORT) || 0,
      });
      databaseUrl = withDatabase(postgres.url, 'careflow_bridge');
    }
    await ensureDatabase(databaseUrl);
    const secrets = loadOrCreateSecrets(dataDir, process.env);
    // Login links must open this very gateway, whatever PORT it listens on; PORT=0 (any free port) is
    // chosen here so that the links can name it.
    const port = process.env.PORT === '0' ? String(await freePort()) : process.env.PORT || '3000';
    const careAppUrl = process.env.CARE_APP_URL || `http://localhost:${port}/app`;
    // Connection reach of a single-machine install (PRODUCT.md "Trust boundaries"): directory sources only in
    // DATA_DIR/siu, the simulator on loopback reachable, listeners on this machine only. The environment wins.
    const siuRoot = join(dataDir, 'siu');
    mkdirSync(siuRoot, { recursive: true });
    const reach = {
      DATA_DIR: dataDir,
      SIU_DIRECTORY_ROOTS: process.env.SIU_DIRECTORY_ROOTS || siuRoot,
      ALLOW_LOOPBACK_DESTINATIONS: process.env.ALLOW_LOOPBACK_DESTINATIONS || 'true',
      SIU_LISTENER_HOST: process.env.SIU_LISTENER_HOST || '127.0.0.1',
    };
    const env = {
      ...process.env,
      ...secrets,
      ...reach,
      PORT: port,
      DATABASE_URL: databaseUrl,
      CARE_APP_URL: careAppUrl,
    };
    platform = await startPlatform(env);
    const lines = [
      '',
      `Careflow Bridge is running (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`,
      `  API      ${platform.url}/v1`,
      `  Docs     ${platform.url}/docs`,
      `  Health   ${platform.url}/health`,
      `  Database ${postgres ? `embedded PostgreSQL in ${postgres.clusterDir}` : 'DATABASE_URL'}`,
      `  Bus      ${process.env.AMQP_URL ? 'RabbitMQ (AMQP_URL)' : 'in-process'}`,
      `  Reach    SIU directories in ${reach.SIU_DIRECTORY_ROOTS}; SIU listeners bind ${reach.SIU_LISTENER_HOST}; ` +
        `ALLOW_LOOPBACK_DESTINATIONS=${reach.ALLOW_LOOPBACK_DESTINATIONS}` +
        (reach.ALLOW_LOOPBACK_DESTINATIONS === 'true'
          ? ' (hospital connections may reach this machine: the simulator)'
          : ''),
      // A secret the operator gave is never echoed; only one generated here is shown, once, for the local demo.
      `  Platform admin  client_id=${secrets.ADMIN_CLIENT_ID} client_secret=${
        process.env.ADMIN_CLIENT_SECRET ? '(ADMIN_CLIENT_SECRET)' : secrets.ADMIN_CLIENT_SECRET
      }`,
    ];
    if (process.env.DEMO !== 'off') {
      // The simulator's SFTP root is a folder of its own: never the data directory, which holds secrets.
      simulator = await startHospitalSim({ host: '127.0.0.1', sftp: { root: join(dataDir, 'sim-sftp') } });
      const sftp = simulator.sftp!;
      const siuFolder = join(sftp.root, DEMO_SIU_SFTP_PATH);
      mkdirSync(siuFolder, { recursive: true });
      const siuMllpPort = Number(process.env.DEMO_SIU_MLLP_PORT) || (await freePort());
      const demo = await seedDemo(
        platform.url,
        { clientId: secrets.ADMIN_CLIENT_ID, clientSecret: secrets.ADMIN_CLIENT_SECRET },
        dataDir,
        {
          mllp: simulator.mllp,
          webServiceBaseUrl: simulator.http.baseUrl,
          patientIdAuthority: SIM_AUTHORITIES.AZDEMO.namespace,
          patientCodeSystem: SIM_AUTHORITIES.AZDEMO.system,
          visitNumberSystem: SIM_VISIT_SYSTEM,
          siuSftp: {
            host: sftp.host,
            port: sftp.port,
            username: sftp.username,
            password: sftp.password,
            hostKeySha256: sftp.hostKeySha256,
            path: DEMO_SIU_SFTP_PATH,
          },
          siuMllpPort,
        },
      );
      dropSiuDay(siuFolder, { physicianCode: 'PHY001' });
      const siuRun = await runDemoSiu(
        platform.url,
        { clientId: secrets.ADMIN_CLIENT_ID, clientSecret: secrets.ADMIN_CLIENT_SECRET },
        demo.hospitalId,
      );
      lines.push(
        `  Demo hospital   id=${demo.hospitalId}`,
        `  Demo EMR client client_id=${demo.clientId} client_secret=${demo.clientSecret}`,
        `  Care app        ${platform.url}/app  (nurse: ${demo.nurse.email} / ${demo.nurse.password})`,
        `  Demo physician  ${demo.physicianEmail} (physicianCode PHY001)`,
        `  Hospital sim    MLLP ${simulator.mllp.host}:${simulator.mllp.port}, web service ${simulator.http.baseUrl}`,
        `                  import e.g. patient 100234 or visit 2400012301 (fault values: apps/hospital-sim/README.md)`,
        `                  SFTP ${sftp.host}:${sftp.port} (user ${sftp.username}, password ${sftp.password}, host key ${sftp.hostKeySha256})`,
        `  SIU             today's file dropped on the sim's SFTP server in ${DEMO_SIU_SFTP_PATH} (on disk ${siuFolder}),`,
        `                  run ${siuRun} started; real-time MLLP on port ${siuMllpPort}`,
        '',
        `  Try: curl -s -X POST ${platform.url}/v1/oauth/token -d grant_type=client_credentials \\`,
        `         -d client_id=${demo.clientId} -d client_secret=${demo.clientSecret}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n\n`);
  } catch (error) {
    process.stderr.write(
      error instanceof ConfigError
        ? `${error.message}\n`
        : `Start-up failed: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    await shutdown(1);
  }
}

void main();
