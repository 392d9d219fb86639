/** The character sets a connection can declare (PRODUCT.md `charset`). */
export type Hl7Charset = 'utf-8' | 'latin1';

const NODE_ENCODING: Record<Hl7Charset, BufferEncoding> = { 'utf-8': 'utf8', latin1: 'latin1' };

/**
 * Rule 3: a recognised MSH-18 wins over the connection's charset. `ASCII` is recognised but is a
 * subset of both charsets, so any stray high byte is read with the connection's charset (what the
 * hospital really sends) rather than guessed.
 */
export function resolveCharset(msh18: string, fallback: Hl7Charset): Hl7Charset {
  switch (msh18.trim().toUpperCase()) {
    case 'UNICODE UTF-8':
    case 'UTF-8':
    case 'UTF8':
      return 'utf-8';
    case '8859/1':
    case 'ISO-8859-1':
    case 'ISO_IR 100':
      return 'latin1';
    default:
      return fallback;
  }
}

/** The MSH-18 value (HL7 table 0211) that declares a charset in messages we build. */
export function msh18ForCharset(charset: Hl7Charset): string {
  return charset === 'utf-8' ? 'UNICODE UTF-8' : '8859/1';
}

export function decodeHl7Bytes(bytes: Uint8Array, charset: Hl7Charset): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString(NODE_ENCODING[charset]);
}

/** Encodes a built message for the wire; the charset must match the MSH-18 it declares. */
export function encodeHl7(text: string, charset: Hl7Charset = 'utf-8'): Buffer {
  return Buffer.from(text, NODE_ENCODING[charset]);
}
