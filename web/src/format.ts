/** Formatting of dates and times shown in the admin. */
import { parseTimestamp } from './api/status';

/** "Nov 22, 2026, 03:52" in the browser's locale, or the raw text if it is not a timestamp. */
export function formatDateTime(value: string): string {
  const ms = parseTimestamp(value);
  if (ms === undefined) {
    return value;
  }
  return new Date(ms).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** "Nov 22, 2026" in the browser's locale, or the raw text if it is not a timestamp. */
export function formatDay(value: string): string {
  const ms = parseTimestamp(value);
  if (ms === undefined) {
    return value;
  }
  return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** An ISO form of a timestamp for `<time dateTime>`, or undefined. */
export function isoOf(value: string): string | undefined {
  const ms = parseTimestamp(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** "3 minutes", "1 minute": how long `seconds` is, rounded up to whole minutes. */
export function minutesFrom(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
