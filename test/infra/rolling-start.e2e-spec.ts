import { Client } from 'pg';
import { SERVICE_SCHEMAS } from '@bridge/database';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * docker/README.md "Upgrade": rolling starts are safe because migrations run under an advisory lock
 * (libs/database openDataSource). Two processes of every data service start at the same moment on a fresh
 * database: without the lock both would run the same migrations (one fails on "already exists" and exits,
 * or rows are recorded twice). Every process must come up and every migration be recorded exactly once.
 */
describe('rolling starts: two instances of each service on a fresh database migrate it once', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform(
      { LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' },
      { topology: 'distributed', instances: 2 },
    );
  }, 420_000);
  afterAll(() => platform?.close());

  it('brings every instance up, with each schema migrated exactly once', async () => {
    const processes = platform.processes!;
    for (const service of Object.keys(SERVICE_SCHEMAS)) {
      const started = processes.filter((p) => p.service === service);
      expect({ service, started: started.length }).toEqual({ service, started: 2 });
      expect({
        service,
        exited: started.filter((p) => p.child.exitCode !== null).map((p) => p.child.exitCode),
      }).toEqual({
        service,
        exited: [],
      });
    }
    const client = new Client({ connectionString: platform.databaseUrl });
    await client.connect();
    try {
      for (const schema of Object.values(SERVICE_SCHEMAS)) {
        const { rows } = await client.query<{ name: string; runs: number }>(
          `SELECT name, count(*)::int AS runs FROM "${schema}".migrations GROUP BY name ORDER BY name`,
        );
        expect(rows.length).toBeGreaterThan(0);
        expect({ schema, twice: rows.filter((row) => row.runs !== 1) }).toEqual({ schema, twice: [] });
      }
    } finally {
      await client.end();
    }
    // And the platform works: a hospital can be created through the gateway.
    const api = new Api(platform);
    await api.createHospital('rolling-start');
  });
});
