/** The CodeMirror 6 Python editor used on lesson pages. */
import { basicSetup } from 'codemirror';
import { python } from '@codemirror/lang-python';
import { indentUnit } from '@codemirror/language';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { indentWithTab } from '@codemirror/commands';

const PYTHON_INDENT = '    ';

const editorTheme = EditorView.theme({
  '&': {
    height: '100%',
    fontSize: '0.95rem',
    backgroundColor: 'var(--editor-bg, #fbfcfe)',
    color: 'var(--editor-text, #1f2933)',
  },
  '&.cm-focused': {
    outline: 'none',
  },
  '.cm-scroller': {
    fontFamily: 'var(--font-mono, ui-monospace, monospace)',
    lineHeight: '1.55',
    overflow: 'auto',
  },
  '.cm-content': {
    padding: '0.75rem 0',
  },
  '.cm-gutters': {
    backgroundColor: 'var(--editor-gutter-bg, #f1f4f9)',
    color: 'var(--editor-gutter-text, #5b6675)',
    borderRight: '1px solid var(--border, #d5dbe4)',
  },
  '.cm-activeLine': {
    backgroundColor: 'var(--editor-active-line, #eef3fb)',
  },
  '.cm-activeLineGutter': {
    backgroundColor: 'var(--editor-active-gutter, #e2e9f5)',
  },
});

/** Options for `createPythonEditor`. */
export interface PythonEditorOptions {
  /** Element that receives a shadow root holding the editor. */
  host: HTMLElement;
  initialCode: string;
  /** Called on Ctrl+Enter or Cmd+Enter. */
  onRun: () => void;
  /** Called with the whole code after each change. */
  onChange?: (code: string) => void;
}

/**
 * Creates a Python editor inside a shadow root on `options.host`.
 * The shadow root keeps the editor styled under a CSP without 'unsafe-inline'. CodeMirror's
 * style injector, style-mod 4.1.5, writes a <style> element into a document, and the CSP
 * blocks that. In a shadow root it uses a constructed stylesheet (adoptedStyleSheets) instead,
 * which CSP does not restrict.
 */
export function createPythonEditor(options: PythonEditorOptions): EditorView {
  const shadowRoot = options.host.shadowRoot ?? options.host.attachShadow({ mode: 'open' });

  const runKeymap = Prec.highest(
    keymap.of([
      {
        key: 'Mod-Enter',
        preventDefault: true,
        run: () => {
          options.onRun();
          return true;
        },
      },
    ]),
  );

  return new EditorView({
    parent: shadowRoot,
    state: EditorState.create({
      doc: options.initialCode,
      extensions: [
        runKeymap,
        basicSetup,
        python(),
        indentUnit.of(PYTHON_INDENT),
        EditorState.tabSize.of(4),
        keymap.of([indentWithTab]),
        editorTheme,
        // Long lines wrap instead of running past the right edge, where beginners would miss them.
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': 'Python code', spellcheck: 'false', autocapitalize: 'off' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange?.(update.state.doc.toString());
        }),
      ],
    }),
  });
}

/** Replaces the whole document of `view` and puts the cursor at its end. */
export function replaceCode(view: EditorView, code: string): void {
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: code },
    selection: { anchor: code.length },
    scrollIntoView: true,
  });
}
