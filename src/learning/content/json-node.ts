import { ContentError } from './errors.js';

/** Lowercase words joined by single hyphens, such as `hello-world` or `phase2`. */
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * A value read from a JSON file together with its file and JSON path, so every
 * validation failure becomes a ContentError that names both.
 */
export class JsonNode {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly value: unknown,
  ) {}

  /** Throws a ContentError about this value. */
  fail(problem: string): never {
    throw new ContentError(this.file, this.path === '' ? null : this.path, problem);
  }

  /** Returns the named property, failing when this is not an object or the property is missing. */
  field(key: string): JsonNode {
    const child = this.optionalField(key);
    if (child === null) {
      return new JsonNode(this.file, this.childPath(key), undefined).fail('is missing');
    }
    return child;
  }

  /** Returns the named property, or null when it is absent. */
  optionalField(key: string): JsonNode | null {
    const record = this.asObject();
    if (!Object.hasOwn(record, key) || record[key] === undefined) return null;
    return new JsonNode(this.file, this.childPath(key), record[key]);
  }

  /** Fails when the object has a property outside `allowed`, which catches misspelt field names. */
  rejectUnknownFields(allowed: readonly string[]): void {
    for (const key of Object.keys(this.asObject())) {
      if (allowed.includes(key)) continue;
      new JsonNode(this.file, this.childPath(key), undefined).fail(
        `is not a known field (known fields: ${allowed.join(', ')})`,
      );
    }
  }

  /** Returns the elements of an array, each with its index in the path. */
  items(): JsonNode[] {
    if (!Array.isArray(this.value)) this.fail('must be an array');
    return this.value.map((item: unknown, index) => new JsonNode(this.file, `${this.path}[${index}]`, item));
  }

  /** Returns the elements of an array that has at least one. */
  nonEmptyItems(): JsonNode[] {
    const items = this.items();
    if (items.length === 0) this.fail('must not be empty');
    return items;
  }

  /** Returns the elements of an array whose length lies in [min, max]. */
  itemsBetween(min: number, max: number): JsonNode[] {
    const items = this.items();
    if (items.length < min || items.length > max) {
      this.fail(`must have between ${min} and ${max} entries (found ${items.length})`);
    }
    return items;
  }

  asString(): string {
    if (typeof this.value !== 'string') this.fail('must be a string');
    return this.value;
  }

  /** Returns a string that has at least one character other than whitespace. */
  asText(): string {
    const text = this.asString();
    if (text.trim() === '') this.fail('must not be empty');
    return text;
  }

  /** Returns a lowercase slug such as `first-steps`, the form every id in the content uses. */
  asSlug(): string {
    const text = this.asString();
    if (!SLUG_PATTERN.test(text)) {
      this.fail(`must be a lowercase slug such as "first-steps" (found ${JSON.stringify(text)})`);
    }
    return text;
  }

  /** Returns an integer that is at least `min`. */
  asInteger(min: number): number {
    if (typeof this.value !== 'number' || !Number.isInteger(this.value)) this.fail('must be an integer');
    if (this.value < min) this.fail(`must be at least ${min} (found ${this.value})`);
    return this.value;
  }

  private asObject(): Record<string, unknown> {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) {
      this.fail('must be a JSON object');
    }
    return this.value as Record<string, unknown>;
  }

  private childPath(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }
}
