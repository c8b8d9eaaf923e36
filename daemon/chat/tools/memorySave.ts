// memory_save: one statement saved to long-term memory as given, with the conversation as its source.
import * as v from 'valibot';
import { defineTool } from './define.ts';

/** The kinds the model may save; summaries, messages and file passages come from elsewhere. */
export const SAVE_KINDS = ['fact', 'preference', 'task', 'event'] as const;

const schema = v.strictObject({
  text: v.pipe(
    v.string('expected the text as a string'),
    v.trim(),
    v.minLength(1, 'expected a non-empty text'),
    v.maxLength(2000, 'expected at most 2000 characters: one short, self-contained statement'),
    v.description(
      'One short, self-contained statement in the user\'s language, e.g. "The user prefers aisle seats on flights." or «Сестру пользователя зовут Оля».',
    ),
  ),
  kind: v.optional(
    v.pipe(
      v.picklist(SAVE_KINDS, `expected one of ${SAVE_KINDS.join(', ')}`),
      v.description('fact, preference, task or event; default fact.'),
    ),
    'fact',
  ),
  importance: v.optional(
    v.pipe(
      v.number('expected a number'),
      v.minValue(0, 'expected 0 or more'),
      v.maxValue(1, 'expected at most 1'),
      v.description('From 0 to 1: 0.8 or more for what the user explicitly asked to remember; default 0.7.'),
    ),
    0.7,
  ),
});

export const memorySave = defineTool({
  name: 'memory_save',
  description:
    'Saves one statement to the user\'s long-term memory, so later conversations can recall it. Use it when the user asks you to remember something ("remember …", «запомни …») or states a lasting fact or preference. Saving the same text twice keeps one copy.',
  schema,
  risk: 'write',
  async run({ text, kind, importance }, { memory, conversationId }) {
    const [saved] = await memory.save([
      { text, kind, importance, source: { origin: 'chat', conversation_id: conversationId } },
    ]);
    if (!saved) throw new Error('the memory service saved nothing');
    return {
      id: saved.id,
      created: saved.created,
      kind,
      text,
      ...(saved.created ? {} : { note: 'this was already remembered; nothing new was saved' }),
    };
  },
});
