// NotificationError: a notification that cannot be raised as given, with a stable string code.
export type NotificationErrorCode = 'invalid_notification';

export class NotificationError extends Error {
  readonly code: NotificationErrorCode;

  constructor(code: NotificationErrorCode, message: string) {
    super(message);
    this.name = 'NotificationError';
    this.code = code;
  }
}
