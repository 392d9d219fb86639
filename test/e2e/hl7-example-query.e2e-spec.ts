import { MllpServer, encodeHl7, parseHl7 } from '@bridge/hl7';
import { layoutDifferences } from '../../libs/hl7/src/query/example/strict-hospital.spec-helpers';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * PRODUCT.md "Template from the hospital's own example": a hospital whose interface engine answers
 * only queries laid out exactly like the example it gave ('#' field separator, latin1 MSH-18, a
 * Z-segment between QRD and QRF), anything else gets an AR.
 */
const EXAMPLE =
  'MSH#^~\\&#CAREFLOW#BRIDGE#EPD#AZNOORD#20240101120000##QRY^A19^QRY_A19#EX1#P#2.4#####BEL#8859/1\n' +
  'QRD#20240101120000#R#I#EXQ1###10^RD#000111^^^^^^^^AZNOORD^^^^MR#DEM\n' +
  'ZCF#ROUTE^BRIDGE\n' +
  'QRF#AZNOORD\n';
const REPLACED = ['MSH-7', 'MSH-10', 'QRD-1', 'QRD-4', 'QRD-8.1'];
const PATIENT = { code: '000777', visit: 'V2026-42' };

interface StrictHospital {
  port: number;
  received: string[];
  refused: string[][];
  close: () => Promise<void>;
}

async function strictHospital(): Promise<StrictHospital> {
  const received: string[] = [];
  const refused: string[][] = [];
  const server = new MllpServer({
    port: 0,
    host: '127.0.0.1',
    onMessage: (frame) => {
      const text = frame.toString('latin1');
      received.push(text);
      const query = parseHl7(frame);
      const controlId = query.controlId;
      const byVisit = query.get('QRD-8.13') === 'VN';
      const differences = layoutDifferences(EXAMPLE, text, byVisit ? [...REPLACED, 'QRD-8.13'] : REPLACED);
      const header = `MSH|^~\\&|EPD|AZNOORD|CAREFLOW|BRIDGE|20260101120000||ADR^A19|R${controlId}|P|2.4|||||BEL|8859/1`;
      if (differences.length > 0) {
        refused.push(differences);
        return encodeHl7(
          `${header}\rMSA|AR|${controlId}|query layout differs from the agreed example\r`,
          'latin1',
        );
      }
      const value = query.get('QRD-8.1');
      const known = byVisit ? value === PATIENT.visit : value === PATIENT.code;
      const reply = known
        ? `MSA|AA|${controlId}\rQRD|x\rPID|1||${PATIENT.code}^^^AZNOORD^MR||Dubois^Françoise||19850704|F\r` +
          `PV1|1|O|||||||||||||||||${PATIENT.visit}\r`
        : `MSA|AA|${controlId}\rQAK|${query.get('QRD-4')}|NF\r`;
      return encodeHl7(`${header}\r${reply}`, 'latin1');
    },
  });
  const port = await server.listen();
  return { port, received, refused, close: () => server.close() };
}

describe("HL7 connection from the hospital's own example query (exampleQuery)", () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let hospital: StrictHospital;
  type Hospital = Awaited<ReturnType<Api['createHospital']>>;
  let tenant: Hospital;
  let path: string;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    hospital = await strictHospital();
    tenant = await api.createHospital('hl7-example');
    path = `/v1/admin/hospitals/${tenant.id}/connections/hl7`;
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${tenant.id}/import-source`, {
      token: admin,
      body: { source: 'hl7' },
    });
  });
  afterAll(async () => {
    await platform?.close();
    await hospital?.close();
  });

  const base = () => ({ host: '127.0.0.1', port: hospital.port, queryStyle: 'QRY_A19', timeoutMs: 2000 });
  const lookup = (body: Record<string, string>) =>
    api.request('POST', '/v1/imports', { token: tenant.token, body });

  it('the strict hospital refuses the default layout (the check below can fail)', async () => {
    await api.expect(200, 'PUT', path, { token: admin, body: { ...base(), patientIdAuthority: 'AZNOORD' } });
    const response = await lookup({ patientCode: PATIENT.code });
    expect(response.status).toBe(502);
    expect(response.body.code).toBe('HOSPITAL_ERROR');
    expect(hospital.refused).toHaveLength(1);
  });

  it('refuses a bad example with 400 EXAMPLE_QUERY_INVALID naming the field; nothing is changed', async () => {
    const notAQuery = await api.request('PUT', path, {
      token: admin,
      body: {
        ...base(),
        exampleQuery: 'MSH|^~\\&|HIS|AZ|CF|BR|20240101||ADT^A08|1|P|2.4\rPID|1||1^^^AZ^MR\r',
      },
    });
    expect(notAQuery.status).toBe(400);
    expect(notAQuery.body).toMatchObject({ code: 'EXAMPLE_QUERY_INVALID' });
    expect(notAQuery.body.detail).toContain('ADT^A08');
    expect(notAQuery.body.errors).toEqual([
      { field: 'exampleQuery', message: expect.stringContaining('not a query') },
    ]);

    const ambiguous = await api.request('PUT', path, {
      token: admin,
      body: { ...base(), exampleQuery: EXAMPLE.replace('^^^^MR#', '^^^^MR~V1^^^^^^^^^^^^VN#') },
    });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.errors[0].message).toContain('QRD-8 holds 2 identifiers');

    const style = await api.request('PUT', path, {
      token: admin,
      body: { ...base(), queryStyle: 'QBP_Q22', exampleQuery: EXAMPLE },
    });
    expect(style.status).toBe(400);
    expect(style.body.errors.map((e: { field: string }) => e.field)).toEqual(['queryStyle']);
    expect(await api.expect(200, 'GET', path, { token: admin })).not.toHaveProperty('exampleQuery');
  });

  it('stores the derived template, shows it with its notes, and imports a patient through it', async () => {
    const put = await api.expect(200, 'PUT', path, {
      token: admin,
      body: { ...base(), exampleQuery: EXAMPLE, sendingApplication: 'OTHER', patientIdAuthority: 'AZNOORD' },
    });
    expect(put.exampleQuery).toBe(EXAMPLE);
    expect(put.derivedTemplate).toMatchObject({
      queryStyle: 'QRY_A19',
      messageType: 'QRY^A19',
      version: '2.4',
      charset: 'latin1',
      exampleBy: 'patientCode',
      idPath: 'QRD-8.1',
      authority: 'AZNOORD',
    });
    expect(put.derivedTemplate.layout.patientCode).toEqual([
      'MSH#^~\\&#CAREFLOW#BRIDGE#EPD#AZNOORD#{timestamp}##QRY^A19^QRY_A19#{controlId}#P#2.4#####BEL#8859/1',
      'QRD#{queryTimestamp}#R#I#{queryId}###10^RD#{value}^^^^^^^^AZNOORD^^^^MR#DEM',
      'ZCF#ROUTE^BRIDGE',
      'QRF#AZNOORD',
    ]);
    expect(put.derivedTemplate.layout.visitNumber[1]).toContain('{value}^^^^^^^^AZNOORD^^^^VN#');
    const notes = put.derivedTemplate.notes.join('\n');
    expect(notes).toContain('a visit number is sent in the same place (QRD-8.1) with identifier type VN');
    expect(notes).toContain(
      'sendingApplication "OTHER" is not used: MSH-3 is sent as in the example ("CAREFLOW")',
    );
    expect(notes).toContain('ZCF');
    expect(await api.expect(200, 'GET', path, { token: admin })).toEqual(put);

    const before = hospital.received.length;
    const found = await lookup({ patientCode: PATIENT.code });
    expect(found.status).toBe(200);
    expect(hospital.refused).toHaveLength(1); // only the default-layout query of the first test
    expect(found.body.candidates).toEqual([
      expect.objectContaining({ patientCode: PATIENT.code, firstName: 'Françoise', lastName: 'Dubois' }),
    ]);
    const sent = hospital.received[before];
    expect(sent.split('\r')[2]).toBe('ZCF#ROUTE^BRIDGE');
    const saved = await api.request('POST', `/v1/imports/${found.body.importId}/confirm`, {
      token: tenant.token,
      body: { physicianId: tenant.physicianId },
    });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({
      patientCode: PATIENT.code,
      firstName: 'Françoise',
      hospitalId: tenant.id,
    });

    const byVisit = await lookup({ visitNumber: PATIENT.visit });
    expect(byVisit.status).toBe(200);
    expect(byVisit.body.candidates).toEqual([
      expect.objectContaining({ patientCode: PATIENT.code, existingPatientId: saved.body.id }),
    ]);
    expect(hospital.refused).toHaveLength(1);

    const notFound = await lookup({ patientCode: '999' });
    expect(notFound.status).toBe(404);
    expect(notFound.body.code).toBe('PATIENT_NOT_FOUND_AT_HOSPITAL');
  });
});
