import { Command, Option } from 'commander';
import { DEMO_USERS } from '../modules/demo/demo.data';
import { type DemoScale, hasAnyArea, seedDemo } from '../modules/demo/demo.seed';
import { type Config, ConfigError, loadConfig } from '../platform/config';
import { resolveFieldCrypto } from '../platform/crypto';
import { type Database, migrationStatus, openDatabase } from '../platform/db';
import { buildApp } from '../platform/http';
import { DataDirLockedError } from '../platform/lock';
import { VERSION } from '../platform/version';
import { createAdmin } from './create-admin';

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
