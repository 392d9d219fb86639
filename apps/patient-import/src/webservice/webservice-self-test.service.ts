import { Injectable } from '@nestjs/common';
import {
  DestinationPolicy,
  SelfTestRecorder,
  probeName,
  probeTcp,
  probeTls,
  type StepOutcome,
} from '@bridge/config';
import {
  DomainError,
  isDomainError,
  type ConnectionTestResultV1,
  type WebServiceConnectionInputV1,
} from '@bridge/contracts';
import { WebServiceClient, type WebServiceReply } from './webservice.client';
import { WebServiceConnectionsService } from './webservice-connections.service';
import { readWebServiceReply } from './webservice-reply.reader';
import { buildWebServiceRequest, DEFAULT_TIMEOUT_MS, type Lookup } from './webservice-request.builder';

/** Asked for when the admin names no patient: no hospital has it, so "not found" is the good answer. */
export const SELF_TEST_PATIENT_CODE = 'SELFTEST-NOBODY';

/**
 * The web-service connection's self-test (PRODUCT.md "Connection self-test"): name resolution, TCP, TLS for
 * https, then one lookup built, sent and read by the import's own code (buildWebServiceRequest,
 * WebServiceClient, readWebServiceReply). Nothing is imported and nothing is journaled, so a test never
 * shows in the message log as a patient lookup.
 */
@Injectable()
export class WebServiceSelfTestService {
  constructor(
    private readonly connections: WebServiceConnectionsService,
    private readonly client: WebServiceClient,
    private readonly destinations: DestinationPolicy,
  ) {}

  async test(hospitalId: string, patientCode?: string): Promise<ConnectionTestResultV1> {
    const connection = await this.connections.find(hospitalId);
    if (!connection) throw new DomainError('NOT_FOUND', 'This hospital has no web-service connection.');
    const timeoutMs = connection.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const lookup: Lookup = { by: 'patientCode', value: patientCode ?? SELF_TEST_PATIENT_CODE };
    const request = buildWebServiceRequest(connection, lookup);
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    const port = Number(url.port) || (secure ? 443 : 80);
    const test = new SelfTestRecorder();

    const checked = await test.step('Name resolution', () =>
      probeName(this.destinations, url.hostname, port));
    if (!checked) return test.result();
    const connected = await test.step('TCP connect', async () =>
      withValue(await probeTcp(checked, port, timeoutMs)));
    if (!connected) return test.result();
    if (secure) {
      const secured = await test.step('TLS', async () =>
        withValue(await probeTls(checked, url.hostname, port, timeoutMs)));
      if (!secured) return test.result();
    } else {
      test.skip('TLS', 'The base URL is http: the exchange is not encrypted.');
    }

    const what = `${request.method} ${connection.flavor} lookup`;
    const reply = await test.step('HTTP exchange', async (): Promise<StepOutcome<WebServiceReply>> => {
      try {
        const answer = await this.client.send(request, { timeoutMs });
        const type = answer.contentType ? `, ${answer.contentType}` : '';
        return {
          ok: true,
          detail: `${what}: HTTP ${answer.status}${type}, ${Buffer.byteLength(answer.body)} bytes.`,
          value: answer,
        };
      } catch (error) {
        if (!isDomainError(error)) throw error;
        return { ok: false, detail: `${what}: ${error.message}` };
      }
    });
    if (!reply) return test.result();
    const accepted = await test.step('Credentials accepted', async () => credentials(reply, connection));
    if (!accepted) return test.result();
    await test.step('Reply read', async () =>
      readReply(connection, lookup, reply, patientCode !== undefined));
    return test.result();
  }
}

function withValue(outcome: StepOutcome<void>): StepOutcome<true> {
  return { ok: outcome.ok, detail: outcome.detail, value: true };
}

function credentials(reply: WebServiceReply, connection: WebServiceConnectionInputV1): StepOutcome<true> {
  const auth = connection.auth?.type ?? 'none';
  if (reply.status === 401) {
    return {
      ok: false,
      detail:
        auth === 'none'
          ? 'HTTP 401: the hospital requires credentials, and this connection sends none. Set its auth.'
          : `HTTP 401: the hospital refused our ${auth} credentials. Check them (they may have expired or been changed).`,
    };
  }
  if (reply.status === 403) {
    return {
      ok: false,
      detail: `HTTP 403: the hospital knows our ${auth} credentials but does not allow this lookup with them.`,
    };
  }
  return {
    ok: true,
    detail:
      auth === 'none'
        ? 'The hospital asked for no credentials.'
        : `The hospital accepted our ${auth} credentials.`,
    value: true,
  };
}

function readReply(
  connection: WebServiceConnectionInputV1,
  lookup: Lookup,
  reply: WebServiceReply,
  patientNamed: boolean,
): StepOutcome<true> {
  try {
    const candidates = readWebServiceReply(connection, lookup, reply);
    if (candidates.length > 0) {
      return {
        ok: true,
        detail: `A readable ${connection.flavor} answer: the hospital found ${candidates.length} patient(s).`,
        value: true,
      };
    }
    return {
      ok: true,
      detail: patientNamed
        ? `A readable ${connection.flavor} answer: the hospital does not know this patient code.`
        : `A readable ${connection.flavor} answer: "not found" for a code nobody has, as it should.`,
      value: true,
    };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    const hospitalText = (error.details as { hospitalText?: string } | undefined)?.hospitalText;
    return {
      ok: false,
      detail: `${error.message}${hospitalText ? ` The hospital says: ${hospitalText}` : ''}`,
    };
  }
}
