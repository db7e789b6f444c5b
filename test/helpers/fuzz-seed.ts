// The fuzz tests' seed. A local run draws a new one each time (new inputs, new bugs found: a red run
// prints its seed and counterexample); CI uses a fixed seed so a submission's result does not depend on
// luck. FUZZ_SEED=<n> replays a printed seed anywhere.
import fc from 'fast-check';

const fixedInCi = process.env.CI ? 20261201 : undefined;
const requested = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : fixedInCi;
if (requested !== undefined && Number.isInteger(requested)) fc.configureGlobal({ seed: requested });
