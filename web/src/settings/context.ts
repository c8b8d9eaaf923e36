// What every generated field reads: the value at its path, a setter, the daemon's messages for its path, and whether
// the key is a secret (shown masked) or needs a restart.
import { createContext, useContext } from 'solid-js';
import type { Path } from './schema.ts';

export interface FormContext {
  get(path: Path): unknown;
  set(path: Path, value: unknown): void;
  problems(key: string): string[];
  isSecret(key: string): boolean;
  needsRestart(key: string): boolean;
}

export const Form = createContext<FormContext>();

export function useForm(): FormContext {
  const ctx = useContext(Form);
  if (!ctx) throw new Error('settings fields must be inside <Form.Provider>');
  return ctx;
}
