import { expectEventually } from '@bridge/testing';
import type { Hl7ConnectionInputV1 } from '@bridge/contracts';
import { buildQuery, encodeMllpFrame, MllpDecoder } from '@bridge/hl7';
import { DestinationPolicy } from '@bridge/config';
import { exchangeWithHospital as exchange } from './hl7-exchange';

import { closedPort, fakeHospital, HOST, rawServer, replyTo } from './fake-hospital.spec-helpers';

const allowingLoopback = new DestinationPolicy({ allowLoopback: true, platformEndpoints: [] });
const exchangeWithHospital = (...args: [Parameters<typeof exchange>[0], Parameters<typeof exchange>[1]]) =>
  exchange(...args, allowingLoopback);

const MESSAGE_ID = '6f1c1c1e-0000-4000-8000-000000000002';
const PID_JAN = 'PID|1||000123^^^AZSTJAN^MR~85071412345^^^BE-RRN^NN||Peeters^Jan||19850714|M';
const PID_FRANCOISE = 'PID|1||000456^^^AZSTJAN^MR||Dubois^Françoise||198312|F';

function connection(port: number, extra: Partial<Hl7ConnectionInputV1> = {}): Hl7ConnectionInputV1 {
  return { host: HOST, port, queryStyle: 'QRY_A19', timeoutMs: 2000, ...extra } as Hl7ConnectionInputV1;
}

function query(controlId: string): string {
  return buildQuery(
    { queryStyle: 'QRY_A19' },
    { by: 'patientCode', value: '000123', controlId, at: new Date() },
  );
}

describe('exchangeWithHospital (real sockets)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function hospital(answer: Parameters<typeof fakeHospital>[0]) {
    const server = await fakeHospital(answer);
    cleanups.push(server.close);
    return server;
  }

  it('found: every PID is a candidate, read in the connection charset, raw reply journaled', async () => {
    const server = await hospital((q) =>
      Buffer.from(replyTo(q, [PID_JAN, 'PV1|1|O', PID_FRANCOISE]), 'latin1'),
    );
    const outcome = await exchangeWithHospital(connection(server.port, { charset: 'latin1' }), {
      query: query('CTRL1'),
      controlId: 'CTRL1',
      messageId: MESSAGE_ID,
    });
    expect(outcome.failure).toBeUndefined();
    expect(outcome.candidates.map((c) => [c.patientCode, c.firstName, c.birthDate, c.sex])).toEqual([
      ['000123', 'Jan', '1985-07-14', 'male'],
      ['000456', 'Françoise', '1983-12', 'female'],
    ]);
    expect(outcome.candidates[0].nationalRegistryNumber).toBe('85071412345');
    expect(outcome.end.rawIn).toContain('Dubois^Françoise');
    expect(server.received[0].get('MSH-10')).toBe('CTRL1');
  });

  it('AE: HOSPITAL_ERROR with the hospital text', async () => {
    const server = await hospital((q) =>
      replyTo(q, [], { msa: `MSA|AE|${q.get('MSH-10')}|Patient locked by ward` }),
    );
    const outcome = await exchangeWithHospital(connection(server.port), {
      query: query('CTRL2'),
      controlId: 'CTRL2',
      messageId: MESSAGE_ID,
    });
    expect(outcome.failure).toMatchObject({
      code: 'HOSPITAL_ERROR',
      details: { reason: 'MSA_REJECTED', hospitalText: 'Patient locked by ward' },
    });
  });

  it('a reply acknowledging another control id is a HOSPITAL_ERROR without candidates (rule 7)', async () => {
    const server = await hospital((q) => replyTo(q, [PID_JAN], { msa: 'MSA|AA|SOMEONE-ELSE' }));
    const outcome = await exchangeWithHospital(connection(server.port), {
      query: query('CTRL3'),
      controlId: 'CTRL3',
      messageId: MESSAGE_ID,
    });
    expect(outcome.failure).toMatchObject({
      code: 'HOSPITAL_ERROR',
      details: { reason: 'CONTROL_ID_MISMATCH' },
    });
    expect(outcome.candidates).toEqual([]);
  });

  it('QAK NF: PATIENT_NOT_FOUND_AT_HOSPITAL', async () => {
    const server = await hospital((q) => replyTo(q, [`QAK|${q.get('MSH-10')}|NF`], { type: 'RSP^K22' }));
    const outcome = await exchangeWithHospital(connection(server.port), {
      query: query('CTRL4'),
      controlId: 'CTRL4',
      messageId: MESSAGE_ID,
    });
    expect(outcome.failure?.code).toBe('PATIENT_NOT_FOUND_AT_HOSPITAL');
  });

  it('garbage (NUL bytes included): HOSPITAL_ERROR, and the raw reply is storable text', async () => {
    const server = await hospital(() => Buffer.from('not hl7 \u0000 at all', 'latin1'));
    const outcome = await exchangeWithHospital(connection(server.port), {
      query: query('CTRL5'),
      controlId: 'CTRL5',
      messageId: MESSAGE_ID,
    });
    expect(outcome.failure).toMatchObject({
      code: 'HOSPITAL_ERROR',
      details: { reason: 'UNREADABLE_REPLY' },
    });
    expect(outcome.end.rawIn).toBe('not hl7 \uFFFD at all');
  });

  it('closed mid-frame: HOSPITAL_ERROR CONNECTION_CLOSED, socket gone', async () => {
    const server = await rawServer((socket) => socket.once('data', () => socket.end('\x0bMSH|^~\\&|half')));
    cleanups.push(server.close);
    const outcome = await exchangeWithHospital(connection(server.port), {
      query: query('CTRL6'),
      controlId: 'CTRL6',
      messageId: MESSAGE_ID,
    });
    expect(outcome.failure).toMatchObject({
      code: 'HOSPITAL_ERROR',
      details: { reason: 'CONNECTION_CLOSED' },
    });
    await expectEventually(() => expect(server.sockets.size).toBe(0), { timeoutMs: 2000 });
  });

  it('hang: HOSPITAL_TIMEOUT within timeoutMs + margin, socket gone (R3)', async () => {
    const server = await rawServer(() => undefined);
    cleanups.push(server.close);
    const started = Date.now();
    const outcome = await exchangeWithHospital(connection(server.port, { timeoutMs: 300 }), {
      query: query('CTRL7'),
      controlId: 'CTRL7',
      messageId: MESSAGE_ID,
    });
    const elapsed = Date.now() - started;
    expect(outcome.failure).toMatchObject({ code: 'HOSPITAL_TIMEOUT', details: { reason: 'TIMEOUT' } });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1300);
    await expectEventually(() => expect(server.sockets.size).toBe(0), { timeoutMs: 2000 });
  });

  it('refused: HOSPITAL_ERROR CONNECTION_REFUSED', async () => {
    const outcome = await exchangeWithHospital(connection(await closedPort()), {
      query: query('CTRL8'),
      controlId: 'CTRL8',
      messageId: MESSAGE_ID,
    });
    expect(outcome.failure).toMatchObject({
      code: 'HOSPITAL_ERROR',
      details: { reason: 'CONNECTION_REFUSED' },
    });
  });

  it('tls: true speaks TLS (a plain-text peer fails the handshake: TLS_ERROR)', async () => {
    const server = await rawServer((socket) => socket.end('220 plain text, not TLS\r\n'));
    cleanups.push(server.close);
    const outcome = await exchangeWithHospital(connection(server.port, { tls: true }), {
      query: query('CTRL9'),
      controlId: 'CTRL9',
      messageId: MESSAGE_ID,
    });
    expect(outcome.failure).toMatchObject({ code: 'HOSPITAL_ERROR', details: { reason: 'TLS_ERROR' } });
  });

  it('sends the query in the connection charset, framed once', async () => {
    const frames: Buffer[] = [];
    const server = await rawServer((socket) => {
      const decoder = new MllpDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const frame of decoder.push(chunk)) {
          frames.push(frame);
          socket.write(encodeMllpFrame(Buffer.from('MSH|^~\\&|H|F|||1||ACK|1|P|2.3\rMSA|AA|CTRL10\r')));
        }
      });
    });
    cleanups.push(server.close);
    const text = buildQuery(
      { queryStyle: 'QBP_Q22', charset: 'latin1' },
      { by: 'visitNumber', value: 'VN-é', controlId: 'CTRL10', at: new Date() },
    );
    const outcome = await exchangeWithHospital(
      connection(server.port, { charset: 'latin1', queryStyle: 'QBP_Q22' }),
      {
        query: text,
        controlId: 'CTRL10',
        messageId: MESSAGE_ID,
      },
    );
    expect(outcome.failure?.code).toBe('PATIENT_NOT_FOUND_AT_HOSPITAL');
    expect(frames).toHaveLength(1);
    expect(frames[0].includes(Buffer.from('VN-\xe9', 'latin1'))).toBe(true);
  });
});

describe('exchangeWithHospital: destination policy (issue 10)', () => {
  it('refuses loopback when it is not allowed, and a name resolving to it, before a byte is sent', async () => {
    const server = await fakeHospital((q) => replyTo(q, [PID_JAN]));
    try {
      const strict = new DestinationPolicy({
        allowLoopback: false,
        platformEndpoints: [],
        resolveAll: async () => [{ address: '127.0.0.1', family: 4 }],
      });
      for (const host of [HOST, 'emr.hospital.example']) {
        const outcome = await exchange(
          connection(server.port, { host }),
          { query: query('CTRL9'), controlId: 'CTRL9', messageId: MESSAGE_ID },
          strict,
        );
        expect(outcome.failure?.code).toBe('CONNECTION_DESTINATION_REFUSED');
        expect(outcome.end.rawIn).toBeUndefined();
      }
      expect(server.received).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('refuses link-local (169.254.169.254) and the platform database port whatever loopback says', async () => {
    const policy = new DestinationPolicy({
      allowLoopback: true,
      platformEndpoints: [{ host: '127.0.0.1', port: 5432 }],
    });
    for (const [host, port] of [
      ['169.254.169.254', 80],
      ['127.0.0.1', 5432],
    ] as const) {
      const outcome = await exchange(
        connection(port, { host }),
        { query: query('CTRL8'), controlId: 'CTRL8', messageId: MESSAGE_ID },
        policy,
      );
      expect(outcome.failure?.code).toBe('CONNECTION_DESTINATION_REFUSED');
    }
  });
});
