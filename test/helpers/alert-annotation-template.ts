/** Go's `%.4g`: four significant digits, trailing zeros dropped. */
function fourSignificantDigits(value: number): string {
  const text = value.toPrecision(4);
  if (text.includes('e') || !text.includes('.')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

/** Prometheus's `humanizePercentage`. */
export function humanizePercentage(ratio: number): string {
  return `${fourSignificantDigits(ratio * 100)}%`;
}

/** Prometheus's `humanizeDuration`, for durations under a minute (alert values here never reach one). */
export function humanizeDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (Math.abs(seconds) >= 60) throw new Error(`humanizeDuration(${seconds}): durations of a minute or more are not rendered here; extend this function`);
  if (Math.abs(seconds) >= 1) return `${fourSignificantDigits(seconds)}s`;
  let scaled = seconds;
  let prefix = '';
  for (const next of ['m', 'u', 'n']) {
    if (Math.abs(scaled) >= 1) break;
    prefix = next;
    scaled *= 1000;
  }
  return `${fourSignificantDigits(scaled)}${prefix}s`;
}

/** Prometheus's `humanize`, for values from 1 to below 1000 (no SI prefix); others are not rendered here. */
export function humanize(value: number): string {
  if (!(Math.abs(value) >= 1 && Math.abs(value) < 1000)) throw new Error(`humanize(${value}): only values from 1 to below 1000 are rendered here; extend this function`);
  return fourSignificantDigits(value);
}

const FORMATTERS: Record<string, (value: number) => string> = {
  '': (value) => String(value),
  humanize,
  humanizePercentage,
  humanizeDuration,
};

/**
 * Renders the subset of Go templates alert annotations use here (`{{ $labels.x }}`,
 * `{{ $value }}`, `{{ $value | humanize }}`, `{{ $value | humanizePercentage }}`,
 * `{{ $value | humanizeDuration }}`), so a
 * promtool test can state the exact annotation it expects. Anything else throws rather than
 * guess.
 */
export function renderAnnotation(template: string, labels: Readonly<Record<string, string>>, value: number): string {
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, body: string) => {
    const label = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(body);
    if (label) return labels[label[1]!] ?? '';
    const valued = /^\$value(?:\s*\|\s*(\w+))?$/.exec(body);
    const formatter = valued ? FORMATTERS[valued[1] ?? ''] : undefined;
    if (formatter === undefined) throw new Error(`annotation template ${whole} is not supported by renderAnnotation`);
    return formatter(value);
  });
}
