export default async function globalTeardown(): Promise<void> {
  await globalThis.__MATPUNKT_EMBEDDED_PG__?.stop();
  globalThis.__MATPUNKT_EMBEDDED_PG__ = undefined;
}
