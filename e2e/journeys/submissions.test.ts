import { describe, expect, it } from 'vitest';
import { chooseOption } from '../support/antd';
import { screenshot } from '../support/browser';
import { api, setLocale, signIn, useJourney } from '../support/journey';

/** Unique per run, so the journey also passes against a PostgreSQL that kept the last run's data. */
const RUN = Date.now().toString(36).slice(-5);
const TITLE = `住户信息更新${RUN}`;
/** A mobile number nobody in the demo street has: 199 + the run's digits. */
const NEW_PHONE = `199${String(Date.now()).slice(-8)}`;

type Me = { grants: { areaId: string; areaKind: string }[] };
type Resident = {
  id: string;
  name: string;
  dwellingId: string;
  phoneMasked: string | null;
  status: string;
  age: number | null;
  tags: string[];
};
/** Tags a form may add, as the catalogue labels them; the journey asks for one the resident lacks. */
const FORM_TAGS = { volunteer: '志愿者', party_member: '党员', building_leader: '楼组长' } as const;
type FormRow = { id: string; slug: string; version: number };

describe('submissions journey (community worker, Chinese UI)', () => {
  const journey = useJourney();
  let resident: Resident;
  let form: FormRow;
  let tag: keyof typeof FORM_TAGS;

  it('signs in as a worker; a resident answers a published form through its public address', async () => {
    const { page } = journey;
    await signIn(page, 'worker', { waitFor: 'nav-submissions' });
    expect(await page.getByTestId('nav-submissions').textContent()).toBe('答卷');
    const me = await api<Me>(page, 'GET', '/api/me');
    const community = me.grants.find((g) => g.areaKind === 'community')!.areaId;
    const people = await api<{ items: Resident[] }>(
      page,
      'GET',
      `/api/residents?communityId=${community}&limit=50`,
    );
    // Under 60: the living-alone rule (an emergency contact for the elderly) is not what this journey is about.
    resident = people.items.find((r) => r.phoneMasked && r.status === 'active' && (r.age ?? 99) < 60)!;
    expect(resident).toBeTruthy();
    tag = (Object.keys(FORM_TAGS) as (keyof typeof FORM_TAGS)[]).find((c) => !resident.tags.includes(c))!;

    // The worker's form: name, mobile, address and a tag question, each feeding the register.
    const created = await api<FormRow>(page, 'POST', '/api/forms', { areaId: community, title: TITLE });
    const updated = await api<FormRow>(page, 'PATCH', `/api/forms/${created.id}`, {
      version: created.version,
      draft: {
        sections: [
          {
            title: '住户信息',
            fields: [
              { key: 'name', type: 'text', label: '姓名', required: true, maps: 'resident.name' },
              { key: 'mobile', type: 'phone', label: '手机号', required: true, maps: 'resident.phone' },
              { key: 'addr', type: 'address', label: '住址', required: true, maps: 'household.dwelling' },
              {
                key: 'situation',
                type: 'multi',
                label: '您是否属于以下情况',
                maps: 'resident.tags',
                options: [{ value: tag, label: FORM_TAGS[tag] }],
              },
            ],
          },
        ],
      },
      privacy: { purpose: '更新住户联系方式', audience: '本社区居委会工作人员', retentionDays: 180 },
    });
    form = await api<FormRow>(page, 'POST', `/api/forms/${created.id}/publish`, { version: updated.version });

    // What a resident's phone sends: no session of its own, an idempotency key per press.
    const status = await page.evaluate(
      async ({ slug, body, key }) => {
        const response = await fetch(`/api/public/forms/${slug}/submissions`, {
          method: 'POST',
          credentials: 'omit',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        });
        return response.status;
      },
      {
        slug: form.slug,
        key: `journey-${RUN}-0001`,
        body: {
          versionNo: 1,
          answers: {
            name: resident.name,
            mobile: NEW_PHONE,
            addr: { dwellingId: resident.dwellingId },
            situation: [tag],
          },
        },
      },
    );
    expect(status).toBe(201);
  });

  it('finds the answer in 答卷, masked, and opens it', async () => {
    const { page } = journey;
    await page.getByTestId('nav-submissions').click();
    await page.getByTestId('submission-table').waitFor();
    await chooseOption(page, 'submission-filter-form', TITLE, TITLE);
    const rows = page.getByTestId('submission-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(1);
    const cells = await rows.first().locator('td').allTextContents();
    expect(cells.join(' ')).toContain(`${NEW_PHONE.slice(0, 3)}****${NEW_PHONE.slice(-4)}`);
    expect(cells.join(' ')).not.toContain(NEW_PHONE);
    // A new phone and no ID number: only the name in the flat it names points to someone on the register.
    expect(cells).toContain('同一房屋同名');
    await screenshot(page, 'submissions-inbox');
    await rows.first().getByTestId('submission-link').click();
    await page.waitForURL('**/submissions/*');
    await expect.poll(() => page.getByTestId('answer-name').textContent()).toBe(resident.name);
  });

  it('compares with the matched resident and applies the changed phone and the new tag', async () => {
    const { page } = journey;
    const candidate = page.getByTestId('submission-candidate').filter({ hasText: resident.name }).first();
    await candidate.waitFor();
    expect(await candidate.textContent()).toContain('同一房屋同名');
    await candidate.getByTestId('submission-candidate-compare').click();
    const phoneState = page.getByTestId('diff-state-resident.phone');
    await expect.poll(() => phoneState.getAttribute('data-state')).toBe('changed');
    expect(await page.getByTestId('diff-state-resident.name').getAttribute('data-state')).toBe('same');
    expect(await page.getByTestId('diff-proposed-resident.phone').textContent()).toBe(
      `${NEW_PHONE.slice(0, 3)}****${NEW_PHONE.slice(-4)}`,
    );
    // The tag is added to the resident's, never replacing them, and the row says so.
    expect(await page.getByTestId('diff-state-resident.tags').getAttribute('data-state')).toBe('new');
    expect(await page.getByTestId('diff-proposed-resident.tags').textContent()).toBe(FORM_TAGS[tag]);
    expect(await page.getByTestId('diff-tags-hint').textContent()).toContain('已有的标签都会保留');
    await screenshot(page, 'submissions-diff');
    await page.getByTestId('submission-apply').click();
    await page.waitForURL(`**/residents/${resident.id}`);
    const after = await api<Resident>(page, 'GET', `/api/residents/${resident.id}`);
    expect([...after.tags].sort()).toEqual([...resident.tags, tag].sort());
  });

  it('shows the change and its provenance on the resident’s timeline', async () => {
    const { page } = journey;
    const entry = page.locator('[data-testid="timeline-entry"][data-kind="submission.apply"]');
    await entry.waitFor();
    expect(await entry.textContent()).toContain(`表单「${TITLE}」v1 答卷`);
    const update = page.locator('[data-testid="timeline-entry"][data-kind="resident.update"]').first();
    expect(await update.textContent()).toContain(`${NEW_PHONE.slice(0, 3)}****${NEW_PHONE.slice(-4)}`);
    await screenshot(page, 'submissions-timeline');
  });

  it('reads the same answer, applied, in English', async () => {
    const { page } = journey;
    await setLocale(page, 'en-US');
    await page.goto('/submissions');
    await expect.poll(() => page.getByTestId('nav-submissions').textContent()).toBe('Submissions');
    await page.getByTestId('submission-table').waitFor();
    await chooseOption(page, 'submission-filter-form', TITLE, TITLE);
    const row = page.getByTestId('submission-table').locator('tbody tr.ant-table-row').first();
    await expect.poll(() => row.getByTestId('submission-status').getAttribute('data-status')).toBe('applied');
    expect(await row.getByTestId('submission-status').textContent()).toBe('Applied');
    await row.getByTestId('submission-link').click();
    await page.getByTestId('submission-applied-resident').waitFor();
    expect(await page.getByTestId('submission-applied-resident').textContent()).toBe('Open the resident');
    await screenshot(page, 'submissions-detail-en-US');
    expect(journey.pageErrors).toEqual([]);
  });
});
