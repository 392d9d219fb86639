import { DestinationPolicy, DestinationRefusedError } from '@bridge/config';
import type { Hl7ConnectionInputV1 } from '@bridge/contracts';
import {
  Hl7ParseError,
  MllpError,
  type MllpKeptConnections,
  decodeHl7Bytes,
  parseHl7,
  readErrorText,
  readQueryReply,
  resolveCharset,
  sendMllp,
  type Hl7Charset,
  type Hl7Message,
  type SendMllpOptions,
} from '@bridge/hl7';
import { isIP } from 'node:net';
import {
  answersTheQuery,
  destinationRefusedOutcome,
  replyOutcome,
  transportOutcome,
  unreadableOutcome,
  type QueryOutcome,
} from './query-outcome';

export const DEFAULT_TIMEOUT_MS = 5000;

export interface ExchangeRequest {
  /** The built query (`\r` terminators), encoded on the wire in the connection's charset. */
  readonly query: string;
  readonly controlId: string;
  /** The journal entry of this exchange, quoted in error details. */
  readonly messageId: string;
}

/** The hospital's kept connections, for a connection whose settings keep them open (keepOpenMs). */
export interface KeptHospitalConnections {
  readonly connections: MllpKeptConnections;
  readonly hospitalId: string;
  /** The stored connection's version: its kept connections are never used for another one. */
  readonly version: string;
}

/**
 * One query, one reply. By default on a fresh connection that is always destroyed afterwards (sendMllp);
 * with `keepOpenMs` set, on one of the hospital's kept connections, kept only after a reply that answered
 * the query. Either way a hospital fault can neither hang the caller past timeoutMs nor leave a socket
 * behind (R3).
 */
export async function exchangeWithHospital(
  settings: Hl7ConnectionInputV1,
  request: ExchangeRequest,
  destinations: DestinationPolicy,
  kept?: KeptHospitalConnections,
): Promise<QueryOutcome> {
  const charset: Hl7Charset = settings.charset ?? 'utf-8';
  // The destination policy on the address actually connected to: looked up once, checked, connected to.
  let address: string;
  try {
    address = (await destinations.resolve(settings.host, settings.port)).address;
  } catch (error) {
    if (error instanceof DestinationRefusedError) return destinationRefusedOutcome(error, request.messageId);
    return transportOutcome(
      new MllpError(
        'MLLP_CONNECTION_FAILED',
        `cannot resolve ${settings.host}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      ),
      request.messageId,
    );
  }
  const send = sendOptionsOf(settings, address);
  const read = (reply: Buffer) =>
    readReply(reply, {
      charset,
      ...request,
      patientIdAuthority: settings.patientIdAuthority,
      patientIdTypes: settings.patientIdTypes,
    });
  try {
    if (kept && settings.keepOpenMs) {
      const peer = {
        peer: kept.hospitalId,
        // A name that resolves to another address gets connections of its own (each checked at connect).
        version: `${kept.version}@${address}`,
        send,
        keepOpenMs: settings.keepOpenMs,
      };
      return await kept.connections.exchange(peer, request.query, (reply) => {
        const outcome = read(reply);
        return { value: outcome, answered: answersTheQuery(outcome) };
      });
    }
    return read(await sendMllp(request.query, send));
  } catch (error) {
    if (error instanceof MllpError) return transportOutcome(error, request.messageId);
    throw error;
  }
}

/** How the query is sent to `address` (already checked by the destination policy): shared with the self-test. */
export function sendOptionsOf(settings: Hl7ConnectionInputV1, address: string): SendMllpOptions {
  return {
    host: address,
    port: settings.port,
    // Certificates are checked against the system CAs and the configured host name: no opt-out.
    tls: settings.tls ? (isIP(settings.host) ? {} : { servername: settings.host }) : undefined,
    timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    charset: settings.charset ?? 'utf-8',
  };
}

interface ReplyContext {
  readonly charset: Hl7Charset;
  readonly controlId: string;
  readonly messageId: string;
  readonly patientIdAuthority?: string;
  /** Rule 10 b; libs/hl7 applies the default (MR, MRN, PI, PT) when the connection sets none. */
  readonly patientIdTypes?: readonly string[];
}

function readReply(reply: Buffer, context: ReplyContext): QueryOutcome {
  let message: Hl7Message;
  try {
    message = parseHl7(reply, { charset: context.charset });
  } catch (error) {
    if (error instanceof Hl7ParseError) {
      return unreadableOutcome(error.code, journalText(reply, context.charset), context.messageId);
    }
    throw error;
  }
  const read = readQueryReply(message, {
    expectedControlId: context.controlId,
    patientIdAuthority: context.patientIdAuthority,
    patientIdTypes: context.patientIdTypes,
  });
  return replyOutcome(read, {
    // Rule 3: journal the reply in the charset it was read with.
    rawIn: journalText(reply, resolveCharset(message.get('MSH-18'), context.charset)),
    messageId: context.messageId,
    hospitalText: read.status === 'hospital_error' ? readErrorText(message) : '',
  });
}

/** PostgreSQL text cannot hold NUL; a garbage reply may. Everything else is kept as received. */
function journalText(bytes: Buffer, charset: Hl7Charset): string {
  return decodeHl7Bytes(bytes, charset).replace(/\u0000/g, '\uFFFD');
}
