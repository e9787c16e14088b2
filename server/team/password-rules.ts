/**
 * What a password must be: at least 10 characters (Unicode code points), at most 256, not one of the most
 * common passwords, and not the account's name. Length over composition rules, as NIST SP 800-63B advises;
 * the common list is short on purpose (the most guessed passwords that are 10 or more characters long, plus
 * this product's own words), not a breach corpus.
 */
export const PASSWORD_RULE =
  'A password needs at least 10 characters (at most 256), must not be a commonly used password, and must not be the same as the name.';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

const COMMON = new Set([
  '1234567890', '0123456789', '12345678910', '123456789a', 'a123456789', '1q2w3e4r5t', 'q1w2e3r4t5', '1qaz2wsx3edc',
  'qwertyuiop', 'asdfghjkl;', 'zxcvbnm123', 'qwerty1234', 'qwertyuiop123', 'password12', 'password123', 'password1234',
  'password!!', 'passw0rd123', 'p@ssw0rd123', 'iloveyou12', 'iloveyou123', 'sunshine123', 'princess123', 'football123',
  'baseball123', 'welcome123', 'welcome1234', 'letmein123', 'abcdefghij', 'abcd123456', 'abc1234567', '1111111111',
  '0000000000', '9876543210', 'aaaaaaaaaa', 'changeme123', 'administrator', 'admin12345', 'admin123456', 'qwerty123456',
  'trustno1234', 'dragon1234', 'monkey1234', 'superman123', 'starwars123', 'jan-server', 'janserver123', 'jan123456789',
]);

/** Why `password` is not acceptable for the account `name`, or undefined when it is. */
export function passwordProblem(password: string, name: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `The password is too short (${length} characters). ${PASSWORD_RULE}`;
  if (length > MAX_PASSWORD_LENGTH) return `The password is too long (${length} characters). ${PASSWORD_RULE}`;
  const folded = password.normalize('NFC').toLowerCase();
  if (COMMON.has(folded) || /^(.)\1+$/u.test(folded)) return `The password is a commonly used one. ${PASSWORD_RULE}`;
  if (folded.trim() === name.normalize('NFC').toLowerCase().trim()) return `The password is the same as the name. ${PASSWORD_RULE}`;
  return undefined;
}
