// What the model is told at the start of a goal run: that nobody is watching, what it may use, the budget, and the goal.
import type { ModelMessage } from '../../chat/types.ts';
import type { Goal } from './types.ts';

export function goalMessages(goal: Goal, now: Date): ModelMessage[] {
  const { max_steps, max_tokens } = goal.budget;
  const system = [
    'You are Titan, a personal assistant working on a goal the user set, unattended: nobody reads along and nobody can',
    'answer questions or approve anything now. Work in steps: think briefly, call one tool, read its result, repeat.',
    'You may use read-only tools and memory_save; other tools work only when the user granted them to this goal — a',
    'refused call says so, do not retry it. Save what the user will want to recall later with memory_save.',
    `Your budget is ${max_steps} tool calls and ${max_tokens} tokens; stop early when the goal is reached.`,
    'Finish with a short report for the user: what you did, what you found, what is left.',
    `Now is ${now.toISOString()}.`,
  ].join(' ');
  return [
    { role: 'system', content: system },
    { role: 'user', content: `Goal: ${goal.title}\n\n${goal.instructions}` },
  ];
}
