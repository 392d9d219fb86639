import { buildAck, buildRejectAck, Hl7Message, type AckCode } from '@bridge/hl7';

export type InboundOutcome = 'stored' | 'unreadable' | 'storage-failed';

/**
 * The ACK for an inbound message, chosen by what happened to it. Original mode: AA stored, AE its content
 * cannot be read (sending it again will not help), AR we could not store it (send it again later).
 * Enhanced mode (the sender filled MSH-15, accept-acknowledgment type): the commit codes CA / CE / CR.
 * MSA-2 always echoes the message's MSH-10.
 */
export function inboundAck(
  received: Hl7Message | Buffer,
  outcome: InboundOutcome,
  options: { controlId: string; at: Date; text?: string },
): string {
  const message = received instanceof Hl7Message ? received : undefined;
  const enhanced = !!message?.get('MSH-15');
  const code: AckCode = ACK_CODES[outcome][enhanced ? 'enhanced' : 'original'];
  const ackOptions = {
    code,
    controlId: options.controlId,
    at: options.at,
    ...(options.text ? { text: options.text } : {}),
  };
  return message
    ? buildAck(message, ackOptions)
    : buildRejectAck(received as Buffer, {
        ...ackOptions,
        sendingApplication: 'CAREFLOW',
        sendingFacility: 'BRIDGE',
      });
}

const ACK_CODES: Record<InboundOutcome, { original: AckCode; enhanced: AckCode }> = {
  stored: { original: 'AA', enhanced: 'CA' },
  unreadable: { original: 'AE', enhanced: 'CE' },
  'storage-failed': { original: 'AR', enhanced: 'CR' },
};
