// A message sent while the conversation's previous answer is still being written: one turn at a time.
export class TurnInProgressError extends Error {
  readonly code = 'turn_in_progress';
  constructor(conversationId: string) {
    super(`conversation ${conversationId} is still answering: wait for it, or stop it first`);
    this.name = 'TurnInProgressError';
  }
}
