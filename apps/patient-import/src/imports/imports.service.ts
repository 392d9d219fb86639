import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  type CandidateV1,
  type CareFlowStartInputV1,
  type ConfirmImportRequestV1,
  type ConfirmImportResultV1,
  type DemographicsV1,
  type ImportLookupInputV1,
  type ImportSessionV1,
  type LookupImportRequestV1,
} from '@bridge/contracts';
import { StatementBatcher } from '@bridge/database';
import { Bus, eventContext } from '@bridge/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ImportSource } from '../import-sources/import-sources.repository';
import { ImportSourcesService } from '../import-sources/import-sources.service';
import { PatientsService } from '../patients/patients.service';
import { WebServiceConnectionsService } from '../webservice/webservice-connections.service';
import { WebServiceJournalService } from '../webservice/webservice-journal.service';
import { WebServiceLookupService } from '../webservice/webservice-lookup.service';
import type { Lookup } from '../webservice/webservice-request.builder';
import { patientInputOfCandidate, saveableCandidateOf } from './candidates';
import { IMPORTS_OPTIONS, type ImportsOptions } from './imports.options';
import { ImportsRepository, type ImportSession, type NewImportSession } from './imports.repository';

/** Above the HL7 connection's own maximum timeout (25 s), so the hl7-gateway always answers first. */
export const HL7_QUERY_TIMEOUT_MS = 30_000;
/** More is a search, not a lookup; the user picks among the first ones. */
export const MAX_CANDIDATES = 50;
/** How long after expiry an unconfirmed session is kept (to answer 410 rather than 404). */
const EXPIRED_SESSION_GRACE_SECONDS = 24 * 3600;
const PURGE_INTERVAL_MS = 60_000;
/** Attempts per lookup at most: the remembered source, then fresh reads while it keeps changing. */
const SOURCE_READS = 3;
/**
 * Concurrent lookups share the statement that stores their sessions (StatementBatcher, as the HL7 journal's
 * statements are shared): one in flight; the sessions ready meanwhile go together as the next.
 */
const SESSION_STATEMENTS_IN_FLIGHT = 1;
const SESSION_BATCH = 50;

/**
 * Pull import (PRODUCT.md): a lookup asks the hospital through its configured source and keeps the
 * candidates as a session; a confirm saves one candidate as a patient (source `import`), once, before the
 * session expires, with the chosen physician and optionally a care flow.
 */
@Injectable()
export class ImportsService {
  private lastPurge = new Map<string, number>();
  private readonly sessionWrites = new StatementBatcher({
    run: (sessions: NewImportSession[]) => this.sessions.insertMany(sessions),
    keyOf: (session) => session.id,
    maxInFlight: SESSION_STATEMENTS_IN_FLIGHT,
    maxBatch: SESSION_BATCH,
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: ImportsRepository,
    private readonly sources: ImportSourcesService,
    private readonly connections: WebServiceConnectionsService,
    private readonly webService: WebServiceLookupService,
    private readonly journal: WebServiceJournalService,
    private readonly patients: PatientsService,
    private readonly bus: Bus,
    @Inject(IMPORTS_OPTIONS) private readonly options: ImportsOptions,
  ) {}

  async lookup(request: LookupImportRequestV1): Promise<ImportSessionV1> {
    const { hospitalId } = request;
    const lookup = lookupOf(request.lookup);
    for (let attempt = 1; ; attempt++) {
      const source =
        attempt === 1 ? await this.sources.remembered(hospitalId) : await this.sources.find(hospitalId);
      if (!source) throw notConfigured('This hospital has no import source configured.');
      const session = await this.lookupThrough(source, request, lookup).catch(async (error: unknown) => {
        // The source may have been changed through another instance: its failure stands only if it is current.
        if (await this.stillCurrent(hospitalId, source)) throw error;
        return undefined;
      });
      if (session) return session;
      if (attempt === SOURCE_READS) {
        throw new DomainError(
          'SERVICE_UNAVAILABLE',
          "The hospital's import source kept changing during the lookup; try again.",
        );
      }
    }
  }

  /** One lookup through `source`: undefined, with nothing stored, once the stored source is another. */
  private async lookupThrough(
    source: ImportSource,
    request: LookupImportRequestV1,
    lookup: Lookup,
  ): Promise<ImportSessionV1 | undefined> {
    const { hospitalId } = request;
    const found = await this.askHospital(hospitalId, source, lookup);
    const saveable = found.candidates
      .map(saveableCandidateOf)
      .filter((candidate): candidate is DemographicsV1 => candidate !== undefined)
      .slice(0, MAX_CANDIDATES);
    if (saveable.length === 0) {
      throw new DomainError(
        'HOSPITAL_ERROR',
        'The hospital answered, but with no patient that has a patient code and a name.',
      );
    }
    const importId = randomUUID();
    const stored = await this.sessionWrites.submit({
      id: importId,
      hospitalId,
      requestedBy: request.requestedBy,
      ...(request.auditActor ? { auditActor: request.auditActor } : {}),
      source,
      lookupBy: lookup.by,
      candidates: saveable,
      messageId: found.messageId,
      ttlSeconds: this.options.sessionTtlSeconds,
      context: eventContext(),
    });
    if (!stored) return undefined;
    await this.purgeExpired(hospitalId);
    return { importId, source, candidates: stored.candidates, expiresAt: stored.expiresAt };
  }

  /** Whether `source` is still the hospital's; if it cannot be told, the lookup's own failure is the one to report. */
  private async stillCurrent(hospitalId: string, source: ImportSource): Promise<boolean> {
    try {
      return (await this.sources.find(hospitalId)) === source;
    } catch {
      return true;
    }
  }

  async confirm(request: ConfirmImportRequestV1): Promise<ConfirmImportResultV1> {
    const { hospitalId, importId, confirm } = request;
    const index = confirm.candidate ?? 0;
    // Checked first without a lock so a doomed confirm costs no RPC; checked again under the lock below.
    const session = await this.sessions.find(this.dataSource.manager, hospitalId, importId);
    const candidate = confirmable(session, index);
    const careFlow = confirm.careFlow ? withPhysician(confirm.careFlow, confirm.physicianId) : undefined;
    // With a care flow, preparing it resolves the same physician; without one, resolve it here.
    if (!careFlow)
      await this.bus.request('users.physician.resolve.v1', { hospitalId, physicianId: confirm.physicianId });
    return this.patients.upsert({
      hospitalId,
      patient: { ...patientInputOfCandidate(candidate), ...(careFlow ? { careFlow } : {}) },
      source: 'import',
      ...(session ? { trace: { channel: session.source, messageId: session.messageId } } : {}),
      transactionSteps: {
        // Two confirms of one session queue on this lock; the second sees the first one's confirmation.
        before: async (manager) => {
          confirmable(await this.sessions.find(manager, hospitalId, importId, { forUpdate: true }), index);
        },
        after: async (manager, result) => {
          await this.sessions.markConfirmed(manager, hospitalId, importId, {
            patientId: result.patient.id,
            physicianId: confirm.physicianId,
          });
          if (session?.source === 'webservice' && session.messageId) {
            await this.journal.linkPatient(
              manager,
              { hospitalId, messageId: session.messageId, sessionStoredAt: session.storedAt },
              result.patient.id,
            );
          }
        },
      },
    });
  }

  private async askHospital(
    hospitalId: string,
    source: ImportSource,
    lookup: Lookup,
  ): Promise<{ candidates: DemographicsV1[]; messageId?: string }> {
    if (source === 'hl7') {
      return this.bus.request(
        'hl7.demographics.query.v1',
        { hospitalId, ...lookup },
        { timeoutMs: HL7_QUERY_TIMEOUT_MS },
      );
    }
    const connection = await this.connections.find(hospitalId);
    if (!connection)
      throw notConfigured('This hospital imports from its web service, which is not configured.');
    return this.webService.lookup(hospitalId, connection, lookup);
  }

  /** At most once a minute per hospital and process: a lookup must stay cheap. */
  private async purgeExpired(hospitalId: string): Promise<void> {
    const now = Date.now();
    if (now - (this.lastPurge.get(hospitalId) ?? 0) < PURGE_INTERVAL_MS) return;
    this.lastPurge.set(hospitalId, now);
    if (this.lastPurge.size > 10_000) this.lastPurge = new Map([[hospitalId, now]]);
    await this.sessions.deleteExpired(hospitalId, EXPIRED_SESSION_GRACE_SECONDS);
  }
}

function lookupOf(input: ImportLookupInputV1): Lookup {
  if (input.patientCode !== undefined && input.visitNumber !== undefined) {
    throw new DomainError('VALIDATION_FAILED', 'Give patientCode or visitNumber, not both.', {
      errors: [{ field: '', message: 'give patientCode or visitNumber, not both' }],
    });
  }
  return input.patientCode !== undefined
    ? { by: 'patientCode', value: input.patientCode }
    : { by: 'visitNumber', value: input.visitNumber ?? '' };
}

function notConfigured(message: string): DomainError {
  return new DomainError('IMPORT_SOURCE_NOT_CONFIGURED', message);
}

/** The candidate a confirm may save, or the reason it may not. Another hospital's session is not found. */
function confirmable(session: ImportSession | undefined, index: number): CandidateV1 {
  if (!session) throw new DomainError('IMPORT_NOT_FOUND', 'No such import.');
  if (session.confirmed)
    throw new DomainError('IMPORT_ALREADY_CONFIRMED', 'This import was already confirmed.');
  if (session.expired) {
    throw new DomainError('IMPORT_EXPIRED', 'This import has expired: look the patient up again.', {
      expiresAt: session.expiresAt,
    });
  }
  const candidate = session.candidates[index];
  if (!candidate) {
    throw new DomainError(
      'IMPORT_CANDIDATE_INVALID',
      `candidate must be an index below ${session.candidates.length}.`,
      {
        errors: [
          { field: 'candidate', message: `candidate must be between 0 and ${session.candidates.length - 1}` },
        ],
      },
    );
  }
  return candidate;
}

/** The care flow is started for the physician the user picked; naming another one is a contradiction. */
function withPhysician(careFlow: CareFlowStartInputV1, physicianId: string): CareFlowStartInputV1 {
  const contradicts =
    (careFlow.physicianId && careFlow.physicianId.toLowerCase() !== physicianId.toLowerCase()) ||
    careFlow.physicianCode;
  if (contradicts) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'The care flow gets the chosen physicianId: leave its physician out.',
      {
        errors: [
          {
            field: 'careFlow.physicianId',
            message: 'careFlow must not name another physician than physicianId',
          },
        ],
      },
    );
  }
  const { physicianCode: _code, ...rest } = careFlow;
  return { ...rest, physicianId };
}
