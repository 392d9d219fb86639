// The simulator is a test peer on real sockets, not a service's internals: tests may start it directly.
import {
  expectedCandidate,
  SIM_IDS,
  simPatientsByCode,
  simPatientsByVisit,
} from '../../apps/hospital-sim/src/dataset';
import { startHospitalSim, type HospitalSim } from '../../apps/hospital-sim/src/hospital-sim';
import { SIM_ERROR_TEXT, SIM_FAULTS } from '../../apps/hospital-sim/src/sim-faults';
import { freePort } from '@bridge/database';
import { expectEventually } from '@bridge/testing';
import { Client } from 'pg';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * Pull-import sessions whatever the source: the HL7 path (hl7-gateway over MLLP to the simulator) ending in
 * a saved patient, choosing the source per hospital, and the confirm rules (once, in time, own hospital).
 * The web-service client has its own suite (imports-webservice); the HL7 reading rules and faults theirs
 * (hl7-query).
 */
describe('pull import sessions (POST /v1/imports, confirm)', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let sim: HospitalSim;
  type Hospital = Awaited<ReturnType<Api['createHospital']>>;
  /** Source hl7. */
  let hospital: Hospital;
  /** Source webservice (pdq). */
  let ws: Hospital;

  const sourcePath = (target: Hospital) => `/v1/admin/hospitals/${target.id}/import-source`;
  const lookup = (target: Hospital, body: { patientCode?: string; visitNumber?: string }) =>
    api.request('POST', '/v1/imports', { token: target.token, body });
  const confirm = (target: Hospital, importId: string, body: Record<string, unknown>) =>
    api.request('POST', `/v1/imports/${importId}/confirm`, { token: target.token, body });

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    sim = await startHospitalSim();
    hospital = await api.createHospital('imports-hl7');
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/hl7`, {
      token: admin,
      body: {
        host: sim.mllp.host,
        port: sim.mllp.port,
        queryStyle: 'QRY_A19',
        patientIdAuthority: 'AZDEMO',
        timeoutMs: 2000,
      },
    });
    await api.expect(200, 'PUT', sourcePath(hospital), { token: admin, body: { source: 'hl7' } });
    ws = await api.createHospital('imports-ws');
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${ws.id}/connections/webservice`, {
      token: admin,
      body: { flavor: 'pdq', baseUrl: `${sim.http.baseUrl}/pdq` },
    });
    await api.expect(200, 'PUT', sourcePath(ws), { token: admin, body: { source: 'webservice' } });
  });
  afterAll(async () => {
    await platform?.close();
    await sim?.close();
  });

  it('looks up over HL7 and saves the chosen candidate with its care flow (201); the next lookup knows the patient (200)', async () => {
    const [sofie, noor] = simPatientsByVisit(SIM_IDS.sharedVisit);
    const found = await lookup(hospital, { visitNumber: SIM_IDS.sharedVisit });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      source: 'hl7',
      importId: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(found.body.candidates).toEqual([
      expect.objectContaining(expectedCandidate(sofie, { via: 'hl7' })),
      expect.objectContaining(expectedCandidate(noor, { via: 'hl7' })),
    ]);
    const saved = await confirm(hospital, found.body.importId, {
      candidate: 1,
      physicianId: hospital.physicianId,
      careFlow: { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-12-01' } },
    });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ ...expectedCandidate(noor, { via: 'hl7' }), hospitalId: hospital.id });
    expect(saved.body.careFlows).toEqual([
      expect.objectContaining({
        physicianId: hospital.physicianId,
        source: { kind: 'import' },
        status: 'active',
      }),
    ]);
    const fetched = await api.expect(200, 'GET', `/v1/patients/${saved.body.id}`, { token: hospital.token });
    expect(fetched.birthDate).toBe(noor.birthDate);

    const again = await api.expect(200, 'POST', '/v1/imports', {
      token: hospital.token,
      body: { patientCode: noor.patientCode },
    });
    expect(again.candidates).toEqual([
      expect.objectContaining({ patientCode: noor.patientCode, existingPatientId: saved.body.id }),
    ]);
    const updated = await confirm(hospital, again.importId, { physicianId: hospital.physicianId });
    expect(updated.status).toBe(200);
    expect(updated.body.id).toBe(saved.body.id);
    expect(updated.body.careFlows).toHaveLength(1);
  });

  it('carries the hospital errors of the HL7 path: 404 not found, 502 with the hospital text as hospitalError', async () => {
    const notFound = await lookup(hospital, { patientCode: SIM_FAULTS.notFound });
    expect(notFound.status).toBe(404);
    expect(notFound.body.code).toBe('PATIENT_NOT_FOUND_AT_HOSPITAL');
    const error = await lookup(hospital, { patientCode: SIM_FAULTS.error });
    expect(error.status).toBe(502);
    expect(error.body.code).toBe('HOSPITAL_ERROR');
    expect(error.body.hospitalError).toContain(SIM_ERROR_TEXT);
  });

  it('follows the import source chosen per hospital: the same hospital switches to its web service and back', async () => {
    const switching = await api.createHospital('imports-switch');
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${switching.id}/connections/hl7`, {
      token: admin,
      body: {
        host: sim.mllp.host,
        port: sim.mllp.port,
        queryStyle: 'QBP_Q22',
        version: '2.5',
        patientIdAuthority: 'AZDEMO',
      },
    });
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${switching.id}/connections/webservice`, {
      token: admin,
      body: { flavor: 'pdq', baseUrl: `${sim.http.baseUrl}/pdq` },
    });
    const [lucas] = simPatientsByCode(SIM_IDS.lucas);
    for (const source of ['webservice', 'hl7', 'webservice'] as const) {
      expect(await api.expect(200, 'PUT', sourcePath(switching), { token: admin, body: { source } })).toEqual(
        {
          hospitalId: switching.id,
          source,
        },
      );
      const found = await lookup(switching, { patientCode: SIM_IDS.lucas });
      expect({ source, status: found.status }).toEqual({ source, status: 200 });
      expect(found.body.source).toBe(source);
      expect(found.body.candidates).toEqual([
        expect.objectContaining(expectedCandidate(lucas, { via: source === 'hl7' ? 'hl7' : 'pdq' })),
      ]);
    }
    const log = (
      await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${switching.id}`, {
        token: admin,
      })
    ).messages;
    expect(log.map((entry: { channel: string }) => entry.channel)).toEqual([
      'webservice',
      'a19',
      'webservice',
    ]);
  });

  it('answers 409 IMPORT_SOURCE_NOT_CONFIGURED without a source, and for source hl7 without an HL7 connection', async () => {
    const bare = await api.createHospital('imports-bare');
    const none = await lookup(bare, { patientCode: SIM_IDS.lucas });
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('IMPORT_SOURCE_NOT_CONFIGURED');
    await api.expect(200, 'PUT', sourcePath(bare), { token: admin, body: { source: 'hl7' } });
    const noConnection = await lookup(bare, { patientCode: SIM_IDS.lucas });
    expect(noConnection.status).toBe(409);
    expect(noConnection.body.code).toBe('IMPORT_SOURCE_NOT_CONFIGURED');
  });

  it('the import source is admin-only, validated, and for known hospitals', async () => {
    expect(
      (await api.request('PUT', sourcePath(hospital), { token: hospital.token, body: { source: 'hl7' } }))
        .status,
    ).toBe(403);
    const bad = await api.request('PUT', sourcePath(hospital), { token: admin, body: { source: 'ftp' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'source' })]);
    const unknown = await api.request(
      'PUT',
      '/v1/admin/hospitals/00000000-0000-4000-8000-000000000000/import-source',
      {
        token: admin,
        body: { source: 'hl7' },
      },
    );
    expect(unknown.status).toBe(404);
  });

  it('follows an import source changed through another instance: the next lookup goes the new way', async () => {
    const moved = await api.createHospital('imports-moved');
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${moved.id}/connections/hl7`, {
      token: admin,
      body: { host: sim.mllp.host, port: sim.mllp.port, queryStyle: 'QRY_A19', timeoutMs: 2000 },
    });
    const webService = (baseUrl: string) =>
      api.expect(200, 'PUT', `/v1/admin/hospitals/${moved.id}/connections/webservice`, {
        token: admin,
        body: { flavor: 'pdq', baseUrl },
      });
    await webService(`${sim.http.baseUrl}/pdq`);
    await api.expect(200, 'PUT', sourcePath(moved), { token: admin, body: { source: 'hl7' } });
    const lookupSource = async () =>
      (
        await api.expect(200, 'POST', '/v1/imports', {
          token: moved.token,
          body: { patientCode: SIM_IDS.lucas },
        })
      ).source;
    expect(await lookupSource()).toBe('hl7');

    // Written straight to the database, as another patient-import instance would: this one remembers hl7.
    const database = new Client({ connectionString: platform.databaseUrl });
    await database.connect();
    const storeSource = (source: string) =>
      database.query('UPDATE patient_import.import_sources SET source = $2 WHERE hospital_id = $1', [
        moved.id,
        source,
      ]);
    try {
      await storeSource('webservice');
      expect(await lookupSource()).toBe('webservice');
      // A remembered source that fails is asked no further once it is no longer the hospital's: the web
      // service now refuses connections, the source is back to hl7, and the lookup answers through HL7.
      await webService(`http://127.0.0.1:${await freePort()}/pdq`);
      await storeSource('hl7');
      expect(await lookupSource()).toBe('hl7');
    } finally {
      await database.end();
    }
  });

  describe('confirm rules', () => {
    it('refuses a bad candidate index, an unknown physician or a bad care flow, leaving the import open', async () => {
      const found = await api.expect(200, 'POST', '/v1/imports', {
        token: ws.token,
        body: { patientCode: SIM_IDS.lucas },
      });
      const index = await confirm(ws, found.importId, { candidate: 5, physicianId: ws.physicianId });
      expect(index.status).toBe(422);
      expect(index.body.code).toBe('IMPORT_CANDIDATE_INVALID');
      const physician = await confirm(ws, found.importId, {
        physicianId: '00000000-0000-4000-8000-000000000000',
      });
      expect(physician.status).toBe(422);
      expect(physician.body.code).toBe('PHYSICIAN_NOT_FOUND');
      const careFlow = await confirm(ws, found.importId, {
        physicianId: ws.physicianId,
        careFlow: { definitionKey: 'knee-replacement' },
      });
      expect(careFlow.status).toBe(422);
      expect(careFlow.body.code).toBe('BASELINE_INVALID');
      const otherPhysician = await confirm(ws, found.importId, {
        physicianId: ws.physicianId,
        careFlow: {
          definitionKey: 'knee-replacement',
          physicianCode: 'DR2',
          baseline: { surgeryDate: '2026-12-01' },
        },
      });
      expect(otherPhysician.status).toBe(400);
      expect(otherPhysician.body.errors).toEqual([
        expect.objectContaining({ field: 'careFlow.physicianId' }),
      ]);
      expect((await confirm(ws, found.importId, { physicianId: ws.physicianId })).status).toBe(201);
    });

    it('is exactly once when two confirms arrive together', async () => {
      const found = await api.expect(200, 'POST', '/v1/imports', {
        token: ws.token,
        body: { patientCode: SIM_IDS.jurgen },
      });
      const body = {
        physicianId: ws.physicianId,
        careFlow: { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-12-01' } },
      };
      const responses = await Promise.all([1, 2, 3].map(() => confirm(ws, found.importId, body)));
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409, 409]);
      const search = await api.expect(200, 'POST', '/v1/patients/search', {
        token: ws.token,
        body: { patientCode: SIM_IDS.jurgen },
      });
      expect(search.total).toBe(1);
      expect(search.patients[0].careFlows).toHaveLength(1);
    });

    it('another hospital cannot confirm (404) or even see the import; unknown and malformed ids are 404', async () => {
      const found = await api.expect(200, 'POST', '/v1/imports', {
        token: ws.token,
        body: { patientCode: SIM_IDS.duplicateCode },
      });
      const foreign = await confirm(hospital, found.importId, { physicianId: hospital.physicianId });
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('IMPORT_NOT_FOUND');
      expect(
        (await confirm(ws, '00000000-0000-4000-8000-000000000000', { physicianId: ws.physicianId })).status,
      ).toBe(404);
      expect((await confirm(ws, 'not-an-id', { physicianId: ws.physicianId })).status).toBe(404);
      expect((await confirm(ws, found.importId, { physicianId: ws.physicianId })).status).toBe(201);
    });
  });
});

describe('pull import session expiry (IMPORT_SESSION_TTL_SECONDS)', () => {
  let platform: TestPlatform;
  let sim: HospitalSim;

  beforeAll(async () => {
    sim = await startHospitalSim();
    process.env.IMPORT_SESSION_TTL_SECONDS = '1';
    try {
      platform = await startTestPlatform();
    } finally {
      delete process.env.IMPORT_SESSION_TTL_SECONDS;
    }
  });
  afterAll(async () => {
    await platform?.close();
    await sim?.close();
  });

  it('an import not confirmed in time is gone: 410 IMPORT_EXPIRED, nothing saved', async () => {
    const api = new Api(platform);
    const admin = await api.adminToken();
    const hospital = await api.createHospital('ws-expiry');
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/webservice`, {
      token: admin,
      body: { flavor: 'pdq', baseUrl: `${sim.http.baseUrl}/pdq` },
    });
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/import-source`, {
      token: admin,
      body: { source: 'webservice' },
    });
    const found = await api.expect(200, 'POST', '/v1/imports', {
      token: hospital.token,
      body: { patientCode: SIM_IDS.lucas },
    });
    const confirmAt = (candidate: number) =>
      api.request('POST', `/v1/imports/${found.importId}/confirm`, {
        token: hospital.token,
        body: { candidate, physicianId: hospital.physicianId },
      });
    // A confirm of a candidate that does not exist changes nothing: 422 while the import lives, 410 once expired.
    expect((await confirmAt(9)).status).toBe(422);
    await expectEventually(async () => expect((await confirmAt(9)).status).toBe(410), {
      timeoutMs: 5000,
      intervalMs: 100,
    });
    const late = await api.request('POST', `/v1/imports/${found.importId}/confirm`, {
      token: hospital.token,
      body: { physicianId: hospital.physicianId },
    });
    expect(late.status).toBe(410);
    expect(late.body.code).toBe('IMPORT_EXPIRED');
    const search = await api.expect(200, 'POST', '/v1/patients/search', {
      token: hospital.token,
      body: { patientCode: SIM_IDS.lucas },
    });
    expect(search.total).toBe(0);
  });
});
