import { buildAck, buildRejectAck } from '../ack/ack.builder';
import { siu } from '../__fixtures__/hl7-fixtures';
import { parseHl7 } from '../model/hl7.parser';
import { encodeMllpFrame, MllpDecoder } from './mllp-frame.codec';
import { MllpServer } from './mllp.server';
import { sendMllp } from './mllp.client';
import { eventually } from './mllp-test.helpers';
import * as net from 'node:net';

const at = new Date('2024-04-01T08:00:00Z');

/** The layers together, as the hl7-gateway listener will use them: frames in, AA/AR out. */
function listener(): MllpServer {
  return new MllpServer({
    port: 0,
    host: '127.0.0.1',
    maxFrameBytes: 64 * 1024,
    onMessage: (frame) => {
      try {
        return buildAck(parseHl7(frame), { code: 'AA', controlId: 'ACK', at });
      } catch {
        return buildRejectAck(frame, { controlId: 'ACK', at, text: 'unreadable message' });
      }
    },
    onFrameError: (error) =>
      buildRejectAck(error.frameHead ?? Buffer.alloc(0), { controlId: 'ACK', at, text: 'frame too large' }),
  });
}

function mutate(text: string, seed: number): string {
  const chars = [...text];
  for (let i = 0; i < 5; i++) {
    const at = (seed * 7919 + i * 104729) % chars.length;
    chars[at] = String.fromCharCode((seed * 31 + i * 17) % 128);
  }
  return chars.join('').replace(/[\x0b\x1c]/g, '?');
}

describe('MLLP listener with HL7 ACKs (R2 in small)', () => {
  let server: MllpServer;
  let port: number;
  beforeEach(async () => {
    server = listener();
    port = await server.listen();
  });
  afterEach(() => server.close());

  it('answers every frame of a mutated stream with an ACK whose MSA-2 matches its MSH-10', async () => {
    const messages = Array.from({ length: 200 }, (_, i) =>
      i % 3 === 0
        ? mutate(siu({ event: 'S12', controlId: `M${i}` }), i)
        : siu({ event: 'S12', controlId: `M${i}` }),
    );
    const stream = Buffer.concat(
      messages.map((message, i) =>
        Buffer.concat([Buffer.from(i % 5 === 0 ? 'junk' : ''), encodeMllpFrame(Buffer.from(message))]),
      ),
    );
    const socket = net.connect({ port, host: '127.0.0.1' });
    const decoder = new MllpDecoder();
    const replies: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => replies.push(...decoder.push(chunk)));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    for (let offset = 0; offset < stream.length; offset += 97)
      socket.write(stream.subarray(offset, offset + 97));
    await eventually(() => expect(replies).toHaveLength(messages.length), 5000);
    socket.destroy();
    replies.forEach((reply, i) => {
      const ack = parseHl7(reply);
      expect(['AA', 'AR']).toContain(ack.get('MSA-1'));
      if (i % 3 !== 0) {
        expect([ack.get('MSA-1'), ack.get('MSA-2')]).toEqual(['AA', `M${i}`]);
      } else if (ack.get('MSA-1') === 'AA') {
        // A mutated message that still parses: its MSH-10 is whatever its own first line says.
        const header = messages[i].split(/[\r\n]/)[0];
        expect(ack.get('MSA-2')).toBe((header.split(header[3])[9] ?? '').trim());
      }
    });
    expect(replies.filter((reply) => parseHl7(reply).get('MSA-1') === 'AA').length).toBeGreaterThan(100);
  });

  it('answers random bytes and an oversize frame with AR, then serves a good message', async () => {
    const garbage = await sendMllp(Buffer.from([1, 2, 3, 0xff, 0x0d]), {
      host: '127.0.0.1',
      port,
      timeoutMs: 2000,
    });
    expect(parseHl7(garbage).get('MSA-1')).toBe('AR');
    expect(parseHl7(garbage).get('MSA-2')).toBe('');
    const big = siu({ event: 'S12', controlId: 'BIG1' }) + 'NTE|1||'.padEnd(100_000, 'x');
    const tooLarge = parseHl7(await sendMllp(big, { host: '127.0.0.1', port, timeoutMs: 2000 }));
    expect(tooLarge.get('MSA-1')).toBe('AR');
    expect(tooLarge.get('MSA-2')).toBe('BIG1');
    const good = parseHl7(
      await sendMllp(siu({ event: 'S12', controlId: 'GOOD1' }), { host: '127.0.0.1', port, timeoutMs: 2000 }),
    );
    expect([good.get('MSA-1'), good.get('MSA-2')]).toEqual(['AA', 'GOOD1']);
  });
});
