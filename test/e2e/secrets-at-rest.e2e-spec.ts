import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { openFields, SecretBox, sealSecretsMigration, sealingContext } from '@bridge/database';
import { WEB_SERVICE_SECRETS } from '../../apps/patient-import/src/webservice/webservice-connections.repository';
import { SIU_SECRETS } from '../../apps/siu-ingestor/src/connections/siu-connections.repository';
import { ScrubRunSecrets1796217600000 } from '../../apps/siu-ingestor/src/migrations/1796217600000-scrub-run-secrets';
import { Api } from '../support/api';
import { dumpDatabase } from '../support/database-dump';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { SiuDriver } from './siu.fixtures';

/** A value nobody could find in a dump by chance. */
const secret = (kind: string) => `${kind}-${randomBytes(12).toString('hex')}`;

/**
 * QUALITY.md R10 (the database part): every kind of connection secret set through the API, then the
 * database dumped and searched for each value. Plus the migration that seals rows stored in plain text
 * before secrets at rest, and the scrub of the secrets runs used to copy.
 */
describe('Secrets at rest (R10)', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let siu: SiuDriver;
  let keys = 0;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    siu = new SiuDriver(api, admin);
  });
  afterAll(() => platform?.close());

  const webServicePath = (hospitalId: string) => `/v1/admin/hospitals/${hospitalId}/connections/webservice`;
  const siuPath = (hospitalId: string) => `/v1/admin/hospitals/${hospitalId}/connections/siu`;

  it('keeps no connection secret in plain text: not in a dump, not in a GET, not in a run', async () => {
    const values: Record<string, string> = {
      basicPassword: secret('basic-pw'),
      bearerToken: secret('bearer'),
      headerValue: secret('header-value'),
      sftpPassword: secret('sftp-pw'),
      sftpPassphrase: secret('passphrase'),
    };
    const keyLines = [secret('key-line-1'), secret('key-line-2')];
    const privateKey = `-----BEGIN OPENSSH PRIVATE KEY-----\n${keyLines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----`;

    const auths = [
      { type: 'basic', username: 'bridge-user', password: values.basicPassword },
      { type: 'bearer', token: values.bearerToken },
      { type: 'header', header: 'X-Api-Key', value: values.headerValue },
    ];
    const hospitals: string[] = [];
    for (const auth of auths) {
      const hospital = await api.createHospital(`secrets-ws-${++keys}`);
      hospitals.push(hospital.id);
      const saved = await api.expect(200, 'PUT', webServicePath(hospital.id), {
        token: admin,
        body: { flavor: 'fhir', baseUrl: 'https://emr.hospital.example/fhir', auth },
      });
      expect(saved.auth.secretSet).toBe(true);
    }
    const sftpHospital = await api.createHospital(`secrets-sftp-${++keys}`);
    await siu.connect(sftpHospital.id, {
      source: {
        type: 'sftp',
        // Nothing listens there: the run below fails at once, after having been recorded.
        host: '127.0.0.1',
        port: 1,
        username: 'careflow',
        password: values.sftpPassword,
        privateKey,
        passphrase: values.sftpPassphrase,
        hostKeySha256: 'SHA256:' + 'C'.repeat(43),
        path: '/outbox',
      },
      careFlowMap: [],
    });
    const run = await api.expect(202, 'POST', `/v1/admin/hospitals/${sftpHospital.id}/siu-runs`, {
      token: admin,
    });
    const finished = await siu.finished(sftpHospital.id, run.id);
    expect(finished.status).toBe('failed');

    const everyValue = [...Object.values(values), ...keyLines];
    const shown = [
      ...(await Promise.all(
        hospitals.map((id) => api.expect(200, 'GET', webServicePath(id), { token: admin })),
      )),
      await api.expect(200, 'GET', siuPath(sftpHospital.id), { token: admin }),
      finished,
    ];
    for (const value of everyValue) expect(JSON.stringify(shown)).not.toContain(value);

    const dump = await dumpDatabase(platform.databaseUrl);
    // The rows are in the dump (sealed), so a miss below is not a dump that missed them.
    expect(dump.text).toContain('bridge-user');
    expect(dump.text).toContain('X-Api-Key');
    expect(dump.text.match(/aes-256-gcm/g)?.length ?? 0).toBeGreaterThanOrEqual(6);
    const hits = everyValue.filter((value) => dump.text.includes(value));
    expect({ tool: dump.tool, hits }).toEqual({ tool: dump.tool, hits: [] });
  });

  it('seals connections stored in plain text before, and scrubs the secrets earlier runs copied', async () => {
    const box = new SecretBox(platform.secretsKey);
    const webHospital = (await api.createHospital(`secrets-old-ws-${++keys}`)).id;
    const siuHospital = (await api.createHospital(`secrets-old-siu-${++keys}`)).id;
    const oldToken = secret('old-token');
    const oldPassword = secret('old-sftp-pw');
    const oldKey = secret('old-private-key');
    const sftpSettings = {
      source: {
        type: 'sftp',
        host: '127.0.0.1',
        port: 1,
        username: 'old',
        password: oldPassword,
        privateKey: oldKey,
        insecureSkipHostKeyCheck: true,
        path: '/old',
      },
      filePattern: '*',
      minFileAgeMs: 0,
      afterProcessing: 'archive',
      schedule: '0 6 * * *',
      timezone: 'Europe/Brussels',
      charset: 'utf-8',
      physicianField: 'AIP-3.1',
      demographics: 'message',
      eventMap: {},
      careFlowMap: [],
    };
    const client = new Client({ connectionString: platform.databaseUrl });
    await client.connect();
    try {
      // Rows as the services wrote them before secrets at rest.
      await client.query(
        `INSERT INTO patient_import.webservice_connections (hospital_id, flavor, settings) VALUES ($1, 'fhir', $2)`,
        [
          webHospital,
          { flavor: 'fhir', baseUrl: 'https://old.example/fhir', auth: { type: 'bearer', token: oldToken } },
        ],
      );
      await client.query(`INSERT INTO siu_ingestor.siu_connections (hospital_id, settings) VALUES ($1, $2)`, [
        siuHospital,
        sftpSettings,
      ]);
      const runId = '00000000-0000-4000-8000-00000000a001';
      await client.query(
        `INSERT INTO siu_ingestor.siu_runs (id, hospital_id, trigger, status, phase, settings, finished_at)
         VALUES ($1, $2, 'manual', 'failed', 'processing', $3, now())`,
        [runId, siuHospital, sftpSettings],
      );

      const runner = {
        query: (sql: string, parameters?: unknown[]) => client.query(sql, parameters).then((r) => r.rows),
      };
      const migrations = [
        sealSecretsMigration('SealWebServiceSecrets', box, WEB_SERVICE_SECRETS),
        sealSecretsMigration('SealSiuSecrets', box, SIU_SECRETS),
        ScrubRunSecrets1796217600000,
      ];
      for (const Migration of migrations) await new Migration().up(runner as unknown as QueryRunner);

      const webRow = await client.query(
        `SELECT settings FROM patient_import.webservice_connections WHERE hospital_id = $1`,
        [webHospital],
      );
      const siuRow = await client.query(
        `SELECT settings FROM siu_ingestor.siu_connections WHERE hospital_id = $1`,
        [siuHospital],
      );
      const runRow = await client.query(`SELECT settings FROM siu_ingestor.siu_runs WHERE id = $1`, [runId]);
      const stored = JSON.stringify([webRow.rows, siuRow.rows, runRow.rows]);
      for (const value of [oldToken, oldPassword, oldKey]) expect(stored).not.toContain(value);
      // Sealed, not lost: the values open to what they were, bound to their hospital.
      expect(
        openFields(
          box,
          webRow.rows[0].settings,
          WEB_SERVICE_SECRETS.paths,
          sealingContext(WEB_SERVICE_SECRETS.table, webHospital),
        ).auth.token,
      ).toBe(oldToken);
      expect(
        openFields(
          box,
          siuRow.rows[0].settings,
          SIU_SECRETS.paths,
          sealingContext(SIU_SECRETS.table, siuHospital),
        ).source,
      ).toMatchObject({ password: oldPassword, privateKey: oldKey });
      // The run keeps what its messages are read by, without the secrets.
      expect(runRow.rows[0].settings.source).toEqual({
        type: 'sftp',
        host: '127.0.0.1',
        port: 1,
        username: 'old',
        insecureSkipHostKeyCheck: true,
        path: '/old',
      });
      // The services read the sealed rows: the GETs still say the secrets are set.
      expect(
        (await api.expect(200, 'GET', webServicePath(webHospital), { token: admin })).auth.secretSet,
      ).toBe(true);
      expect((await api.expect(200, 'GET', siuPath(siuHospital), { token: admin })).source).toMatchObject({
        passwordSet: true,
        privateKeySet: true,
      });
      // A second pass (every start re-seals after a key rotation) finds nothing left to do.
      const again = await client.query(
        `SELECT settings FROM siu_ingestor.siu_connections WHERE hospital_id = $1`,
        [siuHospital],
      );
      await new migrations[1]().up(runner as unknown as QueryRunner);
      const after = await client.query(
        `SELECT settings FROM siu_ingestor.siu_connections WHERE hospital_id = $1`,
        [siuHospital],
      );
      expect(after.rows[0].settings).toEqual(again.rows[0].settings);
    } finally {
      await client.end();
    }
  });
});
