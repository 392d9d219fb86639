import { expectEventually } from '@bridge/testing';
// The simulator is a test peer on real sockets, not a service's internals: tests may start it directly.
import { SIM_IDS } from '../../apps/hospital-sim/src/dataset';
import { startHospitalSim, type HospitalSim } from '../../apps/hospital-sim/src/hospital-sim';
import { Api, type RequestOptions } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { directoryFolders } from '../support/siu-folders';

interface AuditEvent {
  id: string;
  at: string;
  actor: { kind: string; id: string };
  action: string;
  resource: { type: string; id: string };
  correlationId: string;
}

/**
 * QUALITY.md R12: a scripted walk reads patients, searches, imports, opens raw messages, changes
 * connections and creates credentials; every PHI read and every change has its audit event (actor,
 * action, resource, correlation id), read back through GET /v1/admin/hospitals/{id}/audit-events.
 */
describe('audit trail (R12)', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let adminSubject: string;
  let sim: HospitalSim;
  type Hospital = Awaited<ReturnType<Api['createHospital']>>;
  let hospital: Hospital;
  let other: Hospital;
  /** What the walk did, each call with its own correlation id: the trail must hold exactly these. */
  const expected: {
    action: string;
    resource: { type: string; id: string };
    actor: { kind: string; id: string };
    correlationId: string;
  }[] = [];
  let calls = 0;

  /** A call with a correlation id of our own, so its event can be matched to it. */
  async function walk<T = any>(status: number, method: string, path: string, options: RequestOptions = {}) {
    const correlationId = `r12-${++calls}`;
    const response = await api.request<T>(method, path, {
      ...options,
      headers: { ...options.headers, 'x-correlation-id': correlationId },
    });
    if (response.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    return { body: response.body, correlationId };
  }

  function audited(
    action: string,
    type: string,
    id: string,
    actor: { kind: string; id: string },
    correlationId: string,
  ) {
    expected.push({ action, resource: { type, id }, actor, correlationId });
  }

  async function trail(hospitalId: string, query = '', token = admin): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.expect(
        200,
        'GET',
        `/v1/admin/hospitals/${hospitalId}/audit-events?${query}${cursor ? `&cursor=${cursor}` : ''}`,
        { token },
      );
      events.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor);
    return events;
  }

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    adminSubject = platform.admin.clientId;
    sim = await startHospitalSim();
    other = await api.createHospital('r12-other');
  });
  afterAll(async () => {
    await platform?.close();
    await sim?.close();
  });

  it('records every PHI read and every change of the walk, with actor, action, resource and correlation id', async () => {
    const platformAdmin = { kind: 'client', id: adminSubject };
    // Configuration and credentials, as the platform admin.
    const created = await walk(201, 'POST', '/v1/admin/hospitals', {
      token: admin,
      body: { key: 'r12', name: 'R12' },
    });
    const hospitalId = created.body.id as string;
    audited('hospital.created', 'hospital', hospitalId, platformAdmin, created.correlationId);
    const client = await walk(201, 'POST', `/v1/admin/hospitals/${hospitalId}/api-clients`, {
      token: admin,
      body: { name: 'EMR', scopes: ['patients:read', 'patients:write', 'imports', 'users:write'] },
    });
    audited('api-client.created', 'api-client', client.body.id, platformAdmin, client.correlationId);
    const physician = await walk(201, 'POST', `/v1/admin/hospitals/${hospitalId}/users`, {
      token: admin,
      body: {
        email: 'dr.r12@example.org',
        firstName: 'Jan',
        lastName: 'Janssens',
        roles: ['physician'],
        physicianCode: 'DR1',
      },
    });
    audited('user.created', 'user', physician.body.id, platformAdmin, physician.correlationId);
    const definition = await walk(201, 'POST', `/v1/admin/hospitals/${hospitalId}/care-flow-definitions`, {
      token: admin,
      body: { key: 'knee', title: 'Knee', baseline: [{ key: 'side', type: 'string', required: false }] },
    });
    audited(
      'care-flow-definition.created',
      'care-flow-definition',
      definition.body.id,
      platformAdmin,
      definition.correlationId,
    );
    const hl7 = await walk(200, 'PUT', `/v1/admin/hospitals/${hospitalId}/connections/hl7`, {
      token: admin,
      body: { host: sim.mllp.host, port: sim.mllp.port, queryStyle: 'QRY_A19', patientIdAuthority: 'AZDEMO' },
    });
    audited('connection.hl7.changed', 'hl7-connection', hospitalId, platformAdmin, hl7.correlationId);
    const web = await walk(200, 'PUT', `/v1/admin/hospitals/${hospitalId}/connections/webservice`, {
      token: admin,
      body: { flavor: 'pdq', baseUrl: `${sim.http.baseUrl}/pdq` },
    });
    audited(
      'connection.webservice.changed',
      'webservice-connection',
      hospitalId,
      platformAdmin,
      web.correlationId,
    );
    const source = await walk(200, 'PUT', `/v1/admin/hospitals/${hospitalId}/import-source`, {
      token: admin,
      body: { source: 'hl7' },
    });
    audited('import-source.changed', 'import-source', hospitalId, platformAdmin, source.correlationId);
    const folders = directoryFolders();
    const folder = folders.create('r12');
    const siuConnection = await walk(200, 'PUT', `/v1/admin/hospitals/${hospitalId}/connections/siu`, {
      token: admin,
      body: { source: { type: 'directory', path: folder.dir }, minFileAgeMs: 0, careFlowMap: [] },
    });
    audited(
      'connection.siu.changed',
      'siu-connection',
      hospitalId,
      platformAdmin,
      siuConnection.correlationId,
    );
    const run = await walk(202, 'POST', `/v1/admin/hospitals/${hospitalId}/siu-runs`, { token: admin });
    audited('siu-run.started', 'siu-run', run.body.id, platformAdmin, run.correlationId);
    await folders.close();

    // PHI reads, as the hospital's EMR.
    const emr = { kind: 'client', id: client.body.clientId as string };
    const token = await api.token(client.body.clientId, client.body.clientSecret);
    const pushed = [];
    for (const code of ['R12-1', 'R12-2']) {
      pushed.push(
        await api.expect(201, 'POST', '/v1/patients', {
          token,
          body: { patientCode: code, firstName: 'An', lastName: 'Peeters' },
        }),
      );
    }
    const read = await walk(200, 'GET', `/v1/patients/${pushed[0].id}`, { token });
    audited('patient.read', 'patient', pushed[0].id, emr, read.correlationId);
    const list = await walk(200, 'GET', '/v1/patients', { token });
    for (const patient of pushed) audited('patient.list', 'patient', patient.id, emr, list.correlationId);
    const search = await walk(200, 'POST', '/v1/patients/search', { token, body: { patientCode: 'R12-2' } });
    audited('patient.search', 'patient', pushed[1].id, emr, search.correlationId);
    const lookup = await walk(200, 'POST', '/v1/imports', {
      token,
      body: { patientCode: SIM_IDS.francoise },
    });
    audited('import.lookup', 'import', lookup.body.importId, emr, lookup.correlationId);
    const confirm = await walk(201, 'POST', `/v1/imports/${lookup.body.importId}/confirm`, {
      token,
      body: { physicianId: physician.body.id },
    });
    audited('import.confirm', 'patient', confirm.body.id, emr, confirm.correlationId);
    const confirmedAt = new Date().toISOString();

    // A login link is a credential: recorded by user-provisioning in the transaction that issues it.
    const login = await walk(201, 'POST', '/v1/users/login-token', {
      token,
      body: { email: 'nurse.r12@example.org', firstName: 'Nele', lastName: 'Nurse' },
    });
    const [nurse] = await api.expect(200, 'GET', '/v1/users?email=nurse.r12%40example.org', { token });
    audited('login-token.issued', 'user', nurse.id, emr, login.correlationId);

    // Raw messages, as the platform admin.
    const messages = (
      await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${hospitalId}`, {
        token: admin,
      })
    ).messages;
    expect(messages.length).toBeGreaterThan(0);
    const raw = await walk(200, 'GET', `/v1/admin/messages/${messages[0].id}`, { token: admin });
    audited('message.raw.read', 'message', messages[0].id, platformAdmin, raw.correlationId);

    // A second credential: the trail names who made it.
    const second = await walk(201, 'POST', `/v1/admin/hospitals/${hospitalId}/api-clients`, {
      token: admin,
      body: { name: 'IdP', scopes: ['scim'] },
    });
    audited('api-client.created', 'api-client', second.body.id, platformAdmin, second.correlationId);

    // The lookup's event comes through patient-import's outbox (relayed after commit), the others at once.
    const events = await expectEventually(async () => {
      const found = await trail(hospitalId);
      const seen = found.map(({ action, resource, actor, correlationId }) => ({
        action,
        resource,
        actor,
        correlationId,
      }));
      expect(seen).toEqual(expect.arrayContaining(expected));
      // Nothing beyond the walk: reads that were not audited routes (push, message list) left no event.
      expect(seen).toHaveLength(expected.length);
      return found;
    });
    for (const event of events) {
      expect(event).toEqual({
        id: expect.any(String),
        at: expect.any(String),
        actor: expect.any(Object),
        action: expect.any(String),
        resource: expect.any(Object),
        correlationId: expect.any(String),
      });
    }
    // Newest recorded first. The lookup's event is recorded through patient-import's outbox a moment after
    // its `at` (when the hospital's answer was stored), so it stands apart from the others' time order.
    const [lookupEvent] = events.filter((event) => event.action === 'import.lookup');
    expect(Date.parse(lookupEvent.at)).toBeGreaterThan(Date.parse(created.body.createdAt));
    expect(Date.parse(lookupEvent.at)).toBeLessThan(Date.parse(confirmedAt));
    const times = events.filter((event) => event !== lookupEvent).map((event) => Date.parse(event.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // No values: the trail holds ids, never the patient's name or the hospital's answer.
    expect(JSON.stringify(events)).not.toMatch(/Peeters|R12-1|R12-2|MSH\||nurse\.r12|clt_/);

    // "Who saw this patient": filter by action and actor, and a time window.
    const reads = await trail(hospitalId, `action=patient.read&actor=client:${emr.id}`);
    expect(reads.map((event) => event.resource.id)).toEqual([pushed[0].id]);
    expect(await trail(hospitalId, `actor=${emr.id}`)).toHaveLength(7);
    expect(await trail(hospitalId, `to=${encodeURIComponent(created.body.createdAt)}`)).toEqual([]);
    expect(
      await trail(hospitalId, `from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`),
    ).toEqual([]);
    // Another hospital's trail holds none of it.
    expect((await trail(other.id)).filter((event) => event.correlationId.startsWith('r12-'))).toEqual([]);
  });

  it('pages with nextCursor, every event once', async () => {
    for (let index = 0; index < 60; index++) {
      await api.expect(201, 'POST', '/v1/patients', {
        token: other.token,
        body: { patientCode: `R12-P${index}`, firstName: 'An', lastName: 'Peeters' },
      });
    }
    await api.expect(200, 'GET', '/v1/patients?limit=60', { token: other.token });
    await api.expect(200, 'GET', '/v1/patients?limit=60', { token: other.token });
    const first = await api.expect(
      200,
      'GET',
      `/v1/admin/hospitals/${other.id}/audit-events?action=patient.list`,
      { token: admin },
    );
    expect(first.events).toHaveLength(100);
    expect(first.nextCursor).toEqual(expect.any(String));
    const all = await trail(other.id, 'action=patient.list');
    expect(all).toHaveLength(120);
    expect(new Set(all.map((event) => event.id)).size).toBe(120);
  });

  it('is read by platform admins and by a hospital admin of that hospital only', async () => {
    const password = 'correct horse battery staple';
    await api.expect(201, 'POST', `/v1/admin/hospitals/${other.id}/users`, {
      token: admin,
      body: {
        email: 'admin.r12@example.org',
        firstName: 'Ad',
        lastName: 'Min',
        roles: ['hospital-admin'],
        password,
      },
    });
    const session = await api.expect(200, 'POST', '/v1/auth/login', {
      body: { email: 'admin.r12@example.org', password },
    });
    const hospitalAdmin = session.sessionToken as string;
    expect(
      (await api.request('GET', `/v1/admin/hospitals/${other.id}/audit-events`, { token: hospitalAdmin }))
        .status,
    ).toBe(200);
    const elsewhere = await api.createHospital('r12-elsewhere');
    expect(
      (await api.request('GET', `/v1/admin/hospitals/${elsewhere.id}/audit-events`, { token: hospitalAdmin }))
        .status,
    ).toBe(403);
    // An API client of the hospital, even with users:write, is not its admin.
    expect(
      (await api.request('GET', `/v1/admin/hospitals/${other.id}/audit-events`, { token: other.token }))
        .status,
    ).toBe(403);
    expect(
      (
        await api.request('GET', `/v1/admin/hospitals/${other.id}/audit-events?action=Not%20An%20Action`, {
          token: admin,
        })
      ).status,
    ).toBe(400);
  });
});
