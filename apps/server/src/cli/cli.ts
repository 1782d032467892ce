import { Command, InvalidArgumentError, Option } from 'commander';
import { DEMO_USERS } from '../modules/demo/demo.data';
import { type DemoScale, hasAnyArea, seedDemo } from '../modules/demo/demo.seed';
import { type Config, ConfigError, loadConfig } from '../platform/config';
import { addKeyToKeyFile, keyFilePath, resolveFieldCrypto } from '../platform/crypto';
import { type Database, migrationStatus, openDatabase } from '../platform/db';
import { buildApp } from '../platform/http';
import { DataDirLockedError } from '../platform/lock';
import { VERSION } from '../platform/version';
import { createAdmin } from './create-admin';
import { countLines, remainingUnderOldKeys, rotateKeys, total } from './rotate-key';

/** Boot failures a person can act on are printed plainly and exit non-zero; anything else is a bug. */
async function run(task: () => Promise<void>) {
  try {
    await task();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      console.error(`linli: ${error.message}`);
      process.exit(2);
    }
    // Database errors carry the whole statement (with its parameters): print only the cause.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    console.error('linli: failed:', cause instanceof Error ? cause.message.slice(0, 500) : cause);
    process.exit(1);
  }
}

async function withDatabase<T>(fn: (database: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const database = await openDatabase(config.database);
  try {
    return await fn(database, config);
  } finally {
    await database.close();
  }
}

function describeDatabase(config: Config) {
  return config.database.kind === 'postgres'
    ? 'PostgreSQL (DATABASE_URL)'
    : `PGlite embedded database in ${config.database.dataDir ?? 'memory'}`;
}

const program = new Command('linli').description('Linli (邻里) neighbourhood work platform').version(VERSION);

program
  .command('serve')
  .description('Migrate the database and serve the API and console')
  .option('--seed-demo-if-empty', 'load the demo street when the database holds no areas yet')
  .action((opts: { seedDemoIfEmpty?: boolean }) =>
    run(async () => {
      const config = loadConfig(process.env);
      const database = await openDatabase(config.database);
      let app: Awaited<ReturnType<typeof buildApp>> | null = null;
      // Installed before migrating and seeding, so a stop at any point closes the database and the lock.
      const shutdown = async (signal: string) => {
        console.log(`linli: ${signal}: shutting down`);
        await app?.close();
        await database.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      const crypto = resolveFieldCrypto(config);
      await database.migrate();
      let seeded = false;
      if (opts.seedDemoIfEmpty && !(await hasAnyArea(database.db))) {
        console.log('linli: first start: loading the demo street …');
        seeded = (
          await seedDemo(database.db, { scale: 'community', password: config.demoPassword, crypto, config })
        ).created;
      }
      app = await buildApp({ config, database, crypto });
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
      console.log(`\nLinli ${VERSION} is running at ${url}  (${describeDatabase(config)})`);
      if (opts.seedDemoIfEmpty || seeded) {
        console.log(
          `Demo accounts (password: ${config.demoPassword === 'linli-demo' ? 'linli-demo' : 'LINLI_DEMO_PASSWORD'}):`,
        );
        for (const u of DEMO_USERS) console.log(`  ${u.username.padEnd(18)} ${u.role}`);
      }
    }),
  );

program
  .command('migrate')
  .description('Apply pending database migrations')
  .action(() =>
    run(() =>
      withDatabase(async (database) => {
        await database.migrate();
        const status = await migrationStatus(database.db);
        console.log(`linli: migrations applied (${status.applied}/${status.shipped}).`);
      }),
    ),
  );

program
  .command('seed-demo')
  .description('Load the fictional demo street (never on a production database)')
  .addOption(
    new Option('--scale <scale>', 'community: 3 communities; street: 49 communities (~250,000 residents)')
      .choices(['community', 'street'])
      .default('community'),
  )
  .action((opts: { scale: DemoScale }) =>
    run(() =>
      withDatabase(async (database, config) => {
        await database.migrate();
        const started = Date.now();
        const result = await seedDemo(database.db, {
          scale: opts.scale,
          password: config.demoPassword,
          crypto: resolveFieldCrypto(config),
          config,
        });
        console.log(
          result.created
            ? `linli: demo street loaded: ${result.communities} communities, ${result.dwellings} dwellings, ${result.residents} residents, ${result.answers} form answers in ${((Date.now() - started) / 1000).toFixed(1)} s.`
            : 'linli: the demo street is already there; nothing changed.',
        );
      }),
    ),
  );

program
  .command('create-admin')
  .description('Create a district administrator (and the district if it does not exist yet)')
  .requiredOption('--username <username>')
  .requiredOption('--name <name>', 'the person’s name')
  .requiredOption('--district <name>', 'district name, e.g. 浦东新区')
  .option('--district-code <code>', 'GB/T 2260 six-digit code')
  .option('--password <password>', 'temporary password; generated and printed when omitted')
  .action(
    (opts: { username: string; name: string; district: string; districtCode?: string; password?: string }) =>
      run(() =>
        withDatabase(async (database, config) => {
          await database.migrate();
          const result = await createAdmin(database.db, config, opts);
          console.log(`linli: administrator ${result.username} created for ${result.district}.`);
          if (result.generatedPassword)
            console.log(`Temporary password (change at first sign-in): ${result.generatedPassword}`);
        }),
      ),
  );

/** Exit status of `rotate-key` when values remain under an old key: not a failure of the command itself. */
const VALUES_REMAIN = 3;

/** A batch is one UPDATE of up to seven parameters a row, and PostgreSQL takes 65,535 parameters at most. */
const MAX_BATCH_SIZE = 5000;

function batchSize(value: string) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BATCH_SIZE)
    throw new InvalidArgumentError(`a whole number from 1 to ${MAX_BATCH_SIZE}`);
  return n;
}

program
  .command('rotate-key')
  .description(
    'Re-encrypt every sensitive value and recompute every keyed hash under the current key (docs/adr/0010-key-rotation.md)',
  )
  .option(
    '--check',
    `count values still under another key, change nothing; exit ${VALUES_REMAIN} if any remain`,
  )
  .option(
    '--new-key',
    'embedded database without LINLI_ENCRYPTION_KEY: first put a fresh key at the top of the key file (the old keys stay below it)',
  )
  .addOption(new Option('--batch-size <rows>', 'rows per transaction').default(500).argParser(batchSize))
  .action((opts: { check?: boolean; newKey?: boolean; batchSize: number }) =>
    run(async () => {
      if (opts.newKey) refuseNewKey(loadConfig(process.env), opts);
      await withDatabase(async (database, config) => {
        // Written only once the database is open: on PGlite that lock proves no server is running.
        if (opts.newKey && config.database.kind === 'pglite' && config.database.dataDir) {
          // The file exists from the first start; a brand-new directory gets one now, then the new key on top.
          resolveFieldCrypto(config);
          const keyId = addKeyToKeyFile(config.database.dataDir);
          console.log(`linli: new key ${keyId} written to ${keyFilePath(config.database.dataDir)}.`);
        }
        const crypto = resolveFieldCrypto(config);
        const previous = crypto.previous.map((k) => k.keyId).join(', ') || 'none';
        console.log(`linli: current key ${crypto.keyId}; previous keys: ${previous}.`);
        if (opts.check) {
          const status = await migrationStatus(database.db);
          if (status.applied !== status.shipped)
            throw new Error('migrations are pending: run `linli migrate` first');
          const remaining = await remainingUnderOldKeys(database.db, crypto);
          console.log('Values under another key than the current one:');
          for (const line of countLines(remaining)) console.log(line);
          reportRemaining(total(remaining), 'keep every previous key configured and run `linli rotate-key`');
          return;
        }
        await database.migrate();
        const started = Date.now();
        const { rotated, remaining } = await rotateKeys(database.db, config, crypto, {
          batchSize: opts.batchSize,
          log: (line) => console.log(line),
        }).catch((error: unknown) => {
          console.error(
            'linli: rotate-key stopped. The batches before it are kept and recorded; no value is lost. Fix the cause below, then run `linli rotate-key` again (without --new-key), with the same keys.',
          );
          throw error;
        });
        console.log(
          `Rewritten under key ${crypto.keyId} in ${((Date.now() - started) / 1000).toFixed(1)} s:`,
        );
        for (const line of countLines(rotated)) console.log(line);
        // The job has just been through every table: a value under an old key now was written meanwhile.
        reportRemaining(
          total(remaining),
          'they were written while the job ran (is a server still running with the old key as current?): run `linli rotate-key` again',
        );
      });
    }),
  );

function refuseNewKey(config: Config, opts: { check?: boolean }) {
  if (opts.check) throw new Error('--check changes nothing: it cannot be combined with --new-key');
  if (config.encryptionKey || config.database.kind !== 'pglite' || !config.database.dataDir)
    throw new Error(
      '--new-key writes the embedded database’s key file; with LINLI_ENCRYPTION_KEY, set the new key there and list the old one in LINLI_ENCRYPTION_KEYS_PREVIOUS',
    );
}

function reportRemaining(left: number, whatToDo: string) {
  if (left === 0) {
    console.log(
      'linli: no value is left under a previous key: the previous keys may be dropped (from LINLI_ENCRYPTION_KEYS_PREVIOUS, or the key file’s lines below its note); keep a copy with the backups taken before.',
    );
    return;
  }
  console.log(`linli: ${left} values are still under another key: ${whatToDo}.`);
  process.exitCode = VALUES_REMAIN;
}

program
  .command('doctor')
  .description('Check configuration, database, migrations and the data-directory lock')
  .action(() =>
    run(async () => {
      const config = loadConfig(process.env);
      console.log(`config     ok (${describeDatabase(config)}, port ${config.port})`);
      const database = await openDatabase(config.database).catch((error: Error) => {
        console.log(`database   FAILED: ${error.message}`);
        process.exit(1);
      });
      console.log('database   reachable');
      if (config.database.kind === 'pglite')
        console.log('lock       acquired (no other process holds the data directory)');
      const status = await migrationStatus(database.db);
      const current = status.applied === status.shipped;
      console.log(`migrations ${current ? 'current' : 'PENDING'} (${status.applied}/${status.shipped})`);
      await database.close();
      if (!current) process.exit(1);
    }),
  );

await program.parseAsync(process.argv);
