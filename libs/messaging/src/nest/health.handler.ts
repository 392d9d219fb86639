import { Controller, Inject, type Type } from '@nestjs/common';
import type { HealthReportV1, SERVICE_HEALTH_PATTERNS } from '@bridge/contracts';
import { checkDatabase } from '@bridge/database';
import { MessagePattern } from '@nestjs/microservices';
import { DataSource } from 'typeorm';

/** The services that answer `<service>.health.check.v1` (libs/contracts SERVICE_HEALTH_PATTERNS). */
export type HealthCheckedService =
  (typeof SERVICE_HEALTH_PATTERNS)[number] extends `${infer Service}.health.check.v1` ? Service : never;

/**
 * The bus handler of a data service's own health pattern: a bounded database round trip. One class per
 * service (`controllers: [healthHandler('siu-ingestor')]`), since the pattern names the service.
 */
export function healthHandler(service: HealthCheckedService): Type<unknown> {
  @Controller()
  class HealthHandler {
    constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

    @MessagePattern(`${service}.health.check.v1`)
    async check(): Promise<HealthReportV1> {
      const database = await checkDatabase(this.dataSource);
      return { service, ok: database.ok, database };
    }
  }
  Object.defineProperty(HealthHandler, 'name', { value: `HealthHandler(${service})` });
  return HealthHandler;
}
