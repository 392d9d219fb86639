import { Injectable } from '@nestjs/common';
import {
  DestinationPolicy,
  SelfTestRecorder,
  probeName,
  probeTcp,
  probeTls,
  type StepOutcome,
} from '@bridge/config';
import { DomainError, type ConnectionTestResultV1 } from '@bridge/contracts';
import {
  Hl7ParseError,
  MllpError,
  parseHl7,
  readQueryReply,
  sendMllp,
  type Hl7Message,
  type QueryReply,
} from '@bridge/hl7';
import { ConnectionsService } from '../connections/connections.service';
import type { StoredHl7Settings } from '../connections/connections.repository';
import { DEFAULT_TIMEOUT_MS, sendOptionsOf } from '../queries/hl7-exchange';
import { MESSAGE_TYPES, buildHospitalQuery, newControlId, wireSettingsOf } from '../queries/queries.service';

/** Asked for when the admin names no patient: no hospital has it, so "not found" is the good answer. */
export const SELF_TEST_PATIENT_CODE = 'SELFTEST-NOBODY';

/**
 * The HL7 connection's self-test (PRODUCT.md "Connection self-test"): name resolution, TCP, TLS, then
 * one real lookup over the same code as an import (the query builder, sendMllp, readQueryReply), read
 * rule by rule. It imports nothing and writes nothing: the exchange is not journaled, so the message
 * log never shows a test as a patient lookup.
 */
@Injectable()
export class Hl7SelfTestService {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly destinations: DestinationPolicy,
  ) {}

  async test(hospitalId: string, patientCode?: string): Promise<ConnectionTestResultV1> {
    const connection = await this.connections.find(hospitalId);
    if (!connection) throw new DomainError('NOT_FOUND', 'This hospital has no HL7 connection.');
    const settings = wireSettingsOf(connection.settings);
    const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const test = new SelfTestRecorder();

    const checked = await test.step('Name resolution', () =>
      probeName(this.destinations, settings.host, settings.port));
    if (!checked) return test.result();
    if (
      (await test.step('TCP connect', () =>
        probeTcp(checked, settings.port, timeoutMs).then(passWith(true)))) === undefined
    ) {
      return test.result();
    }
    if (settings.tls) {
      const secured = await test.step('TLS', () =>
        probeTls(checked, settings.host, settings.port, timeoutMs).then(passWith(true)));
      if (secured === undefined) return test.result();
    } else {
      test.skip('TLS', 'TLS is not enabled for this connection: the exchange is plain MLLP.');
    }

    const controlId = newControlId();
    const reply = await test.step('MLLP round trip', () =>
      this.roundTrip(settings, checked.address, controlId, patientCode ?? SELF_TEST_PATIENT_CODE));
    if (!reply) return test.result();
    const message = await test.step('Reply is HL7', async () => readable(reply, settings));
    if (!message) return test.result();
    const read = readQueryReply(message, {
      expectedControlId: controlId,
      patientIdAuthority: settings.patientIdAuthority,
      patientIdTypes: settings.patientIdTypes,
    });
    const correlated = await test.step('MSA-2 matches our control id', async () =>
      correlation(read, message, controlId));
    if (!correlated) return test.result();
    await test.step('Acknowledgement and query status', async () =>
      verdict(read, message, patientCode !== undefined));
    return test.result();
  }

  private async roundTrip(
    settings: StoredHl7Settings,
    address: string,
    controlId: string,
    patientCode: string,
  ): Promise<StepOutcome<Buffer>> {
    const query = buildHospitalQuery(settings, { by: 'patientCode', value: patientCode, controlId });
    const sent = `${MESSAGE_TYPES[settings.queryStyle]} (control id ${controlId})`;
    try {
      const reply = await sendMllp(query, sendOptionsOf(settings, address));
      return { ok: true, detail: `Sent ${sent}; the reply frame has ${reply.length} bytes.`, value: reply };
    } catch (error) {
      if (!(error instanceof MllpError)) throw error;
      return { ok: false, detail: `Sent ${sent}. ${explainMllpFailure(error)}` };
    }
  }
}

function passWith<T>(value: T): (outcome: StepOutcome<void>) => StepOutcome<T> {
  return (outcome) => ({ ...outcome, value: outcome.ok ? value : undefined });
}

export function explainMllpFailure(error: MllpError): string {
  switch (error.code) {
    case 'MLLP_TIMEOUT':
      return error.frameUnclosed
        ? 'The hospital started a reply but never closed the MLLP frame (no end block FS CR): its interface engine frames replies wrongly.'
        : 'The hospital did not answer in time (no reply frame): is the interface engine running and listening for this query type?';
    case 'MLLP_CONNECTION_CLOSED':
      return /mid-frame/.test(error.message)
        ? 'The hospital closed the connection in the middle of its reply.'
        : 'The hospital closed the connection without answering.';
    case 'MLLP_TLS_ERROR':
      return `The TLS handshake failed: ${error.message}.`;
    case 'MLLP_CONNECTION_REFUSED':
      return 'The hospital refused the connection.';
    case 'MLLP_CONNECTION_FAILED':
      return `The hospital could not be reached: ${error.message}.`;
    case 'MLLP_FRAME_TOO_LARGE':
      return "The hospital's reply is larger than the platform accepts.";
  }
}

function readable(reply: Buffer, settings: StoredHl7Settings): StepOutcome<Hl7Message> {
  try {
    const message = parseHl7(reply, { charset: settings.charset ?? 'utf-8' });
    const from =
      [message.get('MSH-3'), message.get('MSH-4')].filter((part) => part !== '').join(' / ') ||
      'an unnamed sender';
    return {
      ok: true,
      detail: `${messageType(message)} from ${from}, HL7 version ${message.get('MSH-12') || '?'}.`,
      value: message,
    };
  } catch (error) {
    if (!(error instanceof Hl7ParseError)) throw error;
    return {
      ok: false,
      detail: `The reply is not a readable HL7 message (${error.code}): something else answers on this port.`,
    };
  }
}

function messageType(message: Hl7Message): string {
  const parts = [message.get('MSH-9.1'), message.get('MSH-9.2')].filter((part) => part !== '');
  return parts.length > 0 ? parts.join('^') : 'A message without MSH-9';
}

/** Rule 7: the reply must acknowledge our MSH-10 (a reply to another query is never taken for ours). */
function correlation(read: QueryReply, message: Hl7Message, controlId: string): StepOutcome<true> {
  if (read.reason === 'NO_MSA')
    return { ok: false, detail: 'The reply has no MSA segment, so it acknowledges nothing.' };
  if (read.reason === 'CONTROL_ID_MISMATCH') {
    return {
      ok: false,
      detail: `The reply acknowledges another message: MSA-2 is "${message.get('MSA-2')}", our query's MSH-10 was "${controlId}". The hospital's engine mixes up replies.`,
    };
  }
  return { ok: true, detail: `MSA-2 is ${controlId}, our query's MSH-10.`, value: true };
}

/** Rule 8: MSA-1 and QAK-2. "Not found" is a good answer to the default test lookup. */
function verdict(read: QueryReply, message: Hl7Message, patientNamed: boolean): StepOutcome<true> {
  const codes = `MSA-1 ${message.get('MSA-1') || '(empty)'}${message.get('QAK-2') ? `, QAK-2 ${message.get('QAK-2')}` : ''}`;
  switch (read.status) {
    case 'found':
      return {
        ok: true,
        detail: `${codes}: the hospital found ${read.candidates.length} patient(s).`,
        value: true,
      };
    case 'not_found':
      return {
        ok: true,
        detail: patientNamed
          ? `${codes}: the hospital answered correctly that it does not know this patient code.`
          : `${codes}: the hospital answered "not found" to a code nobody has, as it should.`,
        value: true,
      };
    case 'hospital_error':
      return {
        ok: false,
        detail: `${codes}: the hospital answered with an error${read.errorText ? `: ${read.errorText}` : ''}.`,
      };
  }
}
