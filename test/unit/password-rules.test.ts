/** The password rule: at least 10 characters (at most 256), not a common password, not the name. */
import { describe, expect, it } from 'vitest';
import { PASSWORD_RULE, passwordProblem } from '../../server/team/index.js';

describe('password rules', () => {
  it('accepts a long enough, uncommon password that is not the name', () => {
    expect(passwordProblem('violet-harbour-47', 'alice')).toBeUndefined();
    expect(passwordProblem('0123456789x', 'alice')).toBeUndefined();
  });

  it('counts characters, not bytes: 10 emoji are 10 characters, 9 are too few', () => {
    expect(passwordProblem('🦊'.repeat(5) + '🐙🐢🦉🐝🐞', 'alice')).toBeUndefined();
    expect(passwordProblem('🦊🐙🐢🦉🐝🐞🐌🦋🐛', 'alice')).toMatch(/too short \(9 characters\)/);
  });

  it.each([
    ['short', 'too short (5 characters)'],
    ['x'.repeat(257), 'too long (257 characters)'],
    ['password123', 'commonly used'],
    ['Password123', 'commonly used'],
    ['1234567890', 'commonly used'],
    ['zzzzzzzzzzzz', 'commonly used'],
  ])('refuses %j: %s, and states the whole rule', (password, why) => {
    const problem = passwordProblem(password, 'alice');
    expect(problem).toContain(why);
    expect(problem).toContain(PASSWORD_RULE);
  });

  it('refuses the name as the password, ignoring case and surrounding spaces', () => {
    expect(passwordProblem('Alexandria Smith', 'alexandria smith')).toMatch(/same as the name/);
    expect(passwordProblem('alexandria smith ', 'Alexandria Smith')).toMatch(/same as the name/);
    expect(passwordProblem('alexandria smith', 'bob')).toBeUndefined();
  });

  it('the rule says every condition', () => {
    expect(PASSWORD_RULE).toMatch(/at least 10 characters/);
    expect(PASSWORD_RULE).toMatch(/commonly used/);
    expect(PASSWORD_RULE).toMatch(/same as the name/);
  });
});
