// The strength indicator of interactive password entry: Weak / Fair / Good / Strong.
import { describe, expect, it } from 'vitest';
import { passwordStrength } from '../../src/auth/password-strength.js';

describe('password strength', () => {
  it.each([
    ['Password123', 'Weak'],
    ['Abcdefg1', 'Weak'],
    ['Summer2024x', 'Fair'],
    ['Kx7pLm2q', 'Fair'],
    ['Blue7Table', 'Good'],
    ['Correct-Horse-42', 'Strong'],
    ['kT9#xQ2!mZ7@wL4p', 'Strong'],
  ])('%s is %s', async (password, strength) => {
    expect(await passwordStrength(password)).toBe(strength);
  });

  it('counts the email against a password built from it', async () => {
    const alone = await passwordStrength('Adalovelace1815');
    const withEmail = await passwordStrength('Adalovelace1815', ['adalovelace1815@acme.example', 'Adalovelace1815']);
    expect(['Weak', 'Fair', 'Good', 'Strong'].indexOf(withEmail)).toBeLessThanOrEqual(['Weak', 'Fair', 'Good', 'Strong'].indexOf(alone));
    expect(withEmail).toBe('Weak');
  });
});
