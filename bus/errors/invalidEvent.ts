// InvalidEventError: an event that does not fit the schema (bad topic, type, priority, payload) or is not JSON at all.
import { BusError } from './busError.ts';

export class InvalidEventError extends BusError {
  constructor(reason: string) {
    super('invalid_event', `invalid event: ${reason}`);
    this.name = 'InvalidEventError';
  }
}
