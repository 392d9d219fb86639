import { Injectable, Logger } from '@nestjs/common';
import { DestinationPolicy } from '@bridge/config';
import { DomainError, type LookupKey, type QueryDemographicsResultV1 } from '@bridge/contracts';
import { Hl7BuildError, buildQuery, fillExampleQuery } from '@bridge/hl7';
import { exchangeOutcomeOf, HospitalExchangeMetrics, ServiceMetrics } from '@bridge/observability';
import { randomUUID } from 'node:crypto';
import { ConnectionsService } from '../connections/connections.service';
import type { StoredHl7Connection, StoredHl7Settings } from '../connections/connections.repository';
import { queryTemplateOf, type Hl7TemplateSettings } from '../connections/hl7-template.settings';
import { JournalService, type OpenExchange } from '../journal/journal.service';
import { exchangeWithHospital } from './hl7-exchange';
import { KeptConnections } from './kept-connections';
import type { QueryOutcome } from './query-outcome';

export interface DemographicsQuery {
  hospitalId: string;
  by: LookupKey;
  value: string;
}

export const MESSAGE_TYPES = { QRY_A19: 'QRY^A19', QBP_Q22: 'QBP^Q22' } as const;

/** MSH-10 is at most 20 characters in v2.3: 80 random bits, unique enough to correlate a reply (rule 7). */
export function newControlId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 20);
}

/** Reads of the connection per query at most: the remembered one, then fresh ones while it keeps changing. */
const CONNECTION_READS = 3;

/**
 * Lookups at the hospital. Each hospital's HL7 connection is read once and remembered: the statement that
 * journals a query writes its row only while the stored connection is still the one the query was built
 * from (its xmin), so a change applies to the next query as it would with a read per query, on every
 * instance, and the read per query (a round trip to PostgreSQL on every lookup) is gone.
 */
@Injectable()
export class QueriesService {
  private readonly logger = new Logger('QueriesService');
  private readonly exchanges: HospitalExchangeMetrics;
  /** Per hospital queried, its connection as last read (its settings: a few kilobytes at most). */
  private readonly connectionsRead = new Map<string, StoredHl7Connection>();

  constructor(
    private readonly connections: ConnectionsService,
    private readonly journal: JournalService,
    private readonly destinations: DestinationPolicy,
    private readonly kept: KeptConnections,
    metrics: ServiceMetrics,
  ) {
    this.exchanges = new HospitalExchangeMetrics(metrics);
  }

  /**
   * Asks the hospital for a patient over MLLP and journals the exchange: the row is written before the
   * query leaves and completed with the reply (or the failure) after. Found -> candidates; anything
   * else -> a DomainError whose details carry the journal entry's id.
   */
  async query(request: DemographicsQuery): Promise<QueryDemographicsResultV1> {
    for (let attempt = 1; ; attempt++) {
      const connection =
        (attempt === 1 && this.connectionsRead.get(request.hospitalId)) ||
        (await this.readConnection(request.hospitalId));
      const { settings } = connection;
      const controlId = newControlId();
      const query = buildHospitalQuery(settings, { by: request.by, value: request.value, controlId });
      const exchange = await this.journal.open({
        hospitalId: request.hospitalId,
        type: MESSAGE_TYPES[settings.queryStyle],
        controlId,
        rawOut: query,
        connectionVersion: connection.version,
      });
      if (exchange) return this.exchange(connection, exchange, { query, controlId });
      // The connection changed (or went) since it was read: build the query again from what is stored now.
      this.connectionsRead.delete(request.hospitalId);
      if (attempt === CONNECTION_READS) {
        throw new DomainError(
          'SERVICE_UNAVAILABLE',
          "The hospital's HL7 connection kept changing while the query was prepared; try again.",
        );
      }
    }
  }

  /** The stored connection, remembered for the next query (which checks it is still current). */
  private async readConnection(hospitalId: string): Promise<StoredHl7Connection> {
    const connection = await this.connections.find(hospitalId);
    if (!connection) {
      throw new DomainError('IMPORT_SOURCE_NOT_CONFIGURED', 'This hospital has no HL7 connection.');
    }
    this.connectionsRead.set(hospitalId, connection);
    return connection;
  }

  private async exchange(
    connection: StoredHl7Connection,
    exchange: OpenExchange,
    sent: { query: string; controlId: string },
  ): Promise<QueryDemographicsResultV1> {
    const { hospitalId, version } = connection;
    let outcome: QueryOutcome;
    try {
      const wire = wireSettingsOf(connection.settings);
      outcome = await this.exchanges.measure(
        { hospitalId, channel: 'mllp' },
        (ended) => ('value' in ended ? exchangeOutcomeOf(ended.value.failure?.code) : 'failed'),
        () =>
          exchangeWithHospital(wire, { ...sent, messageId: exchange.id }, this.destinations, {
            connections: this.kept,
            hospitalId,
            version,
          }),
      );
    } catch (error) {
      // A bug, not a hospital fault: still close the row, so the log never shows it as in flight.
      await this.journal.close(exchange, {
        status: 'failed',
        error: 'internal error',
        summary: { outcome: 'failed' },
      });
      throw error;
    }
    await this.journal.close(exchange, outcome.end);
    if (outcome.failure) {
      // A hospital that is down or misbehaving is an operations matter; "not found" is a normal answer.
      // Codes and ids only: the hospital's text and the query value stay out of the log (PHI).
      if (outcome.failure.code !== 'PATIENT_NOT_FOUND_AT_HOSPITAL') {
        this.logger.warn({
          msg: 'HL7 query failed',
          messageId: exchange.id,
          code: outcome.failure.code,
          reason: String(outcome.failure.details?.reason),
        });
      }
      throw outcome.failure;
    }
    return { candidates: outcome.candidates, messageId: exchange.id };
  }
}

/** A template derived from the hospital's example is encoded in the charset its MSH-18 declares. */
export function wireSettingsOf(settings: StoredHl7Settings): StoredHl7Settings {
  return { ...settings, charset: settings.derivedTemplate?.charset ?? settings.charset };
}

/** The query exactly as a lookup sends it: from the hospital's example when there is one, else the template. */
export function buildHospitalQuery(
  settings: StoredHl7Settings,
  request: { by: LookupKey; value: string; controlId: string },
): string {
  try {
    if (settings.derivedTemplate) {
      // The hospital's own example, filled in: derived once at save, nothing re-read per query.
      const timeZone = (settings.template as Hl7TemplateSettings | undefined)?.timeZone;
      return fillExampleQuery(settings.derivedTemplate, { ...request, at: new Date() }, { timeZone });
    }
    return buildQuery(queryTemplateOf(settings), { ...request, at: new Date() });
  } catch (error) {
    if (error instanceof Hl7BuildError) {
      throw new DomainError('VALIDATION_FAILED', 'The lookup value is empty.', {
        errors: [{ field: 'value', message: 'value must not be blank' }],
      });
    }
    throw error;
  }
}
