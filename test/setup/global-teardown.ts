import { stopSharedChromium } from '../browser/chromium';
import { stopSharedDistributedPlatform } from '../support/distributed-platform';

export default async function globalTeardown(): Promise<void> {
  // The distributed run's shared platform first: its processes use the database server.
  await stopSharedDistributedPlatform();
  await stopSharedChromium();
  // Each selected project (medium, e2e) runs this teardown: the server is stopped by the first.
  const postgres = globalThis.__BRIDGE_TEST_POSTGRES__;
  globalThis.__BRIDGE_TEST_POSTGRES__ = undefined;
  await postgres?.stop();
}
