import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** The OpenAPI document at /docs-json and its browsable form at /docs. */
export function installOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
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
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
