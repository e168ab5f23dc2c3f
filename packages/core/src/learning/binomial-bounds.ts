/**
 * Upper confidence bounds on an error rate from `errors` out of `n` (SPEC §5, threshold
 * recommendations). Errors may be fractional: an edited proposal counts as a partial error (1 − its
 * label), and both bounds below accept a real-valued count.
 */

/** Which bound a threshold recommendation uses. */
export type BoundMethod = "wilson" | "clopper_pearson";

/**
 * One-sided upper Wilson score bound on a proportion.
 *
 * @param errors - observed errors, 0 ≤ errors ≤ n (may be fractional)
 * @param n - trials, > 0
 * @param level - one-sided confidence level, e.g. 0.95
 *
 * @example
 * ```ts
 * wilsonUpperBound(0, 150, 0.95); // ≈ 0.0177
 * ```
 */
export function wilsonUpperBound(errors: number, n: number, level: number): number {
  checkCounts(errors, n, level);
  const z = normalQuantile(level);
  const p = errors / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.min(1, (centre + spread) / (1 + z2 / n));
}

/**
 * One-sided upper Clopper–Pearson ("exact") bound: the `level` quantile of Beta(errors + 1, n − errors).
 * With fractional errors the Beta parameters are real, which interpolates between the integer cases.
 *
 * @example
 * ```ts
 * clopperPearsonUpperBound(0, 10, 0.95); // 1 − 0.05^(1/10) ≈ 0.2589
 * ```
 */
export function clopperPearsonUpperBound(errors: number, n: number, level: number): number {
  checkCounts(errors, n, level);
  if (n - errors <= 0) return 1;
  return betaQuantile(level, errors + 1, n - errors);
}

/** The upper bound by `method`. */
export function errorUpperBound(method: BoundMethod, errors: number, n: number, level: number): number {
  return method === "wilson"
    ? wilsonUpperBound(errors, n, level)
    : clopperPearsonUpperBound(errors, n, level);
}

function checkCounts(errors: number, n: number, level: number): void {
  if (!(n > 0) || !(errors >= 0) || errors > n + 1e-9) {
    throw new RangeError(`need 0 ≤ errors ≤ n and n > 0, got errors=${errors}, n=${n}`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
}

/**
 * Quantile of the standard normal distribution (Acklam's rational approximation; relative error
 * below 1.2e-9 over (0, 1), far finer than any bound here needs).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs p in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low || p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p));
    const num =
      ((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + 4.374664141464968) * q + 2.938163982698783;
    const den = (((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1;
    x = p < low ? num / den : -num / den;
  } else {
    const q = p - 0.5;
    const r = q * q;
    const num = (((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + 2.506628277459239) * q;
    const den = ((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1;
    x = num / den;
  }
  return x;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant digits). */
export function logGamma(x: number): number {
  const coefficients = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
    12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let sum = coefficients[0]!;
  for (let i = 1; i < coefficients.length; i++) sum += coefficients[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Regularised incomplete beta function I_x(a, b): the CDF of Beta(a, b) at x (continued fraction,
 * modified Lentz; Numerical Recipes §6.4).
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/**
 * Quantile of Beta(a, b) by bisection on the regularised incomplete beta function: slower than
 * Newton but cannot diverge, and 100 halvings reach double precision.
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1) || !(a > 0) || !(b > 0)) {
    throw new RangeError(`beta quantile needs p in [0, 1] and a, b > 0, got p=${p}, a=${a}, b=${b}`);
  }
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 100 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (regularizedBeta(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
