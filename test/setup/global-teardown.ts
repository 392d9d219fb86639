export default async function globalTeardown(): Promise<void> {
  // Each selected project (medium, e2e) runs this teardown: the server is stopped by the first.
  const postgres = globalThis.__BRIDGE_TEST_POSTGRES__;
  globalThis.__BRIDGE_TEST_POSTGRES__ = undefined;
  await postgres?.stop();
}
