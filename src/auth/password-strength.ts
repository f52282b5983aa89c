// The strength indicator of interactive password entry (SPEC §6: Weak/Fair/Good/Strong), from
// zxcvbn-ts with its common dictionaries; loaded only when someone types a password.
import { named } from '../util/interop.js';

export type Strength = 'Weak' | 'Fair' | 'Good' | 'Strong';

type Factory = { check(password: string, userInputs?: string[]): { score: number } };
let factory: Factory | undefined;

export async function passwordStrength(password: string, userInputs: string[] = []): Promise<Strength> {
  if (!factory) {
    // CommonJS packages: bundled into a chunk, their exports sit under `default` (see named()).
    const { ZxcvbnFactory } = named(await import('@zxcvbn-ts/core')) as unknown as { ZxcvbnFactory: new (options: object) => Factory };
    const language = named(await import('@zxcvbn-ts/language-common')) as unknown as { dictionary: object; adjacencyGraphs: object };
    factory = new ZxcvbnFactory({ dictionary: { ...language.dictionary }, graphs: language.adjacencyGraphs });
  }
  const { score } = factory.check(password, userInputs);
  return score <= 1 ? 'Weak' : score === 2 ? 'Fair' : score === 3 ? 'Good' : 'Strong';
}
