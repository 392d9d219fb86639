import { Injectable } from '@nestjs/common';
import {
  DomainError,
  isDomainError,
  type DemographicsV1,
  type WebServiceConnectionInputV1,
} from '@bridge/contracts';
import { exchangeOutcomeOf, HospitalExchangeMetrics, ServiceMetrics } from '@bridge/observability';
import { WebServiceClient, type WebServiceReply } from './webservice.client';
import { WebServiceJournalService } from './webservice-journal.service';
import { readWebServiceReply } from './webservice-reply.reader';
import {
  buildWebServiceRequest,
  DEFAULT_TIMEOUT_MS,
  describeRequest,
  type Lookup,
} from './webservice-request.builder';

export interface WebServiceLookupResult {
  candidates: DemographicsV1[];
  /** The journal entry of the exchange (message log id). */
  messageId: string;
}

/**
 * One lookup at the hospital's web service, journaled: the row is written (`sent`) before the call and
 * completed after it (`replied` or `failed`, the answer, the duration, counts). Found -> candidates;
 * otherwise PATIENT_NOT_FOUND_AT_HOSPITAL, HOSPITAL_ERROR (details.hospitalText) or HOSPITAL_TIMEOUT.
 */
@Injectable()
export class WebServiceLookupService {
  private readonly exchanges: HospitalExchangeMetrics;

  constructor(
    private readonly client: WebServiceClient,
    private readonly journal: WebServiceJournalService,
    metrics: ServiceMetrics,
  ) {
    this.exchanges = new HospitalExchangeMetrics(metrics);
  }

  async lookup(
    hospitalId: string,
    connection: WebServiceConnectionInputV1,
    lookup: Lookup,
  ): Promise<WebServiceLookupResult> {
    const request = buildWebServiceRequest(connection, lookup);
    const exchange = await this.journal.open({
      hospitalId,
      type: `${request.method} ${connection.flavor}`,
      rawOut: describeRequest(request),
    });
    let reply: WebServiceReply | undefined;
    let candidates: DemographicsV1[];
    try {
      // The exchange as the hospital answered it: a reply read to no candidates is `not_found`.
      [reply, candidates] = await this.exchanges.measure(
        { hospitalId, channel: 'webservice' },
        (ended) =>
          'value' in ended
            ? exchangeOutcomeOf(ended.value[1].length > 0 ? undefined : 'PATIENT_NOT_FOUND_AT_HOSPITAL')
            : exchangeOutcomeOf(isDomainError(ended.error) ? ended.error.code : 'HOSPITAL_ERROR'),
        async () => {
          const answer = await this.client.send(request, {
            timeoutMs: connection.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          });
          reply = answer;
          return [answer, readWebServiceReply(connection, lookup, answer)] as const;
        },
      );
    } catch (error) {
      const failure = isDomainError(error)
        ? error
        : new DomainError('HOSPITAL_ERROR', 'The hospital web service answer could not be read.');
      await this.journal.close(exchange, {
        status: 'failed',
        error: failure.message,
        ...(reply ? { rawIn: reply.body, httpStatus: reply.status } : {}),
        summary: { outcome: failure.code === 'HOSPITAL_TIMEOUT' ? 'timeout' : 'hospital_error' },
      });
      throw failure;
    }
    await this.journal.close(exchange, {
      status: 'replied',
      rawIn: reply.body,
      httpStatus: reply.status,
      summary: { outcome: candidates.length > 0 ? 'found' : 'not_found', candidates: candidates.length },
    });
    if (candidates.length === 0) {
      throw new DomainError('PATIENT_NOT_FOUND_AT_HOSPITAL', 'The hospital does not know this patient.', {
        messageId: exchange.id,
      });
    }
    return { candidates, messageId: exchange.id };
  }
}
