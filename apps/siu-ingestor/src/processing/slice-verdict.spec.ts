import { PoisonMessageError } from '@bridge/messaging';
import { refusalOf, sliceVerdict, type SiuVerdict } from './siu-message.processor';

describe('a slice of SIU messages settles as one delivery', () => {
  const ack: SiuVerdict = { kind: 'ack' };
  const retry: SiuVerdict = { kind: 'retry', reason: 'patient-import is restarting' };
  const dead: SiuVerdict = { kind: 'dead', reason: 'no such SIU message' };

  it('is acked only when every message is', () => {
    expect(sliceVerdict([ack, ack, ack])).toEqual(ack);
  });

  it('is retried while any message may still succeed, even beside one that cannot', () => {
    expect(sliceVerdict([ack, dead, retry])).toEqual(retry);
  });

  it('is dead-lettered when a message cannot be processed and none waits for a retry', () => {
    expect(sliceVerdict([ack, dead])).toEqual(dead);
  });

  it('tells the transport to retry with an Error and to dead-letter with a PoisonMessageError', () => {
    expect(refusalOf({ kind: 'retry', reason: 'later' })).not.toBeInstanceOf(PoisonMessageError);
    expect(refusalOf({ kind: 'dead', reason: 'never' })).toBeInstanceOf(PoisonMessageError);
  });
});
