// The simulator is a test peer on real sockets, not a service's internals: tests may start it directly.
import {
  expectedCandidate,
  SIM_AUTHORITIES,
  SIM_IDS,
  SIM_VISIT_SYSTEM,
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
const PDQ_AUTH = { type: 'basic', username: 'careflow', password: 'pdq-Secret-4711' } as const;
const FHIR_AUTH = { type: 'header', header: 'X-Api-Key', value: 'fhir-Key-0815' } as const;
const SYSTEMS = { patientCode: SIM_AUTHORITIES.AZDEMO.system, visitNumber: SIM_VISIT_SYSTEM };

describe('pull import from the hospital web service (pdq, fhir) against the hospital simulator', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let pdqSim: HospitalSim;
  let fhirSim: HospitalSim;
  type Hospital = Awaited<ReturnType<Api['createHospital']>>;
  let pdq: Hospital;
  let fhir: Hospital;
  let faults: Hospital;

  const connectionPath = (hospital: Hospital) => `/v1/admin/hospitals/${hospital.id}/connections/webservice`;

  async function webServiceHospital(key: string, connection: Record<string, unknown>): Promise<Hospital> {
    const hospital = await api.createHospital(key);
    await api.expect(200, 'PUT', connectionPath(hospital), { token: admin, body: connection });
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/import-source`, {
      token: admin,
      body: { source: 'webservice' },
    });
    return hospital;
  }

  const lookup = (hospital: Hospital, body: { patientCode?: string; visitNumber?: string }) =>
    api.request('POST', '/v1/imports', { token: hospital.token, body });

  const confirm = (hospital: Hospital, importId: string, body: Record<string, unknown>) =>
    api.request('POST', `/v1/imports/${importId}/confirm`, { token: hospital.token, body });

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    pdqSim = await startHospitalSim({ requireAuth: PDQ_AUTH, slowMs: 100 });
    fhirSim = await startHospitalSim({ requireAuth: FHIR_AUTH });
    pdq = await webServiceHospital('ws-pdq', {
      flavor: 'pdq',
      baseUrl: `${pdqSim.http.baseUrl}/pdq`,
      auth: PDQ_AUTH,
      destination: 'MIRTH-PDQ',
      identifierSystems: SYSTEMS,
    });
    fhir = await webServiceHospital('ws-fhir', {
      flavor: 'fhir',
      baseUrl: `${fhirSim.http.baseUrl}/fhir`,
      auth: FHIR_AUTH,
      destination: 'MIRTH-FHIR',
      identifierSystems: SYSTEMS,
    });
    faults = await webServiceHospital('ws-faults', {
      flavor: 'pdq',
      baseUrl: `${pdqSim.http.baseUrl}/pdq`,
      auth: PDQ_AUTH,
      timeoutMs: TIMEOUT_MS,
      identifierSystems: SYSTEMS,
    });
  });
  afterAll(async () => {
    await platform?.close();
    await pdqSim?.close();
    await fhirSim?.close();
  });

  describe('the web-service connection (admin)', () => {
    it('stores the secret but never returns it: PUT and GET show secretSet only', async () => {
      const put = await api.request('PUT', connectionPath(pdq), {
        token: admin,
        body: {
          flavor: 'pdq',
          baseUrl: `${pdqSim.http.baseUrl}/pdq`,
          auth: PDQ_AUTH,
          destination: 'MIRTH-PDQ',
          identifierSystems: SYSTEMS,
        },
      });
      const get = await api.request('GET', connectionPath(pdq), { token: admin });
      for (const response of [put, get]) {
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({
          hospitalId: pdq.id,
          flavor: 'pdq',
          destination: 'MIRTH-PDQ',
          timeoutMs: 5000,
          auth: { type: 'basic', username: 'careflow', secretSet: true },
        });
        expect(JSON.stringify(response.body)).not.toContain(PDQ_AUTH.password);
      }
      const header = await api.expect(200, 'GET', connectionPath(fhir), { token: admin });
      expect(header.auth).toEqual({ type: 'header', header: 'X-Api-Key', secretSet: true });
      expect(JSON.stringify(header)).not.toContain(FHIR_AUTH.value);
    });

    it('refuses bad bodies with field errors, unknown hospitals with 404, hospital tokens with 403', async () => {
      const bad = await api.request('PUT', connectionPath(pdq), {
        token: admin,
        body: { flavor: 'soap', baseUrl: 'ftp://x', auth: { type: 'basic' }, timeoutMs: 10 },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
        'auth.password',
        'auth.username',
        'baseUrl',
        'flavor',
        'timeoutMs',
      ]);
      const custom = await api.request('PUT', connectionPath(pdq), {
        token: admin,
        body: {
          flavor: 'custom',
          baseUrl: 'https://emr.example',
          custom: { urlTemplate: '/p', resultsPath: '', fields: { colour: 'c' } },
        },
      });
      expect(custom.status).toBe(400);
      const unknown = '00000000-0000-4000-8000-000000000000';
      const body = { flavor: 'pdq', baseUrl: 'https://emr.example/pdq' };
      expect(
        (
          await api.request('PUT', `/v1/admin/hospitals/${unknown}/connections/webservice`, {
            token: admin,
            body,
          })
        ).status,
      ).toBe(404);
      expect(
        (await api.request('GET', `/v1/admin/hospitals/${unknown}/connections/webservice`, { token: admin }))
          .status,
      ).toBe(404);
      expect((await api.request('PUT', connectionPath(pdq), { token: pdq.token, body })).status).toBe(403);
      expect((await api.request('GET', connectionPath(pdq), { token: pdq.token })).status).toBe(403);
    });
  });

  describe('lookup', () => {
    it('pdq by patient code: the candidate, auth and X-Destination sent, the id URL-encoded with the AZDEMO system', async () => {
      const [francoise] = simPatientsByCode(SIM_IDS.francoise);
      const started = Date.now();
      const response = await lookup(pdq, { patientCode: SIM_IDS.francoise });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        importId: expect.any(String),
        source: 'webservice',
        candidates: [expect.objectContaining(expectedCandidate(francoise, { via: 'pdq' }))],
        expiresAt: expect.any(String),
      });
      const ttl = Date.parse(response.body.expiresAt) - started;
      expect(ttl).toBeGreaterThan(14 * 60_000);
      expect(ttl).toBeLessThan(16 * 60_000);
      const seen = pdqSim.httpRequests.at(-1)!;
      expect(seen.headers.authorization).toBe(
        `Basic ${Buffer.from(`${PDQ_AUTH.username}:${PDQ_AUTH.password}`).toString('base64')}`,
      );
      expect(seen.headers['x-destination']).toBe('MIRTH-PDQ');
      expect(new URL(seen.url, 'http://sim').searchParams.get('identifier:of-type')).toBe(
        `${SIM_AUTHORITIES.AZDEMO.system}|MR|${SIM_IDS.francoise}`,
      );
    });

    it('pdq by visit number, and several candidates in the hospital order (shared visit, duplicate code)', async () => {
      const shared = await lookup(pdq, { visitNumber: SIM_IDS.sharedVisit });
      expect(shared.status).toBe(200);
      expect(shared.body.candidates).toEqual(
        simPatientsByVisit(SIM_IDS.sharedVisit).map((patient) =>
          expect.objectContaining({
            ...expectedCandidate(patient, { via: 'pdq' }),
            visitNumber: SIM_IDS.sharedVisit,
          }),
        ),
      );
      expect(shared.body.candidates).toHaveLength(2);
      const duplicate = await lookup(pdq, { patientCode: SIM_IDS.duplicateCode });
      expect(
        duplicate.body.candidates.map((candidate: { firstName: string }) => candidate.firstName),
      ).toEqual(['Marie', 'Marie-Thérèse']);
    });

    it('fhir by patient code and by visit number: FHIR Patients read to the same candidates, header auth sent', async () => {
      const [jurgen] = simPatientsByCode(SIM_IDS.jurgen);
      const byCode = await lookup(fhir, { patientCode: SIM_IDS.jurgen });
      expect(byCode.status).toBe(200);
      expect(byCode.body.candidates).toEqual([
        expect.objectContaining(expectedCandidate(jurgen, { via: 'fhir' })),
      ]);
      const seen = fhirSim.httpRequests.at(-1)!;
      expect(seen.headers['x-api-key']).toBe(FHIR_AUTH.value);
      expect(seen.headers['x-destination']).toBe('MIRTH-FHIR');
      expect(new URL(seen.url, 'http://sim').searchParams.get('identifier')).toBe(
        `${SIM_AUTHORITIES.AZDEMO.system}|${SIM_IDS.jurgen}`,
      );

      const [francoise] = simPatientsByVisit(SIM_IDS.francoiseVisit);
      const byVisit = await lookup(fhir, { visitNumber: SIM_IDS.francoiseVisit });
      expect(byVisit.body.candidates).toEqual([
        expect.objectContaining(expectedCandidate(francoise, { via: 'fhir' })),
      ]);
      const shared = await lookup(fhir, { visitNumber: SIM_IDS.sharedVisit });
      expect(
        shared.body.candidates.map((candidate: { patientCode: string }) => candidate.patientCode),
      ).toEqual(simPatientsByVisit(SIM_IDS.sharedVisit).map((patient) => patient.patientCode));
    });

    it('refuses a body with both or neither identifier (400) and tokens without the imports scope (403)', async () => {
      expect((await lookup(pdq, { patientCode: '1', visitNumber: '2' })).status).toBe(400);
      expect((await lookup(pdq, {})).status).toBe(400);
      const client = await api.expect(201, 'POST', `/v1/admin/hospitals/${pdq.id}/api-clients`, {
        token: admin,
        body: { name: 'no imports', scopes: ['patients:read'] },
      });
      const token = await api.token(client.clientId, client.clientSecret);
      const response = await api.request('POST', '/v1/imports', {
        token,
        body: { patientCode: SIM_IDS.lucas },
      });
      expect(response.status).toBe(403);
    });
  });

  describe('not found and faults (R3: each ends with its problem code within timeout + 1 s)', () => {
    async function timed(hospital: Hospital, value: string) {
      const started = Date.now();
      const response = await lookup(hospital, { patientCode: value });
      return { ...response, elapsedMs: Date.now() - started };
    }

    it('not found: 404 PATIENT_NOT_FOUND_AT_HOSPITAL (pdq and fhir)', async () => {
      for (const hospital of [pdq, fhir]) {
        const response = await timed(hospital, SIM_FAULTS.notFound);
        expect(response.status).toBe(404);
        expect(response.body.code).toBe('PATIENT_NOT_FOUND_AT_HOSPITAL');
      }
    });

    it('hospital error: 502 HOSPITAL_ERROR carrying the hospital text as hospitalError (pdq and fhir)', async () => {
      for (const hospital of [faults, fhir]) {
        const response = await timed(hospital, SIM_FAULTS.error);
        expect(response.status).toBe(502);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.body).toMatchObject({ code: 'HOSPITAL_ERROR', hospitalError: SIM_ERROR_TEXT });
        expect(response.body.detail).not.toContain(SIM_ERROR_TEXT);
      }
    });

    it('hang: 504 HOSPITAL_TIMEOUT within timeout + 1 s', async () => {
      const response = await timed(faults, SIM_FAULTS.hang);
      expect(response.status).toBe(504);
      expect(response.body.code).toBe('HOSPITAL_TIMEOUT');
      expect(response.elapsedMs).toBeLessThan(R3_BOUND_MS);
    });

    it('garbage and a body cut off mid-way: 502 HOSPITAL_ERROR, in time', async () => {
      for (const value of [SIM_FAULTS.garbage, SIM_FAULTS.close]) {
        const response = await timed(faults, value);
        expect({ value, status: response.status, code: response.body.code }).toEqual({
          value,
          status: 502,
          code: 'HOSPITAL_ERROR',
        });
        expect(response.elapsedMs).toBeLessThan(R3_BOUND_MS);
      }
    });

    it('slow but within the timeout: the candidate', async () => {
      const response = await timed(faults, SIM_FAULTS.slow);
      expect(response.status).toBe(200);
      expect(response.body.candidates[0]).toMatchObject({ patientCode: SIM_IDS.slow, lastName: 'Lenteur' });
    });

    it('refused: 502 HOSPITAL_ERROR, in time', async () => {
      const refused = await webServiceHospital('ws-refused', {
        flavor: 'fhir',
        baseUrl: `http://127.0.0.1:${pdqSim.refusedPort}/fhir`,
        timeoutMs: TIMEOUT_MS,
      });
      const response = await timed(refused, SIM_IDS.lucas);
      expect(response.status).toBe(502);
      expect(response.body.code).toBe('HOSPITAL_ERROR');
      expect(response.body.detail).toContain('ECONNREFUSED');
      expect(response.elapsedMs).toBeLessThan(R3_BOUND_MS);
    });

    it('wrong credentials: the hospital 401 is a 502 HOSPITAL_ERROR with its text', async () => {
      const wrong = await webServiceHospital('ws-wrong-auth', {
        flavor: 'pdq',
        baseUrl: `${pdqSim.http.baseUrl}/pdq`,
        auth: { ...PDQ_AUTH, password: 'not-the-password' },
      });
      const response = await lookup(wrong, { patientCode: SIM_IDS.lucas });
      expect(response.status).toBe(502);
      expect(response.body).toMatchObject({ code: 'HOSPITAL_ERROR', hospitalError: 'unauthorized' });
    });

    it('no import source, or a web-service source without its connection: 409 IMPORT_SOURCE_NOT_CONFIGURED', async () => {
      const bare = await api.createHospital('ws-bare');
      const none = await lookup(bare, { patientCode: SIM_IDS.lucas });
      expect(none.status).toBe(409);
      expect(none.body.code).toBe('IMPORT_SOURCE_NOT_CONFIGURED');
      await api.expect(200, 'PUT', `/v1/admin/hospitals/${bare.id}/import-source`, {
        token: admin,
        body: { source: 'webservice' },
      });
      const noConnection = await lookup(bare, { patientCode: SIM_IDS.lucas });
      expect(noConnection.status).toBe(409);
      expect(noConnection.body.code).toBe('IMPORT_SOURCE_NOT_CONFIGURED');
    });
  });

  describe('confirm', () => {
    it('saves the chosen candidate (201), once (409); a new lookup then shows existingPatientId and updates (200)', async () => {
      const found = await api.expect(200, 'POST', '/v1/imports', {
        token: pdq.token,
        body: { visitNumber: SIM_IDS.sharedVisit },
      });
      expect(found.candidates.every((candidate: object) => !('existingPatientId' in candidate))).toBe(true);
      const created = await confirm(pdq, found.importId, { candidate: 1, physicianId: pdq.physicianId });
      expect(created.status).toBe(201);
      const [, noor] = simPatientsByVisit(SIM_IDS.sharedVisit);
      expect(created.body).toMatchObject({
        ...expectedCandidate(noor, { via: 'pdq' }),
        hospitalId: pdq.id,
        careFlows: [],
      });
      const again = await confirm(pdq, found.importId, { candidate: 0, physicianId: pdq.physicianId });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('IMPORT_ALREADY_CONFIRMED');

      const second = await api.expect(200, 'POST', '/v1/imports', {
        token: pdq.token,
        body: { visitNumber: SIM_IDS.sharedVisit },
      });
      expect(second.candidates[0].existingPatientId).toBeUndefined();
      expect(second.candidates[1].existingPatientId).toBe(created.body.id);
      const updated = await confirm(pdq, second.importId, { candidate: 1, physicianId: pdq.physicianId });
      expect(updated.status).toBe(200);
      expect(updated.body.id).toBe(created.body.id);
    });

    it('starts a care flow for the chosen physician, with source import', async () => {
      const found = await api.expect(200, 'POST', '/v1/imports', {
        token: fhir.token,
        body: { patientCode: SIM_IDS.lucas },
      });
      const response = await confirm(fhir, found.importId, {
        physicianId: fhir.physicianId,
        careFlow: { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-12-01' } },
      });
      expect(response.status).toBe(201);
      expect(response.body.patientCode).toBe(SIM_IDS.lucas);
      expect(response.body.careFlows).toEqual([
        expect.objectContaining({
          definitionKey: 'knee-replacement',
          physicianId: fhir.physicianId,
          physicianCode: 'DR1',
          source: { kind: 'import' },
        }),
      ]);
    });
  });

  it('journals every exchange in the message log: request without secrets, the answer, the patient it became', async () => {
    const found = await api.expect(200, 'POST', '/v1/imports', {
      token: fhir.token,
      body: { patientCode: SIM_IDS.francoise },
    });
    const saved = await confirm(fhir, found.importId, { physicianId: fhir.physicianId });
    const [entry] = (
      await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${fhir.id}&channel=webservice&limit=1`, {
        token: admin,
      })
    ).messages;
    expect(entry).toMatchObject({
      hospitalId: fhir.id,
      channel: 'webservice',
      direction: 'outbound',
      type: 'GET fhir',
      status: 'replied',
      patientId: saved.body.id,
      durationMs: expect.any(Number),
    });
    const detail = await api.expect(200, 'GET', `/v1/admin/messages/${entry.id}`, { token: admin });
    expect(detail.raw).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/fhir\/Patient\?identifier=/);
    expect(detail.raw).toContain('x-api-key: [redacted]');
    expect(detail.raw).not.toContain(FHIR_AUTH.value);
    expect(detail.reply).toContain('"resourceType":"Bundle"');
    expect(detail.summary).toMatchObject({ outcome: 'found', candidates: 1, httpStatus: 200 });

    await lookup(faults, { patientCode: SIM_FAULTS.error });
    const [failed] = (
      await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${faults.id}&status=failed&limit=1`, {
        token: admin,
      })
    ).messages;
    expect(failed).toMatchObject({
      channel: 'webservice',
      type: 'GET pdq',
      error: 'The hospital web service answered HTTP 500.',
    });
  });
});
