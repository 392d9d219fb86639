import * as fc from 'fast-check';
import { MllpDecoder, encodeMllpFrame } from './mllp-frame.codec';
import type { MllpError } from './mllp.errors';

const frame = (text: string): Buffer => encodeMllpFrame(Buffer.from(text));
const texts = (frames: Buffer[]): string[] => frames.map((item) => item.toString());

describe('MllpDecoder', () => {
  it('wraps and unwraps a frame', () => {
    expect(frame('MSH|x')).toEqual(Buffer.from('\x0bMSH|x\x1c\r'));
    expect(texts(new MllpDecoder().push(frame('MSH|x')))).toEqual(['MSH|x']);
  });

  it('reassembles a frame pushed byte by byte', () => {
    const decoder = new MllpDecoder();
    const data = frame('MSH|^~\\&|A\rPID|1');
    const frames: Buffer[] = [];
    for (const byte of data) frames.push(...decoder.push(Buffer.from([byte])));
    expect(texts(frames)).toEqual(['MSH|^~\\&|A\rPID|1']);
    expect(decoder.buffered).toBe(0);
  });

  it('returns several frames from one push, and discards junk between them', () => {
    const data = Buffer.concat([
      Buffer.from('junk\r\n'),
      frame('one'),
      Buffer.from('\x00\xffnoise'),
      frame('two'),
      frame('three'),
    ]);
    expect(texts(new MllpDecoder().push(data))).toEqual(['one', 'two', 'three']);
  });

  it('accepts FS without the trailing CR and skips empty frames', () => {
    expect(texts(new MllpDecoder().push(Buffer.from('\x0bone\x1c\x0b\x1c\r\x0btwo\x1c')))).toEqual([
      'one',
      'two',
    ]);
  });

  it('drops a partial frame when a new frame starts inside it', () => {
    expect(texts(new MllpDecoder().push(Buffer.from('\x0bcut off\x0bwhole\x1c\r')))).toEqual(['whole']);
  });

  it('reports an oversize frame once, never buffers it, and resyncs on the next frame', () => {
    const errors: MllpError[] = [];
    const decoder = new MllpDecoder({ maxFrameBytes: 100, onError: (error) => errors.push(error) });
    const big = `MSH|^~\\&|A|B|C|D|2024||ADT^A08|BIG1|P|2.5\r${'x'.repeat(500)}`;
    const frames: Buffer[] = [];
    const data = Buffer.concat([frame(big), frame('next')]);
    for (let offset = 0; offset < data.length; offset += 16) {
      frames.push(...decoder.push(data.subarray(offset, offset + 16)));
      expect(decoder.buffered).toBeLessThanOrEqual(100);
    }
    expect(texts(frames)).toEqual(['next']);
    expect(errors.map((error) => error.code)).toEqual(['MLLP_FRAME_TOO_LARGE']);
    expect(errors[0].frameHead?.toString()).toContain('BIG1');
  });

  it('tells whether it is in the middle of a frame', () => {
    const decoder = new MllpDecoder();
    decoder.push(Buffer.from('\x0bhalf'));
    expect(decoder.midFrame).toBe(true);
    decoder.push(Buffer.from('\x1c\r'));
    expect(decoder.midFrame).toBe(false);
  });
});

describe('MllpDecoder (property)', () => {
  const payload = fc
    .uint8Array({ minLength: 1, maxLength: 200 })
    .map((bytes) => Buffer.from(bytes.filter((byte) => byte !== 0x0b && byte !== 0x1c)));

  it('returns every frame, whatever the chunking and the junk between frames', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(payload, payload), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
        (frames, cuts) => {
          const expected = frames.map(([body]) => body).filter((body) => body.length > 0);
          const stream = Buffer.concat(frames.flatMap(([body, junk]) => [junk, encodeMllpFrame(body)]));
          const decoder = new MllpDecoder();
          const received: Buffer[] = [];
          let offset = 0;
          for (let i = 0; offset < stream.length; i++) {
            const size = cuts[i % cuts.length];
            received.push(...decoder.push(stream.subarray(offset, offset + size)));
            offset += size;
          }
          expect(received.map((body) => body.toString('hex'))).toEqual(
            expected.map((body) => body.toString('hex')),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
