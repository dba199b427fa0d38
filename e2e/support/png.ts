// Reads the pixels of a screenshot: Chromium writes 8-bit RGB(A) PNGs without interlacing, and
// that is all this decodes (anything else is refused by name, not misread).
import { inflateSync } from 'node:zlib'

export interface Pixels {
  readonly width: number
  readonly height: number
  /** Red, green, blue (0–255) of the pixel at x, y; alpha, if any, is left out. */
  rgb(x: number, y: number): readonly [number, number, number]
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
/** PNG colour types this reads, by their channel counts: truecolour and truecolour with alpha. */
const CHANNELS: Readonly<Record<number, number>> = { 2: 3, 6: 4 }

export function decodePng(png: Buffer): Pixels {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG: wrong signature')
  let header: Buffer | undefined
  const data: Buffer[] = []
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    const body = png.subarray(at + 8, at + 8 + length)
    if (type === 'IHDR') header = body
    else if (type === 'IDAT') data.push(body)
    else if (type === 'IEND') break
    at += 12 + length
  }
  if (!header) throw new Error('not a PNG: no IHDR chunk')
  const width = header.readUInt32BE(0)
  const height = header.readUInt32BE(4)
  const [bitDepth, colourType, , , interlace] = header.subarray(8, 13)
  const channels = CHANNELS[colourType ?? -1]
  if (bitDepth !== 8 || channels === undefined || interlace !== 0) {
    throw new Error(
      `unsupported PNG: bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`,
    )
  }
  const pixels = unfilter(inflateSync(Buffer.concat(data)), width, height, channels)
  return {
    width,
    height,
    rgb(x, y) {
      if (x < 0 || y < 0 || x >= width || y >= height) {
        throw new Error(`pixel ${x},${y} outside a ${width}×${height} image`)
      }
      const at = (y * width + x) * channels
      return [pixels[at]!, pixels[at + 1]!, pixels[at + 2]!]
    },
  }
}

/** Undoes the per-row filters (PNG spec, section 9): each row starts with its filter's number. */
function unfilter(raw: Buffer, width: number, height: number, channels: number): Buffer {
  const stride = width * channels
  if (raw.length !== height * (stride + 1)) {
    throw new Error(`PNG data is ${raw.length} bytes, expected ${height * (stride + 1)}`)
  }
  const out = Buffer.alloc(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? out[y * stride + i - channels]! : 0
      const up = y > 0 ? out[(y - 1) * stride + i]! : 0
      const upLeft = y > 0 && i >= channels ? out[(y - 1) * stride + i - channels]! : 0
      out[y * stride + i] = (row[i]! + predict(filter, left, up, upLeft)) & 0xff
    }
  }
  return out
}

function predict(filter: number | undefined, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0
    case 1:
      return left
    case 2:
      return up
    case 3:
      return (left + up) >> 1
    case 4: {
      const estimate = left + up - upLeft
      const toLeft = Math.abs(estimate - left)
      const toUp = Math.abs(estimate - up)
      const toUpLeft = Math.abs(estimate - upLeft)
      if (toLeft <= toUp && toLeft <= toUpLeft) return left
      return toUp <= toUpLeft ? up : upLeft
    }
    default:
      throw new Error(`unknown PNG row filter ${filter}`)
  }
}
