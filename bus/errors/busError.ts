// BusError: the base of the bus's typed errors; each carries a stable string code.
export class BusError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BusError';
    this.code = code;
  }
}
