/**
 * The value grammars the proxy injector parses annotations with (Go's `time.ParseDuration`,
 * `strconv.ParseBool` and `ParseInt`, Kubernetes' `resource.ParseQuantity`), so that an
 * annotation is judged exactly as the injector would judge it.
 */

const DURATION_UNITS: Record<string, number> = {
  'ns': 1,
  'us': 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu
  'ms': 1e6,
  's': 1e9,
  'm': 60e9,
  'h': 3600e9,
};
const DURATION_PART = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;

/** `time.ParseDuration`: the duration in nanoseconds, or undefined when Go would reject the text. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest !== '') {
    const m = DURATION_PART.exec(rest);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const unit = DURATION_UNITS[m[3]];
    const fraction = m[2] ? Number(`0.${m[2]}`) : 0;
    total += Number(m[1] || '0') * unit + Math.trunc(fraction * unit);
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

/** Go's `int(d.Seconds()*1000)`: whole milliseconds, truncated toward zero. */
export function goMillis(nanos: number): number {
  return Math.trunc((Math.trunc(nanos / 1e9) + (nanos % 1e9) / 1e9) * 1000);
}

/** Go's `int(d.Seconds())`: whole seconds, truncated toward zero. */
export function goSeconds(nanos: number): number {
  return Math.trunc(nanos / 1e9);
}

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** `strconv.ParseBool`, or undefined for anything else. */
export function parseGoBool(text: string): boolean | undefined {
  if (GO_TRUE.has(text)) return true;
  if (GO_FALSE.has(text)) return false;
  return undefined;
}

/** `strconv.ParseInt(text, 10, bits)`, or undefined. */
export function parseGoInt(text: string, bits: 32 | 64 = 64): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  const limit = 2 ** (bits - 1);
  return n >= -limit && n < limit ? n : undefined;
}

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([KMGTPE]i)|([numkMGTPE])|[eE]([+-]?\d+))?$/;
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** `resource.ParseQuantity`: the value as a number (cores, bytes, …), or undefined. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * BINARY[m[2]];
  if (m[3]) return base * DECIMAL[m[3]];
  if (m[4] !== undefined) return base * 10 ** Number(m[4]);
  return base;
}

/**
 * The injector's `ToWholeCPUCores`: a CPU quantity rounded up to whole cores. Works in
 * millicores so that `500m` and `0.5` round the same way.
 */
export function wholeCpuCores(text: string): number | undefined {
  const cores = parseQuantity(text);
  if (cores === undefined) return undefined;
  const millis = Math.round(cores * 1e6) / 1e3;
  return Math.ceil(millis / 1000);
}
