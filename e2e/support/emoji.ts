// Whether text is drawn in colour, read from a screenshot of just where it is drawn: a colour
// emoji has many vivid pixels; a blank glyph, a missing-glyph box or grey text has none.
import type { Locator } from '@playwright/test'
import { decodePng } from './png'

/** How far apart a pixel's strongest and weakest channel must be to count as vivid colour. */
const VIVID = 80

/**
 * The share (0–1) of vivid pixels in the box where `text` is drawn inside the element, or
 * throws when the element's text does not hold it.
 */
export async function colourShare(element: Locator, text: string): Promise<number> {
  const box = await element.evaluate((root, wanted) => {
    // Typed by hand: e2e is type-checked without the DOM library.
    const node = root as unknown as TextHolder
    const showText = 4 // NodeFilter.SHOW_TEXT (the function runs in the page: no closures)
    const walker = node.ownerDocument.createTreeWalker(node, showText)
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const at = text.data.indexOf(wanted)
      if (at < 0) continue
      const range = node.ownerDocument.createRange()
      range.setStart(text, at)
      range.setEnd(text, at + wanted.length)
      const { x, y, width, height } = range.getBoundingClientRect()
      return { x, y, width, height }
    }
    return null
  }, text)
  if (!box || box.width < 1 || box.height < 1) {
    throw new Error(`"${text}" is not drawn in the element (box: ${JSON.stringify(box)})`)
  }
  const shot = decodePng(await element.page().screenshot({ clip: box, animations: 'disabled' }))
  let vivid = 0
  for (let y = 0; y < shot.height; y++) {
    for (let x = 0; x < shot.width; x++) {
      const channels = shot.rgb(x, y)
      if (Math.max(...channels) - Math.min(...channels) >= VIVID) vivid++
    }
  }
  return vivid / (shot.width * shot.height)
}

interface TextNode {
  readonly data: string
}

interface TextHolder {
  readonly ownerDocument: {
    createTreeWalker(root: TextHolder, whatToShow: number): { nextNode(): TextNode | null }
    createRange(): {
      setStart(node: TextNode, offset: number): void
      setEnd(node: TextNode, offset: number): void
      getBoundingClientRect(): { x: number; y: number; width: number; height: number }
    }
  }
}
