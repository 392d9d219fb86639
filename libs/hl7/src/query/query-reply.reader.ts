import { readDemographics } from '../demographics/demographics.reader';
import { groupsByPid } from '../demographics/pid-group';
import type { Hl7Message } from '../model/hl7-message';
import type { QueryReply, QueryReplyErrorReason, QueryReplyOptions } from './query.types';

const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/;

/**
 * Rule 8's hospital text: MSA-3, then per ERR segment ERR-8 (user message), ERR-7 (diagnostic
 * information), ERR-6 (application error parameter), ERR-3.2 (error text) and the ERR-1 text (v2.3
 * ELD: ERR-1.4.2, or a free-text ERR-1.1 from non-conformant senders). Distinct non-empty texts in
 * that order, joined with "; ".
 */
export function readErrorText(message: Hl7Message): string {
  const texts: string[] = [message.get('MSA-3')];
  for (const err of message.all('ERR')) {
    texts.push(err.get(8), err.get(7), err.get(6), err.get(3, 2));
    for (const location of err.field(1)) {
      texts.push(location.component(4, 2));
      const first = location.component(1);
      if (location.componentCount === 1 && !SEGMENT_ID.test(first)) texts.push(first);
    }
  }
  return [...new Set(texts.filter((text) => text !== ''))].join('; ');
}

function hospitalError(reason: QueryReplyErrorReason, errorText: string): QueryReply {
  return { status: 'hospital_error', candidates: [], errorText, reason };
}

/**
 * Reads an ADR^A19 / RSP^K22 (or a bare ACK) by rules 7-9. The order of the checks is the rule:
 * correlation first, then QAK-2 NF, then MSA-1, then QAK-2 AE/AR, then the PID count. Free text is
 * never interpreted ("No records found" in an AE is still a hospital error).
 */
export function readQueryReply(reply: Hl7Message, options: QueryReplyOptions): QueryReply {
  const msa = reply.first('MSA');
  if (!msa) return hospitalError('NO_MSA', 'the reply has no MSA segment');

  const acknowledged = msa.get(2);
  if (options.expectedControlId === '' || acknowledged !== options.expectedControlId) {
    // Control ids are not PHI, and quoting them makes a misrouted reply easy to trace.
    return hospitalError(
      'CONTROL_ID_MISMATCH',
      `the reply acknowledges MSA-2 "${acknowledged}", not the query's MSH-10 "${options.expectedControlId}"`,
    );
  }

  const queryStatus = reply.get('QAK-2').toUpperCase();
  if (queryStatus === 'NF') return { status: 'not_found', candidates: [] };

  const ackCode = msa.get(1).toUpperCase();
  if (ackCode === 'AE' || ackCode === 'AR' || ackCode === 'CE' || ackCode === 'CR') {
    return hospitalError('MSA_REJECTED', readErrorText(reply) || `the hospital answered MSA-1 ${ackCode}`);
  }
  if (queryStatus === 'AE' || queryStatus === 'AR') {
    return hospitalError(
      'QAK_REJECTED',
      readErrorText(reply) || `the hospital answered QAK-2 ${queryStatus}`,
    );
  }
  if (ackCode !== 'AA' && ackCode !== 'CA') {
    // Not in the rule's list of outcomes: never guess that an unknown code means success.
    return hospitalError(
      'UNKNOWN_ACK_CODE',
      readErrorText(reply) || `the reply has an unknown MSA-1 "${ackCode}"`,
    );
  }

  const candidates = groupsByPid(reply).map((group) =>
    readDemographics(group, {
      patientIdAuthority: options.patientIdAuthority,
      patientIdTypes: options.patientIdTypes,
    }),
  );
  return candidates.length === 0 ? { status: 'not_found', candidates } : { status: 'found', candidates };
}
