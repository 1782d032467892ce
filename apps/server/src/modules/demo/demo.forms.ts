import type { Answers } from '@linli/shared';
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Config } from '../../platform/config';
import type { ServiceContext } from '../../platform/context';
import type { FieldCrypto } from '../../platform/crypto';
import type { Db } from '../../platform/db';
import { isAppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { activeGrantsOf } from '../auth/auth.repository';
import { submitAnswer } from '../forms/forms.public';
import { createForm, publishForm } from '../forms/forms.service';
import { residents } from '../registry/registry.table';
import { users } from '../users/users.table';
import { STREAM, streamFor } from './demo.details';
import { birthDate, personName, residentId } from './demo.residents';

const FROM = ['江苏省南通市', '安徽省安庆市', '浙江省温州市', '河南省信阳市', '四川省达州市', '江西省上饶市'];
const JOBS: [string, string][] = [
  ['快递员', '顺丰速运'],
  ['外卖骑手', '美团配送'],
  ['护士', '区中心医院'],
  ['软件工程师', '示例科技有限公司'],
  ['家政服务员', '好帮手家政'],
  ['厨师', '老弄堂面馆'],
];
const SKILLS = ['guide', 'register', 'carry', 'elderly'];
const SHIFTS = ['morning', 'afternoon', 'evening'];
const DAY_MS = 86_400_000;

/**
 * Two forms of the kind a committee runs, with answers, so the inbox, the chain list and "apply to the
 * register" have something to show on a first start: a newcomer registration (eight people new to the
 * register, four registered residents back with a new phone) and a volunteer sign-up chain. Everything
 * goes through the forms module's own functions, as the community worker `username`, so the rows are
 * exactly what the console and the public page write.
 */
export async function seedDemoForms(
  db: Db,
  config: Config,
  crypto: FieldCrypto,
  at: { communityId: string; username: string },
): Promise<{ forms: number; answers: number }> {
  const [user] = await db.select().from(users).where(eq(users.username, at.username)).limit(1);
  if (!user) return { forms: 0, answers: 0 };
  const ctx: ServiceContext = {
    db,
    config,
    crypto,
    locale: 'zh-CN',
    meta: { ip: null, userAgent: 'linli-cli/seed-demo', requestId: null },
    actor: {
      kind: 'user',
      userId: user.id,
      tokenId: null,
      name: user.name,
      grants: await activeGrantsOf(db, user.id),
      sessionId: null,
      csrfToken: null,
      mustChangePassword: false,
    },
  };
  const people = await db
    .select({
      name: residents.name,
      sex: residents.sex,
      idNumberEnc: residents.idNumberEnc,
      phoneEnc: residents.phoneEnc,
      residenceType: residents.residenceType,
      dwellingId: residents.dwellingId,
    })
    .from(residents)
    .where(
      and(
        eq(residents.communityId, at.communityId),
        eq(residents.status, 'active'),
        isNotNull(residents.idNumberEnc),
        isNotNull(residents.phoneEnc),
      ),
    )
    .orderBy(asc(residents.namePinyin), asc(residents.id))
    .limit(22);
  if (people.length < 22) return { forms: 0, answers: 0 };

  const publish = async (title: string, template: 'newcomer' | 'volunteer') => {
    const form = await createForm(ctx, { areaId: at.communityId, title, template });
    await publishForm(ctx, form.id, { version: form.version });
    return form.slug;
  };
  let answers = 0;
  const send = async (slug: string, body: Answers) => {
    try {
      await submitAnswer(ctx, slug, newId(), { answers: body, versionNo: 1 });
      answers++;
    } catch (error) {
      // Two demo residents may share a phone number: the one-per-phone chain takes the first.
      if (!isAppError(error) || error.code !== 'form.already_submitted') throw error;
    }
  };
  const today = Date.now();
  const day = (n: number) => new Date(today - n * DAY_MS).toISOString().slice(0, 10);
  const phoneOf = (rng: ReturnType<typeof streamFor>) =>
    `1${rng.pick(['35', '39', '58', '77', '86', '89'])}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;

  const newcomer = await publish('新来人员登记', 'newcomer');
  for (let i = 0; i < 8; i++) {
    const rng = streamFor(2026, STREAM.form, i);
    const sex = rng.chance(0.5) ? 'male' : 'female';
    const from = rng.pick(FROM);
    const [occupation, employer] = rng.pick(JOBS);
    await send(newcomer, {
      name: personName(rng, sex),
      sex,
      id_number: residentId(rng, birthDate(rng, rng.int(20, 48), new Date(today)), sex),
      phone: phoneOf(rng),
      residence_type: 'non_hukou',
      arrival_date: day(rng.int(3, 60)),
      from_place: from,
      // Newcomers rent a room where someone already lives (合租, 借住).
      address: { dwellingId: people[i]!.dwellingId },
      hukou_address: `${from}${rng.pick(['人民路', '建设路', '解放路'])}${rng.int(1, 200)}号`,
      occupation,
      employer,
      consent: true,
    });
  }
  for (let i = 8; i < 12; i++) {
    const rng = streamFor(2026, STREAM.form, i);
    const p = people[i]!;
    await send(newcomer, {
      name: p.name,
      sex: p.sex ?? 'female',
      id_number: crypto.decrypt(p.idNumberEnc!),
      phone: phoneOf(rng),
      residence_type: p.residenceType ?? 'hukou',
      arrival_date: day(rng.int(1, 20)),
      from_place: rng.pick(FROM),
      address: { dwellingId: p.dwellingId },
      consent: true,
    });
  }

  const chain = await publish('周末社区义诊志愿者报名', 'volunteer');
  for (let i = 12; i < 22; i++) {
    const rng = streamFor(2026, STREAM.form, i);
    const p = people[i]!;
    await send(chain, {
      name: p.name,
      phone: crypto.decrypt(p.phoneEnc!),
      address: { dwellingId: p.dwellingId },
      shift: SHIFTS[i % SHIFTS.length]!,
      skills: SKILLS.filter(() => rng.chance(0.4)),
      fit: true,
      consent: true,
    });
  }
  return { forms: 2, answers };
}
