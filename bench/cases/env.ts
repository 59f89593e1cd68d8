/**
 * What every case gets: the options, the run's temp folder and the local fixtures.
 */
import type { BenchOptions } from '../options';

export interface BenchEnv {
  opts: BenchOptions;
  /** The run's own folder (removed at the end). */
  dir: string;
  /** Local copy of the large file (upload source; also the ceiling's file). */
  largeFile: string;
  largeBytes: number;
  /** Local folder of the small files (upload source), named "small" like the server's. */
  smallDir: string;
  /** The first WARMUP_FILES of them, named "warm" (locally and on the servers): untimed warm-up transfers. */
  warmDir: string;
  smallBytes: number;
}

export const MB = 1e6;
