import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/**
 * The OpenAPI document of the gateway's routes. `npm run api:types` builds it from an application in
 * Nest's preview mode (no provider runs, no bus, no database) to generate the Care app's types.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Careflow Bridge API')
      .setDescription(
        'Hospital EMR integration for the Care app. Errors are application/problem+json with a stable `code`. ' +
          'Get a token with POST /v1/oauth/token (client credentials).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
}

/** The OpenAPI document at /docs-json and its browsable form at /docs. */
export function installOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
