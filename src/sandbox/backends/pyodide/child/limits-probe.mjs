/**
 * CPU and memory checks that run while Python code runs.
 *
 * Pyodide reads element 0 of its "interrupt buffer" every few bytecodes to
 * learn about signals. Handing it an object with a getter turns that read into
 * a periodic callback, without the SharedArrayBuffer and second thread that a
 * real interrupt would need. The parent's wall-clock kill stays the hard
 * guarantee, because code that runs inside one long C call never reaches a
 * bytecode boundary.
 */

/** Reads between two clock checks; keeps the probe's cost small in tight loops. */
const READS_PER_CHECK = 256;

/**
 * Creates the interrupt buffer. Until `arm` is called every read returns 0.
 * Once a limit is passed, `onLimit('cpu' | 'memory')` is called; it must end the
 * process, because returning would let Python continue.
 */
export function createLimitsProbe({ cpuUsage, memory, onLimit }) {
  let armed = false;
  let reads = 0;
  let startCpu = null;
  let cpuMs = Infinity;
  let memoryBytes = Infinity;

  const buffer = {
    get 0() {
      if (!armed || ++reads % READS_PER_CHECK !== 0) return 0;
      if (usedCpuMs(cpuUsage(startCpu)) > cpuMs) onLimit('cpu');
      if (memory.buffer.byteLength > memoryBytes) onLimit('memory');
      return 0;
    },
    set 0(_signal) {
      // Pyodide clears the signal after reading it; there is nothing to clear.
    },
  };

  return {
    buffer,
    /** Starts checking against the run's limits. */
    arm(limits) {
      cpuMs = limits.cpuMs;
      memoryBytes = limits.memoryBytes;
      startCpu = cpuUsage();
      armed = true;
    },
  };
}

function usedCpuMs(usage) {
  return (usage.user + usage.system) / 1000;
}
