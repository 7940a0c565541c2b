/**
 * Exact non-negative-or-negative rational numbers on BigInt, always reduced, denominator > 0.
 * Used where floating point would change an official result (Method of Equal Shares).
 */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

export function rational(n: bigint | number, d: bigint | number = 1n): Rational {
  let num = BigInt(n);
  let den = BigInt(d);
  if (den === 0n) throw new RangeError('rational: zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { n: num / g, d: den / g } : { n: num, d: den };
}

export const ZERO: Rational = { n: 0n, d: 1n };

/** Exact value of a decimal string such as `500000`, `500000.00` or `12.5`. */
export function parseDecimal(text: string): Rational {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new RangeError(`not a decimal number: ${text}`);
  }
  const fraction = match[3] ?? '';
  const digits = BigInt(`${match[2] || '0'}${fraction}`);
  return rational(match[1] === '-' ? -digits : digits, 10n ** BigInt(fraction.length));
}

/** Exact value of a JavaScript number that has a short decimal form (costs, budgets). */
export function fromNumber(value: number): Rational {
  if (Number.isInteger(value)) return { n: BigInt(value), d: 1n };
  const text = String(value);
  if (/e/i.test(text)) throw new RangeError(`number too small or too large for an exact amount: ${text}`);
  return parseDecimal(text);
}

export function add(a: Rational, b: Rational): Rational {
  if (a.d === b.d) return rational(a.n + b.n, a.d);
  return rational(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Rational, b: Rational): Rational {
  if (a.d === b.d) return rational(a.n - b.n, a.d);
  return rational(a.n * b.d - b.n * a.d, a.d * b.d);
}

export function mulInt(a: Rational, k: bigint): Rational {
  return rational(a.n * k, a.d);
}

export function div(a: Rational, b: Rational): Rational {
  return rational(a.n * b.d, a.d * b.n);
}

export function divInt(a: Rational, k: bigint): Rational {
  return rational(a.n, a.d * k);
}

/** -1, 0 or 1. */
export function compare(a: Rational, b: Rational): number {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function toNumber(a: Rational): number {
  return Number(a.n) / Number(a.d);
}
