/**
 * Runs every hostile program of hostile-programs.ts through the real sandbox
 * service, against every backend that works on this host. Besides each
 * program's own check, every run must leak no canary, secret or host file
 * content, end within its wall limit plus a margin, and leave the service able
 * to run `print("clean")` right after.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { CGROUP_NAME_PREFIX } from '../../src/sandbox/backends/bubblewrap/cgroups.js';
import { listUsableBackends } from '../../src/sandbox/backends/select.js';
import { DEFAULT_RUN_LIMITS, type BackendName, type RunLimits, type RunResult } from '../../src/sandbox/types.js';
import { startSandboxService, type RunningSandbox } from '../helpers/sandbox-service.js';
import { HOSTILE_PROGRAMS, type HostileContext } from './hostile-programs.js';

/** Time on top of a run's wall limit for process start, kill and the HTTP round trip. */
const MARGIN_MS = 3_000;

/**
 * Extra time the HTTP round trip may take before a run starts. A Pyodide run
 * waits for a warm interpreter when the pool is empty. The backend fails a
 * child that is not ready within 30 s and gives up on waiting runs after three
 * failed starts in a row, so a run waits at most about 3 x 30 s on a busy host.
 */
const START_ALLOWANCE_MS: Record<BackendName, number> = { bubblewrap: 0, pyodide: 3 * 30_000 };

/** Warm Pyodide children that startSandboxService keeps waiting, which are not leftovers. */
const PYODIDE_POOL_SIZE = 2;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const repoPackageJsonPath = path.join(repoRoot, 'package.json');

// The canary variable is set before any service starts, so every backend's
// children could inherit it if the backend passed the environment on.
const canaryEnvName = `LP_CANARY_${randomBytes(6).toString('hex').toUpperCase()}`;
const canaryEnvValue = `canary-env-${randomBytes(16).toString('hex')}`;
const envSecretValue = `sandbox-secret-${randomBytes(16).toString('hex')}`;
const previousEnvSecret = process.env.SANDBOX_SECRET;
process.env[canaryEnvName] = canaryEnvValue;
process.env.SANDBOX_SECRET = envSecretValue;

const backends = await listUsableBackends();

interface TimedRun {
  result: RunResult;
  roundTripMs: number;
}

async function execute(service: RunningSandbox, code: string, limits?: Partial<RunLimits>): Promise<TimedRun> {
  const startedAt = performance.now();
  const response = await fetch(new URL('/v1/execute', service.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sandbox-secret': service.secret },
    body: JSON.stringify({ code, limits }),
  });
  const text = await response.text();
  const roundTripMs = performance.now() - startedAt;
  assert.equal(response.status, 200, text);
  return { result: JSON.parse(text) as RunResult, roundTripMs };
}

/** One process of the host that a sandbox run may have left behind. */
interface FoundProcess {
  pid: number;
  command: string;
}

/** Processes of this test process's sandboxes, grouped by how they were found. */
interface SandboxProcesses {
  /** Members of the cgroups that the bubblewrap backend creates under this pid. */
  inRunCgroups: FoundProcess[];
  /** bubblewrap wrapper programs (bash, setpriv, bwrap) still started by this process. */
  bubblewrapChildren: FoundProcess[];
  /** Pyodide children (main.mjs) of this process. */
  pyodideChildren: FoundProcess[];
}

/**
 * Lists processes that belong to this test process's sandboxes.
 *
 * NOTE: on a host where the backend may not create cgroups, `inRunCgroups` is
 * empty by construction. Processes inside the sandbox are then only found
 * through their wrappers, and the PID namespace is what ends them with bwrap.
 */
async function listSandboxProcesses(): Promise<SandboxProcesses> {
  const found: SandboxProcesses = { inRunCgroups: [], bubblewrapChildren: [], pyodideChildren: [] };

  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;

    // A process may exit between readdir and these reads, and its empty text then matches nothing.
    const [cgroups, stat, cmdline] = await Promise.all([
      readFile(`/proc/${entry}/cgroup`, 'utf8').catch(() => ''),
      readFile(`/proc/${entry}/stat`, 'utf8').catch(() => ''),
      readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => ''),
    ]);
    const command = cmdline.split('\0').join(' ').trim();
    // The fields after the command name, which may itself contain spaces and parentheses.
    const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const isChild = parentPid === process.pid;

    if (cgroups.includes(CGROUP_NAME_PREFIX)) found.inRunCgroups.push({ pid, command });
    if (isChild && /prepare-sandbox|\bsetpriv\b|\bbwrap\b/.test(command)) found.bubblewrapChildren.push({ pid, command });
    if (isChild && command.includes('/pyodide/child/main.mjs')) found.pyodideChildren.push({ pid, command });
  }
  return found;
}

describe('sandbox escape suite', () => {
  let canaryFolder: string;
  let canaryFilePath: string;
  let canaryFileContent: string;
  let tcpListener: Server;
  let udpListener: UdpSocket;
  let tcpConnections = 0;
  let udpDatagrams = 0;
  /** Texts that must never appear in a run's output, with a label for the failure message. */
  let forbiddenTexts: Array<{ label: string; text: string }>;

  before(async () => {
    canaryFolder = await mkdtemp(path.join(tmpdir(), 'lp-escape-'));
    canaryFilePath = path.join(canaryFolder, `canary-${randomBytes(4).toString('hex')}.txt`);
    canaryFileContent = `canary-file-${randomBytes(16).toString('hex')}`;
    await writeFile(canaryFilePath, canaryFileContent);

    tcpListener = createServer((socket) => {
      tcpConnections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => tcpListener.listen(0, '127.0.0.1', resolve));

    udpListener = createSocket('udp4');
    udpListener.on('message', () => {
      udpDatagrams += 1;
    });
    await new Promise<void>((resolve) => udpListener.bind(0, '127.0.0.1', resolve));

    const packageJson = JSON.parse(await readFile(repoPackageJsonPath, 'utf8')) as { description: string };
    const hostLines = async (file: string, label: string) => {
      // /etc/shadow is readable only by root, so a test run as another user skips it.
      const text = await readFile(file, 'utf8').catch(() => '');
      return text.split('\n').filter((line) => line.trim() !== '').map((line) => ({ label, text: line }));
    };
    forbiddenTexts = [
      { label: 'canary environment value', text: canaryEnvValue },
      { label: 'SANDBOX_SECRET value', text: envSecretValue },
      { label: 'canary file content', text: canaryFileContent },
      { label: 'repository package.json description', text: packageJson.description },
      ...(await hostLines('/etc/passwd', 'line of the host /etc/passwd')),
      ...(await hostLines('/etc/shadow', 'line of the host /etc/shadow')),
    ];
  });

  after(async () => {
    delete process.env[canaryEnvName];
    if (previousEnvSecret === undefined) delete process.env.SANDBOX_SECRET;
    else process.env.SANDBOX_SECRET = previousEnvSecret;

    await new Promise<void>((resolve) => tcpListener.close(() => resolve()));
    await new Promise<void>((resolve) => udpListener.close(resolve));
    await rm(canaryFolder, { recursive: true, force: true });
  });

  for (const backend of backends) {
    describe(`escapes on ${backend}`, () => {
      let service: RunningSandbox;
      let serviceClosed = false;
      let context: HostileContext;
      const limits = DEFAULT_RUN_LIMITS;

      before(async () => {
        service = await startSandboxService(backend, { limits });
        context = {
          backend,
          limits,
          canaryEnvName,
          canaryFilePath,
          tcpListenerPort: (tcpListener.address() as { port: number }).port,
          udpListenerPort: udpListener.address().port,
          repoPackageJsonPath,
        };
      });

      after(async () => {
        if (!serviceClosed) await service.close();
      });

      function assertNoLeak(result: RunResult): void {
        const output = result.stdout + result.stderr;
        for (const forbidden of [...forbiddenTexts, { label: 'service secret', text: service.secret }]) {
          assert.ok(!output.includes(forbidden.text), `the output contains the ${forbidden.label}`);
        }
      }

      function assertEndedInTime(run: TimedRun, requested: Partial<RunLimits> | undefined): void {
        const wallMs = Math.min(limits.wallMs, requested?.wallMs ?? Infinity);
        assert.ok(run.result.durationMs <= wallMs + MARGIN_MS, `the run took ${run.result.durationMs} ms, wall limit ${wallMs} ms`);
        const maxRoundTripMs = wallMs + MARGIN_MS + START_ALLOWANCE_MS[backend];
        assert.ok(run.roundTripMs <= maxRoundTripMs, `the request took ${Math.round(run.roundTripMs)} ms, allowed ${maxRoundTripMs} ms`);
      }

      for (const program of HOSTILE_PROGRAMS) {
        it(program.name, async () => {
          const code = typeof program.code === 'function' ? program.code(context) : program.code;
          const first = await execute(service, code, program.limits);
          const next = program.nextRunCode === undefined ? undefined : await execute(service, program.nextRunCode, program.limits);

          for (const run of [first, next]) {
            if (!run) continue;
            assertNoLeak(run.result);
            assertEndedInTime(run, program.limits);
          }
          program.expect(first.result, context, next?.result);

          const clean = await execute(service, 'print("clean")\n');
          assert.equal(clean.result.status, 'ok', clean.result.stderr);
          assert.equal(clean.result.stdout, 'clean\n');
          assert.equal(clean.result.stderr, '');

          assert.equal(tcpConnections, 0, 'the host TCP listener accepted a connection');
          assert.equal(udpDatagrams, 0, 'the host UDP socket received a datagram');
        });
      }

      it('healthz answers after every program', async () => {
        const response = await fetch(new URL('/healthz', service.url));
        const body = (await response.json()) as { status: string; backend: string; load: { active: number; waiting: number } };

        assert.equal(response.status, 200);
        assert.equal(body.status, 'ok');
        assert.equal(body.backend, backend);
        assert.equal(body.load.active, 0);
        assert.equal(body.load.waiting, 0);
      });

      it('leaves no run processes behind', async () => {
        const whileOpen = await listSandboxProcesses();
        assert.deepEqual(whileOpen.inRunCgroups, []);
        assert.deepEqual(whileOpen.bubblewrapChildren, []);
        // Only the warm pool may be waiting. A child that outlived its run would add to it.
        assert.ok(whileOpen.pyodideChildren.length <= PYODIDE_POOL_SIZE, JSON.stringify(whileOpen.pyodideChildren));

        await service.close();
        serviceClosed = true;
        const afterClose = await listSandboxProcesses();
        assert.deepEqual(afterClose.inRunCgroups, []);
        assert.deepEqual(afterClose.bubblewrapChildren, []);
        assert.deepEqual(afterClose.pyodideChildren, []);
      });
    });
  }
});
