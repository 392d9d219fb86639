import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@bridge/database';
import { parseHl7, sendMllp } from '@bridge/hl7';
import { createTestDatabase, expectEventually } from '@bridge/testing';
// The simulator is a test peer on real sockets, not a service's internals: tests may start it directly.
import type { SimPatient } from '../../apps/hospital-sim/src/dataset';
import { startHospitalSim, type HospitalSim } from '../../apps/hospital-sim/src/hospital-sim';
import { dropFile, siuMessage } from '../e2e/siu.fixtures';
import { WebhookReceiver } from '../e2e/webhooks.receiver';

/** Every value is distinctive: a hit in the logs can only come from the path that carried it. */
const PUSHED = {
  patientCode: 'PHI-778899',
  firstName: 'Zoë',
  lastName: 'Vandenbergh-Quist',
  nationalRegistryNumber: '85071512345',
  email: 'zoe.vq@example.be',
  phone: '+32 9 555 12 34',
};
const hospitalPatient = (
  id: string,
  code: string,
  given: string,
  family: string,
  nn: string,
  street: string,
): SimPatient => ({
  id,
  patientCode: code,
  identifiers: [
    { value: code, type: 'MR', authority: 'AZDEMO' },
    { value: nn, type: 'NN', authority: 'RRN' },
  ],
  names: [{ family, given, type: 'L' }],
  birthDate: '1961-03-17',
  birthDateHl7: '19610317',
  sex: 'F',
  phone: `+32 3 ${code.slice(-3)} 44 71`,
  email: `${given.toLowerCase()}.${family.toLowerCase()}@example.be`,
  address: { street, city: 'Zwijnaarde', zip: '9052', country: 'BE' },
  visitNumber: `V${code}`,
});
const WEB_PATIENT = hospitalPatient(
  'r7w',
  'WSPHI4411',
  'Ottilie',
  'Wauterickx',
  '61.03.17-411.09',
  'Kwakkelstraat 41',
);
const HL7_PATIENT = hospitalPatient(
  'r7h',
  'HLPHI5522',
  'Brunhilde',
  'Hoogstoel',
  '61.03.17-552.71',
  'Zeemeeuwlaan 52',
);
const SIU_FILE = { patientCode: 'SIUF-6633', firstName: 'Philomena', lastName: 'Sijsseleyn' };
const SIU_MLLP = { patientCode: 'SIUM-7744', firstName: 'Gudrun', lastName: 'Mortelmans' };
const SCIM_USER = {
  userName: 'rozemarijn.scimstra@example.be',
  givenName: 'Rozemarijn',
  familyName: 'Scimstra',
};
const LOGIN_USER = {
  email: 'theofiel.linkens@example.be',
  firstName: 'Theofiel',
  lastName: 'Linkens',
  patientCode: PUSHED.patientCode,
};

/**
 * QUALITY.md R7 on every path: drive the built platform (`node dist/apps/embedded/main.js`, logging at
 * trace level) through push, search, reads and refusals, web-service and HL7 imports (simulator), an SIU
 * file and an SIU MLLP message, SCIM and login links, each with patient data of its own, then grep
 * everything it printed for each value and for the secrets it was given. Runs in `npm run test:infra`,
 * which builds dist/ first.
 */
describe('PHI hygiene (R7): no patient data or secret in any log line, on every path', () => {
  let child: ChildProcess;
  let output = '';
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let sim: HospitalSim;
  let url: string;
  let siuRoot: string;
  const admin = { id: 'phi-admin', secret: randomBytes(18).toString('base64url') };
  const signingKeyPassphrase = randomBytes(32).toString('hex');
  const webServicePassword = `ws-${randomBytes(9).toString('hex')}`;
  /** Credentials the platform handed out during the walk: none may be logged either. */
  const secrets: string[] = [admin.secret, signingKeyPassphrase, webServicePassword];

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startHospitalSim({
      dataset: [WEB_PATIENT, HL7_PATIENT],
      requireAuth: { type: 'basic', username: 'bridge', password: webServicePassword },
    });
    siuRoot = mkdtempSync(join(tmpdir(), 'phi-siu-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'apps', 'embedded', 'main.js')], {
      env: {
        ...process.env,
        AMQP_URL: '',
        DATABASE_URL: database.url,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'phi-')),
        DEMO: 'off',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'trace',
        ADMIN_CLIENT_ID: admin.id,
        ADMIN_CLIENT_SECRET: admin.secret,
        SIGNING_KEY_PASSPHRASE: signingKeyPassphrase,
        SIU_LISTENER_HOST: '127.0.0.1',
        SIU_LISTENER_REFRESH_MS: '200',
        SIU_DIRECTORY_ROOTS: siuRoot,
        ALLOW_LOOPBACK_DESTINATIONS: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await expectEventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`platform exited: ${output.slice(-2000)}`);
        expect((await fetch(`${url}/health`)).status).toBe(200);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    }
    await sim?.close();
    if (siuRoot) rmSync(siuRoot, { recursive: true, force: true });
    await database?.drop();
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    contentType = 'application/json',
  ) {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': contentType }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
  }

  async function expectStatus(
    status: number,
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    contentType?: string,
  ) {
    const response = await call(method, path, body, token, contentType);
    if (response.status !== status)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async function clientToken(clientId: string, clientSecret: string): Promise<string> {
    const token = (
      await expectStatus(200, 'POST', '/v1/oauth/token', {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      })
    ).access_token as string;
    secrets.push(clientSecret, token);
    return token;
  }

  /** A hospital with an EMR client (every hospital scope), a physician DR1 and a care-flow definition. */
  async function hospital(adminToken: string, name: string) {
    // Unique per attempt: the infra project retries a failed test on the same platform.
    const key = `${name}-${randomBytes(3).toString('hex')}`;
    const created = await expectStatus(201, 'POST', '/v1/admin/hospitals', { key, name: key }, adminToken);
    const client = await expectStatus(
      201,
      'POST',
      `/v1/admin/hospitals/${created.id}/api-clients`,
      {
        name: 'emr',
        scopes: [
          'patients:read',
          'patients:write',
          'careflows:write',
          'imports',
          'users:write',
          'scim',
          'webhooks',
        ],
      },
      adminToken,
    );
    const physician = await expectStatus(
      201,
      'POST',
      `/v1/admin/hospitals/${created.id}/users`,
      {
        email: `dr.${key}@example.org`,
        firstName: 'Jan',
        lastName: 'Janssens',
        roles: ['physician'],
        physicianCode: 'DR1',
      },
      adminToken,
    );
    await expectStatus(
      201,
      'POST',
      `/v1/admin/hospitals/${created.id}/care-flow-definitions`,
      {
        key: 'knee-replacement',
        title: 'Knee',
        baseline: [{ key: 'appointmentDate', type: 'datetime', required: false }],
      },
      adminToken,
    );
    return {
      id: created.id as string,
      token: await clientToken(client.clientId, client.clientSecret),
      physicianId: physician.id as string,
    };
  }

  it('logs the traffic of every path but none of the patient data or secrets in it', async () => {
    const adminToken = await clientToken(admin.id, admin.secret);

    // Push and search, reads, a read from another tenant, refusals that echo nothing.
    const pushHospital = await hospital(adminToken, 'phi-push');
    const other = await hospital(adminToken, 'phi-other');
    // A webhook receiver that gets the patient's fields (includePhi) and fails once, echoing what it was sent.
    const receiver = await WebhookReceiver.start();
    receiver.behave = ({ index }) => ({ status: index === 0 ? 500 : 200 });
    const webhook = await expectStatus(
      201,
      'POST',
      '/v1/webhooks',
      { url: receiver.url, events: ['patient.created'], includePhi: true },
      pushHospital.token,
    );
    secrets.push(webhook.secret);
    const created = await call('POST', '/v1/patients', { ...PUSHED }, pushHospital.token);
    expect(created.status).toBe(201);
    await expectEventually(
      () => expect(receiver.accepted().map((r) => r.json.data.patient?.lastName)).toEqual([PUSHED.lastName]),
      { timeoutMs: 30_000 },
    );
    await receiver.close();
    expect(
      (
        await call(
          'POST',
          '/v1/patients/search',
          { nationalRegistryNumber: PUSHED.nationalRegistryNumber },
          pushHospital.token,
        )
      ).body.total,
    ).toBe(1);
    expect((await call('GET', `/v1/patients/${created.body.id}`, undefined, pushHospital.token)).status).toBe(
      200,
    );
    expect((await call('GET', `/v1/patients/${created.body.id}`, undefined, other.token)).status).toBe(404);
    expect(
      (
        await call(
          'POST',
          '/v1/patients',
          { ...PUSHED, birthDate: `${PUSHED.lastName} 1985` },
          pushHospital.token,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await call(
          'POST',
          '/v1/patients',
          { ...PUSHED, careFlow: { definitionKey: PUSHED.lastName } },
          pushHospital.token,
        )
      ).status,
    ).toBe(422);

    // Web-service import (pdq, with a password), then HL7 import (QBP^Q22); each confirmed.
    const web = await hospital(adminToken, 'phi-web');
    await expectStatus(
      200,
      'PUT',
      `/v1/admin/hospitals/${web.id}/connections/webservice`,
      {
        flavor: 'pdq',
        baseUrl: `${sim.http.baseUrl}/pdq`,
        auth: { type: 'basic', username: 'bridge', password: webServicePassword },
      },
      adminToken,
    );
    await expectStatus(
      200,
      'PUT',
      `/v1/admin/hospitals/${web.id}/import-source`,
      { source: 'webservice' },
      adminToken,
    );
    const webLookup = await expectStatus(
      200,
      'POST',
      '/v1/imports',
      { patientCode: WEB_PATIENT.patientCode },
      web.token,
    );
    expect(webLookup.candidates[0].lastName).toBe('Wauterickx');
    await expectStatus(
      201,
      'POST',
      `/v1/imports/${webLookup.importId}/confirm`,
      { physicianId: web.physicianId },
      web.token,
    );

    const hl7 = await hospital(adminToken, 'phi-hl7');
    await expectStatus(
      200,
      'PUT',
      `/v1/admin/hospitals/${hl7.id}/connections/hl7`,
      {
        host: sim.mllp.host,
        port: sim.mllp.port,
        queryStyle: 'QBP_Q22',
        patientIdAuthority: 'AZDEMO',
      },
      adminToken,
    );
    await expectStatus(
      200,
      'PUT',
      `/v1/admin/hospitals/${hl7.id}/import-source`,
      { source: 'hl7' },
      adminToken,
    );
    const hl7Lookup = await expectStatus(
      200,
      'POST',
      '/v1/imports',
      { patientCode: HL7_PATIENT.patientCode },
      hl7.token,
    );
    expect(hl7Lookup.candidates[0].lastName).toBe('Hoogstoel');
    await expectStatus(
      201,
      'POST',
      `/v1/imports/${hl7Lookup.importId}/confirm`,
      { physicianId: hl7.physicianId },
      hl7.token,
    );
    const messages = (
      await expectStatus(200, 'GET', `/v1/admin/messages?hospitalId=${hl7.id}`, undefined, adminToken)
    ).messages;
    await expectStatus(200, 'GET', `/v1/admin/messages/${messages[0].id}`, undefined, adminToken);

    // SIU from a directory (run now), and real time over MLLP.
    const siu = await hospital(adminToken, 'phi-siu');
    const folder = mkdtempSync(join(siuRoot, 'phi-siu-'));
    const listenerPort = await freePort();
    const careFlowMap = [{ field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee-replacement' }];
    await expectStatus(
      200,
      'PUT',
      `/v1/admin/hospitals/${siu.id}/connections/siu`,
      {
        source: { type: 'directory', path: folder },
        minFileAgeMs: 0,
        careFlowMap,
        mllpListener: { port: listenerPort },
      },
      adminToken,
    );
    dropFile(folder, 'agenda.hl7', siuMessage({ event: 'S12', controlId: 'PHI-F1', ...SIU_FILE }));
    const run = await expectStatus(
      202,
      'POST',
      `/v1/admin/hospitals/${siu.id}/siu-runs`,
      undefined,
      adminToken,
    );
    await expectEventually(
      async () =>
        expect(
          (
            await expectStatus(
              200,
              'GET',
              `/v1/admin/hospitals/${siu.id}/siu-runs/${run.id}`,
              undefined,
              adminToken,
            )
          ).status,
        ).not.toBe('running'),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const ack = await expectEventually(
      async () =>
        sendMllp(siuMessage({ event: 'S12', controlId: 'PHI-M1', ...SIU_MLLP }), {
          host: '127.0.0.1',
          port: listenerPort,
          timeoutMs: 5000,
        }),
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    expect(parseHl7(ack).get('MSA-1')).toBe('AA');
    for (const patientCode of [SIU_FILE.patientCode, SIU_MLLP.patientCode]) {
      await expectEventually(
        async () =>
          expect(
            (await expectStatus(200, 'POST', '/v1/patients/search', { patientCode }, siu.token)).total,
          ).toBe(1),
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    }

    // SCIM: create, change, read, and a refusal that quotes nothing.
    const scimUser = await expectStatus(
      201,
      'POST',
      '/scim/v2/Users',
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: SCIM_USER.userName,
        name: { givenName: SCIM_USER.givenName, familyName: SCIM_USER.familyName },
        emails: [{ value: SCIM_USER.userName, type: 'work', primary: true }],
        active: true,
      },
      pushHospital.token,
      'application/scim+json',
    );
    await expectStatus(
      200,
      'PATCH',
      `/scim/v2/Users/${scimUser.id}`,
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'name.familyName', value: `${SCIM_USER.familyName}-Tweede` }],
      },
      pushHospital.token,
      'application/scim+json',
    );
    await expectStatus(
      200,
      'GET',
      `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${SCIM_USER.userName}"`)}`,
      undefined,
      pushHospital.token,
    );
    expect(
      (
        await call(
          'POST',
          '/scim/v2/Users',
          { userName: SCIM_USER.givenName, emails: 'not-a-list' },
          pushHospital.token,
          'application/scim+json',
        )
      ).status,
    ).toBe(400);

    // Login links: issued to the EMR, redeemed by the browser.
    const link = await expectStatus(201, 'POST', '/v1/users/login-token', LOGIN_USER, pushHospital.token);
    secrets.push(link.token);
    const session = await expectStatus(200, 'POST', '/v1/auth/exchange', { token: link.token });
    secrets.push(session.sessionToken);
    await expectStatus(200, 'GET', '/v1/auth/session', undefined, session.sessionToken);
    expect((await call('POST', '/v1/auth/exchange', { token: link.token })).status).toBe(401);

    await expectEventually(() => expect(output).toContain('"level"'));
    const lines = output.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(50);
    // The paths did reach the log: the SIU listener of the SIU hospital said where it listens (ids are not PHI).
    expect(lines.filter((line) => line.includes(siu.id) && line.includes('"port"'))).not.toEqual([]);
    const phi = [
      ...Object.values(PUSHED),
      ...[WEB_PATIENT, HL7_PATIENT].flatMap((patient) => [
        patient.patientCode,
        patient.names[0].given,
        patient.names[0].family,
        patient.identifiers[1].value,
        patient.phone!,
        patient.email!,
        patient.address!.street,
        patient.visitNumber!,
      ]),
      ...Object.values(SIU_FILE),
      ...Object.values(SIU_MLLP),
      ...Object.values(SCIM_USER),
      LOGIN_USER.email,
      LOGIN_USER.firstName,
      LOGIN_USER.lastName,
    ];
    for (const value of [...phi, ...secrets]) {
      const hits = lines.filter((line) => line.includes(value));
      expect({ value, hits }).toEqual({ value, hits: [] });
    }
  });
});
