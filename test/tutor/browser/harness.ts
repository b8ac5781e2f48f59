/** Browser entry for the panel tests: mounts the tutor panel the way the lesson page will. */
import { mountTutorPanel } from '../../../src/client/tutor-panel.js';

declare global {
  interface Window {
    /** Code passed to insertCode, in order. */
    insertedCode: string[];
  }
}

window.insertedCode = [];
const root = document.getElementById('tutor')!;
mountTutorPanel(root, {
  lessonId: root.dataset.lessonId!,
  getCode: () => 'name = "Ada"\nprint(nmae)\n',
  getLastRun: () => ({ status: 'error', stdout: '', stderr: "NameError: name 'nmae' is not defined\n", exitCode: 1 }),
  insertCode: (code) => window.insertedCode.push(code),
});
