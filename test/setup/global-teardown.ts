export default async function globalTeardown(): Promise<void> {
  await globalThis.__BRIDGE_TEST_POSTGRES__?.stop();
}
