import 'reflect-metadata';
import { verifyAuditChain } from '#audit';
import { getConfig } from '#config';
import { createLogger } from '#logging';
import { createDataSource, resolveDatabase } from '#persistence';

/** `npm run audit:verify`: recomputes the audit hash chain; exit code 1 when it is broken. */
async function main(): Promise<void> {
  const config = getConfig();
  const logger = createLogger({ level: 'warn', name: 'audit-verify' });
  const database = await resolveDatabase(config, logger);
  const ds = createDataSource(database.url, { poolSize: 1, applicationName: 'matpunkt-audit-verify' });
  await ds.initialize();
  const started = Date.now();
  const result = await verifyAuditChain(ds);
  await ds.destroy();
  await database.stop();
  if (result.ok) {
    process.stdout.write(`Audit chain OK / Granskningskedjan är hel: ${result.checked} events in ${Date.now() - started} ms.\n`);
  } else {
    process.stdout.write(
      `AUDIT CHAIN BROKEN / GRANSKNINGSKEDJAN ÄR BRUTEN at event ${result.firstBrokenId}: ${result.reason} (${result.checked} events verified before it).\n`,
    );
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
