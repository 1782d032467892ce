import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const isMasterKey = (v: string) => Buffer.from(v, 'base64').length === 32;

const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port'),
    HOST: z.string().min(1).default('127.0.0.1').describe('Interface to listen on'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: 'must start with postgres:// or postgresql://' })
      .optional()
      .describe('PostgreSQL connection string; when unset the embedded PGlite database is used'),
    LINLI_DATA_DIR: z.string().min(1).default('./data').describe('PGlite data directory'),
    LINLI_DEMO_PASSWORD: z
      .string()
      .min(8)
      .max(128)
      .default('linli-demo')
      .describe('Password of demo accounts'),
    LINLI_SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(12),
    LINLI_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
    LINLI_LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    LINLI_SECURE_COOKIES: booleanFlag.default(false).describe('Set true when served over HTTPS'),
    LINLI_TRUST_PROXY: booleanFlag.default(false).describe('Trust X-Forwarded-* from a reverse proxy'),
    LINLI_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LINLI_PG_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    LINLI_ENCRYPTION_KEY: z
      .string()
      .refine(isMasterKey, {
        error: 'must be 32 random bytes in base64 (openssl rand -base64 32)',
      })
      .optional()
      .describe(
        'Master key for sensitive fields; on PGlite a key file beside the data directory is used when unset',
      ),
    LINLI_ENCRYPTION_KEYS_PREVIOUS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
      )
      .optional()
      .describe(
        'Keys sensitive fields were written under before LINLI_ENCRYPTION_KEY (comma-separated base64): still read, never written; drop them once `linli rotate-key --check` reports none in use',
      ),
    LINLI_PUBLIC_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' })
      .refine((v) => !/[?#]/.test(v), { error: 'must not carry a query or fragment' })
      // The resident's page, its assets and its API calls live at the site's root: under a path prefix
      // every QR code would open a page that cannot load.
      .refine((v) => !URL.canParse(v) || new URL(v).pathname === '/', {
        error: 'must be the site’s root, without a path',
      })
      .transform((v) => v.replace(/\/+$/, ''))
      .optional()
      .describe(
        'The address residents reach Linli at (QR codes and posters of forms); when unset, the address the console is opened at',
      ),
    LINLI_REVEAL_LIMIT_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(60),
    LINLI_FORM_SUBMITS_PER_IP_PER_MINUTE: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      // Mobile carriers put many phones behind one address: generous, it only stops floods.
      .default(60)
      .describe('Public form answers (and withdrawals) one address may send per minute'),
    LINLI_FORM_SUBMITS_PER_FORM_PER_MINUTE: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(6000)
      .describe('Public form answers one form accepts per minute, all senders together'),
  })
  .superRefine((env, ctx) => {
    // On a shared server the key must come from the operator, never from a file the app invents.
    if (env.DATABASE_URL && !env.LINLI_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['LINLI_ENCRYPTION_KEY'],
        message: 'is required with DATABASE_URL (openssl rand -base64 32)',
      });
    }
    // With the embedded database's key file, previous keys are further lines of that file (ADR 0010).
    const previous = env.LINLI_ENCRYPTION_KEYS_PREVIOUS ?? [];
    const problem = (message: string) =>
      ctx.addIssue({ code: 'custom', path: ['LINLI_ENCRYPTION_KEYS_PREVIOUS'], message });
    if (previous.length && !env.LINLI_ENCRYPTION_KEY)
      problem('is read only with LINLI_ENCRYPTION_KEY (the key file keeps previous keys as further lines)');
    // Keys are counted from 1 and compared as bytes: one key may be written in base64 more than one way.
    const seen = new Map<string, number>();
    if (env.LINLI_ENCRYPTION_KEY && isMasterKey(env.LINLI_ENCRYPTION_KEY))
      seen.set(Buffer.from(env.LINLI_ENCRYPTION_KEY, 'base64').toString('hex'), 0);
    previous.forEach((key, index) => {
      const n = index + 1;
      if (!isMasterKey(key)) {
        problem(
          `key ${n} of ${previous.length} must be 32 random bytes in base64 (keys separated by commas)`,
        );
        return;
      }
      const bytes = Buffer.from(key, 'base64').toString('hex');
      const first = seen.get(bytes);
      if (first === 0) problem(`key ${n} repeats LINLI_ENCRYPTION_KEY: list only keys that came before it`);
      else if (first !== undefined) problem(`key ${n} repeats key ${first}`);
      else seen.set(bytes, n);
    });
  })
  .transform((env) => ({
    port: env.PORT,
    host: env.HOST,
    database: env.DATABASE_URL
      ? ({ kind: 'postgres', url: env.DATABASE_URL, poolSize: env.LINLI_PG_POOL_SIZE } as const)
      : ({ kind: 'pglite', dataDir: env.LINLI_DATA_DIR } as const),
    demoPassword: env.LINLI_DEMO_PASSWORD,
    sessionTtlHours: env.LINLI_SESSION_TTL_HOURS,
    loginMaxFailures: env.LINLI_LOGIN_MAX_FAILURES,
    loginLockMinutes: env.LINLI_LOGIN_LOCK_MINUTES,
    secureCookies: env.LINLI_SECURE_COOKIES,
    trustProxy: env.LINLI_TRUST_PROXY,
    logLevel: env.LINLI_LOG_LEVEL,
    encryptionKey: env.LINLI_ENCRYPTION_KEY ?? null,
    previousEncryptionKeys: env.LINLI_ENCRYPTION_KEYS_PREVIOUS ?? [],
    publicUrl: env.LINLI_PUBLIC_URL ?? null,
    revealLimitPerHour: env.LINLI_REVEAL_LIMIT_PER_HOUR,
    formSubmitsPerIpPerMinute: env.LINLI_FORM_SUBMITS_PER_IP_PER_MINUTE,
    formSubmitsPerFormPerMinute: env.LINLI_FORM_SUBMITS_PER_FORM_PER_MINUTE,
  }));

export type Config = z.infer<typeof ConfigSchema>;
export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolSize: number }
  /** dataDir null: an in-memory database (tests, benchmarks). */
  | { kind: 'pglite'; dataDir: string | null };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The only place that reads the environment. Lists every problem at once, then refuses. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = ConfigSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return result.data;
}

export const CONFIG_DOC = ConfigSchema;
