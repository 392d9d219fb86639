import { MllpDecoder, parseHl7, sendMllp, type SendMllpOptions } from '@bridge/hl7';
import { freePort } from '@bridge/database';
import { expectEventually } from '@bridge/testing';
import { connect, type Socket } from 'node:net';
import { selfSignedCertificate } from '../../libs/hl7/src/mllp/mllp-test.helpers';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import type { SiuFolder } from '../support/siu-folders';
import { SiuDriver, siuMessage, type Hospital } from './siu.fixtures';

/**
 * QUALITY.md R13 (issue 10): the real-time SIU listener refuses sources not allowed at connect, closes idle
 * connections and caps them while serving new ones, answers a 20 MiB frame with AR and a close with memory
 * flat, and speaks TLS (mutual TLS too) as its connection says.
 */
describe('R13 real-time SIU listener limits', () => {
  let platform: TestPlatform;
  let api: Api;
  let siu: SiuDriver;
  let hospital: Hospital & SiuFolder;
  let port: number;
  let sequence = 0;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    siu = new SiuDriver(api, await api.adminToken());
    port = await freePort();
    hospital = await siu.hospital('r13', { mllpListener: { port } });
  });
  afterAll(() => platform?.close());

  /**
   * Saves the listener settings (the folder stays) and waits until a probe gets an AA. With `awaitRestart`, it
   * first holds a connection open and waits for the listener to drop it: the old listener would answer the
   * probe too, so only its restart proves the new settings are live.
   */
  async function configure(
    listener: Record<string, unknown>,
    probe: Partial<SendMllpOptions> = {},
    options: { awaitRestart?: boolean } = {},
  ): Promise<void> {
    let held: { closed: boolean; socket: Socket } | undefined;
    if (options.awaitRestart) {
      const socket = connect(port, '127.0.0.1');
      held = { closed: false, socket };
      socket.on('error', () => undefined);
      socket.on('close', () => (held!.closed = true));
      await new Promise((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
    }
    await siu.connect(hospital.id, {
      source: hospital.source,
      careFlowMap: [],
      mllpListener: { port, ...listener },
    });
    if (held)
      await expectEventually(() => expect(held!.closed).toBe(true), { timeoutMs: 15_000, intervalMs: 50 });
    await expectEventually(async () => expect(ackCode(await send(probe))).toBe('AA'), {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
  }

  const message = () =>
    siuMessage({
      event: 'S12',
      controlId: `R13-${++sequence}`,
      patientCode: `R13-P${sequence}`,
      service: 'KNEE',
    });
  const send = (options: Partial<SendMllpOptions> = {}) =>
    sendMllp(message(), { host: '127.0.0.1', port, timeoutMs: 3000, ...options });
  const ackCode = (reply: Buffer) => parseHl7(reply).get('MSA-1');

  it('refuses a source not in allowedSources at connect, and serves it once allowed', async () => {
    await siu.connect(hospital.id, {
      source: hospital.source,
      careFlowMap: [],
      mllpListener: { port, allowedSources: ['10.0.0.0/8', 'fd00::/8'] },
    });
    // Refused at connect: accepted, then closed before a byte is read, so no ACK ever comes. Until the listener
    // has started the port refuses connections outright (MLLP_CONNECTION_REFUSED): wait past that.
    await expectEventually(
      async () =>
        expect(await send().catch((error: { code?: string }) => error)).toMatchObject({
          code: expect.stringMatching(/MLLP_CONNECTION_CLOSED|MLLP_CONNECTION_FAILED/),
        }),
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    await configure({ allowedSources: ['127.0.0.1/32'] });
  });

  it('closes 1,000 idle connections: beyond maxConnections at once, the rest by idleTimeoutMs; new ones are served', async () => {
    await configure({ maxConnections: 16, idleTimeoutMs: 1000 }, {}, { awaitRestart: true });
    const sockets: Socket[] = [];
    let closed = 0;
    for (let i = 0; i < 1000; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => (closed += 1));
      sockets.push(socket);
    }
    try {
      // The cap: all but at most 16 are closed without waiting for the idle timeout.
      await expectEventually(() => expect(closed).toBeGreaterThanOrEqual(984), {
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      // The idle timeout: the 16 held ones go too, sending nothing.
      await expectEventually(() => expect(closed).toBe(1000), { timeoutMs: 10_000, intervalMs: 50 });
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    expect(ackCode(await send())).toBe('AA');
  });

  it('answers a 20 MiB frame with AR and closes the connection, never buffering it (memory flat)', async () => {
    // The listener as the previous test left it (default maxFrameBytes: 1 MiB), not restarted under the test.
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 10);
    try {
      const outcome = await new Promise<{ ack?: string; closed: boolean; sent: number }>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        const decoder = new MllpDecoder();
        const chunk = Buffer.alloc(64 * 1024, 'A');
        const header = Buffer.from(
          `\x0bMSH|^~\\&|SCHED|AZ|CAREFLOW|BRIDGE|20260401060000||SIU^S12|BIG-1|P|2.5\rNTE|1||`,
        );
        let ack: string | undefined;
        let sent = 0;
        let done = false;
        const finish = (closed: boolean) => {
          if (done) return;
          done = true;
          socket.destroy();
          resolve({ ack, closed, sent });
        };
        socket.on('data', (data) => {
          const [frame] = decoder.push(data);
          if (frame) ack = frame.toString('latin1');
        });
        socket.on('end', () => finish(true));
        socket.on('close', () => finish(true));
        socket.on('error', () => finish(true));
        const pump = () => {
          while (!done && sent < 20 * 1024 * 1024) {
            sent += chunk.length;
            if (!socket.write(chunk)) return void socket.once('drain', pump);
          }
          if (!done) socket.write(Buffer.from([0x1c, 0x0d]));
        };
        socket.once('connect', () => {
          socket.write(header);
          pump();
        });
        setTimeout(() => finish(false), 20_000).unref();
      });
      expect(outcome.closed).toBe(true);
      expect(outcome.ack).toBeDefined();
      const ack = parseHl7(Buffer.from(outcome.ack!, 'latin1'));
      expect(ack.get('MSA-1')).toBe('AR');
      expect(ack.get('MSA-2')).toBe('BIG-1');
    } finally {
      clearInterval(sampler);
    }
    // The listener holds at most maxFrameBytes (1 MiB) of a frame; 20 MiB never accumulate.
    expect(peak - baseline).toBeLessThan(8 * 1024 * 1024);
    expect(ackCode(await send())).toBe('AA');
  });

  it('journals a frame it refuses by size and hash only, never its bytes', async () => {
    const reply = await sendMllp('not HL7 at all: r13-unreadable-content', {
      host: '127.0.0.1',
      port,
      timeoutMs: 3000,
    });
    expect(ackCode(reply)).toBe('AE');
    const admin = await api.adminToken();
    const log = (
      await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${hospital.id}&channel=siu-mllp`, {
        token: admin,
      })
    ).messages;
    const refused = await Promise.all(
      log
        .filter((entry: { status: string }) => entry.status === 'failed')
        .map((entry: { id: string }) =>
          api.expect(200, 'GET', `/v1/admin/messages/${entry.id}`, { token: admin }),
        ),
    );
    expect(refused.map((detail: { raw: string }) => detail.raw)).toContainEqual(
      expect.stringMatching(/^\[not kept: a refused frame of 38 bytes, sha256 [0-9a-f]{64}\]$/),
    );
    expect(JSON.stringify(refused)).not.toContain('r13-unreadable-content');
  });

  it('speaks TLS as configured: server TLS, then mutual TLS refusing clients without a certificate', async () => {
    const server = selfSignedCertificate();
    const client = selfSignedCertificate();
    // Only the new (TLS) listener answers a TLS probe; a plain TCP client then gets no ACK.
    await configure({ tls: server }, { tls: { ca: server.cert, servername: 'localhost' } });
    await expect(send()).rejects.toBeDefined();
    const view = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/connections/siu`, {
      token: await api.adminToken(),
    });
    expect(view.mllpListener.tls).toEqual({ cert: server.cert, keySet: true });

    await siu.connect(hospital.id, {
      source: hospital.source,
      careFlowMap: [],
      mllpListener: { port, tls: { ...server, ca: client.cert, requireClientCert: true } },
    });
    // Live once a client without a certificate is refused (the previous listener took it).
    await expectEventually(
      async () =>
        expect(
          await send({ tls: { ca: server.cert, servername: 'localhost' } }).catch((error: Error) => error),
        ).toBeInstanceOf(Error),
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    const other = selfSignedCertificate();
    await expect(
      send({ tls: { ca: server.cert, servername: 'localhost', key: other.key, cert: other.cert } }),
    ).rejects.toBeDefined();
    expect(
      ackCode(
        await send({ tls: { ca: server.cert, servername: 'localhost', key: client.key, cert: client.cert } }),
      ),
    ).toBe('AA');
  });

  it('refuses listener settings that cannot work: bad CIDRs, a key that is not one', async () => {
    const admin = await api.adminToken();
    const response = await api.request('PUT', `/v1/admin/hospitals/${hospital.id}/connections/siu`, {
      token: admin,
      body: {
        source: hospital.source,
        careFlowMap: [],
        mllpListener: {
          port,
          allowedSources: ['10.0.0.0/33', 'not-an-address'],
          tls: { cert: 'x', key: 'y' },
        },
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'mllpListener.allowedSources[0]',
      'mllpListener.allowedSources[1]',
      'mllpListener.tls',
    ]);
  });
});
