// The chat model client: streams chat completions with the `openai` SDK from OpenAI or any OpenAI-compatible server
// (Ollama, LM Studio, vLLM), settings read per request; retries 429/5xx/network only before anything was streamed.
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { backoffMs, sleep } from '../../memory/embedders/retry.ts';
import { ChatModelError } from './errors/chatModelError.ts';
import { classifyModelFailure, type ModelSettings, type ModelTarget, modelTarget } from './modelFailures.ts';
import { ToolCallAssembler } from './modelToolCalls.ts';
import type { ModelClient, ModelDelta, ModelMessage, ToolSpecForModel } from './types.ts';

export type { ModelSettings } from './modelFailures.ts';

export interface ModelClientOptions {
  /** Tries per request, the first included; only before the first delta is streamed. Default 4. */
  maxAttempts?: number;
  /** First backoff delay; doubles per attempt, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on a backoff delay and on a server's Retry-After. Default 30 000 ms. */
  maxDelayMs?: number;
  /** How long the server may stay silent: before the answer starts, and between two chunks. Not retried. Default 120 000 ms. */
  timeoutMs?: number;
}

function requestBody(
  target: ModelTarget,
  s: ModelSettings,
  messages: ModelMessage[],
  tools: ToolSpecForModel[],
): ChatCompletionCreateParamsStreaming {
  return {
    model: target.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    temperature: s.temperature,
    // OpenAI's newer models refuse max_tokens; compatible servers (Ollama, older vLLM) know only max_tokens.
    ...(target.provider === 'openai' ? { max_completion_tokens: s.max_tokens } : { max_tokens: s.max_tokens }),
    ...(tools.length > 0 ? { tools } : {}),
  };
}

export function createModelClient(settings: () => ModelSettings, options: ModelClientOptions = {}): ModelClient {
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 120_000;
  // One SDK client per endpoint and key, so changed settings apply to the next request without a restart.
  let cached: { key: string; client: OpenAI } | undefined;
  const clientFor = (t: ModelTarget): OpenAI => {
    const key = JSON.stringify([t.baseUrl, t.apiKey]);
    if (cached?.key !== key) {
      const client = new OpenAI({
        // The SDK refuses an empty key; compatible servers without auth accept any bearer.
        apiKey: t.apiKey || 'no-key',
        baseURL: t.baseUrl,
        // Our retry loop is the only one: the SDK's would retry after text was already streamed.
        maxRetries: 0,
        timeout: timeoutMs,
      });
      cached = { key, client };
    }
    return cached.client;
  };

  async function* stream(
    messages: ModelMessage[],
    tools: ToolSpecForModel[],
    signal: AbortSignal,
  ): AsyncGenerator<ModelDelta> {
    const s = settings();
    const target = modelTarget(s);
    const client = clientFor(target);
    const body = requestBody(target, s, messages, tools);
    let yielded = false;
    for (let attempt = 1; ; attempt++) {
      // Our own controller: the caller's signal or the silence timer aborts the request (and closes the connection).
      const controller = new AbortController();
      const onAbort = () => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let timedOut = false;
      let midStream = false;
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = true;
          controller.abort(new Error('model timeout'));
        }, timeoutMs);
      };
      try {
        if (signal.aborted) throw new ChatModelError('aborted', 'the answer was stopped', { cause: signal.reason });
        arm();
        const chunks = await client.chat.completions.create(body, { signal: controller.signal });
        midStream = true;
        const calls = new ToolCallAssembler();
        let usage: ModelDelta | undefined;
        for await (const chunk of chunks) {
          // The consumer's time between chunks is not the server's silence.
          clearTimeout(timer);
          if (chunk.usage) {
            const { prompt_tokens, completion_tokens } = chunk.usage;
            usage = { type: 'usage', prompt_tokens, completion_tokens };
          }
          const delta = chunk.choices?.[0]?.delta;
          if (delta?.tool_calls) calls.add(delta.tool_calls);
          if (delta?.content) {
            yielded = true;
            yield { type: 'text', text: delta.content };
          }
          arm();
        }
        clearTimeout(timer);
        // The SDK ends an aborted stream quietly, as if complete: a stop or a stall must not pass for the whole answer.
        if (controller.signal.aborted) throw new Error('the stream was cut off');
        const assembled = calls.result();
        if (assembled.length > 0) yield { type: 'tool_calls', calls: assembled };
        if (usage) yield usage;
        return;
      } catch (err) {
        const failure = classifyModelFailure(err, {
          target,
          attempt,
          aborted: signal.aborted,
          midStream,
          timedOut,
          timeoutMs,
        });
        // Never after text went out: a second attempt would stream the answer again from its start.
        if (yielded || !failure.retry || attempt >= maxAttempts) throw failure.error;
        const wait = failure.waitMs === undefined ? backoffMs(attempt, baseDelayMs, maxDelayMs) : failure.waitMs;
        try {
          await sleep(Math.min(wait, maxDelayMs), signal);
        } catch (aborted) {
          throw new ChatModelError('aborted', 'the answer was stopped', { cause: aborted });
        }
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        controller.abort();
      }
    }
  }

  return { stream };
}
