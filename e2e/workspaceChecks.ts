import type { Page } from 'playwright-core';

// The workspace's layout as a user meets it: which tab of the project panel is open, and
// whether a control can be reached as the page stands, with no scrolling.

/** Opens a tab of the project panel (Project, Predict, Correct, Learn, Neurons, Export, Review). */
export async function showTab(page: Page, tab: 'project' | 'predict' | 'correct' | 'learn' | 'neurons' | 'export' | 'review'): Promise<void> {
  const button = page.getByTestId(`tab-${tab}`);
  if ((await button.getAttribute('aria-selected')) !== 'true') await button.click();
  await page.getByTestId('panel-body').waitFor();
}

/**
 * Why the control with this test id cannot be reached without scrolling, or null when it can:
 * it is inside the window, nothing covers its centre, and no box around it is scrolled.
 */
export function unreachable(page: Page, testId: string): Promise<string | null> {
  return page.evaluate((id) => {
    const element = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    if (!element) return `${id} is not on the page`;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return `${id} is not shown`;
    if (box.left < 0 || box.top < 0 || box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5) {
      return `${id} at (${Math.round(box.left)}, ${Math.round(box.top)})–(${Math.round(box.right)}, ${Math.round(box.bottom)}) is outside the ${innerWidth} × ${innerHeight} window`;
    }
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      if (parent.scrollTop > 0) return `${id} is in a box scrolled by ${parent.scrollTop} px`;
      const clip = parent.getBoundingClientRect();
      const style = getComputedStyle(parent);
      if (style.overflowY !== 'visible' && (box.top < clip.top - 0.5 || box.bottom > clip.bottom + 0.5)) return `${id} is below the fold of a box ${Math.round(clip.height)} px tall`;
    }
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    if (!hit || !(element === hit || element.contains(hit))) return `${id} is covered by ${hit?.outerHTML.slice(0, 80) ?? 'nothing'}`;
    return null;
  }, testId);
}

/** How far the open tab's content overflows the panel (px); 0 when it fits. */
export function panelOverflow(page: Page): Promise<number> {
  return page.getByTestId('panel-body').evaluate((body) => Math.max(0, body.scrollHeight - body.clientHeight));
}
