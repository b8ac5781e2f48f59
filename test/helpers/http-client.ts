/** A small HTTP client that keeps cookies like a browser and sends the CSRF header the pages send. */

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export class TestClient {
  private cookies = new Map<string, string>();
  private csrfToken: string | null = null;

  constructor(readonly baseUrl: string, private readonly headers: Record<string, string> = {}) {}

  /** Cookie value by name, as the browser would hold it. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  /** Fetches and remembers a CSRF token from GET /api/csrf. */
  async fetchCsrfToken(): Promise<string> {
    const response = await this.request('GET', '/api/csrf');
    this.csrfToken = response.body.token;
    return this.csrfToken!;
  }

  /** Sends a request; bodies are JSON, and state-changing requests carry the CSRF token unless `csrf: false`. */
  async request<T = any>(method: string, path: string, body?: unknown, options: { csrf?: boolean | string; headers?: Record<string, string> } = {}): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = { ...this.headers, ...options.headers };
    if (body !== undefined) headers['content-type'] ??= 'application/json';

    const wantsCsrf = options.csrf ?? method !== 'GET';
    if (typeof wantsCsrf === 'string') headers['x-csrf-token'] = wantsCsrf;
    else if (wantsCsrf) headers['x-csrf-token'] = this.csrfToken ?? (await this.fetchCsrfToken());
    // Set after the token fetch, which may have created the CSRF cookie.
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');

    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: serializeBody(body),
      redirect: 'manual',
    });
    this.storeCookies(response.headers);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON: pages and error pages are returned as text.
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  private storeCookies(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

function serializeBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return body;
  return JSON.stringify(body);
}

let counter = 0;

/** Returns new sign-up fields, unique within this test process. */
export function newAccount(): { email: string; username: string; password: string } {
  counter += 1;
  const tag = `${process.pid}${counter}${Math.random().toString(36).slice(2, 6)}`;
  return { email: `learner${tag}@example.com`, username: `learner_${tag}`.slice(0, 30), password: 'violet tractor sings under 7 moons' };
}
