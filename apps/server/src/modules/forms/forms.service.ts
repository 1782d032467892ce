import {
  type Answers,
  type ChainEntries,
  type FormAction,
  type FormCreate,
  type FormDefinition,
  type FormListQuery,
  type FormUpdate,
  fieldsOf,
  maskPersonName,
  type PrivacyNotice,
} from '@linli/shared';
import { assertVersion } from '../../platform/concurrency';
import { type ServiceContext, systemContext } from '../../platform/context';
import type { Db, Tx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import {
  authorize,
  authorizeFor,
  coveringGrant,
  hasPermission,
  type Scope,
  type Scoped,
} from '../../platform/scope';
import { findAreaInScope } from '../areas/areas.repository';
import { diffFields, writeAudit } from '../audit/audit.service';
import { formNotFound } from './forms.errors';
import { presentChainEntry, presentChainFields, presentForm, presentFormSummary } from './forms.presenter';
import {
  chainRows,
  choiceCounts,
  deleteAnswersBefore,
  type FormWithArea,
  findFormById,
  findFormInScope,
  findVersion,
  insertForm,
  insertVersion,
  listFormsInScope,
  liveCounts,
  liveCountsByVersion,
  updateFormRow,
  versionRetentions,
  versionsOf,
} from './forms.repository';
import {
  fieldFor,
  formatReference,
  hasCapacities,
  hasQuestions,
  limitEnforceable,
  newSlug,
  publicState,
  remainingOf,
  stableStringify,
  unknownTagOption,
} from './forms.rules';
import type { FormRow } from './forms.table';
import { FORM_TEMPLATES_BY_KEY, formTemplates } from './forms.templates';

const AUDITED_FIELDS = [
  'title',
  'titleEn',
  'description',
  'descriptionEn',
  'mode',
  'privacy',
  'submissionLimit',
  'opensAt',
  'closesAt',
  'status',
] as const;

/**
 * The builder saves often; the audit row says which questions the draft had rather than copying it
 * whole each time. What residents were asked is kept in full in the frozen versions.
 */
const draftOutline = (d: FormDefinition) => fieldsOf(d).map((f) => `${f.key}:${f.type}`);

function formChanges(before: FormRow | null, after: Record<string, unknown> & { draft: FormDefinition }) {
  const changes = diffFields<Record<string, unknown>>(before, after, [...AUDITED_FIELDS, 'template']);
  const to = draftOutline(after.draft);
  if (!before) changes.draft = { to };
  else if (stableStringify(before.draft) !== stableStringify(after.draft))
    changes.draft = { from: draftOutline(before.draft), to };
  return changes;
}

/** What a new blank form starts with: one empty section and a notice the worker is asked to adapt. */
const DEFAULT_PRIVACY: PrivacyNotice = {
  purpose: '用于本社区开展本次登记工作，不作他用',
  purposeEn: 'Used by the community for this registration only, and for nothing else',
  audience: '本社区居委会负责此项工作的工作人员',
  audienceEn: 'The residents’ committee staff in charge of this work',
  retentionDays: 180,
};
const BLANK_DEFINITION: FormDefinition = { sections: [{ title: '', fields: [] }] };

const placeOf = (f: Pick<FormRow, 'districtId' | 'streetId' | 'communityId'>): Scoped => ({
  districtId: f.districtId,
  streetId: f.streetId,
  communityId: f.communityId,
});

/**
 * Where the form stands for a caller lacking the permission asked for (403 inside their reach, 404
 * beyond). A street-wide form that community staff see stands where their community stands.
 */
const formTarget =
  (ctx: ServiceContext, id: string) =>
  async (reach: Scope): Promise<Scoped | undefined> => {
    const row = await findFormInScope(ctx.db, reach, id, { streetWide: true });
    if (!row) return undefined;
    const place = placeOf(row.form);
    if (coveringGrant(reach, place)) return place;
    const seenFrom = reach.grants.find((g) => g.streetId === place.streetId && g.communityId);
    return seenFrom ? { ...place, communityId: seenFrom.communityId } : undefined;
  };

function canManage(ctx: ServiceContext, f: FormRow) {
  if (!hasPermission(ctx.actor, 'form.manage')) return false;
  return coveringGrant(authorize(ctx.actor, 'form.manage'), placeOf(f)) !== null;
}

async function readable(ctx: ServiceContext, id: string): Promise<FormWithArea> {
  const scope = await authorizeFor(ctx.actor, 'form.read', 'form.not_found', formTarget(ctx, id));
  const row = await findFormInScope(ctx.db, scope, id, { streetWide: true });
  if (!row) throw formNotFound();
  return row;
}

const stateOf = (f: FormRow, definition: FormDefinition | null, taken = {}) =>
  f.status === 'published' || f.status === 'closed'
    ? publicState(f, definition ?? BLANK_DEFINITION, taken, new Date())
    : null;

export async function listForms(ctx: ServiceContext, q: FormListQuery) {
  const scope = authorize(ctx.actor, 'form.read');
  const rows = await listFormsInScope(ctx.db, scope, q);
  const page = rows.slice(0, q.limit);
  const counts = await liveCounts(
    ctx.db,
    page.map((r) => r.form.id),
  );
  return {
    items: page.map((r) =>
      presentFormSummary(r, {
        submissionCount: counts.get(r.form.id) ?? 0,
        state: stateOf(r.form, null),
        canManage: canManage(ctx, r.form),
      }),
    ),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.form.id : null,
  };
}

export async function getForm(ctx: ServiceContext, id: string) {
  const row = await readable(ctx, id);
  return present(ctx, row);
}

async function present(ctx: ServiceContext, row: FormWithArea) {
  const f = row.form;
  const versions = await versionsOf(ctx.db, f.id);
  const byVersion = await liveCountsByVersion(ctx.db, f.id);
  const latest = versions[0]?.version ?? null;
  const taken = latest && hasCapacities(latest.definition) ? await choiceCounts(ctx.db, f.id) : {};
  return presentForm(row, {
    submissionCount: [...byVersion.values()].reduce((a, b) => a + b, 0),
    state: stateOf(f, latest?.definition ?? null, taken),
    versions: versions.map((v) => ({ ...v, submissionCount: byVersion.get(v.version.versionNo) ?? 0 })),
    draftChanged: !latest || frozenOf(f) !== frozenOf(latest),
    canManage: canManage(ctx, f),
    publicBaseUrl: ctx.config.publicUrl,
  });
}

/** What publishing freezes, as one comparable string. */
const frozenOf = (v: {
  title: string;
  titleEn: string;
  description: string;
  descriptionEn: string;
  privacy: unknown;
  draft?: unknown;
  definition?: unknown;
}) =>
  stableStringify([v.title, v.titleEn, v.description, v.descriptionEn, v.privacy, v.draft ?? v.definition]);

export function listTemplates() {
  return { items: formTemplates() };
}

export async function createForm(ctx: ServiceContext, body: FormCreate) {
  const scope = await authorizeFor(ctx.actor, 'form.manage', 'area.not_found', (reach) =>
    findAreaInScope(ctx.db, reach, body.areaId),
  );
  const area = await findAreaInScope(ctx.db, scope, body.areaId);
  if (!area) throw new AppError('area.not_found');
  if ((area.kind !== 'street' && area.kind !== 'community') || !area.streetId)
    throw new AppError('form.area_kind');
  const template = body.template ? FORM_TEMPLATES_BY_KEY[body.template] : null;
  const id = newId();
  const values = {
    id,
    districtId: area.districtId,
    streetId: area.streetId,
    communityId: area.kind === 'community' ? area.id : null,
    areaId: area.id,
    slug: newSlug(),
    mode: body.mode ?? template?.mode ?? 'form',
    status: 'draft' as const,
    title: body.title,
    titleEn: body.titleEn ?? template?.titleEn ?? '',
    description: body.description ?? template?.description ?? '',
    descriptionEn: body.descriptionEn ?? template?.descriptionEn ?? '',
    // A copy: later edits to the template never reach forms made from it.
    draft: structuredClone(template?.definition ?? BLANK_DEFINITION),
    privacy: structuredClone(template?.privacy ?? DEFAULT_PRIVACY),
    submissionLimit: template?.submissionLimit ?? ('none' as const),
    template: body.template ?? null,
    createdBy: ctx.actor.userId,
  };
  await ctx.db.transaction(async (tx) => {
    await insertForm(tx, values);
    await writeAudit(tx, ctx, {
      action: 'form.create',
      entityType: 'form',
      entityId: id,
      scope: placeOf(values),
      changes: formChanges(null, values),
    });
  });
  return getForm(ctx, id);
}

/**
 * Loads the form for a change under its row lock, checking scope, permission and version. A street-wide
 * form that community staff can read but not manage is refused with 403, not hidden.
 */
async function forChange(tx: Tx, scope: Scope, id: string, version: number) {
  const row = await findFormInScope(tx, scope, id, { forUpdate: true });
  if (!row) {
    if (await findFormInScope(tx, scope, id, { streetWide: true })) throw new AppError('auth.forbidden');
    throw formNotFound();
  }
  assertVersion(row.form, version, 'form.version_conflict', (r) =>
    presentFormSummary({ ...row, form: r }, { submissionCount: 0, state: null, canManage: true }),
  );
  if (row.form.status === 'archived') throw new AppError('form.archived');
  return row.form;
}

export async function updateForm(ctx: ServiceContext, id: string, body: FormUpdate) {
  const scope = await authorizeFor(ctx.actor, 'form.manage', 'form.not_found', formTarget(ctx, id));
  await ctx.db.transaction(async (tx) => {
    const f = await forChange(tx, scope, id, body.version);
    const { version: _, opensAt, closesAt, ...rest } = body;
    const patch: Partial<FormRow> = { ...rest };
    if (opensAt !== undefined) patch.opensAt = opensAt ? new Date(opensAt) : null;
    if (closesAt !== undefined) patch.closesAt = closesAt ? new Date(closesAt) : null;
    // Answers already taken in one mode keep their meaning: the mode is fixed once published.
    if (patch.mode && patch.mode !== f.mode && f.currentVersionNo !== null)
      throw new AppError('form.invalid_state');
    const next = { ...f, ...patch };
    if (next.opensAt && next.closesAt && next.opensAt >= next.closesAt) throw new AppError('form.bad_window');
    // The limit is live on what residents are answering now, so it must be enforceable on that version.
    if (patch.submissionLimit && patch.submissionLimit !== f.submissionLimit && f.currentVersionNo) {
      const live = await findVersion(tx, id, f.currentVersionNo);
      if (live && !limitEnforceable(live.definition, patch.submissionLimit))
        throw new AppError('form.limit_needs_field');
    }
    const changes = formChanges(f, next);
    if (Object.keys(changes).length === 0) return;
    await updateFormRow(tx, id, patch);
    await writeAudit(tx, ctx, {
      action: 'form.update',
      entityType: 'form',
      entityId: id,
      scope: placeOf(f),
      changes,
    });
  });
  return getForm(ctx, id);
}

/**
 * Freezes the draft (with title, description and privacy notice) into a new version that new visitors
 * get; answers keep the version they were given on. A closed form is published again by reopening.
 */
export async function publishForm(ctx: ServiceContext, id: string, body: FormAction) {
  const scope = await authorizeFor(ctx.actor, 'form.manage', 'form.not_found', formTarget(ctx, id));
  await ctx.db.transaction(async (tx) => {
    const f = await forChange(tx, scope, id, body.version);
    if (!hasQuestions(f.draft)) throw new AppError('form.nothing_to_ask');
    if (!limitEnforceable(f.draft, f.submissionLimit)) throw new AppError('form.limit_needs_field');
    const badTag = unknownTagOption(f.draft);
    if (badTag)
      throw new AppError(
        'form.tag_option_unknown',
        { field: badTag.field.label },
        {
          field: badTag.field.key,
          option: badTag.option,
          issues: [{ path: badTag.path, code: 'maps_tag_option' }],
        },
      );
    const latest = f.currentVersionNo ? await findVersion(tx, id, f.currentVersionNo) : null;
    const unchanged = latest && frozenOf(f) === frozenOf(latest);
    const now = new Date();
    let versionId = f.currentVersionId;
    let versionNo = f.currentVersionNo;
    if (!unchanged) {
      versionId = newId();
      versionNo = (f.currentVersionNo ?? 0) + 1;
      await insertVersion(tx, {
        id: versionId,
        formId: id,
        streetId: f.streetId,
        versionNo,
        title: f.title,
        titleEn: f.titleEn,
        description: f.description,
        descriptionEn: f.descriptionEn,
        definition: f.draft,
        privacy: f.privacy,
        publishedAt: now,
        publishedBy: ctx.actor.userId,
      });
    } else if (f.status === 'published') {
      return;
    }
    await updateFormRow(tx, id, {
      status: 'published',
      currentVersionId: versionId,
      currentVersionNo: versionNo,
      publishedAt: now,
    });
    await writeAudit(tx, ctx, {
      action: 'form.publish',
      entityType: 'form',
      entityId: id,
      scope: placeOf(f),
      changes: {
        status: { from: f.status, to: 'published' },
        versionNo: { from: f.currentVersionNo, to: versionNo },
      },
    });
  });
  return getForm(ctx, id);
}

const TRANSITIONS = {
  close: { from: ['published'], to: 'closed' },
  reopen: { from: ['closed'], to: 'published' },
  archive: { from: ['draft', 'published', 'closed'], to: 'archived' },
} as const;

export async function changeStatus(
  ctx: ServiceContext,
  id: string,
  action: keyof typeof TRANSITIONS,
  body: FormAction,
) {
  const scope = await authorizeFor(ctx.actor, 'form.manage', 'form.not_found', formTarget(ctx, id));
  const t = TRANSITIONS[action];
  await ctx.db.transaction(async (tx) => {
    const f = await forChange(tx, scope, id, body.version);
    if (!(t.from as readonly string[]).includes(f.status)) throw new AppError('form.invalid_state');
    const patch: Partial<FormRow> = { status: t.to };
    // Reopening a form whose closing time has passed would reopen nothing: that time is cleared.
    if (action === 'reopen' && f.closesAt && f.closesAt <= new Date()) patch.closesAt = null;
    await updateFormRow(tx, id, patch);
    await writeAudit(tx, ctx, {
      action: `form.${action}`,
      entityType: 'form',
      entityId: id,
      scope: placeOf(f),
      changes: formChanges(f, { ...f, ...patch }),
    });
  });
  return getForm(ctx, id);
}

/**
 * The organiser's chain: every entry in order, names in clear for those who manage the form, each
 * entry's choices in the words of the version it was given on.
 */
export async function chainOf(ctx: ServiceContext, id: string): Promise<ChainEntries> {
  const { form } = await readable(ctx, id);
  const clear = canManage(ctx, form);
  const rows = await chainRows(ctx.db, form.id, 5000);
  const versions = new Map<number, FormDefinition>();
  const definitionOf = async (versionNo: number) => {
    if (!versions.has(versionNo))
      versions.set(versionNo, (await findVersion(ctx.db, form.id, versionNo))!.definition);
    return versions.get(versionNo)!;
  };
  const latest = form.currentVersionNo ? await definitionOf(form.currentVersionNo) : null;
  const items = [];
  for (const [i, r] of rows.entries()) {
    const definition = await definitionOf(r.versionNo);
    let name: string | null = r.summary.maskedName ?? null;
    if (clear && r.summary.maskedName) {
      const answers = JSON.parse(ctx.crypto.decrypt(r.answersEnc)) as Answers;
      const field =
        fieldFor(definition, 'resident.name', null) ?? fieldsOf(definition).find((f) => f.key === 'name');
      const value = field ? answers[field.key] : undefined;
      name = typeof value === 'string' ? value : maskPersonName(name ?? '');
    }
    items.push(
      presentChainEntry(r, { no: i + 1, reference: formatReference(r.reference), name, definition }),
    );
  }
  const taken = await choiceCounts(ctx.db, form.id);
  const newestFirst = [...versions.entries()].sort(([a], [b]) => b - a).map(([, d]) => d);
  return {
    items,
    fields: presentChainFields(newestFirst),
    clear,
    remaining: latest ? remainingOf(latest, taken) : {},
  };
}

// ——— Retention ———

/**
 * Deletes answers kept longer than their version's privacy notice promised, one transaction and one
 * `form.purge` audit row per form. Run at start and hourly by the server.
 */
export async function purgeExpiredAnswers(db: Db, now: Date): Promise<{ formId: string; purged: number }[]> {
  // Deletes, never decrypts: no key and no setting is needed, only who acted for the audit row.
  const ctx = systemContext(db, undefined as never, undefined as never, 'forms-retention');
  const byForm = new Map<string, { id: string; retentionDays: number }[]>();
  for (const v of await versionRetentions(db)) {
    const list = byForm.get(v.formId) ?? [];
    list.push({ id: v.id, retentionDays: Number(v.retentionDays) });
    byForm.set(v.formId, list);
  }
  const out: { formId: string; purged: number }[] = [];
  for (const [formId, versions] of byForm) {
    const purged = await db.transaction(async (tx) => {
      let n = 0;
      for (const v of versions)
        n += await deleteAnswersBefore(
          tx,
          formId,
          v.id,
          new Date(now.getTime() - v.retentionDays * 86_400_000),
        );
      if (n === 0) return 0;
      const form = await findFormById(tx, formId);
      if (form) {
        await writeAudit(tx, ctx, {
          action: 'form.purge',
          entityType: 'form',
          entityId: formId,
          scope: placeOf(form),
          changes: { purged: { to: n } },
          reason: 'retention',
        });
      }
      return n;
    });
    if (purged > 0) out.push({ formId, purged });
  }
  return out;
}
