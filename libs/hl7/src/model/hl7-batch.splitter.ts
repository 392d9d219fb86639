import { Hl7ParseError } from './hl7.errors';

/** One message cut out of a file or batch: its bytes (segments joined by `\r`) and its position. */
export interface Hl7BatchItem {
  readonly raw: Buffer;
  /** 0-based position of the message in the source (rule 19: messages are handled in file order). */
  readonly index: number;
}

export interface Hl7BatchOptions {
  /** A message (or a line) larger than this aborts the split with HL7_MESSAGE_TOO_LARGE. Default 16 MiB. */
  readonly maxMessageBytes?: number;
}

const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const CR = 0x0d;
const LF = 0x0a;

type LineKind = 'blank' | 'header' | 'envelope' | 'segment';

function isAlphanumeric(byte: number | undefined): boolean {
  if (byte === undefined) return false;
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

function startsWith(line: Buffer, name: string): boolean {
  return line[0] === name.charCodeAt(0) && line[1] === name.charCodeAt(1) && line[2] === name.charCodeAt(2);
}

function classify(line: Buffer): LineKind {
  if (line.length === 0) return 'blank';
  if (line.length >= 3 && !isAlphanumeric(line[3])) {
    if (startsWith(line, 'MSH')) return 'header';
    if (
      startsWith(line, 'FHS') ||
      startsWith(line, 'BHS') ||
      startsWith(line, 'BTS') ||
      startsWith(line, 'FTS')
    ) {
      return 'envelope';
    }
  }
  return 'segment';
}

/** Drops surrounding whitespace, control bytes (stray MLLP VT/FS, EOF markers) and a UTF-8 BOM. */
function trimLine(line: Buffer): Buffer {
  let start = 0;
  let end = line.length;
  if (line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) start = 3;
  while (start < end && line[start] <= 0x20) start++;
  while (end > start && line[end - 1] <= 0x20) end--;
  return start === 0 && end === line.length ? line : line.subarray(start, end);
}

/**
 * Incremental splitter (rule 19): bytes in, messages out. A new MSH starts a message; FHS/BHS/BTS/FTS
 * are envelope and never part of a message; any line terminator works. Lines that come before any
 * MSH are handed on as one item of their own, so that the caller records them as a failed message
 * instead of silently losing them. Only the current message and one partial line are held.
 */
export class Hl7BatchSplitter {
  private readonly maxMessageBytes: number;
  private carry: Buffer | undefined;
  private lines: Buffer[] = [];
  private size = 0;
  private index = 0;

  constructor(options: Hl7BatchOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  push(chunk: Buffer): Hl7BatchItem[] {
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    const items: Hl7BatchItem[] = [];
    let pos = 0;
    let nextCr = data.indexOf(CR);
    let nextLf = data.indexOf(LF);
    while (pos < data.length) {
      if (nextCr >= 0 && nextCr < pos) nextCr = data.indexOf(CR, pos);
      if (nextLf >= 0 && nextLf < pos) nextLf = data.indexOf(LF, pos);
      const end = nextCr < 0 ? nextLf : nextLf < 0 ? nextCr : Math.min(nextCr, nextLf);
      if (end < 0) {
        this.carry = data.subarray(pos);
        if (this.carry.length + this.size > this.maxMessageBytes) this.tooLarge();
        break;
      }
      this.line(data.subarray(pos, end), items);
      pos = end + 1;
    }
    return items;
  }

  /** Flushes the last line and message once the source is exhausted. */
  end(): Hl7BatchItem[] {
    const items: Hl7BatchItem[] = [];
    if (this.carry) this.line(this.carry, items);
    this.carry = undefined;
    this.flush(items);
    return items;
  }

  private line(raw: Buffer, items: Hl7BatchItem[]): void {
    const line = trimLine(raw);
    switch (classify(line)) {
      case 'blank':
        return;
      case 'envelope':
        this.flush(items);
        return;
      case 'header':
        this.flush(items);
        break;
      case 'segment':
        break;
    }
    this.lines.push(line);
    this.size += line.length + 1;
    if (this.size > this.maxMessageBytes) this.tooLarge();
  }

  private flush(items: Hl7BatchItem[]): void {
    if (this.lines.length === 0) return;
    const raw = Buffer.allocUnsafe(this.size);
    let offset = 0;
    for (const line of this.lines) {
      offset += line.copy(raw, offset);
      raw[offset++] = CR;
    }
    items.push({ raw, index: this.index++ });
    this.lines = [];
    this.size = 0;
  }

  private tooLarge(): never {
    throw new Hl7ParseError(
      'HL7_MESSAGE_TOO_LARGE',
      `message ${this.index} is larger than ${this.maxMessageBytes} bytes`,
    );
  }
}

/** Streams the messages of a file (rule 19) without holding more than one message in memory. */
export async function* splitHl7Batch(
  source: AsyncIterable<Buffer>,
  options: Hl7BatchOptions = {},
): AsyncGenerator<Hl7BatchItem> {
  const splitter = new Hl7BatchSplitter(options);
  for await (const chunk of source) {
    yield* splitter.push(chunk);
  }
  yield* splitter.end();
}

/** The same split for an input already in memory (a single MLLP frame, a small file). */
export function splitHl7BatchSync(input: Buffer, options: Hl7BatchOptions = {}): Hl7BatchItem[] {
  const splitter = new Hl7BatchSplitter(options);
  return [...splitter.push(input), ...splitter.end()];
}
