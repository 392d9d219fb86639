import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the simulated hospital listens; the demo hospital's connections point there. */
export interface SimulatorEndpoints {
  mllp: { host: string; port: number };
  webServiceBaseUrl: string;
  patientIdAuthority: string;
  patientCodeSystem: string;
  visitNumberSystem: string;
  /** The simulated scheduling system's SFTP server and the folder on it where it drops SIU files. */
  siuSftp: {
    host: string;
    port: number;
    username: string;
    password: string;
    hostKeySha256: string;
    path: string;
  };
  /** Where the real-time SIU listener (hl7-gateway) takes MLLP. */
  siuMllpPort: number;
}

export interface DemoCredentials {
  hospitalId: string;
  clientId: string;
  clientSecret: string;
  physicianEmail: string;
  /** A clinical user who signs in to the Care app with a password. */
  nurse: { email: string; password: string };
}

const DEMO_HOSPITAL_KEY = 'demo-hospital';

/**
 * Seeds the demo hospital through the public API, as an integration engineer would: hospital, an API
 * client with every hospital scope, a physician and a care-flow definition. Runs once; the client secret
 * (shown only once by the API) is kept in the data directory so it can be printed at every start.
 */
export async function seedDemo(
  baseUrl: string,
  admin: { clientId: string; clientSecret: string },
  dataDir: string,
  simulator?: SimulatorEndpoints,
): Promise<DemoCredentials> {
  const api = await adminApi(baseUrl, admin);
  const credentials = await seedOnce(api, dataDir);
  if (simulator) await connectToSimulator(api, credentials.hospitalId, simulator);
  return credentials;
}

/**
 * The simulator's ports (and its SFTP password and host key) change at each start, so the connections are
 * written at each start: the HL7 query goes to its MLLP responder, the web service to its pdq endpoint,
 * imports use HL7 by default, and SIU files come from its SFTP server.
 */
async function connectToSimulator(
  api: Api,
  hospitalId: string,
  simulator: SimulatorEndpoints,
): Promise<void> {
  await api('PUT', `/v1/admin/hospitals/${hospitalId}/connections/hl7`, {
    host: simulator.mllp.host,
    port: simulator.mllp.port,
    queryStyle: 'QRY_A19',
    version: '2.4',
    sendingApplication: 'CAREFLOW',
    sendingFacility: 'BRIDGE',
    receivingApplication: 'EMR',
    receivingFacility: 'AZDEMO',
    patientIdAuthority: simulator.patientIdAuthority,
    timeoutMs: 5000,
  });
  await api('PUT', `/v1/admin/hospitals/${hospitalId}/connections/webservice`, {
    flavor: 'pdq',
    baseUrl: `${simulator.webServiceBaseUrl}/pdq`,
    destination: 'AZDEMO-PDQ',
    timeoutMs: 5000,
    identifierSystems: { patientCode: simulator.patientCodeSystem, visitNumber: simulator.visitNumberSystem },
  });
  await api('PUT', `/v1/admin/hospitals/${hospitalId}/import-source`, { source: 'hl7' });
  // SFTP as a hospital would run it: password login, the host key pinned; the archive is the default
  // `<path>/archive`, which the ingestor creates on the server.
  await api('PUT', `/v1/admin/hospitals/${hospitalId}/connections/siu`, {
    source: { type: 'sftp', ...simulator.siuSftp },
    minFileAgeMs: 0,
    careFlowMap: [{ field: 'AIS-3.1', value: 'KNEE', careFlowDefinitionKey: 'knee-replacement' }],
    patientIdAuthority: simulator.patientIdAuthority,
    mllpListener: { port: simulator.siuMllpPort },
  });
}

/** "Run now" on the demo hospital's SIU source, so every start shows a run end to end. */
export async function runDemoSiu(
  baseUrl: string,
  admin: { clientId: string; clientSecret: string },
  hospitalId: string,
): Promise<string> {
  const api = await adminApi(baseUrl, admin);
  const run = await api('POST', `/v1/admin/hospitals/${hospitalId}/siu-runs`);
  return (run as { id: string }).id;
}

async function seedOnce(api: Api, dataDir: string): Promise<DemoCredentials> {
  const file = join(dataDir, 'demo.json');
  const hospitals = (await api('GET', '/v1/admin/hospitals')) as { id: string; key: string }[];
  const existing = hospitals.find((hospital) => hospital.key === DEMO_HOSPITAL_KEY);
  if (existing && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;

  const hospital =
    existing ??
    ((await api('POST', '/v1/admin/hospitals', { key: DEMO_HOSPITAL_KEY, name: 'Demo Hospital' })) as {
      id: string;
    });
  const client = (await api('POST', `/v1/admin/hospitals/${hospital.id}/api-clients`, {
    name: 'Demo EMR',
    scopes: ['patients:read', 'patients:write', 'careflows:write', 'imports', 'users:write', 'scim'],
  })) as { clientId: string; clientSecret: string };
  const nurse = {
    email: 'nurse.maes@demo-hospital.example',
    password: randomBytes(12).toString('base64url'),
  };
  if (!existing) {
    await api('POST', `/v1/admin/hospitals/${hospital.id}/users`, {
      email: nurse.email,
      firstName: 'Sofie',
      lastName: 'Maes',
      roles: ['clinician'],
      password: nurse.password,
    });
    await api('POST', `/v1/admin/hospitals/${hospital.id}/users`, {
      email: 'dr.peeters@demo-hospital.example',
      firstName: 'Anne',
      lastName: 'Peeters',
      roles: ['physician'],
      physicianCode: 'PHY001',
    });
    await api('POST', `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`, {
      key: 'knee-replacement',
      title: 'Knee replacement',
      baseline: [
        { key: 'appointmentDate', type: 'datetime', required: false },
        { key: 'appointmentType', type: 'string', required: false },
        { key: 'physicianCode', type: 'string', required: false },
        { key: 'location', type: 'string', required: false },
      ],
    });
  }
  const credentials: DemoCredentials = {
    hospitalId: hospital.id,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    physicianEmail: 'dr.peeters@demo-hospital.example',
    nurse,
  };
  writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

type Api = (method: string, path: string, body?: unknown) => Promise<unknown>;

async function adminApi(baseUrl: string, admin: { clientId: string; clientSecret: string }): Promise<Api> {
  const tokenResponse = await fetch(`${baseUrl}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: admin.clientId,
      client_secret: admin.clientSecret,
    }),
  });
  if (!tokenResponse.ok) throw new Error(`demo seed: admin token refused (${tokenResponse.status})`);
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok)
      throw new Error(`demo seed: ${method} ${path} -> ${response.status} ${await response.text()}`);
    return response.json();
  };
}
