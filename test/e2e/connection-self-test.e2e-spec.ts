// The simulator is a test peer on real sockets, not a service's internals: tests may start it directly.
import { startHospitalSim, type HospitalSim } from '../../apps/hospital-sim/src/hospital-sim';
import { SIM_ERROR_TEXT, SIM_FAULTS } from '../../apps/hospital-sim/src/sim-faults';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { directoryFolders, simFolders, type SiuFolders } from '../support/siu-folders';
import { makeTestCertificate } from '../support/test-certificates';
import { existsSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { KNEE_RULE } from './siu.fixtures';

const TIMEOUT_MS = 500;

interface Step {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

/**
 * PRODUCT.md "Connection self-test", HL7 (MLLP): every explanation is driven by a simulator fault on
 * real sockets, and nothing the test does shows up as an import in the message log.
 */
describe('connection self-test', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let sim: HospitalSim;
  let expiredSim: HospitalSim;
  let wrongNameSim: HospitalSim;

  async function hospitalWith(key: string, connection: Record<string, unknown>): Promise<string> {
    return (await connectedHospital(key, connection)).id;
  }

  async function connectedHospital(key: string, connection: Record<string, unknown>) {
    const hospital = await api.createHospital(key);
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/hl7`, {
      token: admin,
      body: { queryStyle: 'QRY_A19', patientIdAuthority: 'AZDEMO', timeoutMs: TIMEOUT_MS, ...connection },
    });
    return hospital;
  }

  async function selfTest(
    hospitalId: string,
    body: object = {},
    kind = 'hl7',
  ): Promise<{ ok: boolean; steps: Step[] }> {
    return api.expect(200, 'POST', `/v1/admin/hospitals/${hospitalId}/connections/${kind}/test`, {
      token: admin,
      body,
    });
  }

  /** The steps up to the first failure, which must be `name`, with a detail matching `explanation`. */
  function expectFailureAt(result: { ok: boolean; steps: Step[] }, name: string, explanation: RegExp): void {
    expect(result.ok).toBe(false);
    const failed = result.steps.filter((step) => !step.ok);
    expect(failed.map((step) => step.name)).toEqual([name]);
    expect(result.steps.at(-1)?.name).toBe(name);
    expect(failed[0].detail).toMatch(explanation);
  }

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    sim = await startHospitalSim();
    const names = ['IP:127.0.0.1', 'DNS:localhost'];
    expiredSim = await startHospitalSim({
      mllpTls: makeTestCertificate({
        commonName: 'localhost',
        altNames: names,
        notBefore: '20200101000000Z',
        notAfter: '20210101000000Z',
      }),
    });
    wrongNameSim = await startHospitalSim({
      mllpTls: makeTestCertificate({
        commonName: 'his.other-hospital.example',
        altNames: ['DNS:his.other-hospital.example'],
        notBefore: '20200101000000Z',
        notAfter: '20991231000000Z',
      }),
    });
  });
  afterAll(async () => {
    await platform?.close();
    await Promise.all([sim?.close(), expiredSim?.close(), wrongNameSim?.close()]);
  });

  describe('HL7 (MLLP)', () => {
    it('walks a healthy connection step by step, timed, and writes nothing to the message log', async () => {
      const hospitalId = await hospitalWith('selftest-ok', { host: sim.mllp.host, port: sim.mllp.port });
      const result = await selfTest(hospitalId);
      expect(result.ok).toBe(true);
      expect(result.steps.map((step) => step.name)).toEqual([
        'Name resolution',
        'TCP connect',
        'TLS',
        'MLLP round trip',
        'Reply is HL7',
        'MSA-2 matches our control id',
        'Acknowledgement and query status',
      ]);
      for (const step of result.steps) {
        expect(step).toEqual({
          name: expect.any(String),
          ok: true,
          ms: expect.any(Number),
          detail: expect.any(String),
        });
        expect(step.ms).toBeGreaterThanOrEqual(0);
      }
      expect(result.steps[2].detail).toMatch(/not enabled/);
      expect(result.steps[4].detail).toMatch(/^ADR\^A19/);
      expect(result.steps[6].detail).toMatch(/not found/);
      // Not an import: the message log has no entry for this hospital.
      expect(
        (await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${hospitalId}`, { token: admin }))
          .messages,
      ).toEqual([]);
      const trail = await api.expect(
        200,
        'GET',
        `/v1/admin/hospitals/${hospitalId}/audit-events?action=connection.hl7.tested`,
        {
          token: admin,
        },
      );
      expect(trail.events).toEqual([expect.objectContaining({ action: 'connection.hl7.tested' })]);
    });

    it('looks up the patient code the admin names, and still imports nothing', async () => {
      const hospital = await connectedHospital('selftest-patient', {
        host: sim.mllp.host,
        port: sim.mllp.port,
      });
      const result = await selfTest(hospital.id, { patientCode: sim.dataset[0].patientCode });
      expect(result.ok).toBe(true);
      expect(result.steps.at(-1)?.detail).toMatch(/found 1 patient/);
      expect((await api.expect(200, 'GET', '/v1/patients', { token: hospital.token })).patients).toEqual([]);
      expect(
        (await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${hospital.id}`, { token: admin }))
          .messages,
      ).toEqual([]);
    });

    it('explains a refused connection', async () => {
      const hospitalId = await hospitalWith('selftest-refused', { host: '127.0.0.1', port: sim.refusedPort });
      expectFailureAt(await selfTest(hospitalId), 'TCP connect', /refused.*nothing listens/i);
    });

    it('explains a DNS failure', async () => {
      const hospitalId = await hospitalWith('selftest-dns', { host: 'no-such-hospital.invalid', port: 2575 });
      expectFailureAt(
        await selfTest(hospitalId),
        'Name resolution',
        /no-such-hospital\.invalid (does not exist in DNS|could not be resolved)/,
      );
    });

    it('explains an MLLP frame that is never closed (simulator fault SIM-UNCLOSED)', async () => {
      const hospitalId = await hospitalWith('selftest-unclosed', {
        host: sim.mllp.host,
        port: sim.mllp.port,
      });
      expectFailureAt(
        await selfTest(hospitalId, { patientCode: SIM_FAULTS.unclosed }),
        'MLLP round trip',
        /started a reply but never closed the MLLP frame/,
      );
    });

    it('explains a reply that acknowledges another message (foreign MSA-2, SIM-MISMATCH)', async () => {
      const hospitalId = await hospitalWith('selftest-mismatch', {
        host: sim.mllp.host,
        port: sim.mllp.port,
      });
      expectFailureAt(
        await selfTest(hospitalId, { patientCode: SIM_FAULTS.mismatch }),
        'MSA-2 matches our control id',
        /acknowledges another message: MSA-2 is "OTHER-/,
      );
    });

    it("quotes the hospital's own error text (SIM-ERROR)", async () => {
      const hospitalId = await hospitalWith('selftest-error', { host: sim.mllp.host, port: sim.mllp.port });
      const result = await selfTest(hospitalId, { patientCode: SIM_FAULTS.error });
      expectFailureAt(result, 'Acknowledgement and query status', /MSA-1 AE.*answered with an error/);
      expect(result.steps.at(-1)?.detail).toContain(SIM_ERROR_TEXT);
    });

    it('explains an expired TLS certificate, with its subject, issuer and expiry', async () => {
      const hospitalId = await hospitalWith('selftest-expired', {
        host: expiredSim.mllp.host,
        port: expiredSim.mllp.port,
        tls: true,
      });
      const result = await selfTest(hospitalId);
      expectFailureAt(result, 'TLS', /certificate expired on 2021-01-01T00:00:00.000Z/);
      expect(result.steps.at(-1)?.detail).toMatch(/subject CN=localhost, issuer CN=localhost/);
    });

    it('explains a TLS certificate made for another name', async () => {
      const hospitalId = await hospitalWith('selftest-wrong-name', {
        host: wrongNameSim.mllp.host,
        port: wrongNameSim.mllp.port,
        tls: true,
      });
      expectFailureAt(
        await selfTest(hospitalId),
        'TLS',
        /certificate is for another name \(DNS:his\.other-hospital\.example\), not 127\.0\.0\.1/,
      );
    });

    it('answers 404 for a hospital without an HL7 connection, and 400 for unknown fields', async () => {
      const hospital = await api.createHospital('selftest-none');
      const path = `/v1/admin/hospitals/${hospital.id}/connections/hl7/test`;
      expect((await api.request('POST', path, { token: admin, body: {} })).status).toBe(404);
      expect(
        (await api.request('POST', path, { token: admin, body: { hospitalId: hospital.id } })).status,
      ).toBe(400);
      expect((await api.request('POST', path, { token: hospital.token, body: {} })).status).toBe(403);
    });
  });

  describe('web service', () => {
    const PDQ_AUTH = { type: 'bearer', token: 'selftest-token' } as const;
    let authSim: HospitalSim;

    async function webServiceHospital(key: string, connection: Record<string, unknown>) {
      const hospital = await api.createHospital(key);
      await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/webservice`, {
        token: admin,
        body: { flavor: 'pdq', timeoutMs: TIMEOUT_MS, ...connection },
      });
      return hospital;
    }

    beforeAll(async () => {
      authSim = await startHospitalSim({ requireAuth: PDQ_AUTH });
    });
    afterAll(async () => {
      await authSim?.close();
    });

    it('walks a healthy connection: the lookup is sent with our credentials, and nothing is journaled or imported', async () => {
      const hospital = await webServiceHospital('selftest-ws-ok', {
        baseUrl: `${authSim.http.baseUrl}/pdq`,
        auth: PDQ_AUTH,
      });
      const result = await selfTest(hospital.id, {}, 'webservice');
      expect(result.steps.map((step) => [step.name, step.ok])).toEqual([
        ['Name resolution', true],
        ['TCP connect', true],
        ['TLS', true],
        ['HTTP exchange', true],
        ['Credentials accepted', true],
        ['Reply read', true],
      ]);
      expect(result.ok).toBe(true);
      expect(result.steps[3].detail).toMatch(/^GET pdq lookup: HTTP 200/);
      expect(result.steps[5].detail).toMatch(/not found/);
      expect(authSim.httpRequests.at(-1)?.headers.authorization).toBe('Bearer selftest-token');
      expect(
        (await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${hospital.id}`, { token: admin }))
          .messages,
      ).toEqual([]);
      expect((await api.expect(200, 'GET', '/v1/patients', { token: hospital.token })).patients).toEqual([]);
      const trail = await api.expect(
        200,
        'GET',
        `/v1/admin/hospitals/${hospital.id}/audit-events?action=connection.webservice.tested`,
        {
          token: admin,
        },
      );
      expect(trail.events).toHaveLength(1);
    });

    it('finds the patient the admin names', async () => {
      const hospital = await webServiceHospital('selftest-ws-found', {
        baseUrl: `${authSim.http.baseUrl}/pdq`,
        auth: PDQ_AUTH,
      });
      const result = await selfTest(
        hospital.id,
        { patientCode: authSim.dataset[0].patientCode },
        'webservice',
      );
      expect(result.ok).toBe(true);
      expect(result.steps.at(-1)?.detail).toMatch(/found 1 patient/);
    });

    it('explains HTTP 401: credentials refused', async () => {
      const hospital = await webServiceHospital('selftest-ws-401', {
        baseUrl: `${authSim.http.baseUrl}/pdq`,
        auth: { type: 'bearer', token: 'an-old-token' },
      });
      expectFailureAt(
        await selfTest(hospital.id, {}, 'webservice'),
        'Credentials accepted',
        /HTTP 401: the hospital refused our bearer credentials/,
      );
    });

    it('explains HTTP 401 when the connection sends no credentials at all', async () => {
      const hospital = await webServiceHospital('selftest-ws-none', {
        baseUrl: `${authSim.http.baseUrl}/pdq`,
      });
      expectFailureAt(
        await selfTest(hospital.id, {}, 'webservice'),
        'Credentials accepted',
        /requires credentials, and this connection sends none/,
      );
    });

    it('explains a refused connection and an answer that is not JSON (SIM-GARBAGE)', async () => {
      const refused = await webServiceHospital('selftest-ws-refused', {
        baseUrl: `http://127.0.0.1:${authSim.refusedPort}/pdq`,
      });
      expectFailureAt(await selfTest(refused.id, {}, 'webservice'), 'TCP connect', /refused/);
      const garbage = await webServiceHospital('selftest-ws-garbage', {
        baseUrl: `${authSim.http.baseUrl}/pdq`,
        auth: PDQ_AUTH,
      });
      expectFailureAt(
        await selfTest(garbage.id, { patientCode: SIM_FAULTS.garbage }, 'webservice'),
        'Reply read',
        /is not JSON/,
      );
    });

    it('explains a hospital that never answers (SIM-HANG) within the connection timeout', async () => {
      const hospital = await webServiceHospital('selftest-ws-hang', {
        baseUrl: `${authSim.http.baseUrl}/pdq`,
        auth: PDQ_AUTH,
      });
      const result = await selfTest(hospital.id, { patientCode: SIM_FAULTS.hang }, 'webservice');
      expectFailureAt(result, 'HTTP exchange', /did not answer within 500 ms/);
      expect(result.steps.at(-1)?.ms).toBeLessThan(TIMEOUT_MS + 1000);
    });
  });

  describe('SIU source', () => {
    let sftpFolders: Awaited<ReturnType<typeof simFolders>>;
    let directories: SiuFolders;
    let keys = 0;

    async function siuHospital(folders: SiuFolders, connection: Record<string, unknown> = {}) {
      const key = `selftest-siu-${++keys}`;
      const hospital = await api.createHospital(key);
      const folder = folders.create(key);
      await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/siu`, {
        token: admin,
        body: { source: folder.source, minFileAgeMs: 0, careFlowMap: [KNEE_RULE], ...connection },
      });
      return { ...hospital, ...folder, key };
    }

    beforeAll(async () => {
      sftpFolders = await simFolders();
      directories = directoryFolders();
    });
    afterEach(() => sftpFolders.sftp.setFaults({}));
    afterAll(async () => {
      await sftpFolders?.close();
      await directories?.close();
    });

    it('SFTP: walks host key, login, listing and archive permission; no file is read, moved or deleted', async () => {
      const hospital = await siuHospital(sftpFolders);
      writeFileSync(join(hospital.dir, 'agenda-1.hl7'), 'MSH|^~\\&|AGENDA\r');
      mkdirSync(join(hospital.dir, 'archive'));
      const result = await selfTest(hospital.id, {}, 'siu');
      expect(result.steps.map((step) => [step.name, step.ok])).toEqual([
        ['Name resolution', true],
        ['TCP connect', true],
        ['SSH host key', true],
        ['Login', true],
        ['Listing', true],
        ['Archive write permission', true],
      ]);
      expect(result.ok).toBe(true);
      expect(result.steps[2].detail).toContain(sftpFolders.sftp.hostKeySha256);
      expect(result.steps[4].detail).toMatch(/1 file\(s\), 1 matching/);
      expect(result.steps[5].detail).toMatch(
        /Created and deleted the empty probe file \.careflow-selftest-.*\.tmp/,
      );
      // Untouched: the file is where it was, the archive is empty again, no run was started.
      expect(readdirSync(hospital.dir).sort()).toEqual(['agenda-1.hl7', 'archive']);
      expect(readdirSync(join(hospital.dir, 'archive'))).toEqual([]);
      expect(
        await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/siu-runs`, { token: admin }),
      ).toEqual([]);
      const trail = await api.expect(
        200,
        'GET',
        `/v1/admin/hospitals/${hospital.id}/audit-events?action=connection.siu.tested`,
        {
          token: admin,
        },
      );
      expect(trail.events).toHaveLength(1);
    });

    it('SFTP: a default archive that does not exist yet is reported, not created', async () => {
      const hospital = await siuHospital(sftpFolders);
      const result = await selfTest(hospital.id, {}, 'siu');
      expect(result.ok).toBe(true);
      expect(result.steps.at(-1)?.detail).toMatch(/does not exist yet; the first run creates it/);
      expect(existsSync(join(hospital.dir, 'archive'))).toBe(false);
    });

    it('SFTP: explains a changed host key (simulator fault otherHostKey), and logs in no further', async () => {
      const hospital = await siuHospital(sftpFolders);
      sftpFolders.sftp.setFaults({ otherHostKey: true });
      expectFailureAt(
        await selfTest(hospital.id, {}, 'siu'),
        'SSH host key',
        new RegExp(
          `host key changed: it presents SHA256:\\S+, the connection pins ${sftpFolders.sftp.hostKeySha256.replace(/[+/]/g, '\\$&')}`,
        ),
      );
    });

    it('SFTP: explains a refused login', async () => {
      const hospital = await siuHospital(sftpFolders);
      await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/siu`, {
        token: admin,
        body: {
          source: { ...hospital.source, password: 'not-the-password' },
          minFileAgeMs: 0,
          careFlowMap: [KNEE_RULE],
        },
      });
      expectFailureAt(await selfTest(hospital.id, {}, 'siu'), 'Login', /refused the login of agenda/);
    });

    it('SFTP: explains an archive folder that is not writable (simulator fault readOnlyUnder)', async () => {
      const hospital = await siuHospital(sftpFolders);
      mkdirSync(join(hospital.dir, 'archive'));
      sftpFolders.sftp.setFaults({ readOnlyUnder: `/${hospital.key}/archive` });
      expectFailureAt(
        await selfTest(hospital.id, {}, 'siu'),
        'Archive write permission',
        /archive folder \/selftest-siu-\d+\/archive is not writable \(permission denied\)/,
      );
      expect(readdirSync(join(hospital.dir, 'archive'))).toEqual([]);
    });

    it('directory: checks existence and permissions, lists, and probes the archive', async () => {
      const hospital = await siuHospital(directories);
      writeFileSync(join(hospital.dir, 'a.hl7'), 'x');
      mkdirSync(join(hospital.dir, 'archive'));
      const result = await selfTest(hospital.id, {}, 'siu');
      expect(result.steps.map((step) => [step.name, step.ok])).toEqual([
        ['Directory', true],
        ['Listing', true],
        ['Archive write permission', true],
      ]);
      expect(readdirSync(hospital.dir).sort()).toEqual(['a.hl7', 'archive']);
      expect(readdirSync(join(hospital.dir, 'archive'))).toEqual([]);
    });

    it('directory: explains a folder that does not exist (share not mounted)', async () => {
      const hospital = await siuHospital(directories);
      rmSync(hospital.dir, { recursive: true });
      expectFailureAt(
        await selfTest(hospital.id, {}, 'siu'),
        'Directory',
        /does not exist \(is the share mounted\?\)/,
      );
    });
  });
});
