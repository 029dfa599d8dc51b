import { describe, expect, it } from 'vitest';
import { highlightSegments, queryTerms, trimText } from './highlight';

describe('queryTerms', () => {
  it('keeps meaningful words, stemmed, without duplicates', () => {
    expect(queryTerms('How long do I have to send something back?')).toEqual(['long', 'send', 'back']);
    expect(queryTerms('Returns, returned, RETURNING')).toEqual(['return']);
    expect(queryTerms('a b ?')).toEqual([]);
  });
});

describe('highlightSegments', () => {
  it('marks words starting with a term and keeps the text intact', () => {
    const text = 'Returns: you can return items. Nonreturnable items are (sadly) excluded.';
    const segments = highlightSegments(text, ['return']);
    expect(segments.map((segment) => segment.text).join('')).toBe(text);
    expect(segments.filter((segment) => segment.match).map((segment) => segment.text)).toEqual(['Returns', 'return']);
  });

  it('treats terms as text, not patterns', () => {
    const segments = highlightSegments('price (USD) is 5.00', ['(usd', '5.0']);
    expect(segments.map((segment) => segment.text).join('')).toBe('price (USD) is 5.00');
  });

  it('returns the text as one plain segment without terms', () => {
    expect(highlightSegments('hello', [])).toEqual([{ text: 'hello', match: false }]);
    expect(highlightSegments('', ['x'])).toEqual([]);
  });
});

describe('trimText', () => {
  it('cuts long text at a word boundary', () => {
    const long = 'word '.repeat(100);
    const { text, trimmed } = trimText(long, 42);
    expect(trimmed).toBe(true);
    expect(text.endsWith('word…')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(43);
    expect(trimText('short  text', 42)).toEqual({ text: 'short text', trimmed: false });
  });
});
