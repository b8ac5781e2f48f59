import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The bare interpreter the benchmark compares against; the bubblewrap backend runs the same file. */
export const BARE_PYTHON_PATH = '/usr/bin/python3';

/** Facts about the host that a reader needs to compare numbers from another machine. */
export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  kernelRelease: string;
  nodeVersion: string;
  /** Output of `/usr/bin/python3 --version`, or a note that it failed. */
  barePythonVersion: string;
}

/** Describes this host. */
export async function describeMachine(): Promise<MachineInfo> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryBytes: os.totalmem(),
    kernelRelease: os.release(),
    nodeVersion: process.version,
    barePythonVersion: await readBarePythonVersion(),
  };
}

/** Reads the 1-, 5- and 15-minute load averages, rounded to two decimals. */
export function readLoadAverage(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg().map((value) => Math.round(value * 100) / 100);
  return [one, five, fifteen];
}

async function readBarePythonVersion(): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(BARE_PYTHON_PATH, ['--version'], { timeout: 5_000 });
    return (stdout || stderr).trim();
  } catch (error) {
    return `not found (${(error as Error).message})`;
  }
}
