/** How many repetitions each figure takes: `--quick` for a short run, the full run for the record. */
export interface Settings {
  quick: boolean;
  /** Edits per save-to-visible / save-to-message case, after `warmup` unmeasured ones. */
  edits: number;
  warmup: number;
  /** Pause between edits (ms), as a person pauses between saves. */
  pauseMs: number;
  bursts: number;
  burstSizes: number[];
  fanoutClients: number[];
  broadcasts: number;
  coldStarts: number;
  leakCycles: number;
  fallbackLoads: number;
  /** Record a CPU profile of the server during save-to-message (`--profile`). */
  profile: boolean;
}

export function settingsFor(argv: readonly string[]): Settings {
  const quick = argv.includes('--quick');
  return {
    quick,
    edits: quick ? 8 : 25,
    warmup: quick ? 2 : 4,
    pauseMs: 150,
    bursts: quick ? 3 : 8,
    burstSizes: [200, 500],
    fanoutClients: quick ? [100, 1000] : [100, 1000, 5000],
    broadcasts: quick ? 4 : 15,
    coldStarts: quick ? 5 : 15,
    leakCycles: numberFlag(argv, '--leak-cycles') ?? (quick ? 2000 : 10_000),
    fallbackLoads: quick ? 1 : 6,
    profile: argv.includes('--profile'),
  };
}

/** `--name=N` as a positive whole number, or undefined when absent. */
function numberFlag(argv: readonly string[], name: string): number | undefined {
  const text = argv.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) === 0)
    throw new Error(`bench: ${name} takes a positive whole number, found "${text}".`);
  return Number(text);
}
