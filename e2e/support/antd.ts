import type { Locator, Page } from 'playwright-core';

/**
 * Picks an option of the antd Select (or TreeSelect) carrying `testId`: opens it, optionally types to
 * search, and clicks the option whose text contains `optionText`. Options render in a popup outside the
 * select, so they are looked up on the page among the popups currently open.
 */
export async function chooseOption(
  page: Page,
  testId: string,
  optionText: string,
  search?: string,
): Promise<void> {
  const select = page.getByTestId(testId);
  await select.click();
  if (search !== undefined) await page.keyboard.type(search);
  const option = visiblePopupOption(page, optionText);
  await option.waitFor({ state: 'visible' });
  await untilSettled(option);
  await option.click();
}

/**
 * Waits until the option stops moving. An opening popup slides in and then scrolls its list to the
 * current value; on a busy machine Playwright's own stability check can pass between the two, and the
 * click then lands on whichever option has scrolled under the pointer (often the current value, so the
 * choice silently does not take).
 */
async function untilSettled(option: Locator): Promise<void> {
  let last = '';
  for (let i = 0; i < 40; i++) {
    const now = await option.evaluate((node) => {
      const popup = node.closest('.ant-select-dropdown');
      const moving = popup !== null && /-(appear|enter)\b/.test(popup.className);
      const { x, y } = node.getBoundingClientRect();
      return moving ? 'moving' : `${x},${y}`;
    });
    if (now !== 'moving' && now === last) return;
    last = now;
    await option.page().waitForTimeout(50);
  }
}

function visiblePopupOption(page: Page, text: string): Locator {
  return page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
    .locator('.ant-select-item-option, .ant-select-tree-treenode')
    .filter({ hasText: text })
    .first();
}

/** antd puts a test id either on the <input> itself or on its wrapper, depending on the component. */
export async function inputOf(page: Page, testId: string): Promise<Locator> {
  const element = page.getByTestId(testId).first();
  const tag = await element.evaluate((node) => node.tagName);
  return tag === 'INPUT' || tag === 'TEXTAREA' ? element : element.locator('input').first();
}

/** Confirms the antd Popconfirm currently open (its OK button reads 确 定 in Chinese, OK in English). */
export async function confirmPopconfirm(page: Page): Promise<void> {
  await page
    .locator('.ant-popconfirm')
    .getByRole('button', { name: /确\s*定|OK/ })
    .click();
}
