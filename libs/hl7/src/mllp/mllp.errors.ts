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
  /** For MLLP_TIMEOUT: a reply frame had started (start block received) but was never closed. */
  readonly frameUnclosed: boolean;

  constructor(
    code: MllpErrorCode,
    message: string,
    details: { cause?: unknown; frameHead?: Buffer; frameUnclosed?: boolean } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.frameUnclosed = details.frameUnclosed ?? false;
    if (details.frameHead) this.frameHead = details.frameHead;
  }
}
