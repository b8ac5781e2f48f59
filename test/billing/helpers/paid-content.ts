/**
 * A copy of the course content with two paid lessons added: `dictionaries` for the
 * standard plan and `aligned-text` for the additional plan, in a phase 2 that the
 * real phases.json does not list yet. Gating tests need lessons behind each plan.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_DIR = fileURLToPath(new URL('../../../content/', import.meta.url));
const PAID_LESSONS_DIR = fileURLToPath(new URL('../fixtures/paid-lessons/', import.meta.url));
const PHASE_TWO = { number: 2, title: 'Organising data' };

export interface PaidContent {
  contentDir: string;
  remove(): Promise<void>;
}

/** Copies content/ to a temporary folder and adds the paid lessons and phase 2. */
export async function createPaidContent(): Promise<PaidContent> {
  const contentDir = await mkdtemp(path.join(os.tmpdir(), 'lp-paid-content-'));
  await cp(CONTENT_DIR, contentDir, { recursive: true });
  // Once these lessons move into content/lessons, the copy above already has them.
  const present = new Set(await readdir(path.join(contentDir, 'lessons')));
  for (const folder of await readdir(PAID_LESSONS_DIR).catch(() => [])) {
    if (!present.has(folder)) await cp(path.join(PAID_LESSONS_DIR, folder), path.join(contentDir, 'lessons', folder), { recursive: true });
  }

  const phasesFile = path.join(contentDir, 'phases.json');
  const phases = JSON.parse(await readFile(phasesFile, 'utf8')) as { phases: Array<{ number: number; title: string }> };
  if (!phases.phases.some((phase) => phase.number === PHASE_TWO.number)) phases.phases.push(PHASE_TWO);
  await writeFile(phasesFile, `${JSON.stringify(phases, null, 2)}\n`);

  return { contentDir, remove: () => rm(contentDir, { recursive: true, force: true }) };
}
