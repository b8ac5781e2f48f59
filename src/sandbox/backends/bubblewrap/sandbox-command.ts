/**
 * The command line of one sandboxed run:
 *
 *   bash (close inherited descriptors, join the run's cgroups)
 *     → setpriv (unprivileged host uid, only when the service is root)
 *     → bwrap (namespaces, filesystem) → prlimit (rlimits) → python3
 *
 * Every step but bwrap's own namespace setup is an exec, so the pid that the
 * service spawned is the pid that it kills.
 */
import type { RunLimits } from '../../types.js';
import type { ProcessRlimits } from './limits.js';

/** Working folder and HOME of the learner's code, also the folder its tracebacks name. */
export const SANDBOX_HOME = '/home/learner';

/** File the learner's code is written to, so tracebacks read `File "/home/learner/main.py", line 3`. */
export const MAIN_FILE_NAME = 'main.py';

/** uid and gid of the learner's code inside the sandbox's user namespace. */
export const SANDBOX_UID = 1000;

/** Descriptor on which bwrap reads the code into the sandbox. */
export const CODE_FD = 3;

/** Descriptor on which bwrap reports the sandboxed child's pid, proving the sandbox was set up. */
export const STATUS_FD = 4;

/** Executables on the host that a run needs. */
export interface HostTools {
  bwrapPath: string;
  /** Must be below /usr, the only host folder mounted in the sandbox. */
  pythonPath: string;
  /** Must be below /usr, because it runs inside the sandbox. */
  prlimitPath: string;
  setprivPath: string;
  /** bash, because dash cannot close descriptors above 9. */
  bashPath: string;
  /** /bin, /lib and /lib64 as the host has them, so the dynamic loader and libc are found. */
  rootEntries: RootEntry[];
}

/**
 * A top-level system path: a symlink into /usr on hosts with a merged /usr, such
 * as Debian 12, or a directory of its own on older layouts.
 */
export type RootEntry = { path: string; kind: 'symlink'; target: string } | { path: string; kind: 'directory' };

/** Per-run part of the command. */
export interface RunCommandInput {
  limits: Readonly<RunLimits>;
  rlimits: ProcessRlimits;
  codeBytes: number;
  /** Host uid the sandbox runs as, or null to run it as the service's own uid. */
  hostUid: number | null;
  cgroupProcsFiles: readonly string[];
}

/** Program and arguments for spawn(). */
export interface SpawnCommand {
  file: string;
  args: string[];
}

const PAGE_BYTES = 4096;

/** Host device nodes the sandbox gets, the same harmless set as `bwrap --dev` minus the tty. */
const DEVICE_NODES = ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom'];

/**
 * Closes every descriptor above the five that the service passes (stdin, stdout,
 * stderr, code, status), then joins the cgroups listed before `--` and execs the
 * rest. Node.js marks its own descriptors close-on-exec, but descriptors that the
 * service itself inherited (a parent's pipe, a socket) would otherwise reach
 * learner code. The cgroups are joined before the uid switch because only root
 * may move a process into a root-owned cgroup, and before bwrap forks so that
 * every later process is born inside them.
 */
const PREPARE_SCRIPT = [
  `for entry in /proc/self/fd/*; do fd=\${entry##*/}; if (( fd > ${STATUS_FD} )); then exec {fd}>&-; fi; done`,
  'while [[ $1 != -- ]]; do echo $$ > "$1" || exit 125; shift; done',
  'shift',
  'exec "$@"',
].join('\n');

/** Builds the full command of one run. */
export function buildRunCommand(tools: HostTools, input: RunCommandInput): SpawnCommand {
  let argv = [tools.bwrapPath, ...buildBwrapArgs(tools, input)];

  if (input.hostUid !== null) {
    const id = String(input.hostUid);
    argv = [tools.setprivPath, '--reuid', id, '--regid', id, '--clear-groups', '--inh-caps=-all', '--', ...argv];
  }

  // --norc: Debian's bash reads ~/.bashrc when stdin is a socket, as Node.js's pipes are.
  const args = ['--norc', '--noprofile', '-c', PREPARE_SCRIPT, 'prepare-sandbox', ...input.cgroupProcsFiles, '--', ...argv];
  return { file: tools.bashPath, args };
}

/** Builds bwrap's arguments, ending with the prlimit and python3 command it runs. */
export function buildBwrapArgs(tools: HostTools, input: RunCommandInput): string[] {
  return [
    ...namespaceArgs(),
    ...environmentArgs(),
    ...filesystemArgs(writableBytes(input), tools.rootEntries),
    '--chdir', SANDBOX_HOME,
    '--json-status-fd', String(STATUS_FD),
    '--',
    ...prlimitArgs(tools.prlimitPath, input.rlimits),
    ...pythonArgs(tools.pythonPath),
  ];
}

function namespaceArgs(): string[] {
  return [
    // User, IPC, PID, network, UTS and (where the kernel allows) cgroup namespaces.
    // The new network namespace has only a loopback device.
    '--unshare-all',
    '--unshare-user',
    // Stops learner code from creating user namespaces of its own, which would give
    // it capabilities there and so reach more kernel code.
    '--disable-userns',
    // A new session has no controlling terminal, so TIOCSTI cannot type into the service's.
    '--new-session',
    // Ends the sandbox if the service dies, so no run outlives a crashed service.
    '--die-with-parent',
    '--cap-drop', 'ALL',
    '--uid', String(SANDBOX_UID),
    '--gid', String(SANDBOX_UID),
    // Hides the host's name.
    '--hostname', 'sandbox',
  ];
}

function environmentArgs(): string[] {
  // Nothing of the service's environment (secrets, database URLs) may reach learner code.
  return [
    '--clearenv',
    '--setenv', 'PATH', '/usr/local/bin:/usr/bin:/bin',
    '--setenv', 'LANG', 'C.UTF-8',
    '--setenv', 'PYTHONIOENCODING', 'utf-8',
    '--setenv', 'HOME', SANDBOX_HOME,
    '--setenv', 'PYTHONDONTWRITEBYTECODE', '1',
  ];
}

/**
 * Builds the sandbox's filesystem. One size-limited tmpfs is its root, so the
 * working folder, /tmp and /dev/shm share one write budget and vanish with the
 * run. Only /usr comes from the host, read-only, plus /bin, /lib and /lib64 on
 * hosts without a merged /usr: no /etc, /home, /root, /proc or /sys of the host.
 */
function filesystemArgs(rootBytes: number, rootEntries: readonly RootEntry[]): string[] {
  const deviceArgs = DEVICE_NODES.flatMap((node) => ['--dev-bind', node, node]);
  const rootEntryArgs = rootEntries.flatMap((entry) =>
    entry.kind === 'symlink' ? ['--symlink', entry.target, entry.path] : ['--ro-bind', entry.path, entry.path],
  );

  return [
    '--size', String(rootBytes), '--tmpfs', '/',
    '--ro-bind', '/usr', '/usr',
    ...rootEntryArgs,
    '--proc', '/proc',
    '--dir', '/dev',
    ...deviceArgs,
    '--symlink', '/proc/self/fd', '/dev/fd',
    '--symlink', '/proc/self/fd/0', '/dev/stdin',
    '--symlink', '/proc/self/fd/1', '/dev/stdout',
    '--symlink', '/proc/self/fd/2', '/dev/stderr',
    '--perms', '1777', '--dir', '/dev/shm',
    '--perms', '1777', '--dir', '/tmp',
    '--dir', '/home',
    '--perms', '0700', '--dir', SANDBOX_HOME,
    '--perms', '0644', '--file', String(CODE_FD), `${SANDBOX_HOME}/${MAIN_FILE_NAME}`,
  ];
}

/** Returns the file budget plus room for the code file, rounded up to whole pages as tmpfs counts them. */
function writableBytes(input: RunCommandInput): number {
  const bytes = input.limits.maxFileBytes + input.codeBytes;
  return Math.ceil(bytes / PAGE_BYTES) * PAGE_BYTES + PAGE_BYTES;
}

/**
 * prlimit runs inside the sandbox, after bwrap created the user namespace.
 * Current kernels (tested on 6.18) then count RLIMIT_NPROC per user namespace,
 * so concurrent runs never share a process count even under one host uid. The
 * limits also cover only learner code, not bwrap.
 */
function prlimitArgs(prlimitPath: string, rlimits: ProcessRlimits): string[] {
  return [
    prlimitPath,
    `--cpu=${rlimits.cpuSoftSeconds}:${rlimits.cpuHardSeconds}`,
    `--as=${rlimits.addressSpaceBytes}`,
    `--nproc=${rlimits.maxTasks}`,
    `--fsize=${rlimits.maxFileBytes}`,
    `--nofile=${rlimits.maxOpenFiles}`,
    `--stack=${rlimits.stackBytes}`,
    '--core=0',
    '--',
  ];
}

/**
 * -I ignores PYTHON* variables and the user's site folder and keeps the working
 * folder off sys.path. Because it also ignores PYTHONDONTWRITEBYTECODE and
 * PYTHONIOENCODING, -B and -X utf8 set the same on the command line. -u sends
 * output as it is printed, so a run killed at its time limit still shows what it
 * printed before.
 */
function pythonArgs(pythonPath: string): string[] {
  return [pythonPath, '-I', '-B', '-X', 'utf8', '-u', MAIN_FILE_NAME];
}
