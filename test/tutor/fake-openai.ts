/** A fake OpenAI-compatible chat completions server on 127.0.0.1 for driving the tutor in tests. */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the fake answers:
 * - `answer`: the reply pieces, streamed as SSE chunks or as one JSON body, as requested;
 * - `status-401`, `status-429`, `status-500`: that status with an error body;
 * - `slow`: never sends headers, so the caller's timeout fires;
 * - `stall`: sends one chunk, then nothing more;
 * - `cut-off`: sends two chunks, then destroys the connection without finishing;
 * - `endless`: sends a chunk every few milliseconds until the caller closes the connection.
 */
export type FakeMode = 'answer' | 'status-401' | 'status-429' | 'status-500' | 'slow' | 'stall' | 'cut-off' | 'endless';

/** A chat completions request as the fake received it. */
export interface ReceivedRequest {
  authorization: string | undefined;
  body: {
    model: string;
    stream?: boolean;
    max_tokens?: number;
    messages: Array<{ role: string; content: string }>;
  };
}

export interface FakeOpenAi {
  /** Value for OPENAI_BASE_URL. */
  baseUrl: string;
  requests: ReceivedRequest[];
  mode: FakeMode;
  /** Pieces of the answer in `answer` mode, one SSE chunk each. */
  replyPieces: string[];
  /** Headers sent with 429 and 500 answers; the default asks the client to retry after 1 ms. */
  retryHeaders: Record<string, string>;
  /** Text of upstream error bodies; tests check that it never reaches the learner. */
  readonly upstreamSecret: string;
  /** Resolves the next time a caller closes a streaming response before it finished. */
  nextClientDisconnect(): Promise<void>;
  /** Resolves when the next chat completions request has been received. */
  nextRequest(): Promise<void>;
  /** Joins every message the latest request carried, for searching the prompt. */
  lastPrompt(): string;
  close(): Promise<void>;
}

const UPSTREAM_SECRET = 'upstream-detail: Incorrect API key provided: sk-fake-LEAKED-1234';
const ENDLESS_CHUNK_INTERVAL_MS = 5;

/** Starts the fake on a free loopback port. */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const disconnectWaiters: Array<() => void> = [];
  const requestWaiters: Array<() => void> = [];
  const fake: Omit<FakeOpenAi, 'baseUrl' | 'close'> = {
    requests: [],
    mode: 'answer',
    replyPieces: ['Look at ', 'line 2: ', '`nmae` is not defined.'],
    retryHeaders: { 'retry-after-ms': '1' },
    upstreamSecret: UPSTREAM_SECRET,
    nextClientDisconnect: () => new Promise<void>((resolve) => { disconnectWaiters.push(resolve); }),
    nextRequest: () => new Promise<void>((resolve) => { requestWaiters.push(resolve); }),
    lastPrompt: () => (fake.requests.at(-1)?.body.messages ?? []).map((message) => message.content).join('\n'),
  };

  const server = http.createServer((request, response) => {
    void handleRequest(request, response).catch(() => response.destroy());
  });

  async function handleRequest(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      sendJson(response, 404, { error: { message: 'not found' } });
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedRequest['body'];
    fake.requests.push({ authorization: request.headers.authorization, body });
    requestWaiters.splice(0).forEach((resolve) => resolve());

    switch (fake.mode) {
      case 'answer': return body.stream ? streamPieces(response, fake.replyPieces, body.model) : sendCompletion(response, fake.replyPieces.join(''), body.model);
      case 'status-401': return sendJson(response, 401, upstreamError('invalid_api_key'));
      case 'status-429': return sendJson(response, 429, upstreamError('rate_limit_exceeded'), fake.retryHeaders);
      case 'status-500': return sendJson(response, 500, upstreamError('server_error'), fake.retryHeaders);
      case 'slow': return;
      case 'stall': return startStream(response, body.model, ['Thinking']);
      case 'cut-off': return cutOffStream(response, body.model);
      case 'endless': return streamUntilClosed(response, body.model, () => disconnectWaiters.splice(0).forEach((resolve) => resolve()));
    }
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return Object.assign(fake, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  });
}

function upstreamError(code: string): unknown {
  return { error: { message: UPSTREAM_SECRET, type: 'fake_error', code } };
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function sendCompletion(response: http.ServerResponse, text: string, model: string): void {
  sendJson(response, 200, {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  });
}

function chunkEvent(model: string, content: string | null, finishReason: string | null): string {
  const delta = content === null ? {} : { content };
  const chunk = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finishReason }] };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

function startStream(response: http.ServerResponse, model: string, pieces: string[]): void {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const piece of pieces) response.write(chunkEvent(model, piece, null));
}

function streamPieces(response: http.ServerResponse, pieces: string[], model: string): void {
  startStream(response, model, pieces);
  response.write(chunkEvent(model, null, 'stop'));
  response.end('data: [DONE]\n\n');
}

function cutOffStream(response: http.ServerResponse, model: string): void {
  startStream(response, model, ['The answer starts ', 'and then ']);
  // Flush the two chunks, then drop the connection as a crashing upstream would.
  setImmediate(() => response.socket?.destroy());
}

function streamUntilClosed(response: http.ServerResponse, model: string, onClientClosed: () => void): void {
  startStream(response, model, ['Counting: ']);
  let count = 0;
  const timer = setInterval(() => { count += 1; response.write(chunkEvent(model, `${count} `, null)); }, ENDLESS_CHUNK_INTERVAL_MS);
  response.on('close', () => {
    clearInterval(timer);
    if (!response.writableFinished) onClientClosed();
  });
}
