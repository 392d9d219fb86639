import { DomainError, type DemographicsV1, type ErrorCode } from '@bridge/contracts';
import type { DestinationRefusedError } from '@bridge/config';
import type { Demographics, MllpError, QueryReply } from '@bridge/hl7';
import type { ExchangeEnd } from '../journal/journal.service';

/**
 * What one exchange with the hospital came to: what the journal records, and either the candidates
 * or the domain error the caller gets. Kept pure so every mapping is unit-tested without sockets.
 */
export interface QueryOutcome {
  readonly end: ExchangeEnd;
  readonly candidates: DemographicsV1[];
  readonly failure?: DomainError;
}

/** Why the exchange failed, in `details.reason` (stable, for support; the message is for people). */
export type QueryFailureReason =
  | 'TIMEOUT'
  | 'CONNECTION_REFUSED'
  | 'CONNECTION_FAILED'
  | 'TLS_ERROR'
  | 'CONNECTION_CLOSED'
  | 'REPLY_TOO_LARGE'
  | 'UNREADABLE_REPLY'
  | 'CONTROL_ID_MISMATCH'
  | 'NO_MSA'
  | 'MSA_REJECTED'
  | 'QAK_REJECTED'
  | 'UNKNOWN_ACK_CODE';

// Messages reach clinical users and logs: they describe the failure, never the patient or the reply.
const TRANSPORT_FAILURES: Record<MllpError['code'], { reason: QueryFailureReason; message: string }> = {
  MLLP_TIMEOUT: { reason: 'TIMEOUT', message: 'The hospital did not answer in time.' },
  MLLP_CONNECTION_REFUSED: { reason: 'CONNECTION_REFUSED', message: 'The hospital refused the connection.' },
  MLLP_CONNECTION_FAILED: { reason: 'CONNECTION_FAILED', message: 'The hospital could not be reached.' },
  MLLP_TLS_ERROR: { reason: 'TLS_ERROR', message: 'The secure (TLS) connection to the hospital failed.' },
  MLLP_CONNECTION_CLOSED: {
    reason: 'CONNECTION_CLOSED',
    message: 'The hospital closed the connection before it answered.',
  },
  MLLP_FRAME_TOO_LARGE: { reason: 'REPLY_TOO_LARGE', message: "The hospital's reply is too large." },
};

const REPLY_FAILURES: Record<NonNullable<QueryReply['reason']>, string> = {
  CONTROL_ID_MISMATCH:
    "The hospital's reply does not answer this query (MSA-2 differs from the query's MSH-10).",
  NO_MSA: "The hospital's reply has no acknowledgement (MSA segment).",
  MSA_REJECTED: 'The hospital answered with an error.',
  QAK_REJECTED: 'The hospital answered with an error.',
  UNKNOWN_ACK_CODE: 'The hospital answered with an unknown acknowledgement code.',
};

function failure(
  code: ErrorCode,
  message: string,
  details: { messageId: string; reason: QueryFailureReason; hospitalText?: string },
): DomainError {
  return new DomainError(code, message, details);
}

/** The connection failed, closed, timed out or sent an oversized frame: nothing was read. */
export function transportOutcome(error: MllpError, messageId: string): QueryOutcome {
  const { reason, message } = TRANSPORT_FAILURES[error.code];
  const code: ErrorCode = error.code === 'MLLP_TIMEOUT' ? 'HOSPITAL_TIMEOUT' : 'HOSPITAL_ERROR';
  return {
    // The MLLP text names host, port and timeout: useful to the admin, and no PHI.
    end: {
      status: 'failed',
      error: `${error.code}: ${error.message}`,
      summary: { outcome: 'failed', reason },
    },
    candidates: [],
    failure: failure(code, message, { messageId, reason }),
  };
}

/** The destination policy refused the hospital's address: nothing was sent, nothing was read. */
export function destinationRefusedOutcome(error: DestinationRefusedError, messageId: string): QueryOutcome {
  return {
    end: {
      status: 'failed',
      error: `${error.code}: ${error.message}`,
      summary: { outcome: 'failed', reason: 'DESTINATION_REFUSED' },
    },
    candidates: [],
    failure: new DomainError(
      'CONNECTION_DESTINATION_REFUSED',
      `The HL7 connection's address is refused: ${error.reason}.`,
      {
        messageId,
        errors: [{ field: 'host', message: `host is refused: ${error.reason}` }],
      },
    ),
  };
}

/** The reply frame is not an HL7 message (garbage, truncated, no MSH). */
export function unreadableOutcome(parseErrorCode: string, rawIn: string, messageId: string): QueryOutcome {
  const reason: QueryFailureReason = 'UNREADABLE_REPLY';
  return {
    end: {
      status: 'failed',
      error: `unreadable reply: ${parseErrorCode}`,
      rawIn,
      summary: { outcome: 'failed', reason },
    },
    candidates: [],
    failure: failure('HOSPITAL_ERROR', "The hospital's reply is not a readable HL7 message.", {
      messageId,
      reason,
    }),
  };
}

/**
 * A reply read by rules 7-8. `hospitalText` is the hospital's own error text (MSA-3 / ERR), empty
 * when it gave none; it is for the user who asked and for the admin, so it travels in details.
 */
export function replyOutcome(
  reply: QueryReply,
  context: { rawIn: string; messageId: string; hospitalText: string },
): QueryOutcome {
  const { rawIn, messageId } = context;
  if (reply.status === 'found') {
    const candidates = reply.candidates.map(toDemographicsV1);
    const incomplete = candidates.filter(isIncomplete).length;
    return {
      end: {
        status: 'replied',
        rawIn,
        summary: { outcome: 'found', candidates: candidates.length, incomplete },
      },
      candidates,
    };
  }
  if (reply.status === 'not_found') {
    return {
      end: { status: 'replied', rawIn, summary: { outcome: 'not_found', candidates: 0 } },
      candidates: [],
      failure: new DomainError('PATIENT_NOT_FOUND_AT_HOSPITAL', 'The hospital does not know this patient.', {
        messageId,
      }),
    };
  }
  const reason: QueryFailureReason = reply.reason ?? 'MSA_REJECTED';
  // Only an explicit rejection carries the hospital's own words; a mismatched reply's text answers
  // another query (rule 7), so it is never shown as this one's.
  const rejected = reason === 'MSA_REJECTED' || reason === 'QAK_REJECTED' || reason === 'UNKNOWN_ACK_CODE';
  const hospitalText = rejected && context.hospitalText !== '' ? context.hospitalText : undefined;
  return {
    end: {
      status: 'failed',
      error: reply.errorText ?? reason,
      rawIn,
      summary: { outcome: 'hospital_error', reason },
    },
    candidates: [],
    failure: failure('HOSPITAL_ERROR', REPLY_FAILURES[reason], {
      messageId,
      reason,
      ...(hospitalText ? { hospitalText } : {}),
    }),
  };
}

/**
 * HL7 demographics -> the contract. A candidate the hospital returned without a patient code or a
 * name is kept (rule 9: candidates are never filtered), with empty strings, so the user sees what
 * the hospital said; saving it is refused at confirm (patientCode/names are required there).
 * Identifiers with neither an assigning authority nor a type have no system and are left out.
 */
export function toDemographicsV1(demographics: Demographics): DemographicsV1 {
  const { identifiers, patientCode, firstName, lastName, sex, ...optional } = demographics;
  return {
    ...optional,
    patientCode: patientCode ?? '',
    firstName: firstName ?? '',
    lastName: lastName ?? '',
    sex: sex ?? 'unknown',
    identifiers: identifiers
      .filter((identifier) => identifier.system !== '')
      .map(({ system, value }) => ({ system, value })),
  };
}

function isIncomplete(candidate: DemographicsV1): boolean {
  return candidate.patientCode === '' || candidate.firstName === '' || candidate.lastName === '';
}

/**
 * Whether the reply answered this very query (its MSA-2 matched): only then may the connection it came
 * on carry the next query. After a mismatched or unreadable reply, the one this query waits for may
 * still arrive on it and would be read as the next query's.
 */
export function answersTheQuery(outcome: QueryOutcome): boolean {
  const { outcome: kind, reason } = outcome.end.summary;
  if (kind === 'found' || kind === 'not_found') return true;
  return kind === 'hospital_error' && (reason === 'MSA_REJECTED' || reason === 'QAK_REJECTED');
}
