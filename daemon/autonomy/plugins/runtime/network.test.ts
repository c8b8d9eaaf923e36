import { describe, expect, it } from 'vitest';
import { hostAllowed } from './network.ts';

describe('hostAllowed', () => {
  it('matches exact names and "*." rules for a domain and its subdomains, case-insensitively', () => {
    const rules = ['api.example.com', '*.cdn.test'];
    expect(hostAllowed('api.example.com', rules)).toBe(true);
    expect(hostAllowed('API.Example.COM.', rules)).toBe(true);
    expect(hostAllowed('example.com', rules)).toBe(false);
    expect(hostAllowed('evil-api.example.com', rules)).toBe(false);
    expect(hostAllowed('cdn.test', rules)).toBe(true);
    expect(hostAllowed('a.b.cdn.test', rules)).toBe(true);
    expect(hostAllowed('notcdn.test', rules)).toBe(false);
    expect(hostAllowed('localhost', rules)).toBe(false);
    expect(hostAllowed('127.0.0.1', [])).toBe(false);
  });
});
