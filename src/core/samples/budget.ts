/**
 * Memory budget of one data load. Every reader (NetCDF, .npy, .npz) gets the
 * same {@link ReadBudget}: declared sizes are checked against the file's
 * length and against the budget before anything is allocated, and a
 * {@link BudgetMeter} sums what the load has decoded so far.
 */
import { SampleDataError } from './errors';

const MIB = 1024 * 1024;

/** Limits of one data load. */
export interface ReadBudget {
  /** Most bytes of decoded values (float32, float64 and validity arrays) one load may allocate. */
  maxDecodedBytes: number;
  /** Most bytes read from one file or inflated from one archive member. */
  maxRawBytes: number;
}

/** Environment variable that lowers (or raises) the budget, in MiB of decoded data. */
export const BUDGET_ENV = 'DYNAPRUNER_DATA_BUDGET_MB';

/** 2 GiB of decoded data; raw bytes up to twice that (a float64 file decodes to half its size). */
export const DEFAULT_READ_BUDGET: ReadBudget = { maxDecodedBytes: 2048 * MIB, maxRawBytes: 4096 * MIB };

/** A budget of `mib` MiB of decoded data (raw bytes: twice that). */
export function budgetOfMiB(mib: number): ReadBudget {
  return { maxDecodedBytes: mib * MIB, maxRawBytes: 2 * mib * MIB };
}

/** The default budget, or the one `DYNAPRUNER_DATA_BUDGET_MB` sets; throws on a value that is not a positive number. */
export function readBudgetFromEnv(env: NodeJS.ProcessEnv = process.env): ReadBudget {
  const text = env[BUDGET_ENV];
  if (text === undefined || text === '') return DEFAULT_READ_BUDGET;
  const mib = Number(text);
  if (!Number.isFinite(mib) || mib <= 0) throw new SampleDataError('', `${BUDGET_ENV} must be a positive number of MiB, found '${text}'`);
  return budgetOfMiB(mib);
}

/** Human size: `1.5 GiB`, `12.0 MiB`, `2.0 KiB`, `300 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / (1024 * MIB)).toFixed(1)} GiB`;
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Running total of what one load has decoded; refuses what would exceed the budget. */
export class BudgetMeter {
  private used = 0;

  constructor(readonly budget: ReadBudget = DEFAULT_READ_BUDGET) {}

  /** Bytes reserved so far. */
  get usedBytes(): number {
    return this.used;
  }

  /** Reserves `bytes` of decoded data for `what` in `label`; throws SampleDataError naming the file when over budget. */
  reserve(label: string, bytes: number, what: string): void {
    if (!Number.isFinite(bytes) || bytes < 0) throw new SampleDataError(label, `${what}: size ${bytes} is not a valid byte count`);
    if (this.used + bytes > this.budget.maxDecodedBytes) {
      throw new SampleDataError(label, `${what} needs ${formatBytes(bytes)} of memory, over the data budget of ${formatBytes(this.budget.maxDecodedBytes)} (${formatBytes(this.used)} already used; set ${BUDGET_ENV} to change it)`);
    }
    this.used += bytes;
  }

  /** Refuses a file or member whose raw size exceeds the budget, before it is read. */
  checkRaw(label: string, bytes: number, what: string): void {
    if (bytes > this.budget.maxRawBytes) {
      throw new SampleDataError(label, `${what} is ${formatBytes(bytes)}, over the data budget of ${formatBytes(this.budget.maxRawBytes)} for one file (set ${BUDGET_ENV} to change it)`);
    }
  }
}
