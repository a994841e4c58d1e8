import { decodeHTML } from 'entities';

/**
 * Cleans an item title once, when a dataset is loaded: HTML entities (`&#9733;`, `&amp;`,
 * `&nbsp;` ...) are decoded with `entities` (the decoder htmlparser2/cheerio use) and runs of
 * whitespace, including the non-breaking spaces entities decode to, collapse to one space.
 */
export function cleanTitle(raw: string): string {
  return decodeHTML(raw).replace(/[\s\u00a0]+/g, ' ').trim();
}
