// Every screen a test reaches is photographed into screens/ in the run's output folder
// (e2e/artifacts/ unless --output says otherwise), for a person to look at, and checked with
// axe-core: no serious or critical violations. With PARACORD_UPDATE_SCREENSHOTS=1 the shots the
// README shows are also copied to docs/screenshots/.
import { AxeBuilder } from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { copyFile, mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const DOCS = `${REPO}docs/screenshots`

/** Waits until no finite animation (a dialog fading in, a toast sliding) is still moving. */
export async function settle(page: Page): Promise<void> {
  // Typed by hand: e2e is type-checked without the DOM library. (A string would be eval'd,
  // which the app's Content-Security-Policy rightly refuses.)
  await page.waitForFunction(() =>
    (globalThis as unknown as AnimatedDocument).document
      .getAnimations()
      .every(
        (animation) =>
          animation.playState !== 'running' ||
          animation.effect?.getTiming().iterations === Infinity,
      ),
  )
}

interface AnimatedDocument {
  readonly document: {
    getAnimations(): readonly {
      readonly playState: string
      readonly effect: { getTiming(): { readonly iterations?: number } } | null
    }[]
  }
}

/** axe-core on the whole page; fails listing each serious or critical rule and its targets. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze()
  const blocking = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    )
  expect(blocking, `accessibility of "${screen}"`).toEqual([])
}

/** Photographs the page as `name`.png; `readme` also places it in docs/screenshots/ on request. */
export async function saveScreen(
  page: Page,
  name: string,
  options: { readonly readme?: boolean } = {},
): Promise<void> {
  await settle(page)
  const screens = `${test.info().project.outputDir}/screens`
  await mkdir(screens, { recursive: true })
  const path = `${screens}/${name}.png`
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' })
  if (options.readme && process.env.PARACORD_UPDATE_SCREENSHOTS === '1') {
    await mkdir(DOCS, { recursive: true })
    await copyFile(path, `${DOCS}/${name}.png`)
  }
}

/** A screen or state reached: photograph it, then hold it to axe-core. */
export async function checkScreen(
  page: Page,
  name: string,
  options: { readonly readme?: boolean } = {},
): Promise<void> {
  await saveScreen(page, name, options)
  await expectAccessible(page, name)
}
