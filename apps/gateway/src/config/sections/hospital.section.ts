import { Injectable } from '@nestjs/common';
import { DomainError, HospitalInputV1, validatePayload, type FieldError } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { ConfigSection } from '../config-section';

/**
 * `hospital`: key and name, for the reader and as a guard: a document exported from one hospital is not
 * applied to another by mistake, so both must match; and the hospital's time zone, which a document may
 * change (a document without one leaves it as it is).
 */
@Injectable()
export class HospitalSection implements ConfigSection<HospitalInputV1> {
  readonly path = 'hospital';
  readonly secretPaths = [];

  constructor(private readonly bus: Bus) {}

  async read(hospitalId: string): Promise<HospitalInputV1> {
    const { key, name, timezone } = await this.bus.request('tenancy.hospital.get.v1', { hospitalId });
    return { key, name, timezone };
  }

  async check(_hospitalId: string, wanted: unknown, current: HospitalInputV1 | null): Promise<void> {
    const hospital = validatePayload(HospitalInputV1, wanted);
    const errors: FieldError[] = (['key', 'name'] as const)
      .filter((field) => hospital[field] !== current?.[field])
      .map((field) => ({
        field,
        message: `hospital.${field} is ${current?.[field]} and cannot be changed here`,
      }));
    if (errors.length > 0) {
      throw new DomainError('CONFIG_CHANGE_UNSUPPORTED', errors.map((e) => e.message).join('; '), { errors });
    }
  }

  /** check() lets only a time zone through (validated there with Intl, as the PATCH route does). */
  async write(hospitalId: string, wanted: HospitalInputV1, current: HospitalInputV1 | null): Promise<void> {
    if (wanted.timezone === undefined || wanted.timezone === current?.timezone) return;
    await this.bus.request('tenancy.hospital.update.v1', {
      hospitalId,
      patch: { timezone: wanted.timezone },
    });
  }
}
