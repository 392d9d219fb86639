import fastifyStatic from '@fastify/static';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Serves the Care app screens (built by Vite into dist/care-web) under /app: files as they are, any other
 * /app path as index.html so the browser router can take it. Without a build the gateway still runs; /app
 * then says how to build it.
 */
export async function installCareWeb(
  app: NestFastifyApplication,
  directory = careWebDirectory(),
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const indexFile = join(directory, 'index.html');
  if (!existsSync(indexFile)) {
    fastify.get('/app*', async (_request, reply) =>
      reply.status(503).type('text/plain').send('The Care app screens are not built: run `npm run build`.'),
    );
    return;
  }
  const index = readFileSync(indexFile);
  await app.register(fastifyStatic, {
    root: directory,
    prefix: '/app/',
    wildcard: false,
    index: false,
    decorateReply: false,
  });
  const sendIndex = async (
    _request: unknown,
    reply: { type(value: string): { send(body: Buffer): unknown } },
  ) => reply.type('text/html; charset=utf-8').send(index);
  fastify.get('/app', sendIndex);
  fastify.get('/app/*', sendIndex);
}

/** dist/care-web of this checkout, found from the project root (the folder holding package.json). */
function careWebDirectory(): string {
  if (process.env.CARE_WEB_DIR) return resolve(process.env.CARE_WEB_DIR);
  let folder = __dirname;
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return join(folder, 'dist', 'care-web');
}
