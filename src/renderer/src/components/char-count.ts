/** Characters as the API's limits count them: Unicode code points, so an emoji is one. */
export function charCount(text: string): number {
  return [...text].length
}
