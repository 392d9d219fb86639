import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openFields, SecretBox, sealingContext } from '@bridge/database';
import { WEB_SERVICE_SECRETS } from '../../apps/patient-import/src/webservice/webservice-connections.repository';
import { SIU_SECRETS } from '../../apps/siu-ingestor/src/connections/siu-connections.repository';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { KNEE_RULE } from './siu.fixtures';

/** A value nobody could find in an answer by chance. */
const secret = (kind: string) => `${kind}-${randomBytes(12).toString('hex')}`;

/** PRODUCT.md "Configuration as code": export, dry run and apply of a hospital's whole configuration. */
describe('configuration as code: GET/PUT /v1/admin/hospitals/{id}/config', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let keys = 0;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
  });
  afterAll(() => platform?.close());

  const configPath = (hospitalId: string) => `/v1/admin/hospitals/${hospitalId}/config`;
  /** The exported document as the bytes the gateway sent. */
  const exportText = async (hospitalId: string): Promise<string> => {
    const response = await fetch(`${platform.url}${configPath(hospitalId)}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.status).toBe(200);
    return response.text();
  };

  /** A hospital with every section set: HL7, web service (basic auth), SFTP SIU with every secret, roles. */
  async function configuredHospital() {
    const hospital = await api.createHospital(`config-${++keys}`);
    const secrets = {
      basic: secret('basic-pw'),
      sftp: secret('sftp-pw'),
      key: secret('key'),
      phrase: secret('phrase'),
    };
    const at = (path: string) => `/v1/admin/hospitals/${hospital.id}/${path}`;
    await api.expect(200, 'PUT', at('connections/hl7'), {
      token: admin,
      body: {
        host: 'emr.hospital.example',
        port: 2575,
        queryStyle: 'QBP_Q22',
        sendingApplication: 'CAREFLOW',
      },
    });
    await api.expect(200, 'PUT', at('connections/webservice'), {
      token: admin,
      body: {
        flavor: 'fhir',
        baseUrl: 'https://emr.hospital.example/fhir',
        auth: { type: 'basic', username: 'bridge', password: secrets.basic },
      },
    });
    await api.expect(200, 'PUT', at('connections/siu'), {
      token: admin,
      body: {
        source: {
          type: 'sftp',
          host: 'sftp.hospital.example',
          username: 'careflow',
          password: secrets.sftp,
          privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${secrets.key}\n-----END OPENSSH PRIVATE KEY-----`,
          passphrase: secrets.phrase,
          hostKeySha256: 'SHA256:' + 'A'.repeat(43),
          path: `outbox/config-${keys}`,
        },
        schedule: '30 5 * * 1-5',
        careFlowMap: [KNEE_RULE],
      },
    });
    await api.expect(200, 'PUT', at('import-source'), { token: admin, body: { source: 'webservice' } });
    await api.expect(200, 'PUT', at('scim-group-roles'), {
      token: admin,
      body: {
        mappings: [
          { group: 'Ward Admins', role: 'hospital-admin' },
          { group: 'Cardiology', role: 'physician' },
        ],
      },
    });
    return { hospital, secrets };
  }

  async function storedSecrets(hospitalId: string) {
    const box = new SecretBox(platform.secretsKey);
    const client = new Client({ connectionString: platform.databaseUrl });
    await client.connect();
    try {
      const web = await client.query(
        `SELECT settings FROM patient_import.webservice_connections WHERE hospital_id = $1`,
        [hospitalId],
      );
      const siu = await client.query(
        `SELECT settings FROM siu_ingestor.siu_connections WHERE hospital_id = $1`,
        [hospitalId],
      );
      return {
        web: openFields(
          box,
          web.rows[0].settings,
          WEB_SERVICE_SECRETS.paths,
          sealingContext(WEB_SERVICE_SECRETS.table, hospitalId),
        ),
        siu: openFields(
          box,
          siu.rows[0].settings,
          SIU_SECRETS.paths,
          sealingContext(SIU_SECRETS.table, hospitalId),
        ),
      };
    } finally {
      await client.end();
    }
  }

  it('exports every section with secrets as {"secret": "set"}, and round-trips byte for byte', async () => {
    const { hospital, secrets } = await configuredHospital();
    const exported = await exportText(hospital.id);
    for (const value of Object.values(secrets)) expect(exported).not.toContain(value);
    const document = JSON.parse(exported);
    expect(document).toMatchObject({
      version: 1,
      hospital: { key: `config-${keys}`, name: `Hospital config-${keys}` },
      importSource: 'webservice',
      connections: {
        hl7: {
          host: 'emr.hospital.example',
          port: 2575,
          queryStyle: 'QBP_Q22',
          sendingApplication: 'CAREFLOW',
        },
        webservice: {
          flavor: 'fhir',
          auth: { type: 'basic', username: 'bridge', password: { secret: 'set' } },
        },
        siu: {
          schedule: '30 5 * * 1-5',
          source: {
            password: { secret: 'set' },
            privateKey: { secret: 'set' },
            passphrase: { secret: 'set' },
          },
        },
      },
      careFlowDefinitions: [{ key: 'knee-replacement', title: 'Knee replacement' }],
      scimGroupRoles: [
        { group: 'Cardiology', role: 'physician' },
        { group: 'Ward Admins', role: 'hospital-admin' },
      ],
    });
    // Bookkeeping is not configuration.
    expect(exported).not.toContain('updatedAt');
    expect(exported).not.toContain(hospital.id);

    const dryRun = await api.expect(200, 'PUT', `${configPath(hospital.id)}?dryRun=true`, {
      token: admin,
      body: document,
    });
    expect(dryRun).toEqual({ dryRun: true, changes: [] });
    const applied = await api.expect(200, 'PUT', configPath(hospital.id), { token: admin, body: document });
    expect(applied).toEqual({ dryRun: false, changes: [] });
    expect(await exportText(hospital.id)).toBe(exported);
    const stored = await storedSecrets(hospital.id);
    expect(stored.web.auth.password).toBe(secrets.basic);
    expect(stored.siu.source).toMatchObject({ password: secrets.sftp, passphrase: secrets.phrase });
  });

  it('dry run lists the changes by JSON path (secrets masked) and changes nothing; apply makes them and keeps secrets', async () => {
    const { hospital, secrets } = await configuredHospital();
    const before = await exportText(hospital.id);
    const document = JSON.parse(before);
    const newPassword = secret('new-basic-pw');
    document.connections.hl7.port = 2600;
    document.connections.webservice.auth.password = newPassword;
    document.connections.siu.schedule = '0 7 * * *';
    document.scimGroupRoles = [{ group: 'Cardiology', role: 'physician' }];
    document.careFlowDefinitions.push({ key: 'hip', title: 'Hip replacement', baseline: [] });

    const dryRun = await api.request('PUT', `${configPath(hospital.id)}?dryRun=true`, {
      token: admin,
      body: document,
    });
    expect(dryRun.status).toBe(200);
    expect(JSON.stringify(dryRun.body)).not.toContain(newPassword);
    expect(dryRun.body.changes).toEqual([
      {
        path: '$.careFlowDefinitions[1]',
        change: 'added',
        to: { baseline: [], key: 'hip', title: 'Hip replacement' },
      },
      { path: '$.connections.hl7.port', change: 'changed', from: 2575, to: 2600 },
      {
        path: '$.connections.webservice.auth.password',
        change: 'changed',
        from: { secret: 'set' },
        to: { secret: 'new' },
      },
      { path: '$.connections.siu.schedule', change: 'changed', from: '30 5 * * 1-5', to: '0 7 * * *' },
      {
        path: '$.scimGroupRoles[1]',
        change: 'removed',
        from: { group: 'Ward Admins', role: 'hospital-admin' },
      },
    ]);
    expect(await exportText(hospital.id)).toBe(before);

    const applied = await api.expect(200, 'PUT', configPath(hospital.id), { token: admin, body: document });
    expect(applied.changes).toEqual(dryRun.body.changes);
    const after = JSON.parse(await exportText(hospital.id));
    expect(after.connections.hl7.port).toBe(2600);
    expect(after.connections.siu.schedule).toBe('0 7 * * *');
    expect(after.scimGroupRoles).toEqual([{ group: 'Cardiology', role: 'physician' }]);
    expect(after.careFlowDefinitions.map((definition: { key: string }) => definition.key)).toEqual([
      'hip',
      'knee-replacement',
    ]);
    const stored = await storedSecrets(hospital.id);
    expect(stored.web.auth.password).toBe(newPassword);
    // The SIU section was rewritten with {"secret": "set"}: its stored secrets are the ones it had.
    expect(stored.siu.source).toMatchObject({ password: secrets.sftp, passphrase: secrets.phrase });
    expect(stored.siu.source.privateKey).toContain(secrets.key);
    // A dry run of the applied document is empty again.
    expect(
      await api.expect(200, 'PUT', `${configPath(hospital.id)}?dryRun=true`, { token: admin, body: after }),
    ).toEqual({
      dryRun: true,
      changes: [],
    });

    const trail = await api.expect(
      200,
      'GET',
      `/v1/admin/hospitals/${hospital.id}/audit-events?action=config.applied`,
      {
        token: admin,
      },
    );
    // One apply on record: the dry runs are not.
    expect(trail.events).toHaveLength(1);
    expect(trail.events[0]).toMatchObject({
      action: 'config.applied',
      resource: { type: 'hospital-config', id: hospital.id },
    });
  });

  it('refuses a bad document with field paths and writes nothing (all or nothing)', async () => {
    const { hospital } = await configuredHospital();
    const before = await exportText(hospital.id);
    const document = JSON.parse(before);
    document.connections.hl7.port = 2601; // valid: must not be written, since another section is refused
    document.connections.siu.schedule = 'every morning';
    document.connections.webservice.baseUrl = 'not a url';
    document.scimGroupRoles = [{ group: 'Cardiology', role: 'surgeon' }];

    const refused = await api.request('PUT', configPath(hospital.id), { token: admin, body: document });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('VALIDATION_FAILED');
    const fields = refused.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'connections.siu.schedule',
        'connections.webservice.baseUrl',
        'scimGroupRoles.0.role',
      ]),
    );
    expect(await exportText(hospital.id)).toBe(before);

    // The services' own checks count too (a secret kept where none is stored), with the section's path.
    const noSecret = JSON.parse(before);
    noSecret.connections.webservice.auth = { type: 'bearer', token: { secret: 'set' } };
    noSecret.connections.hl7.port = 2602;
    const kept = await api.request('PUT', configPath(hospital.id), { token: admin, body: noSecret });
    expect(kept.status).toBe(400);
    expect(kept.body.errors).toEqual([
      { field: 'connections.webservice.auth.token', message: expect.stringContaining('no stored secret') },
    ]);
    expect(await exportText(hospital.id)).toBe(before);
  });

  it('refuses what no API can do (rename, remove a connection, change a definition) with 422, and unknown sections', async () => {
    const { hospital } = await configuredHospital();
    const before = await exportText(hospital.id);
    const changes: [string, (document: any) => void, string][] = [
      ['hospital.name', (document) => (document.hospital.name = 'Renamed'), 'CONFIG_CHANGE_UNSUPPORTED'],
      ['connections.hl7', (document) => (document.connections.hl7 = null), 'CONFIG_CHANGE_UNSUPPORTED'],
      [
        'careFlowDefinitions.0',
        (document) => (document.careFlowDefinitions[0].title = 'Knee'),
        'CONFIG_CHANGE_UNSUPPORTED',
      ],
    ];
    for (const [field, change, code] of changes) {
      const document = JSON.parse(before);
      change(document);
      const refused = await api.request('PUT', configPath(hospital.id), { token: admin, body: document });
      expect({ field, status: refused.status, code: refused.body.code }).toEqual({
        field,
        status: 422,
        code,
      });
      expect(refused.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
    const unknown = await api.request('PUT', configPath(hospital.id), {
      token: admin,
      body: {
        ...JSON.parse(before),
        alertRulez: [],
        connections: { ...JSON.parse(before).connections, fax: {} },
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'alertRulez',
      'connections.fax',
    ]);
    expect(await exportText(hospital.id)).toBe(before);
  });

  it('applies a document to a hospital with nothing configured yet, and leaves out sections the document omits', async () => {
    const empty = await api.createHospital(`config-${++keys}`);
    const exported = JSON.parse(await exportText(empty.id));
    expect(exported.connections).toEqual({ hl7: null, siu: null, webservice: null });
    expect(exported.importSource).toBeNull();
    const applied = await api.expect(200, 'PUT', configPath(empty.id), {
      token: admin,
      body: {
        hospital: exported.hospital,
        importSource: 'hl7',
        connections: { hl7: { host: 'emr.hospital.example', port: 2575, queryStyle: 'QRY_A19' } },
      },
    });
    expect(applied.changes.map((change: { path: string }) => change.path)).toEqual([
      '$.importSource',
      '$.connections.hl7.host',
      '$.connections.hl7.port',
      '$.connections.hl7.queryStyle',
    ]);
    const after = JSON.parse(await exportText(empty.id));
    expect(after).toMatchObject({
      importSource: 'hl7',
      connections: { hl7: { port: 2575 }, siu: null, webservice: null },
    });
    expect(after.careFlowDefinitions).toEqual(exported.careFlowDefinitions);
  });

  it('carries alert rules and retention: defaults exported, changes applied through their services, bad values refused', async () => {
    const { hospital } = await configuredHospital();
    const document = JSON.parse(await exportText(hospital.id));
    expect(document.alertRules).toEqual([]);
    expect(document.retention).toEqual({ messageBodiesDays: 90, messagesDays: 365 });

    // Bodies kept longer than their messages: notifier's and user-provisioning's own rules answer the dry run.
    const refused = await api.request('PUT', `${configPath(hospital.id)}?dryRun=true`, {
      token: admin,
      body: { ...document, retention: { messageBodiesDays: 400, messagesDays: 365 } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('RETENTION_INVALID');

    document.alertRules = [{ kind: 'dead-letters' }];
    document.retention = { messageBodiesDays: 30, messagesDays: 200 };
    const applied = await api.expect(200, 'PUT', configPath(hospital.id), { token: admin, body: document });
    expect(applied.changes.map((change: { path: string }) => change.path)).toEqual([
      '$.alertRules[0]',
      '$.retention.messageBodiesDays',
      '$.retention.messagesDays',
    ]);
    const rules = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/alert-rules`, {
      token: admin,
    });
    expect(rules.rules.map((rule: { kind: string }) => rule.kind)).toEqual(['dead-letters']);
    const retention = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/retention`, {
      token: admin,
    });
    expect(retention).toMatchObject({ messageBodiesDays: 30, messagesDays: 200 });

    // Exported again (rules with their defaults filled in), it applies as no change.
    const again = JSON.parse(await exportText(hospital.id));
    expect(again.retention).toEqual({ messageBodiesDays: 30, messagesDays: 200 });
    expect(
      await api.expect(200, 'PUT', `${configPath(hospital.id)}?dryRun=true`, { token: admin, body: again }),
    ).toEqual({ dryRun: true, changes: [] });
  });

  it('is for platform admins only', async () => {
    const hospital = await api.createHospital(`config-${++keys}`);
    expect((await api.request('GET', configPath(hospital.id), { token: hospital.token })).status).toBe(403);
    expect(
      (await api.request('PUT', configPath(hospital.id), { token: hospital.token, body: {} })).status,
    ).toBe(403);
  });
});
