import { contentFile, readJson } from './files.js';

/** A stage of the course, numbered from 1, that groups lessons. */
export interface Phase {
  number: number;
  title: string;
}

/** Loads and validates `phases.json` in the content folder, keyed by phase number. */
export async function loadPhases(contentDir: string): Promise<Map<number, Phase>> {
  const root = await readJson(contentFile(contentDir, 'phases.json'));
  root.rejectUnknownFields(['phases']);

  const phases = new Map<number, Phase>();
  for (const node of root.field('phases').items()) {
    node.rejectUnknownFields(['number', 'title']);
    const numberNode = node.field('number');
    const phase: Phase = { number: numberNode.asInteger(1), title: node.field('title').asText() };
    if (phases.has(phase.number)) numberNode.fail(`repeats the phase number ${phase.number}`);
    phases.set(phase.number, phase);
  }
  return phases;
}
