// EventTooLargeError: an event over the 32 KB cap, refused at publish so nothing is written.
import { BusError } from './busError.ts';

export class EventTooLargeError extends BusError {
  readonly size: number;
  constructor(size: number, max: number) {
    super(
      'event_too_large',
      `the event is ${size} bytes serialized, over the ${max}-byte limit: store large data elsewhere and reference it`,
    );
    this.name = 'EventTooLargeError';
    this.size = size;
  }
}
