import 'reflect-metadata';
import { swedishToday } from '#domain';
import { getConfig } from '#config';
import { AggregationEngine } from '#aggregation';
import { createLogger } from '#logging';
import { createDataSource, IdentityCrypto, resolveDatabase, retentionDryRun, runRetention } from '#persistence';

/**
 * `npm run retention:dry-run [-- --on=YYYY-MM-DD]`: what a retention run would delete and keep, per municipality.
 * `npm run retention:run [-- --on=YYYY-MM-DD]`: runs it now (as the nightly job does) and prints the reconciliation.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const execute = args.includes('--run');
  const on = args.find((a) => a.startsWith('--on='))?.slice(5) ?? swedishToday();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(on)) throw new Error('--on must be a date YYYY-MM-DD');
  const config = getConfig();
  const logger = createLogger({ level: 'warn', name: 'retention' });
  const database = await resolveDatabase(config, logger);
  const ds = createDataSource(database.url, { poolSize: 2, applicationName: 'matpunkt-retention' });
  await ds.initialize();
  const crypto = new IdentityCrypto(config.pii.encryptionKey, config.pii.indexKey);
  const rule = { years: config.retention.years, keepBirthDays: config.retention.keepBirthDays };
  try {
    if (!execute) {
      const report = await retentionDryRun(ds.manager, crypto, { rule, referenceDate: on });
      process.stdout.write(`Retention dry run / Gallring, provkörning: ${on}; last entry before ${report.cutoffDate} is due; ` +
        `${rule.years} years; kept birth days: ${rule.keepBirthDays.join(', ') || 'none'}\n`);
      for (const m of report.municipalities) {
        process.stdout.write(
          `${m.code} ${m.name}: due ${m.expected} = delete ${m.toDelete} + kept ${m.kept} ${JSON.stringify(m.keptByReason)}; ` +
            `held by an open episode ${m.heldByOpenEpisode}; rows ${JSON.stringify(m.rows)}\n`,
        );
      }
      return;
    }
    // Queue-less engine: the retention takes contributions out of the cells; the worker's sweep recomputes the figures.
    const engine = new AggregationEngine(ds, async () => undefined);
    const result = await runRetention(ds, crypto, {
      rule,
      referenceDate: on,
      trigger: 'manual',
      batchSize: config.retention.batchSize,
      beforeDelete: (tx, municipalityId, clientIds) => engine.forgetClients(tx, municipalityId, clientIds),
    });
    if (result.locked) {
      process.stdout.write('Another retention run holds the lock; nothing done.\n');
      process.exitCode = 1;
      return;
    }
    for (const r of result.runs) {
      process.stdout.write(
        `${r.municipalityId}: expected ${r.expected}, deleted ${r.deleted}, kept ${r.kept} ${JSON.stringify(r.keptByReason)}, ` +
          `skipped ${r.skipped}, difference ${r.difference}, remaining due ${r.remainingDue}\n`,
      );
      if (r.difference !== 0 || r.remainingDue !== 0) process.exitCode = 1;
    }
  } finally {
    await ds.destroy();
    await database.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
