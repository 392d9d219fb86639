import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('push API (POST /v1/patients and care flows)', () => {
  let platform: TestPlatform;
  let api: Api;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    hospital = await api.createHospital('push-a');
  });
  afterAll(() => platform?.close());

  const patient = (code: string, extra: object = {}) => ({
    patientCode: code,
    firstName: 'Françoise',
    lastName: 'Dubois-Lemaître',
    birthDate: '1985-07',
    sex: 'female',
    email: 'f.dubois@example.be',
    nationalRegistryNumber: '85071512345',
    identifiers: [{ system: 'urn:oid:2.16.840.1.113883.2.4.6.3', value: '85071512345' }],
    ...extra,
  });

  it('creates a patient (201), then updates it by patientCode (200) without erasing fields the update omits', async () => {
    const created = await api.request('POST', '/v1/patients', {
      token: hospital.token,
      body: patient('000100'),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      hospitalId: hospital.id,
      patientCode: '000100',
      firstName: 'Françoise',
      birthDate: '1985-07',
      sex: 'female',
      careFlows: [],
    });
    const updated = await api.request('POST', '/v1/patients', {
      token: hospital.token,
      body: { patientCode: '000100', firstName: 'Françoise', lastName: 'Dubois', phone: '+32 2 555 01 01' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.id).toBe(created.body.id);
    expect(updated.body).toMatchObject({
      lastName: 'Dubois',
      phone: '+32 2 555 01 01',
      email: 'f.dubois@example.be',
      birthDate: '1985-07',
      sex: 'female',
      nationalRegistryNumber: '85071512345',
      identifiers: [{ system: 'urn:oid:2.16.840.1.113883.2.4.6.3', value: '85071512345' }],
    });
  });

  it('starts a care flow in the same call, resolving the physician by code', async () => {
    const response = await api.request('POST', '/v1/patients', {
      token: hospital.token,
      body: patient('000101', {
        careFlow: {
          definitionKey: 'knee-replacement',
          physicianCode: 'DR1',
          baseline: { surgeryDate: '2026-12-01' },
        },
      }),
    });
    expect(response.status).toBe(201);
    expect(response.body.careFlows).toEqual([
      expect.objectContaining({
        definitionKey: 'knee-replacement',
        status: 'active',
        physicianId: hospital.physicianId,
        physicianCode: 'DR1',
        baseline: { surgeryDate: '2026-12-01' },
        source: { kind: 'api' },
      }),
    ]);
  });

  it('refuses a care flow missing a required baseline field with 422 and writes nothing', async () => {
    const response = await api.request('POST', '/v1/patients', {
      token: hospital.token,
      body: patient('000102', { careFlow: { definitionKey: 'knee-replacement', baseline: { side: 'L' } } }),
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 422, code: 'BASELINE_INVALID' });
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'baseline.surgeryDate' })]);
    const search = await api.expect(200, 'POST', '/v1/patients/search', {
      token: hospital.token,
      body: { patientCode: '000102' },
    });
    expect(search.total).toBe(0);
  });

  it('refuses an unknown care-flow definition or physician with 422', async () => {
    const unknownDefinition = await api.request('POST', '/v1/patients', {
      token: hospital.token,
      body: patient('000103', { careFlow: { definitionKey: 'heart-surgery' } }),
    });
    expect(unknownDefinition.status).toBe(422);
    expect(unknownDefinition.body.code).toBe('CARE_FLOW_DEFINITION_NOT_FOUND');
    const unknownPhysician = await api.request('POST', '/v1/patients', {
      token: hospital.token,
      body: patient('000103', {
        careFlow: {
          definitionKey: 'knee-replacement',
          physicianCode: 'NOBODY',
          baseline: { surgeryDate: '2026-12-01' },
        },
      }),
    });
    expect(unknownPhysician.status).toBe(422);
    expect(unknownPhysician.body.code).toBe('PHYSICIAN_NOT_FOUND');
  });

  it('answers invalid bodies with 400 and every field error, never 500', async () => {
    const response = await api.request('POST', '/v1/patients', {
      token: hospital.token,
      body: {
        patientCode: 42,
        firstName: '',
        birthDate: '15/07/1985',
        sex: 'x',
        address: { city: 7 },
        extra: true,
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    const fields = response.body.errors.map((error: { field: string }) => error.field).sort();
    expect(fields).toEqual([
      'address.city',
      'birthDate',
      'extra',
      'firstName',
      'lastName',
      'patientCode',
      'sex',
    ]);

    const notJson = await api.request('POST', '/v1/patients', {
      token: hospital.token,
      rawBody: '{"patientCode":',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe('VALIDATION_FAILED');

    const notAnObject = await api.request('POST', '/v1/patients', { token: hospital.token, body: [1, 2] });
    expect(notAnObject.status).toBe(400);

    // Found by the property test: an array where an object belongs passed nested validation and hit a 500.
    for (const nested of [{ careFlow: [] }, { address: [] }, { identifiers: {} }]) {
      const response = await api.request('POST', '/v1/patients', {
        token: hospital.token,
        body: { patientCode: 'N-1', firstName: 'A', lastName: 'B', ...nested },
      });
      expect({ nested, status: response.status }).toEqual({ nested, status: 400 });
    }
  });

  it('honours Idempotency-Key: same key and body replays, same key with another body is refused', async () => {
    const headers = { 'idempotency-key': 'push-key-1' };
    const body = patient('000104', {
      careFlow: { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-12-02' } },
    });
    const first = await api.request('POST', '/v1/patients', { token: hospital.token, body, headers });
    const replay = await api.request('POST', '/v1/patients', { token: hospital.token, body, headers });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.body.careFlows).toHaveLength(1);
    const reused = await api.request('POST', '/v1/patients', {
      token: hospital.token,
      body: { ...body, firstName: 'Other' },
      headers,
    });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('answers concurrent requests with one Idempotency-Key alike: one patient, one care flow, never 500 (issue 10)', async () => {
    const body = patient('000114', {
      careFlow: { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-12-02' } },
    });
    const pushes = await Promise.all(
      Array.from({ length: 8 }, () =>
        api.request('POST', '/v1/patients', {
          token: hospital.token,
          body,
          headers: { 'idempotency-key': 'race-1' },
        }),
      ),
    );
    expect(pushes.map((response) => response.status)).toEqual(Array(8).fill(201));
    for (const response of pushes) expect(response.body).toEqual(pushes[0].body);

    const patientId = pushes[0].body.id as string;
    const start = {
      definitionKey: 'knee-replacement',
      physicianId: hospital.physicianId,
      baseline: { surgeryDate: '2026-12-09' },
    };
    const starts = await Promise.all(
      Array.from({ length: 8 }, () =>
        api.request('POST', `/v1/patients/${patientId}/care-flows`, {
          token: hospital.token,
          body: start,
          headers: { 'idempotency-key': 'race-2' },
        }),
      ),
    );
    expect(starts.map((response) => response.status)).toEqual(Array(8).fill(201));
    expect(new Set(starts.map((response) => response.body.id)).size).toBe(1);
    const stored = await api.expect(200, 'GET', `/v1/patients/${patientId}`, { token: hospital.token });
    expect(stored.careFlows).toHaveLength(2);
  });

  it("answers 404 for another hospital's patient before reading the body (issue 10: was 422 definition unknown)", async () => {
    const other = await api.createHospital('push-b');
    const ours = await api.expect(201, 'POST', '/v1/patients', {
      token: hospital.token,
      body: patient('000115'),
    });
    for (const body of [
      { definitionKey: 'only-in-push-a', physicianId: other.physicianId },
      {
        definitionKey: 'knee-replacement',
        physicianId: other.physicianId,
        baseline: { surgeryDate: 'not a date' },
      },
    ]) {
      const response = await api.request('POST', `/v1/patients/${ours.id}/care-flows`, {
        token: other.token,
        body,
      });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('PATIENT_NOT_FOUND');
    }
    const stored = await api.expect(200, 'GET', `/v1/patients/${ours.id}`, { token: hospital.token });
    expect(stored.careFlows).toHaveLength(0);
  });

  it('searches by patientCode, national registry number and identifier; needs at least one criterion', async () => {
    await api.expect(201, 'POST', '/v1/patients', {
      token: hospital.token,
      body: patient('000105', { nationalRegistryNumber: '90010112399' }),
    });
    const byCode = await api.expect(200, 'POST', '/v1/patients/search', {
      token: hospital.token,
      body: { patientCode: '000105' },
    });
    expect(byCode.patients.map((p: { patientCode: string }) => p.patientCode)).toEqual(['000105']);
    const byNrn = await api.expect(200, 'POST', '/v1/patients/search', {
      token: hospital.token,
      body: { nationalRegistryNumber: '90010112399' },
    });
    expect(byNrn.total).toBe(1);
    const byIdentifier = await api.expect(200, 'POST', '/v1/patients/search', {
      token: hospital.token,
      body: { identifier: { system: 'urn:oid:2.16.840.1.113883.2.4.6.3', value: '85071512345' } },
    });
    expect(byIdentifier.total).toBeGreaterThanOrEqual(2);
    const empty = await api.request('POST', '/v1/patients/search', { token: hospital.token, body: {} });
    expect(empty.status).toBe(400);
  });

  it('starts, updates and stops a care flow on an existing patient', async () => {
    const created = await api.expect(201, 'POST', '/v1/patients', {
      token: hospital.token,
      body: patient('000106'),
    });
    const missing = await api.request('POST', `/v1/patients/${created.id}/care-flows`, {
      token: hospital.token,
      body: { definitionKey: 'knee-replacement', physicianId: hospital.physicianId },
    });
    expect(missing.status).toBe(422);
    const careFlow = await api.expect(201, 'POST', `/v1/patients/${created.id}/care-flows`, {
      token: hospital.token,
      body: {
        definitionKey: 'knee-replacement',
        physicianId: hospital.physicianId,
        baseline: { surgeryDate: '2026-12-03' },
      },
    });
    expect(careFlow).toMatchObject({ patientId: created.id, status: 'active', physicianCode: 'DR1' });

    const patched = await api.expect(200, 'PATCH', `/v1/care-flows/${careFlow.id}/baseline`, {
      token: hospital.token,
      body: { baseline: { side: 'R', appointmentDate: '2026-12-01T09:30' } },
    });
    expect(patched.baseline).toEqual({
      surgeryDate: '2026-12-03',
      side: 'R',
      appointmentDate: '2026-12-01T09:30',
    });
    const badPatch = await api.request('PATCH', `/v1/care-flows/${careFlow.id}/baseline`, {
      token: hospital.token,
      body: { baseline: { surgeryDate: '' } },
    });
    expect(badPatch.status).toBe(422);

    const stopped = await api.expect(200, 'POST', `/v1/care-flows/${careFlow.id}/stop`, {
      token: hospital.token,
      body: { reason: 'Surgery cancelled' },
    });
    expect(stopped).toMatchObject({ status: 'stopped', stopReason: 'Surgery cancelled' });
    expect(stopped.stoppedAt).toEqual(expect.any(String));
    const again = await api.request('POST', `/v1/care-flows/${careFlow.id}/stop`, {
      token: hospital.token,
      body: { reason: 'again' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CARE_FLOW_NOT_ACTIVE');

    const read = await api.expect(200, 'GET', `/v1/patients/${created.id}`, { token: hospital.token });
    expect(read.careFlows).toEqual([expect.objectContaining({ id: careFlow.id, status: 'stopped' })]);
  });

  it('lists the most recently updated patients a page at a time, and refuses a bad page size', async () => {
    const page = await api.expect(200, 'GET', '/v1/patients?limit=2', { token: hospital.token });
    expect(page.patients).toHaveLength(2);
    const updatedAt = page.patients.map((p: { updatedAt: string }) => p.updatedAt);
    expect([...updatedAt].sort().reverse()).toEqual(updatedAt);
    const next = await api.expect(
      200,
      'GET',
      `/v1/patients?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`,
      { token: hospital.token },
    );
    expect(next.patients.map((p: { id: string }) => p.id)).not.toContain(page.patients[0].id);
    expect((await api.request('GET', '/v1/patients?limit=abc', { token: hospital.token })).status).toBe(400);
    expect((await api.request('GET', '/v1/patients?limit=5000', { token: hospital.token })).status).toBe(400);
  });

  it('lists the hospital’s care-flow definitions and physicians', async () => {
    const definitions = await api.expect(200, 'GET', '/v1/care-flow-definitions', { token: hospital.token });
    expect(definitions.map((d: { key: string }) => d.key)).toEqual(['knee-replacement']);
    const physicians = await api.expect(200, 'GET', '/v1/physicians', { token: hospital.token });
    expect(physicians).toEqual([
      expect.objectContaining({ id: hospital.physicianId, physicianCode: 'DR1', active: true }),
    ]);
  });

  it('carries the caller’s correlation id back in the response', async () => {
    const response = await api.request('GET', '/v1/care-flow-definitions', {
      token: hospital.token,
      headers: { 'x-correlation-id': 'emr-trace-42' },
    });
    expect(response.headers.get('x-correlation-id')).toBe('emr-trace-42');
  });
});
