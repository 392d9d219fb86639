import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SERVICE_HEALTH_PATTERNS, isDomainError } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { FastifyReply } from 'fastify';

const CHECK_TIMEOUT_MS = 2000;

/** Green only when the broker and every service with its database answer; 503 names what is not. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly bus: Bus) {}

  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const broker = await this.bus.health();
    const services = await Promise.all(
      SERVICE_HEALTH_PATTERNS.map(async (pattern) => {
        const service = pattern.split('.')[0];
        try {
          const report = await this.bus.request(pattern, {}, { timeoutMs: CHECK_TIMEOUT_MS });
          return [service, { ok: report.ok, database: report.database }] as const;
        } catch (error) {
          const detail = isDomainError(error) ? error.code : 'unreachable';
          return [service, { ok: false, detail }] as const;
        }
      }),
    );
    const ok = broker.ok && services.every(([, check]) => check.ok);
    void reply.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'unavailable',
      broker,
      services: Object.fromEntries<(typeof services)[number][1]>(services),
    };
  }
}
