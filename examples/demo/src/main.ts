import { greeting } from './greeting.js';

const counter = document.querySelector<HTMLParagraphElement>('#counter')!;
// Kept across hot updates (HMR): saving this file or greeting.ts re-runs it with the count it had.
let clicks = (import.meta.hot?.data.clicks as number | undefined) ?? 0;
counter.textContent = greeting(clicks);
const onClick = () => {
  clicks++;
  counter.textContent = greeting(clicks);
};
document.addEventListener('click', onClick);

if (import.meta.hot) {
  import.meta.hot.accept();
  import.meta.hot.dispose((data) => {
    data.clicks = clicks;
    document.removeEventListener('click', onClick);
  });
}
