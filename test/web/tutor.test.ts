import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEFAULT_TUTOR_MODEL } from '../../src/config/tutor-config.js';
import { loadContent, loadPlans } from '../../src/learning/content/index.js';
import type { Lesson } from '../../src/learning/types.js';
import { htmlToText } from '../../src/tutor/lesson-text.js';
import { newAccount, TestClient } from '../helpers/http-client.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';
import { startFakeOpenAi, type FakeMode, type FakeOpenAi } from '../tutor/fake-openai.js';

const CONTENT_DIR = path.resolve('content');
const content = await loadContent(CONTENT_DIR);
const plans = await loadPlans(CONTENT_DIR);
const FREE_DAILY_LIMIT = plans.getPlan('free')!.tutorDailyLimit;
const MAX_RETRIES = 1;
/** Large enough that an endless upstream answer is never cut by the length cap during a test. */
const MAX_ANSWER_TOKENS = 8_000;

/** Environment that points the app at the fake and keeps other limits out of the way. */
function tutorEnv(fake: FakeOpenAi): Record<string, string> {
  return {
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: fake.baseUrl,
    TUTOR_TIMEOUT_MS: '300',
    TUTOR_MAX_RETRIES: String(MAX_RETRIES),
    TUTOR_MAX_ANSWER_TOKENS: String(MAX_ANSWER_TOKENS),
    TUTOR_REQUESTS_PER_MINUTE_PER_USER: '1000',
    AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '1000',
  };
}

interface ServerSentEvent {
  event: string;
  data: any;
}

/** Splits an event-stream body into its events, each with its JSON data parsed. */
function parseEventStream(text: string): ServerSentEvent[] {
  return text.split('\n\n').filter((block) => block.trim() !== '').map((block) => {
    const lines = block.split('\n');
    const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length) ?? 'message';
    const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length)).join('\n');
    return { event, data: JSON.parse(data) };
  });
}

async function signedInClient(web: RunningWebApp): Promise<TestClient> {
  const client = new TestClient(web.baseUrl);
  const registered = await client.request('POST', '/api/auth/register', newAccount());
  assert.equal(registered.status, 201);
  return client;
}

function firstLesson(): Lesson {
  return content.listLessons()[0]!;
}

describe('POST /api/tutor', () => {
  let fake: FakeOpenAi;
  let web: RunningWebApp;

  before(async () => {
    fake = await startFakeOpenAi();
    web = await startWebApp({ env: tutorEnv(fake) });
  });
  after(async () => {
    await web?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.mode = 'answer';
    fake.requests.length = 0;
    fake.retryHeaders = { 'retry-after-ms': '1' };
  });

  it('sends the server-loaded lesson, code and output upstream', async () => {
    const client = await signedInClient(web);
    const lesson = firstLesson();
    const stderr = 'Traceback (most recent call last):\n  File "main.py", line 2, in <module>\nNameError: name \'nmae\' is not defined\n';

    const response = await client.request('POST', '/api/tutor', {
      message: 'Why does my program fail?',
      lessonId: lesson.id,
      code: 'name = "Ada"\nprint(nmae)\n',
      lastRun: { status: 'error', stdout: '', stderr, exitCode: 1 },
      lessonText: 'FAKE LESSON FROM THE CLIENT',
      lesson: { title: 'FAKE TITLE FROM THE CLIENT', bodyHtml: '<p>FAKE BODY FROM THE CLIENT</p>' },
    });
    assert.equal(response.status, 200);
    assert.equal(fake.requests.length, 1);

    const received = fake.requests[0]!;
    const prompt = fake.lastPrompt();
    assert.equal(received.authorization, 'Bearer test');
    assert.equal(received.body.model, DEFAULT_TUTOR_MODEL);
    assert.equal(received.body.stream, true);
    assert.equal(received.body.max_tokens, MAX_ANSWER_TOKENS);
    assert.equal(received.body.messages[0]!.role, 'system');
    assert.ok(prompt.includes(`Lesson: ${lesson.title}`));
    assert.ok(prompt.includes(htmlToText(lesson.bodyHtml).split('\n')[0]!));
    assert.ok(!prompt.includes('FAKE'), 'client-sent lesson text reached the prompt');
    assert.ok(!prompt.includes(lesson.tasks[0]!.solution.trim()), 'a reference solution reached the prompt');
    assert.match(prompt, /<<<CODE (\w+)>>>\n1 \| name = "Ada"\n2 \| print\(nmae\)\n<<<END CODE \1>>>/);
    assert.match(prompt, /<<<ERRORS (\w+)>>>\n[\s\S]*NameError: name 'nmae' is not defined\n[\s\S]*<<<END ERRORS \1>>>/);
    assert.match(prompt, /<<<QUESTION (\w+)>>>\nWhy does my program fail\?\n<<<END QUESTION \1>>>/);
    assert.ok(!prompt.includes('exitCode'));
  });

  it('returns the reply and remaining questions as JSON', async () => {
    const client = await signedInClient(web);

    const response = await client.request('POST', '/api/tutor', { message: 'What does print do?' });
    assert.equal(response.status, 200);
    assert.equal(response.body.reply, fake.replyPieces.join(''));
    assert.equal(response.body.remaining, FREE_DAILY_LIMIT - 1);
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  it('streams delta events and then done', async () => {
    const client = await signedInClient(web);

    const response = await client.request('POST', '/api/tutor', { message: 'What does print do?' }, { headers: { accept: 'text/event-stream' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);

    const events = parseEventStream(response.body);
    const names = events.map((entry) => entry.event);
    assert.deepEqual(names, [...fake.replyPieces.map(() => 'delta'), 'done']);
    assert.deepEqual(events.filter((entry) => entry.event === 'delta').map((entry) => entry.data.text), fake.replyPieces);
    assert.deepEqual(events.at(-1)!.data, { remaining: FREE_DAILY_LIMIT - 1 });
  });

  const upstreamFailures: Array<[FakeMode, string, number]> = [
    ['status-401', 'tutor_unavailable', 1],
    ['status-429', 'tutor_busy', 1 + MAX_RETRIES],
    ['status-500', 'tutor_unavailable', 1 + MAX_RETRIES],
    ['slow', 'tutor_unavailable', 1 + MAX_RETRIES],
  ];
  for (const [mode, code, attempts] of upstreamFailures) {
    it(`maps upstream ${mode} to 503 ${code}`, async () => {
      const client = await signedInClient(web);
      fake.mode = mode;

      const response = await client.request('POST', '/api/tutor', { message: 'Hello?' });
      assert.equal(response.status, 503);
      assert.equal(response.body.error.code, code);
      assert.ok(!JSON.stringify(response.body).includes('sk-fake'), 'the upstream message leaked');
      assert.ok(!JSON.stringify(response.body).includes(fake.upstreamSecret));
      assert.equal(fake.requests.length, attempts);

      const quota = await client.request('GET', '/api/tutor/quota');
      assert.equal(quota.body.used, 0, 'a failed question was not refunded');
    });
  }

  it('ignores an upstream Retry-After of an hour', { timeout: 20_000 }, async () => {
    const client = await signedInClient(web);
    fake.mode = 'status-429';
    fake.retryHeaders = { 'retry-after': '3600' };

    const response = await client.request('POST', '/api/tutor', { message: 'Hello?' });
    assert.equal(response.status, 503);
    assert.equal(response.body.error.code, 'tutor_busy');
    assert.equal(fake.requests.length, 1 + MAX_RETRIES);
  });

  it('answers an upstream failure before any text with 503 on a stream request', async () => {
    const client = await signedInClient(web);
    fake.mode = 'status-429';

    const response = await client.request('POST', '/api/tutor', { message: 'Hello?' }, { headers: { accept: 'text/event-stream' } });
    assert.equal(response.status, 503);
    assert.equal(response.body.error.code, 'tutor_busy');
  });

  it('ends a cut-off stream with an error event', async () => {
    const client = await signedInClient(web);
    fake.mode = 'cut-off';

    const response = await client.request('POST', '/api/tutor', { message: 'Hello?', lessonId: firstLesson().id }, { headers: { accept: 'text/event-stream' } });
    assert.equal(response.status, 200);
    const events = parseEventStream(response.body);
    assert.deepEqual(events.map((entry) => entry.event), ['delta', 'delta', 'error']);
    assert.equal(events.at(-1)!.data.error.code, 'tutor_unavailable');
    assert.ok(!response.body.includes(fake.upstreamSecret));

    const partial = events.filter((entry) => entry.event === 'delta').map((entry) => entry.data.text).join('');
    const conversation = await client.request('GET', `/api/tutor/conversation?lessonId=${firstLesson().id}`);
    assert.deepEqual(conversation.body.messages.map((message: any) => message.content), ['Hello?', partial]);
  });

  it('ends a stalled stream with an error event', async () => {
    const client = await signedInClient(web);
    fake.mode = 'stall';

    const response = await client.request('POST', '/api/tutor', { message: 'Hello?' }, { headers: { accept: 'text/event-stream' } });
    const events = parseEventStream(response.body);
    assert.deepEqual(events.map((entry) => entry.event), ['delta', 'error']);
    assert.equal(events.at(-1)!.data.error.code, 'tutor_unavailable');
  });

  for (const [label, accept] of [['streaming', 'text/event-stream'], ['JSON', 'application/json']] as const) {
    it(`aborts upstream when a ${label} client disconnects`, { timeout: 20_000 }, async () => {
      const client = await signedInClient(web);
      const token = await client.fetchCsrfToken();
      fake.mode = 'endless';
      const upstreamReached = fake.nextRequest();
      const upstreamClosed = fake.nextClientDisconnect();

      const abort = new AbortController();
      const cookies = ['lp_session', 'lp_csrf'].map((name) => `${name}=${client.cookie(name)}`).join('; ');
      const response = fetch(`${web.baseUrl}/api/tutor`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept, 'x-csrf-token': token, cookie: cookies },
        body: JSON.stringify({ message: 'Count forever' }),
        signal: abort.signal,
      });
      response.catch(() => undefined);
      if (accept === 'text/event-stream') {
        const first = await (await response).body!.getReader().read();
        assert.match(new TextDecoder().decode(first.value), /event: delta/);
      } else {
        await upstreamReached;
      }

      abort.abort();
      await upstreamClosed;
      assert.equal(fake.requests.length, 1);
    });
  }

  it('rejects a message over 500 characters with 400', async () => {
    const client = await signedInClient(web);

    const response = await client.request('POST', '/api/tutor', { message: 'x'.repeat(501) });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'message_too_long');
    assert.equal(fake.requests.length, 0);
  });

  it('counts a message in characters, not UTF-16 units', async () => {
    const client = await signedInClient(web);

    const response = await client.request('POST', '/api/tutor', { message: '🐍'.repeat(500) });
    assert.equal(response.status, 200);
  });

  it('rejects an empty message and over-long code with 400', async () => {
    const client = await signedInClient(web);

    const empty = await client.request('POST', '/api/tutor', { message: '   ' });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.code, 'invalid_input');
    const longCode = await client.request('POST', '/api/tutor', { message: 'Why?', code: '#'.repeat(10_001) });
    assert.equal(longCode.status, 400);
    assert.equal(longCode.body.error.fields.code, 'must be at most 10000 characters');
    assert.equal(fake.requests.length, 0);
  });

  it('rejects an unknown lesson with 404', async () => {
    const client = await signedInClient(web);

    const response = await client.request('POST', '/api/tutor', { message: 'Why?', lessonId: 'no-such-lesson' });
    assert.equal(response.status, 404);
    assert.equal(fake.requests.length, 0);
  });

  it('requires a session and a CSRF token', async () => {
    const anonymous = await new TestClient(web.baseUrl).request('POST', '/api/tutor', { message: 'Hi' });
    assert.equal(anonymous.status, 401);

    const client = await signedInClient(web);
    const forged = await client.request('POST', '/api/tutor', { message: 'Hi' }, { csrf: 'forged-token' });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.error.code, 'csrf_invalid');
    assert.equal(fake.requests.length, 0);
  });

  it('keeps the conversation across requests', async () => {
    const client = await signedInClient(web);
    const lessonId = firstLesson().id;
    fake.replyPieces = ['First answer.'];
    await client.request('POST', '/api/tutor', { message: 'First question', lessonId });
    fake.replyPieces = ['Second answer.'];
    await client.request('POST', '/api/tutor', { message: 'Second question', lessonId });

    const secondPrompt = fake.requests[1]!.body.messages;
    assert.ok(secondPrompt.some((message) => message.role === 'user' && message.content.includes('First question')));
    assert.ok(secondPrompt.some((message) => message.role === 'assistant' && message.content === 'First answer.'));

    const conversation = await client.request('GET', `/api/tutor/conversation?lessonId=${lessonId}`);
    assert.equal(conversation.status, 200);
    assert.deepEqual(conversation.body.messages.map((message: any) => [message.role, message.content]), [
      ['user', 'First question'],
      ['assistant', 'First answer.'],
      ['user', 'Second question'],
      ['assistant', 'Second answer.'],
    ]);
    const general = await client.request('GET', '/api/tutor/conversation');
    assert.deepEqual(general.body.messages, []);
    const stranger = await (await signedInClient(web)).request('GET', `/api/tutor/conversation?lessonId=${lessonId}`);
    assert.deepEqual(stranger.body.messages, []);

    const cleared = await client.request('DELETE', `/api/tutor/conversation?lessonId=${lessonId}`);
    assert.equal(cleared.status, 204);
    const afterClear = await client.request('GET', `/api/tutor/conversation?lessonId=${lessonId}`);
    assert.deepEqual(afterClear.body.messages, []);
  });

  it('rejects clearing a conversation without a CSRF token', async () => {
    const client = await signedInClient(web);

    const response = await client.request('DELETE', '/api/tutor/conversation', undefined, { csrf: false });
    assert.equal(response.status, 403);
  });

  it('reports the daily quota', async () => {
    const client = await signedInClient(web);
    await client.request('POST', '/api/tutor', { message: 'One question' });

    const response = await client.request('GET', '/api/tutor/quota');
    assert.equal(response.status, 200);
    assert.equal(response.body.limit, FREE_DAILY_LIMIT);
    assert.equal(response.body.used, 1);
    assert.equal(response.body.remaining, FREE_DAILY_LIMIT - 1);
    const resetsAt = new Date(response.body.resetsAt);
    assert.equal(resetsAt.toISOString(), response.body.resetsAt);
    assert.equal(resetsAt.getUTCHours() + resetsAt.getUTCMinutes() + resetsAt.getUTCSeconds(), 0);
    assert.ok(resetsAt.getTime() > Date.now());
  });
});

describe('tutor without an API key', () => {
  const REQUESTS_PER_MINUTE = 2;
  let web: RunningWebApp;

  before(async () => {
    web = await startWebApp({ env: { AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '1000', TUTOR_REQUESTS_PER_MINUTE_PER_USER: String(REQUESTS_PER_MINUTE) } });
  });
  after(async () => {
    await web?.close();
  });

  it('answers 503 tutor_unavailable with the reason', async () => {
    const client = await signedInClient(web);

    const response = await client.request('POST', '/api/tutor', { message: 'Hello?' });
    assert.equal(response.status, 503);
    assert.equal(response.body.error.code, 'tutor_unavailable');
    assert.equal(response.body.error.message, 'The tutor is not configured on this server.');
    const quota = await client.request('GET', '/api/tutor/quota');
    assert.equal(quota.status, 503);
    assert.equal(quota.body.error.message, 'The tutor is not configured on this server.');
  });

  it('throttles questions past the per-minute limit with 429', async () => {
    const client = await signedInClient(web);
    for (let count = 0; count < REQUESTS_PER_MINUTE; count += 1) {
      assert.equal((await client.request('POST', '/api/tutor', { message: 'Hello?' })).status, 503);
    }

    const throttled = await client.request('POST', '/api/tutor', { message: 'Hello?' });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.error.code, 'rate_limited');
    assert.ok(Number(throttled.headers.get('retry-after')) > 0);
  });
});
