import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  fastifyTrustProxy,
  GatewayEnv,
  loadConfig,
  parseTrustProxy,
  type ServiceAppOptions,
} from '@bridge/config';
import { createLogger, PinoNestLogger } from '@bridge/logging';
import { ServiceMetrics } from '@bridge/observability';
import { installCareWeb } from './care-web/care-web';
import { GatewayModule } from './gateway.module';
import { installCorrelation } from './http/correlation.hook';
import { installHttpObservability } from './http/observability.hook';
import { installOpenApi } from './http/openapi';
import { installSecurityHeaders } from './http/security-headers';
import { canonicalScimUrl, installScimJson } from './scim/scim-json.parser';

export interface GatewayOptions extends ServiceAppOptions {
  /** Overrides PORT (tests pass 0 to let the OS choose). */
  port?: number;
}

export async function createGatewayApp(
  env: NodeJS.ProcessEnv = process.env,
  options: GatewayOptions = {},
): Promise<NestFastifyApplication> {
  const config = loadConfig(GatewayEnv, env);
  // Only TRUST_PROXY's proxies may name the client: the failed-attempt limits key on this address.
  const adapter = new FastifyAdapter({
    bodyLimit: 1_048_576,
    // loadConfig refused an unreadable TRUST_PROXY, so it parses here.
    trustProxy: fastifyTrustProxy(parseTrustProxy(config.TRUST_PROXY) ?? false),
    rewriteUrl: canonicalScimUrl,
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config), adapter, {
    logger: options.logger ?? new PinoNestLogger(createLogger('gateway', config.LOG_LEVEL)),
  });
  installSecurityHeaders(app.getHttpAdapter().getInstance());
  installCorrelation(app.getHttpAdapter().getInstance());
  installHttpObservability(app.getHttpAdapter().getInstance(), app.get(ServiceMetrics));
  installScimJson(app.getHttpAdapter().getInstance());
  installOpenApi(app);
  await installCareWeb(app);
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.listen(options.port ?? config.PORT, config.HOST);
  return app;
}
