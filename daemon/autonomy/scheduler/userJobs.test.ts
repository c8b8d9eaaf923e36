// The unattended rule for user jobs: read-only tools on "auto" and memory_save run; anything that would ask runs only
// when granted; "never" is never overridden; a refusal says how to grant.
import { describe, expect, it } from 'vitest';
import { unattendedRefusal } from './userJobs.ts';

const read = { name: 'search_files', risk: 'read' as const };
const write = { name: 'write_file', risk: 'write' as const };
const save = { name: 'memory_save', risk: 'write' as const };

describe('unattended tool rule', () => {
  it('allows read-only tools that need no approval, and memory_save', () => {
    expect(unattendedRefusal(read, 'auto', 'j', [])).toBeNull();
    expect(unattendedRefusal(save, 'ask', 'j', [])).toBeNull();
  });

  it('refuses a tool that would ask, saying how to grant it to the job', () => {
    expect(unattendedRefusal(write, 'ask', 'nightly-notes', [])).toBe(
      'write_file can change files or memory, and nobody is there to approve it during a scheduled run: grant it to ' +
        'this job (PATCH /api/scheduler/jobs/nightly-notes with {"grants": ["write_file"]}) or pick a read-only tool',
    );
    expect(unattendedRefusal(read, 'ask', 'j', [])).toContain('search_files is set to "ask" in Settings → Chat');
  });

  it('runs a granted tool, but never one the user set to "never"', () => {
    expect(unattendedRefusal(write, 'ask', 'j', ['write_file'])).toBeNull();
    expect(unattendedRefusal(write, 'never', 'j', ['write_file'])).toContain('set to "never"');
    expect(unattendedRefusal(save, 'never', 'j', [])).toContain('set to "never"');
  });
});
