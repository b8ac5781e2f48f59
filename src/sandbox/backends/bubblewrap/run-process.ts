/**
 * Spawns one sandboxed run, feeds it code and stdin, collects bounded output and
 * kills the whole process tree at the wall-clock limit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Readable, Writable } from 'node:stream';

import { BoundedOutput } from './bounded-output.js';
import { CODE_FD, STATUS_FD, type SpawnCommand } from './sandbox-command.js';

/** Reason the service ended a run before it exited on its own. */
export type StopReason = 'wall' | 'output' | 'closed';

/** Outcome of one spawned run, before it is turned into a RunResult. */
export interface ProcessOutcome {
  /** Exit code of bwrap, which passes on Python's own (128 + n when Python died of signal n). */
  exitCode: number | null;
  /** Signal that ended bwrap itself, as when the service killed it. */
  signal: NodeJS.Signals | null;
  /** True once bwrap reported the sandboxed child's pid, so the namespaces were set up. */
  sandboxStarted: boolean;
  stopReason: StopReason | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
  /** Set when the first program of the command could not be started at all. */
  spawnError: Error | null;
}

/** Input of one spawned run. */
export interface ProcessInput {
  command: SpawnCommand;
  code: string;
  stdin: string;
  wallMs: number;
  maxOutputBytes: number;
  /** Aborting ends the run at once, as the backend does when it closes. */
  signal: AbortSignal;
}

/** bwrap's status messages are a few hundred bytes, so text beyond this is not from bwrap. */
const MAX_STATUS_BYTES = 16 * 1024;

/**
 * Time allowed after bwrap exits for its pipes to close. The sandbox's init exits
 * with bwrap and takes every process of its pid namespace with it, so the pipes
 * close within moments. The wait only guards against a pipe that something else
 * keeps open.
 */
const PIPE_DRAIN_MS = 1000;

/**
 * Time the outer bwrap gets to exit after the sandbox's init was killed, before
 * the service kills bwrap's process group too.
 */
const GROUP_KILL_DELAY_MS = 500;

/** Minimal environment of the wrapper programs. bwrap clears it again for the sandbox. */
const WRAPPER_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };

/** Runs the command and resolves once its process tree is gone. Never rejects. */
export async function runSandboxProcess(input: ProcessInput): Promise<ProcessOutcome> {
  const startedAtMs = performance.now();
  const stdout = new BoundedOutput(input.maxOutputBytes);
  const stderr = new BoundedOutput(input.maxOutputBytes);
  let statusText = '';
  let sandboxInitPid: number | null = null;
  let stopReason: StopReason | null = null;
  let spawnError: Error | null = null;

  // detached gives the command its own process group, so the kill reaches the outer
  // bwrap and anything it forked outside the sandbox, and never the service itself.
  const child = spawn(input.command.file, input.command.args, {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
    env: WRAPPER_ENV,
    cwd: '/',
  });

  let wallTimer: NodeJS.Timeout | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  let groupKillTimer: NodeJS.Timeout | undefined;

  // Killing the sandbox's init ends every process in its pid namespace at once,
  // whatever stage bwrap's setup is in. The process group kill is the fallback
  // when the init's pid is not known yet or bwrap does not exit after it.
  const stop = (reason: StopReason): void => {
    if (stopReason !== null) return;
    stopReason = reason;
    if (sandboxInitPid !== null && killSandboxInit(child, sandboxInitPid)) {
      groupKillTimer = setTimeout(() => killProcessGroup(child), GROUP_KILL_DELAY_MS);
    } else {
      killProcessGroup(child);
    }
  };

  const onAbort = (): void => stop('closed');

  try {
    const closed = waitForClose(child, (error) => {
      spawnError = error;
    });

    child.stdout?.on('data', (chunk: Buffer) => {
      if (!stdout.append(chunk)) stop('output');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (!stderr.append(chunk)) stop('output');
    });
    streamAt(child, STATUS_FD)?.on('data', (chunk: Buffer) => {
      if (statusText.length >= MAX_STATUS_BYTES) return;
      statusText += chunk.toString('utf8');
      sandboxInitPid ??= parseSandboxInitPid(statusText);
    });

    writeAndClose(child.stdin, input.stdin);
    writeAndClose(streamAt(child, CODE_FD), input.code);

    wallTimer = setTimeout(() => stop('wall'), input.wallMs);
    if (input.signal.aborted) stop('closed');
    input.signal.addEventListener('abort', onAbort, { once: true });

    child.once('exit', () => {
      drainTimer = setTimeout(() => destroyPipes(child), PIPE_DRAIN_MS);
    });

    await closed;
  } finally {
    clearTimeout(wallTimer);
    clearTimeout(drainTimer);
    clearTimeout(groupKillTimer);
    input.signal.removeEventListener('abort', onAbort);
    killProcessGroup(child);
    destroyPipes(child);
  }

  return {
    exitCode: child.exitCode,
    signal: child.signalCode,
    sandboxStarted: parseSandboxInitPid(statusText) !== null,
    stopReason,
    stdout: stdout.text(),
    stderr: stderr.text(),
    truncated: stdout.overflowed || stderr.overflowed,
    durationMs: Math.round(performance.now() - startedAtMs),
    spawnError,
  };
}

/** Resolves on 'close', or on 'error' when the program could not be spawned. */
function waitForClose(child: ChildProcess, onSpawnError: (error: Error) => void): Promise<void> {
  return new Promise((resolve) => {
    child.once('close', () => resolve());
    child.once('error', (error) => {
      // 'error' also fires for a failed kill, and only a missing pid means no process was started.
      if (child.pid !== undefined) return;
      onSpawnError(error);
      resolve();
    });
  });
}

/** Reads the host pid of the sandbox's init process from bwrap's JSON status. */
function parseSandboxInitPid(statusText: string): number | null {
  const match = /"child-pid"\s*:\s*(\d+)/.exec(statusText);
  return match ? Number(match[1]) : null;
}

/**
 * SIGKILLs the sandbox's init process and returns whether the signal was sent.
 * Only the outer bwrap, its parent, can reap it while bwrap lives, so the pid
 * cannot yet belong to another process.
 */
function killSandboxInit(child: ChildProcess, initPid: number): boolean {
  if (child.exitCode !== null || child.signalCode !== null) return false;
  try {
    process.kill(initPid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGKILLs the run's process group. Skipped once the child has been reaped,
 * because its pid, and so the group id, may then belong to an unrelated process.
 */
function killProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

function streamAt(child: ChildProcess, fd: number): (Readable & Writable) | undefined {
  return (child.stdio[fd] ?? undefined) as (Readable & Writable) | undefined;
}

function writeAndClose(stream: Writable | null | undefined, text: string): void {
  if (!stream) return;
  // EPIPE when the run exits, or bwrap fails, before reading everything. The outcome reports the reason.
  stream.on('error', () => {});
  stream.end(text);
}

function destroyPipes(child: ChildProcess): void {
  for (const stream of child.stdio) stream?.destroy();
}
