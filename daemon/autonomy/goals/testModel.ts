// For the goals' unit tests: the chat model client pointed at the scripted fake model server, one attempt per request.
import type { FakeModelServer } from '../../../tests/fake-model/server.ts';
import { createModelClient } from '../../chat/model.ts';
import type { ModelClient } from '../../chat/types.ts';

export function fakeModelClient(server: FakeModelServer): ModelClient {
  return createModelClient(
    () => ({
      provider: 'openai-compatible',
      base_url: server.url,
      api_key: '',
      model: 'fake-chat',
      temperature: 0,
      max_tokens: 256,
    }),
    { maxAttempts: 1 },
  );
}
