import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { SIM_IDS } from '../../apps/hospital-sim/src/dataset';
// The simulator is a test peer on real sockets, not a service's internals: tests may start it directly.
import { startHospitalSim, type HospitalSim } from '../../apps/hospital-sim/src/hospital-sim';
import { expectEventually } from '@bridge/testing';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { TEST_SIU_ROOT } from '../support/siu-folders';
import { KNEE_RULE, SiuDriver, dropFile, siuMessage } from './siu.fixtures';

/** A directory inside the test platform's SIU_DIRECTORY_ROOTS (it need not exist to be saved). */
const SRV_SIU = join(TEST_SIU_ROOT, 'srv-siu');

/** The admin surfaces of SIU: the connection, runs (run now, one at a time, schedules), reprocessing, the log. */
describe('SIU administration: connection, runs, schedules, reprocess, message log', () => {
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

  const newHospital = (connection: Record<string, unknown> = {}) =>
    siu.hospital(`siu-admin-${++keys}`, connection);
  const connectionPath = (hospitalId: string) => `/v1/admin/hospitals/${hospitalId}/connections/siu`;
  const runsPath = (hospitalId: string) => `/v1/admin/hospitals/${hospitalId}/siu-runs`;

  describe('PUT/GET connections/siu', () => {
    it('stores the connection, shows it with its defaults, and never returns SFTP secrets', async () => {
      const hospital = await api.createHospital(`siu-admin-${++keys}`);
      expect((await api.request('GET', connectionPath(hospital.id), { token: admin })).status).toBe(404);
      const directory = await siu.connect(hospital.id, {
        source: { type: 'directory', path: SRV_SIU },
        careFlowMap: [KNEE_RULE],
      });
      expect(directory).toEqual({
        hospitalId: hospital.id,
        source: { type: 'directory', path: SRV_SIU },
        filePattern: '*',
        minFileAgeMs: 30_000,
        afterProcessing: 'archive',
        schedule: '0 6 * * *',
        timezone: 'Europe/Brussels',
        charset: 'utf-8',
        eventMap: {},
        careFlowMap: [KNEE_RULE],
        physicianField: 'AIP-3.1',
        demographics: 'message',
        patientIdTypes: ['MR', 'MRN', 'PI', 'PT'],
        updatedAt: expect.any(String),
      });
      const sftp = {
        source: {
          type: 'sftp',
          host: 'sftp.hospital.example',
          port: 2222,
          username: 'careflow',
          password: 's3cret-pw',
          privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n-----END OPENSSH PRIVATE KEY-----',
          passphrase: 'key-pass',
          hostKeySha256: 'SHA256:' + 'A'.repeat(43),
          path: 'outbox/siu',
        },
        archivePath: 'outbox/done',
        schedule: '30 5 * * 1-5',
        timezone: 'Europe/Amsterdam',
        eventMap: { s14: 'ignore' },
        careFlowMap: [KNEE_RULE],
        physicianField: 'AIG-3.1',
        demographics: 'query',
        patientIdTypes: ['MRN', 'PI'],
        mllpListener: { port: 2576 },
      };
      const stored = await siu.connect(hospital.id, sftp);
      const shown = await api.expect(200, 'GET', connectionPath(hospital.id), { token: admin });
      expect(shown).toEqual(stored);
      expect(shown.source).toEqual({
        type: 'sftp',
        host: 'sftp.hospital.example',
        port: 2222,
        username: 'careflow',
        hostKeySha256: sftp.source.hostKeySha256,
        path: 'outbox/siu',
        passwordSet: true,
        privateKeySet: true,
        passphraseSet: true,
      });
      expect(shown).toMatchObject({
        eventMap: { S14: 'ignore' },
        schedule: '30 5 * * 1-5',
        demographics: 'query',
        patientIdTypes: ['MRN', 'PI'],
      });
      expect(JSON.stringify(shown)).not.toMatch(/s3cret|secret|key-pass/);
    });

    it('refuses bad bodies with field errors and changes nothing', async () => {
      const hospital = await newHospital();
      const bad = await api.request('PUT', connectionPath(hospital.id), {
        token: admin,
        body: {
          source: { type: 'ftp', path: '' },
          minFileAgeMs: -1,
          schedule: 'every day',
          timezone: 'Mars/Olympus',
          eventMap: { S12: 'begin' },
          careFlowMap: [{ field: 'knee', value: 'KNEE', careFlowDefinitionKey: 'k' }],
          physicianField: 'ZZZ-1',
          patientIdTypes: [],
          sneaky: true,
        },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
        'careFlowMap.0.field',
        'eventMap',
        'minFileAgeMs',
        'patientIdTypes',
        'physicianField',
        'schedule',
        'sneaky',
        'source.path',
        'source.type',
        'timezone',
      ]);
      const semantic = await api.request('PUT', connectionPath(hospital.id), {
        token: admin,
        body: {
          source: { type: 'directory', path: 'relative/dir', host: 'x' },
          schedule: '61 * * * *',
          careFlowMap: [],
        },
      });
      expect(semantic.status).toBe(400);
      expect(semantic.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
        'schedule',
        'source.host',
        'source.path',
      ]);
      const sftpWithoutSecret = await api.request('PUT', connectionPath(hospital.id), {
        token: admin,
        body: { source: { type: 'sftp', host: 'h', username: 'u', path: 'p' }, careFlowMap: [] },
      });
      expect(sftpWithoutSecret.body.errors.map((error: { field: string }) => error.field)).toEqual([
        'source.password',
      ]);
      expect((await api.expect(200, 'GET', connectionPath(hospital.id), { token: admin })).source.path).toBe(
        hospital.dir,
      );
    });

    it('needs a pinned SFTP host key or an explicit insecureSkipHostKeyCheck, which the GET shows', async () => {
      const hospital = await newHospital();
      const sftp = { type: 'sftp', host: 'sftp.hospital.example', username: 'u', password: 'p', path: 'in' };
      const unpinned = await api.request('PUT', connectionPath(hospital.id), {
        token: admin,
        body: { source: sftp, careFlowMap: [] },
      });
      expect(unpinned.status).toBe(400);
      expect(unpinned.body.errors.map((error: { field: string }) => error.field)).toEqual([
        'source.hostKeySha256',
      ]);
      const explicitlyFalse = await api.request('PUT', connectionPath(hospital.id), {
        token: admin,
        body: { source: { ...sftp, insecureSkipHostKeyCheck: false }, careFlowMap: [] },
      });
      expect(explicitlyFalse.body.errors.map((error: { field: string }) => error.field)).toEqual([
        'source.hostKeySha256',
      ]);
      const both = await api.request('PUT', connectionPath(hospital.id), {
        token: admin,
        body: {
          source: { ...sftp, hostKeySha256: 'SHA256:' + 'B'.repeat(43), insecureSkipHostKeyCheck: true },
          careFlowMap: [],
        },
      });
      expect(both.body.errors.map((error: { field: string }) => error.field)).toEqual([
        'source.insecureSkipHostKeyCheck',
      ]);
      const onDirectory = await api.request('PUT', connectionPath(hospital.id), {
        token: admin,
        body: {
          source: { type: 'directory', path: hospital.dir, insecureSkipHostKeyCheck: true },
          careFlowMap: [],
        },
      });
      expect(onDirectory.body.errors.map((error: { field: string }) => error.field)).toEqual([
        'source.insecureSkipHostKeyCheck',
      ]);
      // Nothing was saved by the refusals.
      expect((await api.expect(200, 'GET', connectionPath(hospital.id), { token: admin })).source.type).toBe(
        'directory',
      );

      await siu.connect(hospital.id, {
        source: { ...sftp, insecureSkipHostKeyCheck: true },
        careFlowMap: [],
      });
      const shown = await api.expect(200, 'GET', connectionPath(hospital.id), { token: admin });
      expect(shown.source).toMatchObject({ insecureSkipHostKeyCheck: true, passwordSet: true });
      expect(shown.source).not.toHaveProperty('hostKeySha256');
    });

    it('is 404 for an unknown hospital and 403 for a hospital token', async () => {
      const body = { source: { type: 'directory', path: join(TEST_SIU_ROOT, 'srv') }, careFlowMap: [] };
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await api.request('PUT', connectionPath(unknown), { token: admin, body })).status).toBe(404);
      const hospital = await api.createHospital(`siu-admin-${++keys}`);
      expect(
        (await api.request('PUT', connectionPath(hospital.id), { token: hospital.token, body })).status,
      ).toBe(403);
      expect((await api.request('POST', runsPath(hospital.id), { token: hospital.token })).status).toBe(403);
    });
  });

  describe('runs', () => {
    it('refuses to run without a connection, and a second run while one is running', async () => {
      const hospital = await api.createHospital(`siu-admin-${++keys}`);
      const none = await api.request('POST', runsPath(hospital.id), { token: admin });
      expect(none).toMatchObject({ status: 409, body: { code: 'SIU_NOT_CONFIGURED' } });

      // An SFTP "server" that accepts and never says a word: the run waits on it.
      const sockets: Socket[] = [];
      const silent: Server = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      await siu.connect(hospital.id, {
        source: {
          type: 'sftp',
          host: '127.0.0.1',
          port: (silent.address() as { port: number }).port,
          username: 'u',
          password: 'p',
          insecureSkipHostKeyCheck: true,
          path: '.',
        },
        careFlowMap: [],
      });
      const running = await api.expect(202, 'POST', runsPath(hospital.id), { token: admin });
      expect(running).toMatchObject({
        status: 'running',
        trigger: 'manual',
        files: 0,
        messagesReceived: 0,
        failures: [],
      });
      const second = await api.request('POST', runsPath(hospital.id), { token: admin });
      expect(second).toMatchObject({ status: 409, body: { code: 'SIU_RUN_IN_PROGRESS' } });
      await expectEventually(() => expect(sockets.length).toBeGreaterThan(0));
      for (const socket of sockets) socket.destroy();
      silent.close();
      const failed = await siu.finished(hospital.id, running.id);
      expect(failed).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('could not be opened'),
      });
    });

    it('lists runs newest first; another hospital’s run is 404', async () => {
      const hospital = await newHospital();
      const first = await siu.run(hospital.id);
      const second = await siu.run(hospital.id);
      const list = await api.expect(200, 'GET', `${runsPath(hospital.id)}?limit=1`, { token: admin });
      expect(list.map((run: { id: string }) => run.id)).toEqual([second.id]);
      expect(
        (await api.expect(200, 'GET', runsPath(hospital.id), { token: admin })).map(
          (run: { id: string }) => run.id,
        ),
      ).toEqual([second.id, first.id]);
      const other = await newHospital();
      expect((await api.request('GET', `${runsPath(other.id)}/${first.id}`, { token: admin })).status).toBe(
        404,
      );
      expect((await api.request('GET', `${runsPath(hospital.id)}?limit=ten`, { token: admin })).status).toBe(
        400,
      );
      expect(
        (await api.request('GET', runsPath('00000000-0000-4000-8000-000000000000'), { token: admin })).status,
      ).toBe(404);
    });

    it("starts runs on the hospital's schedule", async () => {
      const hospital = await newHospital({ schedule: '* * * * * *', timezone: 'Europe/Brussels' });
      dropFile(hospital.dir, 'a.hl7', siuMessage({ event: 'S12', controlId: 'T1', patientCode: 'P1' }));
      let scheduled: any;
      await expectEventually(
        async () => {
          const runs = await api.expect(200, 'GET', runsPath(hospital.id), { token: admin });
          scheduled = runs.find(
            (run: any) => run.trigger === 'schedule' && run.files === 1 && run.status !== 'running',
          );
          expect(scheduled).toBeDefined();
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      expect(scheduled).toMatchObject({ status: 'succeeded', careFlowsStarted: 1 });
      // Back to a daily schedule: it stops ticking every second.
      await siu.connect(hospital.id, {
        source: { type: 'directory', path: hospital.dir },
        careFlowMap: [KNEE_RULE],
      });
    });
  });

  describe('message log and reprocess', () => {
    it('lists SIU messages in the log, shows their raw HL7, and reprocesses a failed one once fixed', async () => {
      const hospital = await newHospital({
        careFlowMap: [{ field: 'AIS-3.1', value: 'EYE', careFlowDefinitionKey: 'cataract' }, KNEE_RULE],
      });
      dropFile(
        hospital.dir,
        'day.hl7',
        siuMessage({ event: 'S12', controlId: 'EYE1', patientCode: 'P1', service: 'EYE' }) +
          siuMessage({ event: 'S12', controlId: 'KNEE1', patientCode: 'P2' }),
      );
      const run = await siu.run(hospital.id);
      expect(run).toMatchObject({ messagesProcessed: 1, messagesFailed: 1 });
      const [failure] = run.failures;
      expect(failure).toMatchObject({
        file: 'day.hl7',
        controlId: 'EYE1',
        reason: expect.stringContaining('CARE_FLOW_DEFINITION_NOT_FOUND'),
      });
      expect(await siu.patient(hospital, 'P1')).toBeUndefined();

      const log = (
        await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${hospital.id}&channel=siu-file`, {
          token: admin,
        })
      ).messages;
      expect(log).toHaveLength(2);
      expect(log.find((entry: any) => entry.id === failure.messageId)).toMatchObject({
        channel: 'siu-file',
        direction: 'inbound',
        type: 'SIU^S12',
        controlId: 'EYE1',
        status: 'failed',
        error: failure.reason,
      });
      const detail = await api.expect(200, 'GET', `/v1/admin/messages/${failure.messageId}`, {
        token: admin,
      });
      expect(detail.raw).toContain('MSH|^~\\&|AGENDA|AZTEST');
      expect(detail.summary).toMatchObject({ file: 'day.hl7', position: 0, runId: run.id });

      const notFailed = log.find((entry: any) => entry.status === 'processed');
      expect(
        (await api.request('POST', `/v1/admin/messages/${notFailed.id}/reprocess`, { token: admin })).body
          .code,
      ).toBe('MESSAGE_NOT_REPROCESSABLE');
      expect(
        (
          await api.request('POST', `/v1/admin/messages/00000000-0000-4000-8000-000000000000/reprocess`, {
            token: admin,
          })
        ).status,
      ).toBe(404);

      await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`, {
        token: admin,
        body: { key: 'cataract', title: 'Cataract', baseline: [] },
      });
      const again = await api.expect(202, 'POST', `/v1/admin/messages/${failure.messageId}/reprocess`, {
        token: admin,
      });
      expect(again).toMatchObject({ id: failure.messageId, status: 'received' });
      await expectEventually(async () => {
        expect(
          await api.expect(200, 'GET', `/v1/admin/messages/${failure.messageId}`, { token: admin }),
        ).toMatchObject({
          status: 'processed',
          careFlowId: expect.any(String),
        });
      });
      expect((await siu.patient(hospital, 'P1')).careFlows).toMatchObject([
        { definitionKey: 'cataract', status: 'active' },
      ]);
      expect(
        await api.expect(200, 'GET', `${runsPath(hospital.id)}/${run.id}`, { token: admin }),
      ).toMatchObject({
        messagesProcessed: 2,
        messagesFailed: 0,
        careFlowsStarted: 2,
        failures: [],
      });
    });
  });

  describe('demographics: "query" asks the hospital for a new patient', () => {
    let sim: HospitalSim;
    beforeAll(async () => {
      sim = await startHospitalSim();
    });
    afterAll(() => sim?.close());

    it('creates an unknown patient from the hospital’s answer, not from PID; a patient the hospital does not know fails', async () => {
      const hospital = await newHospital({ demographics: 'query' });
      await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/webservice`, {
        token: admin,
        body: { flavor: 'pdq', baseUrl: `${sim.http.baseUrl}/pdq` },
      });
      await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/import-source`, {
        token: admin,
        body: { source: 'webservice' },
      });
      dropFile(
        hospital.dir,
        'q.hl7',
        siuMessage({
          event: 'S12',
          controlId: 'Q1',
          patientCode: SIM_IDS.francoise,
          firstName: 'Wrong',
          lastName: 'Name',
        }) + siuMessage({ event: 'S12', controlId: 'Q2', patientCode: 'NOT-AT-HOSPITAL' }),
      );
      const run = await siu.run(hospital.id);
      expect(run).toMatchObject({
        messagesProcessed: 1,
        messagesFailed: 1,
        patientsCreated: 1,
        careFlowsStarted: 1,
      });
      expect(run.failures).toEqual([
        expect.objectContaining({
          controlId: 'Q2',
          reason: expect.stringContaining('PATIENT_NOT_FOUND_AT_HOSPITAL'),
        }),
      ]);
      expect(await siu.patient(hospital, SIM_IDS.francoise)).toMatchObject({
        firstName: 'Françoise',
        lastName: 'Dubois-Lemaître',
        email: 'francoise.dubois@example.be',
        careFlows: [expect.objectContaining({ definitionKey: 'knee-replacement' })],
      });
    });
  });
});
