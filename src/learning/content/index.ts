import { readdir } from 'node:fs/promises';
import type { ContentCatalogue, Lesson } from '../types.js';
import { createCatalogue } from './catalogue.js';
import { ContentError } from './errors.js';
import { contentFile } from './files.js';
import { loadLesson } from './lesson.js';
import { loadPhases } from './phases.js';
import { loadPlans } from './plans.js';

export { ContentError } from './errors.js';
export { MAX_CODE_LENGTH } from './files.js';
export { isAllowedLink, renderMarkdown, type RenderedMarkdown } from './markdown.js';
export { FREE_PLAN_ID, loadPlans, type Plan, type PlanCatalogue } from './plans.js';

/**
 * Loads and validates the whole course from `contentDir` (plans.json, phases.json and one
 * folder per lesson under lessons/). Throws ContentError naming the file and field of the
 * first mistake found.
 */
export async function loadContent(contentDir: string): Promise<ContentCatalogue> {
  const plans = await loadPlans(contentDir);
  const phases = await loadPhases(contentDir);

  const lessons: Lesson[] = [];
  for (const folderName of await listLessonFolders(contentDir)) {
    lessons.push(await loadLesson({ contentDir, phases, plans }, folderName));
  }
  return createCatalogue(lessons);
}

/** Lists lesson folder names in name order, skipping hidden folders and loose files. */
async function listLessonFolders(contentDir: string): Promise<string[]> {
  const folder = contentFile(contentDir, 'lessons');
  let entries;
  try {
    entries = await readdir(folder.absolutePath, { withFileTypes: true });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      throw new ContentError(folder.displayPath, null, 'folder is missing');
    }
    throw error;
  }

  const names = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name);
  if (names.length === 0) throw new ContentError(folder.displayPath, null, 'folder contains no lesson folders');
  return names.sort();
}
