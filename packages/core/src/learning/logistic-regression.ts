/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least squares).
 * Small on purpose: calibration maps have a handful of features, so a dense d × d solve per step is
 * cheap, and Newton converges in a few steps where gradient descent would need tuning.
 */

/** A fitted model: `intercept + Σ weights[j] · x[j]` is the log-odds. */
export interface LogisticModel {
  intercept: number;
  weights: number[];
}

/** What to fit: one row of features per example, and labels in [0, 1] (fractional labels are soft targets). */
export interface LogisticTrainingSet {
  rows: readonly (readonly number[])[];
  labels: readonly number[];
}

/** Fitting options. */
export interface LogisticOptions {
  /**
   * L2 penalty on the weights (not the intercept), in units of the log-likelihood summed over examples.
   * @defaultValue 1
   */
  l2?: number;
  /** @defaultValue 100 */
  maxIterations?: number;
}

/**
 * Fits the model that minimises cross-entropy plus `l2 / 2 · |weights|²`. Deterministic: the same rows in
 * the same order give the same numbers.
 *
 * @example
 * ```ts
 * const model = fitLogisticRegression({ rows: [[-1], [0], [1], [2]], labels: [0, 0, 1, 1] }, { l2: 0.1 });
 * logisticProbability(model, [3]); // close to 1
 * ```
 */
export function fitLogisticRegression(
  data: LogisticTrainingSet,
  options: LogisticOptions = {},
): LogisticModel {
  const { rows, labels } = data;
  if (rows.length === 0 || rows.length !== labels.length) {
    throw new RangeError(
      `need as many labels as rows and at least one row, got ${rows.length} and ${labels.length}`,
    );
  }
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const d = rows[0]!.length;
  // Parameters: [intercept, ...weights]. A tiny ridge on the intercept keeps the Hessian invertible when
  // every label is the same (the unpenalised optimum is then at infinity).
  const penalty = [1e-6, ...new Array<number>(d).fill(l2)];
  let beta = new Array<number>(d + 1).fill(0);
  let loss = objective(rows, labels, beta, penalty);

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const gradient = new Array<number>(d + 1).fill(0);
    const hessian = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < rows.length; i++) {
      const x = rows[i]!;
      const p = sigmoid(linear(beta, x));
      const residual = p - labels[i]!;
      const w = Math.max(p * (1 - p), 1e-12);
      for (let j = 0; j <= d; j++) {
        const xj = j === 0 ? 1 : x[j - 1]!;
        gradient[j]! += residual * xj;
        for (let k = 0; k <= j; k++) hessian[j]![k]! += w * xj * (k === 0 ? 1 : x[k - 1]!);
      }
    }
    for (let j = 0; j <= d; j++) {
      gradient[j]! += penalty[j]! * beta[j]!;
      hessian[j]![j]! += penalty[j]!;
      for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!;
    }
    const step = solveLinear(hessian, gradient);
    // Damped Newton: halve the step until the objective does not rise (it rarely has to).
    let scale = 1;
    let next = beta;
    let nextLoss = loss;
    for (let halving = 0; halving < 30; halving++) {
      next = beta.map((b, j) => b - scale * step[j]!);
      nextLoss = objective(rows, labels, next, penalty);
      if (nextLoss <= loss + 1e-12) break;
      scale /= 2;
    }
    const moved = Math.max(...step.map((s) => Math.abs(s * scale)));
    beta = next;
    loss = nextLoss;
    if (moved < 1e-9) break;
  }
  return { intercept: beta[0]!, weights: beta.slice(1) };
}

/** The model's probability for one row of features. */
export function logisticProbability(model: LogisticModel, x: readonly number[]): number {
  let z = model.intercept;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j]! * x[j]!;
  return sigmoid(z);
}

/** 1 / (1 + e^−z), computed without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** ln(p / (1 − p)) with p clamped to [ε, 1 − ε] so that 0 and 1 stay finite. */
export function logit(p: number, epsilon = 1e-6): number {
  const q = Math.min(1 - epsilon, Math.max(epsilon, p));
  return Math.log(q / (1 - q));
}

function linear(beta: readonly number[], x: readonly number[]): number {
  let z = beta[0]!;
  for (let j = 0; j < x.length; j++) z += beta[j + 1]! * x[j]!;
  return z;
}

function objective(
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  beta: readonly number[],
  penalty: readonly number[],
): number {
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const z = linear(beta, rows[i]!);
    const y = labels[i]!;
    // −[y log σ(z) + (1 − y) log(1 − σ(z))] = log(1 + e^z) − y z, written stably.
    total += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y * z;
  }
  for (let j = 0; j < beta.length; j++) total += (penalty[j]! * beta[j]! ** 2) / 2;
  return total;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and positive definite here). */
function solveLinear(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++)
      if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const head = a[col]![col]!;
    if (Math.abs(head) < 1e-300) continue;
    for (let row = col + 1; row < n; row++) {
      const factor = a[row]![col]! / head;
      if (factor === 0) continue;
      for (let k = col; k <= n; k++) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row]![n]!;
    for (let k = row + 1; k < n; k++) sum -= a[row]![k]! * x[k]!;
    const head = a[row]![row]!;
    x[row] = Math.abs(head) < 1e-300 ? 0 : sum / head;
  }
  return x;
}
