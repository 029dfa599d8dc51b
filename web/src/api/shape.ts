/** Small validators shared by the typed API modules: each throws a ShapeError naming what is wrong. */
import { ShapeError, isRecord } from './client';

/** Throws a {@link ShapeError} with `detail`. */
export function fail(detail: string): never {
  throw new ShapeError(detail);
}

/** `value` as a JSON object, or a ShapeError naming `what`. */
export function record(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) {
    fail(`${what} is not an object`);
  }
  return value;
}

/** `value` as an array, or a ShapeError naming `what`. */
export function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) {
    fail(`${what} is not a list`);
  }
  return value;
}

/** Field `key` of `obj` as a string. */
export function str(obj: Record<string, unknown>, key: string, what: string): string {
  const value = obj[key];
  if (typeof value !== 'string') {
    fail(`${what}.${key} is not a string`);
  }
  return value;
}

/** Field `key` of `obj` as a string, with null or absent read as the empty string. */
export function strOrEmpty(obj: Record<string, unknown>, key: string, what: string): string {
  const value = obj[key];
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value !== 'string') {
    fail(`${what}.${key} is not a string`);
  }
  return value;
}

/** Field `key` of `obj` as a string or null (absent is null). */
export function strOrNull(obj: Record<string, unknown>, key: string, what: string): string | null {
  const value = obj[key];
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value !== 'string') {
    fail(`${what}.${key} is not a string`);
  }
  return value;
}

/** Field `key` of `obj` as a boolean. */
export function bool(obj: Record<string, unknown>, key: string, what: string): boolean {
  const value = obj[key];
  if (typeof value !== 'boolean') {
    fail(`${what}.${key} is not true or false`);
  }
  return value;
}

/** A finite number. */
export function num(obj: Record<string, unknown>, key: string, what: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(`${what}.${key} is not a number`);
  }
  return value;
}

/** A finite number, or `fallback` when the key is absent or null. */
export function numOr(obj: Record<string, unknown>, key: string, what: string, fallback: number): number {
  return obj[key] === undefined || obj[key] === null ? fallback : num(obj, key, what);
}

/** Field `key` of `obj` as a list of strings (null or absent is an empty list). */
export function strings(obj: Record<string, unknown>, key: string, what: string): string[] {
  const value = obj[key];
  if (value === null || value === undefined) {
    return [];
  }
  return array(value, `${what}.${key}`).map((item, index) => {
    if (typeof item !== 'string') {
      fail(`${what}.${key}[${index}] is not a string`);
    }
    return item;
  });
}

/** Field `key` of `obj` as one of `allowed`. */
export function oneOf<T extends string>(
  obj: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
  what: string,
): T {
  const value = obj[key];
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    fail(`${what}.${key} is ${JSON.stringify(value)}, expected one of ${allowed.join(', ')}`);
  }
  return found;
}

/**
 * Field `key` of `obj` as an id, always a string. The server sends its ids as JSON numbers, which
 * become their `String()` text (42 → "42"); a non-empty string is kept as it is. Anything else,
 * the empty string included, is a ShapeError.
 */
export function id(obj: Record<string, unknown>, key: string, what: string): string {
  const value = obj[key];
  if (typeof value === 'string' && value !== '') {
    return value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return String(value);
  }
  return fail(`${what}.${key} is not an id`);
}

/** A list parsed item by item. */
export function listOf<T>(body: unknown, what: string, item: (value: unknown, what: string) => T): T[] {
  return array(body, what).map((value, index) => item(value, `${what}[${index}]`));
}
