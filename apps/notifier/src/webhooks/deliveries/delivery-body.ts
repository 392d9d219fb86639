import { Injectable } from '@nestjs/common';
import { DomainError, type PatientViewV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { ClaimedDelivery } from './deliveries.repository';

/** The patient's own fields sent to includePhi receivers (its care flows travel as their own events). */
type PatientFields = Omit<PatientViewV1, 'careFlows' | 'id' | 'hospitalId'>;

/**
 * The JSON body of a delivery: `{type, timestamp, data: {hospitalId, patientId?, careFlowId?, ...ids}}`.
 * Only a subscription marked includePhi gets `data.patient`, read from patient-import now (the patient as it
 * is when sent, never stored in notifier).
 */
@Injectable()
export class DeliveryBody {
  constructor(private readonly bus: Bus) {}

  async build(delivery: ClaimedDelivery): Promise<string> {
    const data: Record<string, unknown> = { ...delivery.data };
    const patientId = typeof data.patientId === 'string' ? data.patientId : undefined;
    if (delivery.includePhi && patientId) {
      const patient = await this.patientFields(delivery.hospitalId, patientId);
      if (patient) data.patient = patient;
    }
    return JSON.stringify({ type: delivery.eventType, timestamp: delivery.occurredAt.toISOString(), data });
  }

  private async patientFields(hospitalId: string, patientId: string): Promise<PatientFields | undefined> {
    try {
      const {
        careFlows: _careFlows,
        id: _id,
        hospitalId: _hospital,
        ...fields
      } = await this.bus.request('patients.get.v1', { hospitalId, patientId });
      return fields;
    } catch (error) {
      // A patient no longer there is sent without fields; anything else (patient-import down) is retried.
      if (error instanceof DomainError && error.code === 'PATIENT_NOT_FOUND') return undefined;
      throw error;
    }
  }
}
