import type { Locale } from '@linli/shared';
import type { Config } from './config';
import type { FieldCrypto } from './crypto';
import type { Db } from './db';
import type { Actor } from './scope';

export type RequestMeta = { ip: string | null; userAgent: string | null; requestId: string | null };

/** What a use case needs to know about who asks and from where; built once per request. */
export type ServiceContext = {
  db: Db;
  config: Config;
  crypto: FieldCrypto;
  actor: Actor;
  meta: RequestMeta;
  locale: Locale;
};

/** The context of the command line and the seeder: a system actor with no grants. */
export function systemContext(db: Db, config: Config, crypto: FieldCrypto, name = 'system'): ServiceContext {
  return {
    db,
    config,
    crypto,
    locale: 'zh-CN',
    meta: { ip: null, userAgent: `linli-cli/${name}`, requestId: null },
    actor: {
      kind: 'user',
      userId: null,
      tokenId: null,
      name,
      grants: [],
      sessionId: null,
      csrfToken: null,
      mustChangePassword: false,
    },
  };
}
