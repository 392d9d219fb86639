// The simulator is a test peer on real sockets, not a service's internals: tests may start it directly.
import {
  expectedCandidate,
  SIM_IDS,
  simPatientsByCode,
  simPatientsByVisit,
} from '../../apps/hospital-sim/src/dataset';
import { startHospitalSim, type HospitalSim } from '../../apps/hospital-sim/src/hospital-sim';
import { SIM_ERROR_TEXT, SIM_FAULTS } from '../../apps/hospital-sim/src/sim-faults';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const TIMEOUT_MS = 500;
/** QUALITY.md R3: every fault ends with its problem code within the connection timeout + 1 s. */
const R3_BOUND_MS = TIMEOUT_MS + 1000;

describe('pull import over HL7 (QRY^A19 / QBP^Q22 over MLLP) against the hospital simulator', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let sim: HospitalSim;
  type Hospital = Awaited<ReturnType<Api['createHospital']>>;
  let a19: Hospital;
  let q22: Hospital;

  /** A hospital whose import source is HL7, connected to the simulator (or not at all). */
  async function hl7Hospital(key: string, connection?: Record<string, unknown>): Promise<Hospital> {
    const hospital = await api.createHospital(key);
    if (connection) {
      await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/hl7`, {
        token: admin,
        body: connection,
      });
    }
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/import-source`, {
      token: admin,
      body: { source: 'hl7' },
    });
    return hospital;
  }

  /** The simulator's MLLP address with the suite's authority and timeout; each hospital adds its query style. */
  function simConnection() {
    return { host: sim.mllp.host, port: sim.mllp.port, patientIdAuthority: 'AZDEMO', timeoutMs: TIMEOUT_MS };
  }

  function lookup(hospital: Hospital, body: { patientCode?: string; visitNumber?: string }) {
    return api.request('POST', '/v1/imports', { token: hospital.token, body });
  }

  /** The newest message-log entry of the hospital: each test's exchange, since the suite runs in order. */
  async function lastExchange(hospital: Hospital) {
    const [entry] = (
      await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${hospital.id}&limit=1`, {
        token: admin,
      })
    ).messages;
    return {
      entry,
      detail: await api.expect(200, 'GET', `/v1/admin/messages/${entry.id}`, { token: admin }),
    };
  }

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    sim = await startHospitalSim({ slowMs: 100 });
    a19 = await hl7Hospital('hl7-a19', { ...simConnection(), queryStyle: 'QRY_A19' });
    q22 = await hl7Hospital('hl7-q22', {
      ...simConnection(),
      queryStyle: 'QBP_Q22',
      version: '2.5',
      charset: 'utf-8',
    });
  });
  afterAll(async () => {
    await platform?.close();
    await sim?.close();
  });

  describe('the HL7 connection (admin)', () => {
    it('is stored by PUT and shown by GET; a second PUT replaces it', async () => {
      const hospital = await api.createHospital('hl7-conn');
      const path = `/v1/admin/hospitals/${hospital.id}/connections/hl7`;
      expect((await api.request('GET', path, { token: admin })).status).toBe(404);
      const body = {
        host: 'his.azdemo.example',
        port: 2575,
        tls: true,
        queryStyle: 'QRY_A19',
        sendingApplication: 'CAREFLOW',
        receivingFacility: 'AZDEMO',
        charset: 'latin1',
        keepOpenMs: 30000,
        patientIdTypes: ['PI', 'MR'],
        template: {
          maxCandidates: 5,
          identifierTypeCodes: { visitNumber: 'AN' },
          timeZone: 'Europe/Brussels',
        },
      };
      const put = await api.expect(200, 'PUT', path, { token: admin, body });
      expect(put).toMatchObject({ ...body, hospitalId: hospital.id, updatedAt: expect.any(String) });
      expect(await api.expect(200, 'GET', path, { token: admin })).toEqual(put);
      const replaced = await api.expect(200, 'PUT', path, {
        token: admin,
        body: { host: 'his2', port: 2576, queryStyle: 'QBP_Q22' },
      });
      expect(replaced).not.toHaveProperty('tls');
      expect(replaced).not.toHaveProperty('template');
      // Rule 10 b's default is shown when the hospital sets none.
      expect(replaced.patientIdTypes).toEqual(['MR', 'MRN', 'PI', 'PT']);
      expect(await api.expect(200, 'GET', path, { token: admin })).toMatchObject({
        host: 'his2',
        queryStyle: 'QBP_Q22',
      });
    });

    it('refuses bad bodies with field errors (template fields included)', async () => {
      const path = `/v1/admin/hospitals/${a19.id}/connections/hl7`;
      const bad = await api.request('PUT', path, {
        token: admin,
        body: {
          host: '',
          port: 70000,
          queryStyle: 'ORU',
          timeoutMs: 10,
          keepOpenMs: 10,
          patientIdTypes: [],
          unknown: 1,
        },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'host',
        'keepOpenMs',
        'patientIdTypes',
        'port',
        'queryStyle',
        'timeoutMs',
        'unknown',
      ]);
      for (const patientIdTypes of [['MR', 'MR'], ['MR', 'M R'], ['A'.repeat(11)], 'MR', [7]]) {
        const badTypes = await api.request('PUT', path, {
          token: admin,
          body: { host: 'h', port: 1, queryStyle: 'QRY_A19', patientIdTypes },
        });
        expect(badTypes.status).toBe(400);
        expect(badTypes.body.errors.map((e: { field: string }) => e.field)).toEqual(['patientIdTypes']);
      }
      const badTemplate = await api.request('PUT', path, {
        token: admin,
        body: {
          host: 'h',
          port: 1,
          queryStyle: 'QRY_A19',
          template: { timeZone: 'Nowhere/City', maxCandidatez: 3 },
        },
      });
      expect(badTemplate.status).toBe(400);
      expect(badTemplate.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'template.maxCandidatez',
        'template.timeZone',
      ]);
      // The refused bodies changed nothing.
      expect(await api.expect(200, 'GET', path, { token: admin })).toMatchObject({
        port: sim.mllp.port,
        queryStyle: 'QRY_A19',
      });
    });

    it('is 404 for an unknown hospital and 403 for a hospital token', async () => {
      const unknown = await api.request(
        'PUT',
        '/v1/admin/hospitals/00000000-0000-4000-8000-000000000000/connections/hl7',
        {
          token: admin,
          body: { host: 'h', port: 1, queryStyle: 'QRY_A19' },
        },
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('HOSPITAL_NOT_FOUND');
      const path = `/v1/admin/hospitals/${a19.id}/connections/hl7`;
      expect((await api.request('GET', path, { token: a19.token })).status).toBe(403);
      expect(
        (
          await api.request('PUT', path, {
            token: a19.token,
            body: { host: 'evil', port: 1, queryStyle: 'QRY_A19' },
          })
        ).status,
      ).toBe(403);
    });
  });

  describe('found', () => {
    it('QRY^A19 by patient code: the candidate read by the HL7 rules, exchange journaled as replied', async () => {
      const response = await lookup(a19, { patientCode: SIM_IDS.francoise });
      expect(response.status).toBe(200);
      expect(response.body.source).toBe('hl7');
      const [francoise] = simPatientsByCode(SIM_IDS.francoise);
      expect(response.body.candidates).toEqual([
        expect.objectContaining(expectedCandidate(francoise, { via: 'hl7' })),
      ]);
      const { entry, detail } = await lastExchange(a19);
      expect(entry).toMatchObject({
        channel: 'a19',
        direction: 'outbound',
        type: 'QRY^A19',
        status: 'replied',
      });
      expect(detail.raw).toMatch(/^MSH\|\^~\\&\|.*\|QRY\^A19\|/);
      expect(detail.raw).toContain('QRD|');
      expect(detail.reply).toContain(`MSA|AA|${entry.controlId}`);
      expect(detail.reply).toContain('Françoise');
      expect(detail.summary).toMatchObject({ outcome: 'found', candidates: 1 });
    });

    it('QBP^Q22 by visit number', async () => {
      const response = await lookup(q22, { visitNumber: SIM_IDS.jurgenVisit });
      expect(response.status).toBe(200);
      const [jurgen] = simPatientsByVisit(SIM_IDS.jurgenVisit);
      expect(response.body.candidates).toEqual([
        expect.objectContaining(expectedCandidate(jurgen, { via: 'hl7' })),
      ]);
      expect(response.body.candidates[0].birthDate).toBe('1985-07');
      const { entry, detail } = await lastExchange(q22);
      expect(entry).toMatchObject({ type: 'QBP^Q22', status: 'replied' });
      expect(detail.raw).toContain('QPD|');
    });

    it('several candidates, in the hospital’s order (shared visit; duplicate patient code)', async () => {
      const visit = await lookup(a19, { visitNumber: SIM_IDS.sharedVisit });
      expect(visit.status).toBe(200);
      expect(visit.body.candidates).toEqual(
        simPatientsByVisit(SIM_IDS.sharedVisit).map((patient) =>
          expect.objectContaining(expectedCandidate(patient, { via: 'hl7' })),
        ),
      );
      expect(visit.body.candidates).toHaveLength(2);
      const code = await lookup(q22, { patientCode: SIM_IDS.duplicateCode });
      expect(code.status).toBe(200);
      expect(code.body.candidates.map((c: { firstName: string }) => c.firstName)).toEqual(
        simPatientsByCode(SIM_IDS.duplicateCode).map((patient) => expectedCandidate(patient).firstName),
      );
      expect((await lastExchange(q22)).detail.summary).toMatchObject({ outcome: 'found', candidates: 2 });
    });

    it("reads the patient code by the connection's patientIdTypes when no authority is set (rule 10 b)", async () => {
      const base = { host: sim.mllp.host, port: sim.mllp.port, queryStyle: 'QRY_A19', timeoutMs: TIMEOUT_MS };
      // Françoise's PID-3 holds the old MR of the merged hospital (HHSJ) before her AZDEMO MR.
      const byDefault = await hl7Hospital('hl7-types-default', base);
      const ptOnly = await hl7Hospital('hl7-types-pt', { ...base, patientIdTypes: ['PT'] });
      const byDefaultAnswer = await lookup(byDefault, { patientCode: SIM_IDS.francoise });
      expect(byDefaultAnswer.status).toBe(200);
      expect(byDefaultAnswer.body.candidates.map((c: { patientCode: string }) => c.patientCode)).toEqual([
        'H-55012',
      ]);
      // No PT in PID-3: the candidate has no patient code, and a reply without any usable candidate is refused.
      const ptOnlyAnswer = await lookup(ptOnly, { patientCode: SIM_IDS.francoise });
      expect(ptOnlyAnswer.status).toBe(502);
      expect(ptOnlyAnswer.body.code).toBe('HOSPITAL_ERROR');
      expect((await lastExchange(ptOnly)).detail.summary).toMatchObject({
        outcome: 'found',
        candidates: 1,
        incomplete: 1,
      });
    });

    it('a slow hospital within the timeout still answers', async () => {
      const response = await lookup(a19, { patientCode: SIM_IDS.slow });
      expect(response.status).toBe(200);
      expect(response.body.candidates[0]).toMatchObject({ firstName: 'Elise', lastName: 'Lenteur' });
    });
  });

  describe('not found and faults (R3: each ends with its problem code within timeout + 1 s)', () => {
    async function timed(hospital: Hospital, value: string) {
      const started = Date.now();
      const response = await lookup(hospital, { patientCode: value });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(R3_BOUND_MS);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      return response;
    }

    it('not found: 404 PATIENT_NOT_FOUND_AT_HOSPITAL, journaled as replied', async () => {
      for (const hospital of [a19, q22]) {
        const response = await timed(hospital, SIM_FAULTS.notFound);
        expect(response.status).toBe(404);
        expect(response.body.code).toBe('PATIENT_NOT_FOUND_AT_HOSPITAL');
        const { entry, detail } = await lastExchange(hospital);
        expect(entry.status).toBe('replied');
        expect(detail.summary).toMatchObject({ outcome: 'not_found', candidates: 0 });
      }
    });

    it('AE: 502 HOSPITAL_ERROR with the hospital’s own text, journaled as failed', async () => {
      const response = await timed(a19, SIM_FAULTS.error);
      expect(response.status).toBe(502);
      expect(response.body.code).toBe('HOSPITAL_ERROR');
      expect(response.body.hospitalError).toContain(SIM_ERROR_TEXT);
      const { entry, detail } = await lastExchange(a19);
      expect(entry).toMatchObject({ status: 'failed', error: expect.stringContaining(SIM_ERROR_TEXT) });
      expect(detail.reply).toContain('MSA|AE|');
    });

    it('a reply for another control id (MSA-2 ≠ MSH-10): 502 HOSPITAL_ERROR, no candidates', async () => {
      const response = await timed(q22, SIM_FAULTS.mismatch);
      expect(response.status).toBe(502);
      expect(response.body.code).toBe('HOSPITAL_ERROR');
      expect(response.body).not.toHaveProperty('hospitalError');
      const { entry, detail } = await lastExchange(q22);
      expect(entry.status).toBe('failed');
      expect(detail.summary).toMatchObject({ reason: 'CONTROL_ID_MISMATCH' });
      expect(detail.reply).toContain(`MSA|AA|OTHER-${entry.controlId}`);
    });

    it('garbage: 502 HOSPITAL_ERROR, the raw garbage kept in the journal', async () => {
      const response = await timed(a19, SIM_FAULTS.garbage);
      expect(response.status).toBe(502);
      expect(response.body.code).toBe('HOSPITAL_ERROR');
      const { entry, detail } = await lastExchange(a19);
      expect(entry.status).toBe('failed');
      expect(detail.reply).toContain('502 Bad Gateway');
    });

    it('connection closed mid-frame: 502 HOSPITAL_ERROR', async () => {
      const response = await timed(a19, SIM_FAULTS.close);
      expect(response.status).toBe(502);
      expect(response.body.code).toBe('HOSPITAL_ERROR');
      const { entry, detail } = await lastExchange(a19);
      expect(entry).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('MLLP_CONNECTION_CLOSED'),
      });
      expect(detail).not.toHaveProperty('reply');
    });

    it('hang: 504 HOSPITAL_TIMEOUT within timeout + 1 s', async () => {
      const started = Date.now();
      const response = await timed(q22, SIM_FAULTS.hang);
      expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
      expect(response.status).toBe(504);
      expect(response.body.code).toBe('HOSPITAL_TIMEOUT');
      const { entry } = await lastExchange(q22);
      expect(entry).toMatchObject({ status: 'failed', error: expect.stringContaining('MLLP_TIMEOUT') });
      expect(entry.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
    });

    it('refused: 502 HOSPITAL_ERROR', async () => {
      const refused = await hl7Hospital('hl7-refused', {
        host: '127.0.0.1',
        port: sim.refusedPort,
        queryStyle: 'QRY_A19',
        timeoutMs: TIMEOUT_MS,
      });
      const response = await timed(refused, SIM_IDS.francoise);
      expect(response.status).toBe(502);
      expect(response.body.code).toBe('HOSPITAL_ERROR');
      const { entry, detail } = await lastExchange(refused);
      expect(entry).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('MLLP_CONNECTION_REFUSED'),
      });
      expect(detail.raw).toContain('QRY^A19');
    });

    it('with keepOpenMs: queries share a connection, and a fault never leaves one to the next query', async () => {
      const kept = await hl7Hospital('hl7-kept', {
        ...simConnection(),
        queryStyle: 'QRY_A19',
        keepOpenMs: 60_000,
      });
      const opened = sim.mllp.connections().accepted;
      const newConnections = () => sim.mllp.connections().accepted - opened;
      const found = async () => {
        const response = await lookup(kept, { patientCode: SIM_IDS.francoise });
        expect(response.status).toBe(200);
        expect(response.body.candidates[0]).toMatchObject({ firstName: 'Françoise' });
      };
      await found();
      expect((await timed(kept, SIM_FAULTS.notFound)).status).toBe(404);
      expect((await timed(kept, SIM_FAULTS.error)).body.hospitalError).toContain(SIM_ERROR_TEXT);
      await found();
      // Every answer to the query itself, an error included, came on the one connection.
      expect(newConnections()).toBe(1);
      // A reply for another query, garbage, a hang: the connection goes, the next query opens another
      // and gets its own answer.
      for (const [fault, status] of [
        [SIM_FAULTS.mismatch, 502],
        [SIM_FAULTS.garbage, 502],
        [SIM_FAULTS.hang, 504],
      ] as const) {
        const before = newConnections();
        expect((await timed(kept, fault)).status).toBe(status);
        await found();
        expect(newConnections()).toBe(before + 1);
      }
      const { entry } = await lastExchange(kept);
      expect(entry.status).toBe('replied');
    });

    it('no HL7 connection: 409 IMPORT_SOURCE_NOT_CONFIGURED, nothing journaled', async () => {
      const none = await hl7Hospital('hl7-none');
      const response = await timed(none, SIM_IDS.francoise);
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('IMPORT_SOURCE_NOT_CONFIGURED');
      expect(
        (await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${none.id}`, { token: admin })).messages,
      ).toEqual([]);
    });
  });
});
