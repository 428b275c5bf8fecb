/** A node whose attributes or inputs break the ONNX operator's rules (not merely "shape unknown"). */
export class InvalidNodeError extends Error {
  constructor(
    /** The attribute or input at fault, e.g. "attribute 'strides'" or "input 1 (W) shape". */
    readonly what: string,
    /** What the operator requires, e.g. "positive integers". */
    readonly expected: string,
    /** What the model has, e.g. "[0,1]". */
    readonly found: string,
  ) {
    super(`${what}: expected ${expected}, found ${found}`);
    this.name = 'InvalidNodeError';
  }
}

/** "[1,2,3]" */
export function listText(xs: readonly number[]): string {
  return `[${xs.join(',')}]`;
}

/** Throws InvalidNodeError unless `xs` has `length` entries, each an integer >= `min`. */
export function requireInts(what: string, xs: readonly number[], length: number, min: number): void {
  const bound = min === 1 ? 'positive' : min === 0 ? 'non-negative' : `>= ${min}`;
  if (xs.length !== length) throw new InvalidNodeError(what, `${length} ${bound} integers`, `${xs.length} values ${listText(xs)}`);
  if (xs.some((x) => !Number.isSafeInteger(x) || x < min)) throw new InvalidNodeError(what, `${bound} integers`, listText(xs));
}
