import { Injectable } from '@nestjs/common';
import type { HealthReportV1 } from '@bridge/contracts';
import { checkDatabase } from '@bridge/database';
import { RpcHandler } from '@bridge/messaging';
import { DataSource } from 'typeorm';

@Injectable()
export class HealthHandler {
  constructor(private readonly dataSource: DataSource) {}

  @RpcHandler('siu-ingestor.health.check.v1')
  async check(): Promise<HealthReportV1> {
    const database = await checkDatabase(this.dataSource);
    return { service: 'siu-ingestor', ok: database.ok, database };
  }
}
