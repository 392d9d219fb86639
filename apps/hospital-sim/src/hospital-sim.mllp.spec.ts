import * as net from 'node:net';
import {
  Hl7ParseError,
  MllpClient,
  buildQuery,
  encodeHl7,
  encodeMllpFrame,
  parseHl7,
  readQueryReply,
  sendMllp,
  type Hl7Charset,
  type Hl7QueryStyle,
  type MllpError,
  type QueryReply,
} from '@bridge/hl7';
import { SIM_DATASET, SIM_IDS, expectedCandidate, simPatientsByCode, simPatientsByVisit } from './dataset';
import { startHospitalSim, type HospitalSim } from './hospital-sim';
import {
  SIM_ERROR_CODE_TEXT,
  SIM_ERROR_TEXT,
  SIM_FAULTS,
  SIM_GARBAGE_BODY,
  SIM_MISMATCH_PREFIX,
} from './sim-faults';

const SLOW_MS = 200;
const TIMEOUT_MS = 400;
let sequence = 0;

interface Exchange {
  readonly raw: Buffer;
  readonly reply: QueryReply;
  readonly controlId: string;
}

interface QueryOptions {
  readonly style: Hl7QueryStyle;
  readonly by?: 'patientCode' | 'visitNumber';
  readonly authority?: string;
  readonly charset?: Hl7Charset;
  readonly timeoutMs?: number;
}

/** One query through the lib, the way hl7-gateway sends and reads it. */
async function ask(sim: HospitalSim, value: string, options: QueryOptions): Promise<Exchange> {
  const controlId = `Q${++sequence}`;
  const text = buildQuery(
    { queryStyle: options.style, patientIdAuthority: options.authority, charset: options.charset },
    { by: options.by ?? 'patientCode', value, controlId, at: new Date() },
  );
  const raw = await sendMllp(encodeHl7(text, options.charset), {
    host: sim.mllp.host,
    port: sim.mllp.port,
    timeoutMs: options.timeoutMs ?? 3000,
  });
  const reply = readQueryReply(parseHl7(raw, { charset: options.charset }), {
    expectedControlId: controlId,
    patientIdAuthority: options.authority,
  });
  return { raw, reply, controlId };
}

async function mllpFailure(promise: Promise<unknown>): Promise<MllpError> {
  try {
    await promise;
  } catch (error) {
    return error as MllpError;
  }
  throw new Error('expected an MLLP failure');
}

const candidate = (patient: (typeof SIM_DATASET)[number]) => ({
  ...expectedCandidate(patient, { via: 'hl7' }),
  identifiers: expect.any(Array),
});

describe('hospital-sim MLLP responder', () => {
  let sim: HospitalSim;

  beforeAll(async () => {
    sim = await startHospitalSim({ slowMs: SLOW_MS, hangMs: 10_000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  describe.each<Hl7QueryStyle>(['QRY_A19', 'QBP_Q22'])('%s', (style) => {
    it.each(SIM_DATASET.map((patient) => [patient.patientCode, patient] as const))(
      'answers patient code %s with the dataset demographics read by the HL7 rules',
      async (code) => {
        const { reply } = await ask(sim, code, { style, authority: 'AZDEMO' });
        expect(reply.status).toBe('found');
        expect(reply.candidates).toEqual(simPatientsByCode(code).map(candidate));
      },
    );

    it('finds one patient by a visit number nobody else has, and ignores its patient-code meaning', async () => {
      const { reply } = await ask(sim, SIM_IDS.francoiseVisit, {
        style,
        by: 'visitNumber',
        authority: 'AZDEMO',
      });
      expect(reply.candidates.map((c) => c.firstName)).toEqual(['Françoise']);
      expect(reply.candidates[0].visitNumber).toBe(SIM_IDS.francoiseVisit);

      const asCode = await ask(sim, SIM_IDS.francoiseVisit, { style, by: 'patientCode' });
      expect(asCode.reply.status).toBe('not_found');
    });

    it('returns several candidates for a shared visit number and a duplicated patient code', async () => {
      const visit = await ask(sim, SIM_IDS.sharedVisit, { style, by: 'visitNumber' });
      expect(visit.reply.candidates).toEqual(simPatientsByVisit(SIM_IDS.sharedVisit).map(candidate));
      expect(visit.reply.candidates.map((c) => c.firstName)).toEqual(['Sofie', 'Noor']);

      const code = await ask(sim, SIM_IDS.duplicateCode, { style, authority: 'AZDEMO' });
      expect(code.reply.candidates.map((c) => c.firstName)).toEqual(['Marie', 'Marie-Thérèse']);
    });

    it('matches an old number of the merged hospital only when no authority narrows the query', async () => {
      const any = await ask(sim, SIM_IDS.collidingCode, { style });
      expect(any.reply.candidates.map((c) => c.lastName)).toEqual(['El Amrani', "Verstraete-D'Hondt"]);
      const azdemo = await ask(sim, SIM_IDS.collidingCode, { style, authority: 'AZDEMO' });
      expect(azdemo.reply.candidates.map((c) => c.lastName)).toEqual(['El Amrani']);
      const unknown = await ask(sim, SIM_IDS.francoise, { style, authority: 'ELSEWHERE' });
      expect(unknown.reply.status).toBe('not_found');
    });

    it('answers NF for SIM-NOTFOUND and for unknown ids, acknowledging the query', async () => {
      for (const value of [SIM_FAULTS.notFound, '999999']) {
        const { raw, reply, controlId } = await ask(sim, value, { style });
        expect(reply).toEqual({ status: 'not_found', candidates: [] });
        const message = parseHl7(raw);
        expect(message.get('QAK-2')).toBe('NF');
        expect(message.get('MSA-1')).toBe('AA');
        expect(message.get('MSA-2')).toBe(controlId);
      }
    });

    it('answers SIM-ERROR with MSA AE, the hospital text and an ERR segment', async () => {
      const { raw, reply } = await ask(sim, SIM_FAULTS.error, { style });
      expect(reply).toMatchObject({
        status: 'hospital_error',
        reason: 'MSA_REJECTED',
        errorText: `${SIM_ERROR_TEXT}; ${SIM_ERROR_CODE_TEXT}`,
      });
      expect(parseHl7(raw).first('ERR')).toBeDefined();
    });

    it('answers SIM-MISMATCH with a found reply for another control id, which the reader rejects', async () => {
      const { raw, reply, controlId } = await ask(sim, SIM_FAULTS.mismatch, { style });
      expect(parseHl7(raw).get('MSA-2')).toBe(SIM_MISMATCH_PREFIX + controlId);
      expect(parseHl7(raw).all('PID')).toHaveLength(1);
      expect(reply).toMatchObject({
        status: 'hospital_error',
        reason: 'CONTROL_ID_MISMATCH',
        candidates: [],
      });
    });

    it('answers SIM-GARBAGE with a framed blob that is not HL7', async () => {
      const text = buildQuery(
        { queryStyle: style },
        { by: 'patientCode', value: SIM_FAULTS.garbage, controlId: 'G1', at: new Date() },
      );
      const raw = await sendMllp(text, { host: sim.mllp.host, port: sim.mllp.port, timeoutMs: 3000 });
      expect(raw.equals(Buffer.from(SIM_GARBAGE_BODY, 'latin1'))).toBe(true);
      expect(() => parseHl7(raw)).toThrow(Hl7ParseError);
    });

    it('sends half a frame and closes for SIM-CLOSE', async () => {
      const error = await mllpFailure(ask(sim, SIM_FAULTS.close, { style }));
      expect(error.code).toBe('MLLP_CONNECTION_CLOSED');
      expect(error.message).toMatch(/mid-frame/);
    });

    it('never answers SIM-HANG: the client times out within its timeout plus a margin', async () => {
      const started = Date.now();
      const error = await mllpFailure(ask(sim, SIM_FAULTS.hang, { style, timeoutMs: TIMEOUT_MS }));
      const elapsed = Date.now() - started;
      expect(error.code).toBe('MLLP_TIMEOUT');
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 1000);
    });

    it('answers SIM-SLOW correctly, after slowMs', async () => {
      const started = Date.now();
      const { reply } = await ask(sim, SIM_FAULTS.slow, { style });
      expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS - 20);
      expect(reply.candidates.map((c) => c.lastName)).toEqual(['Lenteur']);
    });

    it('writes the reply type, correlation and escapes by the HL7 rules', async () => {
      const { raw, controlId } = await ask(sim, SIM_IDS.francoise, { style });
      const message = parseHl7(raw);
      expect(message.type).toBe(style === 'QRY_A19' ? 'ADR^A19' : 'RSP^K22');
      expect(message.get('MSA-2')).toBe(controlId);
      expect(message.get('QAK-2')).toBe('OK');
      expect(message.header.get(18)).toBe('UNICODE UTF-8');
      const text = raw.toString('utf8');
      expect(text).toContain("Rue de l'Église 12 \\F\\ bte 3");
      expect(message.first('PID')?.get(11)).toBe("Rue de l'Église 12 | bte 3");
    });
  });

  it('writes Jürgen FN with its prefix and own-surname subcomponents', async () => {
    const { raw, reply } = await ask(sim, SIM_IDS.jurgen, { style: 'QRY_A19' });
    expect(raw.toString('utf8')).toContain('Van den Broeck&Van den&Broeck^Jürgen^Maria');
    expect(reply.candidates[0]).toMatchObject({
      lastName: 'Van den Broeck',
      middleName: 'Maria',
      birthDate: '1985-07',
    });
  });

  it('puts an old HHSJ number before the AZDEMO one, so only a configured authority reads the right code', async () => {
    const without = await ask(sim, SIM_IDS.francoise, { style: 'QBP_Q22' });
    expect(without.reply.candidates[0].patientCode).toBe('H-55012');
    const withAuthority = await ask(sim, SIM_IDS.francoise, { style: 'QBP_Q22', authority: 'AZDEMO' });
    expect(withAuthority.reply.candidates[0].patientCode).toBe(SIM_IDS.francoise);
  });

  it('answers the refused port with MLLP_CONNECTION_REFUSED', async () => {
    const error = await mllpFailure(
      sendMllp('MSH|^~\\&|\r', { host: '127.0.0.1', port: sim.refusedPort, timeoutMs: 2000 }),
    );
    expect(error.code).toBe('MLLP_CONNECTION_REFUSED');
  });

  it('answers several queries on one kept-alive connection, in order', async () => {
    const client = new MllpClient({ host: sim.mllp.host, port: sim.mllp.port, timeoutMs: 3000 });
    try {
      for (const [controlId, value] of [
        ['K1', SIM_IDS.francoise],
        ['K2', SIM_IDS.lucas],
      ]) {
        const text = buildQuery(
          { queryStyle: 'QBP_Q22' },
          { by: 'patientCode', value, controlId, at: new Date() },
        );
        const reply = readQueryReply(parseHl7(await client.send(text)), {
          expectedControlId: controlId,
          patientIdAuthority: 'AZDEMO',
        });
        expect(reply.candidates[0].patientCode).toBe(value);
      }
    } finally {
      await client.close();
    }
  });

  it('rejects what is not a query with AR, and unparseable frames with AR', async () => {
    const adt = 'MSH|^~\\&|EMR|HOSP|||20240101||ADT^A01|ADT7|P|2.5\rPID|1||1^^^AZDEMO^MR\r';
    const reply = parseHl7(
      await sendMllp(adt, { host: sim.mllp.host, port: sim.mllp.port, timeoutMs: 3000 }),
    );
    expect([reply.get('MSA-1'), reply.get('MSA-2')]).toEqual(['AR', 'ADT7']);

    const junk = parseHl7(
      await sendMllp('hello', { host: sim.mllp.host, port: sim.mllp.port, timeoutMs: 3000 }),
    );
    expect(junk.get('MSA-1')).toBe('AR');
  });
});

describe('hospital-sim MLLP faults that end with the simulator', () => {
  it('drops a hanging connection after hangMs', async () => {
    const sim = await startHospitalSim({ hangMs: 50 });
    try {
      const error = await mllpFailure(ask(sim, SIM_FAULTS.hang, { style: 'QRY_A19', timeoutMs: 3000 }));
      expect(error.code).toBe('MLLP_CONNECTION_CLOSED');
    } finally {
      await sim.close();
    }
  });

  it('close() ends a query hanging without hangMs, and closes its connection', async () => {
    const sim = await startHospitalSim();
    const socket = net.connect({ host: sim.mllp.host, port: sim.mllp.port });
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const text = buildQuery(
      { queryStyle: 'QRY_A19' },
      { by: 'patientCode', value: SIM_FAULTS.hang, controlId: 'H1', at: new Date() },
    );
    await new Promise<void>((resolve) => socket.write(encodeMllpFrame(Buffer.from(text)), () => resolve()));
    const started = Date.now();
    await sim.close();
    await closed;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('hospital-sim MLLP charsets', () => {
  it('answers in latin1 declared in MSH-18, read back with accents intact', async () => {
    const sim = await startHospitalSim({ charset: 'latin1' });
    try {
      const { raw, reply } = await ask(sim, SIM_IDS.francoise, { style: 'QRY_A19', charset: 'latin1' });
      expect(parseHl7(raw).header.get(18)).toBe('8859/1');
      expect(raw.includes(Buffer.from('Françoise', 'latin1'))).toBe(true);
      expect(raw.includes(Buffer.from('Françoise', 'utf8'))).toBe(false);
      expect(reply.candidates[0]).toMatchObject({ firstName: 'Françoise', lastName: 'Dubois-Lemaître' });
      // MSH-18 wins over a wrong connection setting (rule 3).
      const readAsUtf8 = readQueryReply(parseHl7(raw, { charset: 'utf-8' }), {
        expectedControlId: parseHl7(raw).get('MSA-2'),
      });
      expect(readAsUtf8.candidates[0].firstName).toBe('Françoise');
    } finally {
      await sim.close();
    }
  });

  it('leaves MSH-18 empty when told to, so only the connection charset reads it right', async () => {
    const sim = await startHospitalSim({ charset: 'latin1', declareCharset: false });
    try {
      const { raw, reply } = await ask(sim, SIM_IDS.jurgen, { style: 'QBP_Q22', charset: 'latin1' });
      expect(parseHl7(raw).header.get(18)).toBe('');
      expect(reply.candidates[0].firstName).toBe('Jürgen');
      expect(parseHl7(raw, { charset: 'utf-8' }).first('PID')?.get(5, 2)).not.toBe('Jürgen');
    } finally {
      await sim.close();
    }
  });
});
