import { encodeMllpFrame, MllpDecoder, parseHl7, sendMllp } from '@bridge/hl7';
import { freePort } from '@bridge/database';
import { expectEventually } from '@bridge/testing';
import { connect } from 'node:net';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { SiuDriver, siuMessage, type Hospital } from './siu.fixtures';

/** Real-time SIU over MLLP (issue 4 item 5): ACK only after the message is stored, then the same pipeline. */
describe('real-time SIU over an MLLP listener', () => {
  let platform: TestPlatform;
  let api: Api;
  let siu: SiuDriver;
  let hospital: Hospital & { dir: string };
  let port: number;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    siu = new SiuDriver(api, await api.adminToken());
    port = await freePort();
    hospital = await siu.hospital('mllp-a', { mllpListener: { port } });
    await expectEventually(() => send('MSH|^~\\&|PING'), { timeoutMs: 15_000, intervalMs: 100 });
  });
  afterAll(() => platform?.close());

  const send = (message: string) => sendMllp(message, { host: '127.0.0.1', port, timeoutMs: 5000 });
  const ackOf = (reply: Buffer) => {
    const ack = parseHl7(reply);
    return { code: ack.get('MSA-1'), controlId: ack.get('MSA-2') };
  };

  it('acknowledges a stored S12 with AA echoing MSH-10, then starts its care flow', async () => {
    const reply = await send(
      siuMessage({
        event: 'S12',
        controlId: 'RT-1',
        patientCode: 'RT-P1',
        fillerId: 'RT-APT-1',
        service: 'KNEE',
        aip: 'DR1',
      }),
    );
    expect(ackOf(reply)).toEqual({ code: 'AA', controlId: 'RT-1' });
    await expectEventually(
      async () => {
        const patient = await siu.patient(hospital, 'RT-P1');
        expect(patient?.careFlows).toEqual([
          expect.objectContaining({
            status: 'active',
            source: expect.objectContaining({ kind: 'siu', appointmentId: 'RT-APT-1' }),
          }),
        ]);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  });

  it('a feed that books, moves and cancels an appointment starts, updates and stops its care flow; a resent message changes nothing', async () => {
    const appointment = { patientCode: 'RT-P5', fillerId: 'RT-APT-5', service: 'KNEE', aip: 'DR1' };
    const flowOf = async () => (await siu.patient(hospital, 'RT-P5'))?.careFlows ?? [];
    const booked = siuMessage({
      event: 'S12',
      controlId: 'RT-5a',
      tq1Start: '20260910080000',
      ...appointment,
    });
    expect(ackOf(await send(booked))).toEqual({ code: 'AA', controlId: 'RT-5a' });
    await expectEventually(
      async () => expect(await flowOf()).toEqual([expect.objectContaining({ status: 'active' })]),
      { timeoutMs: 20_000, intervalMs: 100 },
    );

    const moved = siuMessage({
      event: 'S14',
      controlId: 'RT-5b',
      tq1Start: '20260911143000',
      ...appointment,
    });
    expect(ackOf(await send(moved))).toEqual({ code: 'AA', controlId: 'RT-5b' });
    await expectEventually(
      async () =>
        expect(await flowOf()).toEqual([
          expect.objectContaining({
            status: 'active',
            baseline: expect.objectContaining({ appointmentDate: '2026-09-11T14:30' }),
          }),
        ]),
      { timeoutMs: 20_000, intervalMs: 100 },
    );

    // Rule 27: the booking sent again is acknowledged, and is a duplicate: no second care flow.
    expect(ackOf(await send(booked))).toEqual({ code: 'AA', controlId: 'RT-5a' });
    const cancelled = siuMessage({ event: 'S15', controlId: 'RT-5c', ...appointment });
    expect(ackOf(await send(cancelled))).toEqual({ code: 'AA', controlId: 'RT-5c' });
    await expectEventually(
      async () => expect(await flowOf()).toEqual([expect.objectContaining({ status: 'stopped' })]),
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const admin = await api.adminToken();
    await expectEventually(
      async () => {
        const log = (
          await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${hospital.id}&channel=siu-mllp`, {
            token: admin,
          })
        ).messages;
        const outcomes = log
          .filter(
            (entry: { controlId?: string; status: string }) =>
              entry.controlId === 'RT-5a' && entry.status !== 'received',
          )
          .map((entry: { status: string }) => entry.status)
          .sort();
        expect(outcomes).toEqual(['duplicate', 'processed']);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  });

  it('answers in enhanced mode with CA when the sender asks for accept acknowledgements (MSH-15)', async () => {
    // MSH-13 and MSH-14 empty, MSH-15 (accept ack type) AL, MSH-16 NE.
    const message = siuMessage({
      event: 'S12',
      controlId: 'RT-2',
      patientCode: 'RT-P2',
      service: 'KNEE',
    }).replace('|P|2.5', '|P|2.5|||AL|NE');
    expect(ackOf(await send(message))).toEqual({ code: 'CA', controlId: 'RT-2' });
  });

  it('refuses what it cannot read or does not take with AE, and keeps serving', async () => {
    expect(ackOf(await send('this is not HL7 at all'))).toMatchObject({ code: 'AE' });
    const adt = siuMessage({ event: 'S12', controlId: 'RT-3', patientCode: 'RT-P3' }).replace(
      'SIU^S12^SIU_S12',
      'ADT^A01^ADT_A01',
    );
    expect(ackOf(await send(adt))).toEqual({ code: 'AE', controlId: 'RT-3' });
    expect(
      ackOf(
        await send(siuMessage({ event: 'S12', controlId: 'RT-4', patientCode: 'RT-P4', service: 'KNEE' })),
      ),
    ).toEqual({
      code: 'AA',
      controlId: 'RT-4',
    });
  });

  it('answers several frames sent in one write, in order, each with its own MSA-2', async () => {
    const ids = ['RT-10', 'RT-11', 'RT-12'];
    const frames = Buffer.concat(
      ids.map((id) =>
        encodeMllpFrame(
          Buffer.from(siuMessage({ event: 'S12', controlId: id, patientCode: `P-${id}`, service: 'KNEE' })),
        ),
      ),
    );
    const replies = await new Promise<Buffer[]>((resolve, reject) => {
      const received: Buffer[] = [];
      const decoder = new MllpDecoder();
      const socket = connect(port, '127.0.0.1', () => socket.write(frames));
      socket.on('data', (chunk) => {
        received.push(...decoder.push(chunk));
        if (received.length === ids.length) {
          socket.destroy();
          resolve(received);
        }
      });
      socket.on('error', reject);
    });
    expect(replies.map((reply) => ackOf(reply).controlId)).toEqual(ids);
  });

  it('logs the exchange (raw text and the ACK sent) and the processing outcome of each message', async () => {
    const admin = await api.adminToken();
    const log = (
      await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${hospital.id}&channel=siu-mllp`, {
        token: admin,
      })
    ).messages;
    const entries = log.filter((message: { controlId?: string }) => message.controlId === 'RT-1');
    // hl7-gateway journals the exchange; siu-ingestor records what processing the message did.
    expect(entries.map((entry: { status: string }) => entry.status).sort()).toEqual([
      'processed',
      'received',
    ]);
    const exchange = entries.find((entry: { status: string }) => entry.status === 'received');
    const detail = await api.expect(200, 'GET', `/v1/admin/messages/${exchange.id}`, { token: admin });
    expect(detail).toMatchObject({ type: 'SIU^S12', direction: 'inbound' });
    expect(detail.raw).toContain('RT-1');
    expect(detail.ack).toMatch(/MSA\|AA\|RT-1/);
  });
});
