// The simulator is a test peer on real sockets, not a service's internals: tests may start it directly.
import { SIM_IDS } from '../../apps/hospital-sim/src/dataset';
import { startHospitalSim, type HospitalSim } from '../../apps/hospital-sim/src/hospital-sim';
import { freePort } from '@bridge/database';
import { sendMllp } from '@bridge/hl7';
import { expectEventually } from '@bridge/testing';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { dropFile, SiuDriver, siuMessage, type Hospital } from './siu.fixtures';

interface TraceEvent {
  at: string;
  kind: string;
  channel?: string;
  messageId?: string;
  careFlowId?: string;
  summary: string;
}

/**
 * GET /v1/patients/{id}/trace (issue 15): one patient reached by every path — an HL7 import, a push with a
 * care flow, the care-flow API, an SIU file line, an SIU message over the MLLP listener and a login link —
 * shows each of them, oldest first, a page at a time, and only to its own hospital.
 */
describe('patient trace', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let sim: HospitalSim;
  let siu: SiuDriver;
  let hospital: Hospital & { dir: string };
  let other: Hospital;
  let listenerPort: number;
  let patientId: string;
  const patientCode = SIM_IDS.jurgen;

  const trace = (query = '', token = hospital.token) =>
    api.request('GET', `/v1/patients/${patientId}/trace${query}`, { token });

  /** Every page, following nextCursor. */
  async function wholeTrace(limit: number): Promise<{ events: TraceEvent[]; pages: number }> {
    const events: TraceEvent[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api.expect(
        200,
        'GET',
        `/v1/patients/${patientId}/trace?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        { token: hospital.token },
      );
      expect(page.events.length).toBeLessThanOrEqual(limit);
      events.push(...page.events);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    return { events, pages };
  }

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    sim = await startHospitalSim();
    siu = new SiuDriver(api, admin);
    listenerPort = await freePort();
    hospital = await siu.hospital('trace-a', { mllpListener: { port: listenerPort } });
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
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/import-source`, {
      token: admin,
      body: { source: 'hl7' },
    });
    other = await api.createHospital('trace-b');
  });
  afterAll(async () => {
    await platform?.close();
    await sim?.close();
  });

  it('shows an import, a push, care-flow changes, SIU by file and by MLLP and a login link, oldest first', async () => {
    // 1. Imported over HL7.
    const found = await api.expect(200, 'POST', '/v1/imports', {
      token: hospital.token,
      body: { patientCode },
    });
    const imported = await api.expect(201, 'POST', `/v1/imports/${found.importId}/confirm`, {
      token: hospital.token,
      body: { candidate: 0, physicianId: hospital.physicianId },
    });
    patientId = imported.id;

    // 2. Pushed with a care flow, whose baseline is then changed and which is stopped through the API.
    const pushed = await api.expect(200, 'POST', '/v1/patients', {
      token: hospital.token,
      body: {
        patientCode,
        firstName: 'Jürgen',
        lastName: 'Van den Broeck',
        careFlow: { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-12-01' } },
      },
    });
    const apiFlow: string = pushed.careFlows[0].id;
    await api.expect(200, 'PATCH', `/v1/care-flows/${apiFlow}/baseline`, {
      token: hospital.token,
      body: { baseline: { side: 'left' } },
    });
    await api.expect(200, 'POST', `/v1/care-flows/${apiFlow}/stop`, {
      token: hospital.token,
      body: { reason: 'planned elsewhere' },
    });

    // 3. An SIU file line books an appointment (a care flow starts) ...
    dropFile(
      hospital.dir,
      'trace-1.hl7',
      siuMessage({ event: 'S12', controlId: 'TR-1', patientCode, fillerId: 'TR-APT-1', service: 'KNEE' }),
    );
    const run = await siu.run(hospital.id);
    expect(run).toMatchObject({ status: 'succeeded', careFlowsStarted: 1 });

    // 4. ... and the real-time listener moves it (the care flow is updated).
    await expectEventually(
      () => sendMllp('MSH|^~\\&|PING', { host: '127.0.0.1', port: listenerPort, timeoutMs: 5000 }),
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
    await sendMllp(
      siuMessage({
        event: 'S14',
        controlId: 'TR-2',
        patientCode,
        fillerId: 'TR-APT-1',
        service: 'KNEE',
        tq1Start: '20260911143000',
      }),
      { host: '127.0.0.1', port: listenerPort, timeoutMs: 5000 },
    );
    await expectEventually(
      async () => {
        const { events } = (await trace()).body as { events: TraceEvent[] };
        expect(events.filter((event) => event.channel === 'siu-mllp')).toHaveLength(2);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );

    // 5. The EMR signs a user in straight onto the patient: the link is made, then used.
    const link = await api.expect(201, 'POST', '/v1/users/login-token', {
      token: hospital.token,
      body: { email: 'dr.trace@example.org', firstName: 'An', lastName: 'Arts', patientCode },
    });
    await expectEventually(async () => {
      const { events } = (await trace()).body as { events: TraceEvent[] };
      expect(events.map((event) => event.kind)).toContain('login-link');
    });
    await api.expect(200, 'POST', '/v1/auth/exchange', { body: { token: link.token } });

    let events: TraceEvent[] = [];
    await expectEventually(
      async () => {
        events = ((await trace()).body as { events: TraceEvent[] }).events;
        expect(events.filter((event) => event.kind === 'login-link')).toHaveLength(2);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const siuFlow = events.find(
      (event) => event.kind === 'careflow.started' && event.channel === 'siu-file',
    )?.careFlowId;
    expect(events.map(({ kind, channel, careFlowId }) => ({ kind, channel, careFlowId }))).toEqual([
      { kind: 'import', channel: 'hl7', careFlowId: undefined },
      { kind: 'push', channel: 'api', careFlowId: undefined },
      { kind: 'careflow.started', channel: 'api', careFlowId: apiFlow },
      { kind: 'careflow.updated', channel: 'api', careFlowId: apiFlow },
      { kind: 'careflow.stopped', channel: 'api', careFlowId: apiFlow },
      { kind: 'siu', channel: 'siu-file', careFlowId: siuFlow },
      { kind: 'careflow.started', channel: 'siu-file', careFlowId: siuFlow },
      { kind: 'siu', channel: 'siu-mllp', careFlowId: siuFlow },
      { kind: 'careflow.updated', channel: 'siu-mllp', careFlowId: siuFlow },
      { kind: 'login-link', channel: 'api', careFlowId: undefined },
      { kind: 'login-link', channel: 'api', careFlowId: undefined },
    ]);
    expect(events.slice(-2).map((event) => event.summary)).toEqual([
      expect.stringMatching(/issued/),
      expect.stringMatching(/signed in/),
    ]);
    expect(siuFlow).toEqual(expect.any(String));
    expect(siuFlow).not.toBe(apiFlow);
    // Oldest first, every event with a time and a text; the import and SIU events name their journal entry.
    const times = events.map((event) => Date.parse(event.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    for (const event of events) expect(event.summary).toEqual(expect.any(String));
    expect(events[0]).toMatchObject({
      messageId: expect.any(String),
      summary: expect.stringMatching(/created/),
    });
    expect(events[1].summary).toMatch(/updated by a push/);
    const siuMessages = events.filter((event) => event.kind === 'siu');
    expect(siuMessages.map((event) => event.summary)).toEqual([
      expect.stringMatching(/^SIU S12/),
      expect.stringMatching(/^SIU S14/),
    ]);
    expect(new Set(siuMessages.map((event) => event.messageId)).size).toBe(2);
    // No demographics in the trace.
    expect(JSON.stringify(events)).not.toMatch(/Jürgen|Broeck|100235/);

    // The read is audited as a PHI read of this patient.
    await expectEventually(async () => {
      const trail = await api.expect(
        200,
        'GET',
        `/v1/admin/hospitals/${hospital.id}/audit-events?action=patient.trace`,
        { token: admin },
      );
      expect(trail.events).toContainEqual(
        expect.objectContaining({ resource: { type: 'patient', id: patientId } }),
      );
    });
  });

  it('pages with limit and nextCursor: the pages together are the whole trace, in the same order', async () => {
    const whole = await api.expect(200, 'GET', `/v1/patients/${patientId}/trace?limit=200`, {
      token: hospital.token,
    });
    expect(whole.nextCursor).toBeUndefined();
    expect(whole.events).toHaveLength(11);
    const paged = await wholeTrace(3);
    expect(paged.pages).toBe(4);
    expect(paged.events).toEqual(whole.events);
    const exact = await wholeTrace(11);
    expect(exact.pages).toBe(1);
    const split = await wholeTrace(10);
    expect(split.pages).toBe(2);
    expect(exact.events).toEqual(whole.events);
    // An SIU message's care-flow changes are stored on its row: a page may end between them (limit 3 ends
    // after the file message's own entry, before its care-flow start). Every page size gives the whole trace.
    for (let limit = 1; limit <= 10; limit += 1) {
      const pages = await wholeTrace(limit);
      expect({ limit, events: pages.events }).toEqual({ limit, events: whole.events });
      expect(pages.pages).toBe(Math.ceil(whole.events.length / limit));
    }

    // A cursor is opaque, but one written by hand with leading zeros in its seq still names the same place.
    const first = await api.expect(200, 'GET', `/v1/patients/${patientId}/trace?limit=6`, {
      token: hospital.token,
    });
    const [at, seq, given] = Buffer.from(first.nextCursor, 'base64url').toString().split('.');
    expect(given).toBe('1'); // the sixth entry is the file message's own, before its care-flow start
    const padded = Buffer.from(`${at}.000${seq}.${given}`).toString('base64url');
    const next = await api.expect(200, 'GET', `/v1/patients/${patientId}/trace?limit=6&cursor=${padded}`, {
      token: hospital.token,
    });
    expect(next.events).toEqual(whole.events.slice(6, 12));

    expect((await trace('?limit=0')).status).toBe(400);
    expect((await trace('?limit=201')).status).toBe(400);
    expect((await trace('?cursor=not%20a%20cursor')).status).toBe(400);
  });

  it("is 404 for another hospital's token, and for a patient id nobody has", async () => {
    const foreign = await trace('', other.token);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'PATIENT_NOT_FOUND' });
    const unknown = await api.request(
      'GET',
      `/v1/patients/${'0'.repeat(8)}-0000-4000-8000-000000000000/trace`,
      {
        token: hospital.token,
      },
    );
    expect(unknown.status).toBe(404);
  });

  it('shows a login link issued before its patient existed, at its own time, once its sign-in comes', async () => {
    const code = 'TRACE-LATE-1';
    const link = await api.expect(201, 'POST', '/v1/users/login-token', {
      token: hospital.token,
      body: { email: 'dr.late@example.org', firstName: 'Lou', lastName: 'Laat', patientCode: code },
    });
    // Time for the issue event to reach patient-import and find no such patient (so nothing is traced then).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const patient = await api.expect(201, 'POST', '/v1/patients', {
      token: hospital.token,
      body: { patientCode: code, firstName: 'Els', lastName: 'Laat' },
    });
    await api.expect(200, 'POST', '/v1/auth/exchange', { body: { token: link.token } });
    const events = await expectEventually(
      async () => {
        const page = await api.expect(200, 'GET', `/v1/patients/${patient.id}/trace`, {
          token: hospital.token,
        });
        expect(page.events.map((event: TraceEvent) => event.kind)).toEqual([
          'login-link',
          'push',
          'login-link',
        ]);
        return page.events as TraceEvent[];
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(events.map((event) => event.summary)).toEqual([
      expect.stringMatching(/issued/),
      expect.stringMatching(/created by a push/),
      expect.stringMatching(/signed in/),
    ]);
  });
});
