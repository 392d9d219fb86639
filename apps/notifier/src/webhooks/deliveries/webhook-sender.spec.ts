import { excerptOf, RESPONSE_EXCERPT_BYTES } from './webhook-sender';

describe("excerptOf (a receiver's answer in the delivery log)", () => {
  it('keeps the first bytes as text, without control characters PostgreSQL or a log cannot hold', () => {
    expect(excerptOf(Buffer.from('ok\r\n\tthanks'))).toBe('ok\r\n\tthanks');
    expect(excerptOf(Buffer.from([0x6f, 0x00, 0x6b, 0x1b, 0x7f]))).toBe('ok');
    expect(excerptOf(Buffer.alloc(1000, 'a'))).toHaveLength(RESPONSE_EXCERPT_BYTES);
  });

  it('drops a character cut in half at the limit', () => {
    const bytes = Buffer.concat([Buffer.alloc(RESPONSE_EXCERPT_BYTES - 1, 'a'), Buffer.from('é')]);
    expect(excerptOf(bytes)).toBe('a'.repeat(RESPONSE_EXCERPT_BYTES - 1));
  });
});
