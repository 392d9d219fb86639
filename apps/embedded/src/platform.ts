import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import {
  assertConfigs,
  GatewayEnv,
  Hl7GatewayEnv,
  loadConfig,
  ServiceEnv,
  UserProvisioningEnv,
} from '@bridge/config';
import { canProvisionRoles, provisionServiceRoles, type DataService } from '@bridge/database';
import { createLogger, PinoNestLogger } from '@bridge/logging';
import { startObservability } from '@bridge/observability';
import type { DestinationStream } from 'pino';
// The embedded launcher is the one place allowed to import other apps: it hosts them all in one process.
import { createGatewayApp } from '../../gateway/src/gateway.app';
import { createHl7GatewayApp } from '../../hl7-gateway/src/hl7-gateway.app';
import { createPatientImportApp } from '../../patient-import/src/patient-import.app';
import { PatientImportEnv } from '../../patient-import/src/patient-import.config';
import { createSiuIngestorApp } from '../../siu-ingestor/src/siu-ingestor.app';
import { SiuIngestorEnv } from '../../siu-ingestor/src/siu-ingestor.config';
import { createNotifierApp } from '../../notifier/src/notifier.app';
import { NotifierEnv } from '../../notifier/src/notifier.config';
import { createUserProvisioningApp } from '../../user-provisioning/src/user-provisioning.app';

export interface RunningPlatform {
  /** Base URL of the gateway, e.g. http://127.0.0.1:3000 */
  url: string;
  /** Each data service's own database URL (its role), when DATABASE_URL could provision them. */
  databaseUrls?: Record<DataService, string>;
  close(): Promise<void>;
}

/**
 * Every app, each in its own Nest context exactly as in production, sharing this process's
 * in-process bus (or RabbitMQ when AMQP_URL is set). Services start first so the gateway's
 * first request finds them.
 */
export async function startPlatform(
  env: NodeJS.ProcessEnv,
  options: {
    port?: number;
    /** Where the log lines go (default stdout); tests read them back. */
    logDestination?: DestinationStream;
  } = {},
): Promise<RunningPlatform> {
  // One message naming every bad variable of every hosted service, before any of them starts.
  assertConfigs(
    [UserProvisioningEnv, PatientImportEnv, Hl7GatewayEnv, SiuIngestorEnv, NotifierEnv, GatewayEnv],
    env,
  );
  const services: INestApplicationContext[] = [];
  const hosted = {
    logger: new PinoNestLogger(
      createLogger('careflow-bridge', env.LOG_LEVEL || 'info', options.logDestination),
    ),
  };
  // One /metrics endpoint and one tracer provider (service.name careflow-bridge) for every hosted service;
  // each service's series carry its `service` label, each span its `bridge.service` attribute.
  const observability = await startObservability('careflow-bridge', loadConfig(ServiceEnv, env));
  const closeAll = async () => {
    for (const app of [...services].reverse()) await app.close();
    await observability.close();
  };
  try {
    const databaseUrls = await serviceDatabaseUrls(env, hosted.logger);
    const as = (service: DataService) =>
      databaseUrls ? { ...env, DATABASE_URL: databaseUrls[service] } : env;
    const started = await Promise.allSettled([
      createUserProvisioningApp(as('user-provisioning'), hosted),
      createPatientImportApp(as('patient-import'), hosted),
      createHl7GatewayApp(as('hl7-gateway'), hosted),
      createSiuIngestorApp(as('siu-ingestor'), hosted),
      createNotifierApp(as('notifier'), hosted),
    ]);
    for (const result of started) if (result.status === 'fulfilled') services.push(result.value);
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    const gateway = await createGatewayApp(env, { ...hosted, port: options.port });
    services.push(gateway);
    const address = gateway.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    return {
      url: `http://127.0.0.1:${port}`,
      databaseUrls,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * DATABASE_URL here is the admin's: each service gets its own role, owning its schema only
 * (libs/database service-roles). A DATABASE_URL whose role cannot create roles is shared by all, as said.
 */
async function serviceDatabaseUrls(
  env: NodeJS.ProcessEnv,
  logger: LoggerService,
): Promise<Record<DataService, string> | undefined> {
  const adminUrl = env.DATABASE_URL;
  if (!adminUrl) return undefined;
  if (!(await canProvisionRoles(adminUrl))) {
    logger.warn(
      "DATABASE_URL's role is not a superuser: every service connects as it (no per-service database roles)",
      'Platform',
    );
    return undefined;
  }
  return provisionServiceRoles(adminUrl);
}
