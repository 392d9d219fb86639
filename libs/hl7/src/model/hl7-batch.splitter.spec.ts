import { batch, siu } from '../__fixtures__/hl7-fixtures';
import { Hl7BatchSplitter, splitHl7Batch, splitHl7BatchSync } from './hl7-batch.splitter';
import { parseHl7 } from './hl7.parser';

const messages = ['S12', 'S14', 'S15'].map((event, index) => siu({ event, controlId: `M${index + 1}` }));

async function* chunks(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

async function collect(source: AsyncIterable<Buffer>): Promise<{ raw: Buffer; index: number }[]> {
  const items = [];
  for await (const item of splitHl7Batch(source)) items.push(item);
  return items;
}

const controlIds = (items: { raw: Buffer }[]) => items.map((item) => parseHl7(item.raw).controlId);

describe('rule 19: splitting files into messages', () => {
  it('reads one message', () => {
    const items = splitHl7BatchSync(Buffer.from(messages[0]));
    expect(items).toHaveLength(1);
    expect(items[0].index).toBe(0);
    expect(items[0].raw.toString()).toBe(messages[0]);
  });

  it('splits concatenated messages at each MSH, in file order', () => {
    expect(controlIds(splitHl7BatchSync(Buffer.from(messages.join(''))))).toEqual(['M1', 'M2', 'M3']);
  });

  it.each([
    ['\\r', '\r'],
    ['\\n', '\n'],
    ['\\r\\n', '\r\n'],
  ])('drops the FHS/BHS/BTS/FTS envelope, with %s terminators', (_label, terminator) => {
    const items = splitHl7BatchSync(Buffer.from(batch(messages, terminator)));
    expect(controlIds(items)).toEqual(['M1', 'M2', 'M3']);
    expect(items.map((item) => item.index)).toEqual([0, 1, 2]);
    for (const item of items) expect(item.raw.toString()).not.toMatch(/^(FHS|BHS|BTS|FTS)/m);
  });

  it('streams chunks cut anywhere, even byte by byte, to the same messages', async () => {
    const data = Buffer.from(batch(messages, '\r\n'), 'utf8');
    const whole = splitHl7BatchSync(data).map((item) => item.raw.toString('hex'));
    for (const size of [1, 2, 7, 64, data.length]) {
      expect((await collect(chunks(data, size))).map((item) => item.raw.toString('hex'))).toEqual(whole);
    }
  });

  it('keeps latin1 bytes intact (splitting is byte-wise)', () => {
    const latin1 = Buffer.from(siu({ event: 'S12', controlId: 'L1', charset: '8859/1' }), 'latin1');
    const [item] = splitHl7BatchSync(Buffer.concat([latin1, latin1]));
    expect(parseHl7(item.raw).get('PID-5.2')).toBe('Françoise');
  });

  it('hands on lines before the first MSH as their own item, so they are reported, not lost', () => {
    const items = splitHl7BatchSync(Buffer.from(`PID|1||123\rPV1|1\r${messages[0]}`));
    expect(items).toHaveLength(2);
    expect(() => parseHl7(items[0].raw)).toThrow(expect.objectContaining({ code: 'HL7_NO_MSH' }));
    expect(parseHl7(items[1].raw).controlId).toBe('M1');
  });

  it('ignores blank lines, stray MLLP bytes and a byte-order mark', () => {
    const data = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`\r\n\x0b${messages[0]}\x1c\r\n \r\n${messages[1]}\x1a`),
    ]);
    expect(controlIds(splitHl7BatchSync(data))).toEqual(['M1', 'M2']);
  });

  it('returns nothing for an empty file or an envelope only', () => {
    expect(splitHl7BatchSync(Buffer.alloc(0))).toEqual([]);
    expect(splitHl7BatchSync(Buffer.from(batch([])))).toEqual([]);
  });

  it('never holds more than one message: a runaway message or line is refused', () => {
    const splitter = new Hl7BatchSplitter({ maxMessageBytes: 1000 });
    expect(() => splitter.push(Buffer.from(`${messages[0]}${'OBX|1|TX|||'.padEnd(2000, 'x')}\r`))).toThrow(
      expect.objectContaining({ code: 'HL7_MESSAGE_TOO_LARGE' }),
    );
    const lineSplitter = new Hl7BatchSplitter({ maxMessageBytes: 1000 });
    expect(() => lineSplitter.push(Buffer.alloc(2000, 0x41))).toThrow(
      expect.objectContaining({ code: 'HL7_MESSAGE_TOO_LARGE' }),
    );
  });

  it('splits 100,000 messages from a stream', async () => {
    const message = Buffer.from(messages[0]);
    async function* many(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 100_000; i += 100) yield Buffer.concat(Array.from({ length: 100 }, () => message));
    }
    let count = 0;
    let last = -1;
    for await (const item of splitHl7Batch(many())) {
      count++;
      last = item.index;
    }
    expect(count).toBe(100_000);
    expect(last).toBe(99_999);
  });
});
