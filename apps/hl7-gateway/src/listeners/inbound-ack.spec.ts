import { parseHl7 } from '@bridge/hl7';
import { inboundAck, type InboundOutcome } from './inbound-ack';

const original =
  'MSH|^~\\&|AGENDA|AZ|CAREFLOW|BRIDGE|20260401060000||SIU^S12^SIU_S12|CTRL-9|P|2.5\rSCH|1|2\r';
const enhanced = original.replace('|P|2.5', '|P|2.5|||AL|NE');
const at = new Date('2026-04-01T06:00:00Z');

function ackCode(message: string | Buffer, outcome: InboundOutcome): { code: string; controlId: string } {
  const received = typeof message === 'string' ? parseHl7(message) : message;
  const ack = parseHl7(inboundAck(received, outcome, { controlId: 'ACK-1', at }));
  return { code: ack.get('MSA-1'), controlId: ack.get('MSA-2') };
}

describe('inboundAck', () => {
  it.each([
    ['stored', 'AA', 'CA'],
    ['unreadable', 'AE', 'CE'],
    ['storage-failed', 'AR', 'CR'],
  ] as const)(
    '%s: %s in original mode, %s in enhanced mode, MSA-2 = MSH-10',
    (outcome, originalCode, enhancedCode) => {
      expect(ackCode(original, outcome)).toEqual({ code: originalCode, controlId: 'CTRL-9' });
      expect(ackCode(enhanced, outcome)).toEqual({ code: enhancedCode, controlId: 'CTRL-9' });
    },
  );

  it('still answers bytes that are not HL7 at all, without a control id to echo', () => {
    expect(ackCode(Buffer.from('garbage'), 'unreadable')).toEqual({ code: 'AE', controlId: '' });
  });
});
