// The strength indicator of interactive password entry (SPEC §6: Weak/Fair/Good/Strong), from
// zxcvbn-ts with its common dictionaries; loaded only when someone types a password.
export type Strength = 'Weak' | 'Fair' | 'Good' | 'Strong';

type Factory = { check(password: string, userInputs?: string[]): { score: number } };
let factory: Factory | undefined;

export async function passwordStrength(password: string, userInputs: string[] = []): Promise<Strength> {
  if (!factory) {
    const core = (await import('@zxcvbn-ts/core')) as unknown as { ZxcvbnFactory: new (options: object) => Factory };
    const common = (await import('@zxcvbn-ts/language-common')) as unknown as {
      dictionary?: object;
      adjacencyGraphs?: object;
      default?: { dictionary: object; adjacencyGraphs: object };
    };
    const language = common.dictionary ? common : common.default!;
    factory = new core.ZxcvbnFactory({ dictionary: { ...language.dictionary }, graphs: language.adjacencyGraphs });
  }
  const { score } = factory.check(password, userInputs);
  return score <= 1 ? 'Weak' : score === 2 ? 'Fair' : score === 3 ? 'Good' : 'Strong';
}
