export type MllpErrorCode =
  | 'MLLP_TIMEOUT'
  | 'MLLP_CONNECTION_REFUSED'
  /** Connection failed for another network reason (DNS, unreachable host, reset during connect). */
  | 'MLLP_CONNECTION_FAILED'
  /** The TLS handshake failed (certificate not trusted, wrong host name, protocol mismatch). */
  | 'MLLP_TLS_ERROR'
  /** The peer closed (or reset) the connection before a complete reply frame, mid-frame included. */
  | 'MLLP_CONNECTION_CLOSED'
  | 'MLLP_FRAME_TOO_LARGE';

export class MllpError extends Error {
  override readonly name = 'MllpError';
  readonly code: MllpErrorCode;
  /** For MLLP_FRAME_TOO_LARGE: the first bytes of the dropped frame, enough to recover its MSH-10. */
  readonly frameHead?: Buffer;

  constructor(code: MllpErrorCode, message: string, details: { cause?: unknown; frameHead?: Buffer } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.frameHead) this.frameHead = details.frameHead;
  }
}
