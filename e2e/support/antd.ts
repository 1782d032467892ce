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
  await option.click();
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
