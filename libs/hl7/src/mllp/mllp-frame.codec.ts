import { MllpError } from './mllp.errors';

export const MLLP_START = 0x0b;
export const MLLP_END = 0x1c;
export const MLLP_CARRIAGE_RETURN = 0x0d;
export const DEFAULT_MAX_FRAME_BYTES = 10 * 1024 * 1024;
const FRAME_HEAD_BYTES = 1024;

/** Wraps a message in an MLLP frame: VT, the bytes, FS CR. */
export function encodeMllpFrame(message: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(message.length + 3);
  frame[0] = MLLP_START;
  message.copy(frame, 1);
  frame[message.length + 1] = MLLP_END;
  frame[message.length + 2] = MLLP_CARRIAGE_RETURN;
  return frame;
}

export interface MllpDecoderOptions {
  /** A frame growing past this is dropped (never buffered further) and reported. Default 10 MiB. */
  readonly maxFrameBytes?: number;
  /** Called for a dropped frame; decoding resumes with the next frame. */
  readonly onError?: (error: MllpError) => void;
}

/**
 * Incremental MLLP decoder: push whatever a socket read returned, get the frames completed by it.
 * Frames may be split across reads or several may share one. Bytes outside a frame (junk, the CR
 * after FS) are discarded. A VT inside a frame means the sender gave up on the previous frame and
 * started again, so the partial frame is dropped. FS alone ends a frame (a missing trailing CR is a
 * common sender bug). Memory held is bounded by maxFrameBytes.
 */
export class MllpDecoder {
  private readonly maxFrameBytes: number;
  private readonly onError?: (error: MllpError) => void;
  private inFrame = false;
  private discarding = false;
  private parts: Buffer[] = [];
  private size = 0;

  constructor(options: MllpDecoderOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.onError = options.onError;
  }

  /** Bytes held for the frame in progress. */
  get buffered(): number {
    return this.size;
  }

  /** True while a frame has started and not ended: a close now would cut it. */
  get midFrame(): boolean {
    return this.inFrame;
  }

  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (!this.inFrame) {
        const start = chunk.indexOf(MLLP_START, pos);
        if (start < 0) break;
        this.startFrame();
        pos = start + 1;
        continue;
      }
      const end = chunk.indexOf(MLLP_END, pos);
      const restart = chunk.indexOf(MLLP_START, pos);
      if (restart >= 0 && (end < 0 || restart < end)) {
        this.inFrame = false;
        this.clear();
        pos = restart;
        continue;
      }
      this.append(chunk.subarray(pos, end < 0 ? chunk.length : end));
      if (end < 0) break;
      if (!this.discarding && this.size > 0)
        frames.push(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts));
      this.inFrame = false;
      this.clear();
      pos = end + 1;
    }
    return frames;
  }

  reset(): void {
    this.inFrame = false;
    this.clear();
  }

  private startFrame(): void {
    this.inFrame = true;
    this.discarding = false;
    this.clear();
  }

  private clear(): void {
    this.parts = [];
    this.size = 0;
  }

  /** The first bytes of the frame, so the application can still recover its MSH-10 for an AR. */
  private frameHead(next: Buffer): Buffer {
    const pieces: Buffer[] = [];
    let length = 0;
    for (const piece of [...this.parts, next]) {
      pieces.push(piece.subarray(0, FRAME_HEAD_BYTES - length));
      length += pieces[pieces.length - 1].length;
      if (length >= FRAME_HEAD_BYTES) break;
    }
    return Buffer.concat(pieces);
  }

  private append(bytes: Buffer): void {
    if (this.discarding || bytes.length === 0) return;
    if (this.size + bytes.length > this.maxFrameBytes) {
      this.discarding = true;
      const error = new MllpError(
        'MLLP_FRAME_TOO_LARGE',
        `an MLLP frame exceeded ${this.maxFrameBytes} bytes`,
        {
          frameHead: this.frameHead(bytes),
        },
      );
      this.parts = [];
      this.size = 0;
      this.onError?.(error);
      return;
    }
    // Copy: a subarray would pin the whole socket chunk in memory until the frame completes.
    this.parts.push(Buffer.from(bytes));
    this.size += bytes.length;
  }
}
