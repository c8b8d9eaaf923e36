// ChatError: the chat history's one error type with a stable string code; routes map codes to statuses.
export type ChatErrorCode =
  | 'conversation_not_found'
  | 'message_not_found'
  | 'conversation_deleted'
  | 'invalid_cursor'
  | 'invalid_input';

export class ChatError extends Error {
  readonly code: ChatErrorCode;

  constructor(code: ChatErrorCode, message: string) {
    super(message);
    this.name = 'ChatError';
    this.code = code;
  }
}
