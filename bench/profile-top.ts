// `node dist/bench/profile-top.js FILE.cpuprofile [N]`: the functions with the most self time in a CPU
// profile written by `npm run bench -- --profile`, to read where the time goes without DevTools.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, top = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node dist/bench/profile-top.js FILE.cpuprofile [N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const frame = byId.get(id)!.callFrame;
  const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${frame.lineNumber + 1}`;
  const us = profile.timeDeltas[i] ?? 0;
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
});
const busy = [...self].filter(([key]) => !key.startsWith('(idle)') && !key.startsWith('(program)'));
const busyTotal = busy.reduce((sum, [, us]) => sum + us, 0);
console.log(`${(total / 1000).toFixed(0)} ms sampled, ${(busyTotal / 1000).toFixed(0)} ms busy (not idle/program)`);
for (const [key, us] of busy.sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / busyTotal).toFixed(1).padStart(5)}%  ${key}`);
}
