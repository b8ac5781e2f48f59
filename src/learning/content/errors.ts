/** A mistake in the course files, found while loading them. */
export class ContentError extends Error {
  override readonly name = 'ContentError';

  /**
   * Builds the message `file: field problem`, so an editor can go straight to the
   * line to fix. `field` is a JSON path such as `tasks[1].checks[0].stdin`, or null
   * when the problem concerns the whole file.
   */
  constructor(
    readonly file: string,
    readonly field: string | null,
    readonly problem: string,
  ) {
    super(field === null ? `${file}: ${problem}` : `${file}: ${field} ${problem}`);
  }
}
