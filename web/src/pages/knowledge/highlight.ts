/** Finding a query's words in a search result, to highlight them without injecting HTML. */

/** Words too common to be worth highlighting. */
const STOP_WORDS = new Set([
  'the', 'and', 'for', 'are', 'but', 'not', 'you', 'your', 'yours', 'our', 'ours', 'how', 'what', 'when', 'where',
  'who', 'why', 'which', 'can', 'could', 'does', 'did', 'has', 'have', 'had', 'was', 'were', 'will', 'would', 'with',
  'from', 'that', 'this', 'these', 'those', 'into', 'about', 'there', 'their', 'them', 'they', 'then', 'than', 'any',
  'some', 'all', 'get', 'got', 'its', 'also', 'just', 'may', 'might', 'should', 'shall', 'been', 'being', 'out',
  'off', 'over', 'under', 'again', 'very', 'too', 'much', 'many', 'more', 'most', 'such', 'only', 'own', 'same',
  'her', 'his', 'him', 'she', 'one', 'yes', 'something', 'anything', 'thing', 'things',
]);

/** A piece of a text, marked when it matches a query word. */
export interface Segment {
  text: string;
  match: boolean;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A rough stem, so that "returns" also finds "returned" and "returning". */
function stem(word: string): string {
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (word.length - suffix.length >= 4 && word.endsWith(suffix)) {
      return word.slice(0, -suffix.length);
    }
  }
  return word;
}

/** The words of a query worth highlighting, lower case and stemmed, longest first. */
export function queryTerms(query: string): string[] {
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 3 && !STOP_WORDS.has(word))
    .map(stem);
  return [...new Set(words)].sort((a, b) => b.length - a.length);
}

/**
 * Splits `text` into segments, marking every word that starts with one of `terms`
 * (case-insensitive). Joined back together, the segments are `text` unchanged.
 */
export function highlightSegments(text: string, terms: readonly string[]): Segment[] {
  if (terms.length === 0 || text === '') {
    return text === '' ? [] : [{ text, match: false }];
  }
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${terms.map(escapeRegExp).join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const segments: Segment[] = [];
  let last = 0;
  for (const found of text.matchAll(pattern)) {
    const start = found.index;
    if (start > last) {
      segments.push({ text: text.slice(last, start), match: false });
    }
    segments.push({ text: found[0], match: true });
    last = start + found[0].length;
  }
  if (last < text.length) {
    segments.push({ text: text.slice(last), match: false });
  }
  return segments;
}

/** `text` cut to about `max` characters at a word boundary, with an ellipsis when cut. */
export function trimText(text: string, max: number): { text: string; trimmed: boolean } {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) {
    return { text: clean, trimmed: false };
  }
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return { text: `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`, trimmed: true };
}
