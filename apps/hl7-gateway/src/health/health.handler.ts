import { Controller } from '@nestjs/common';
import type { HealthReportV1 } from '@bridge/contracts';
import { checkDatabase } from '@bridge/database';
import { MessagePattern } from '@nestjs/microservices';
import { DataSource } from 'typeorm';

@Controller()
export class HealthHandler {
  constructor(private readonly dataSource: DataSource) {}

  @MessagePattern('hl7-gateway.health.check.v1')
  async check(): Promise<HealthReportV1> {
    const database = await checkDatabase(this.dataSource);
    return { service: 'hl7-gateway', ok: database.ok, database };
  }
}
