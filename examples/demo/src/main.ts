import { greeting } from './greeting.js';

const counter = document.querySelector<HTMLParagraphElement>('#counter')!;
let clicks = 0;
counter.textContent = greeting(clicks);
document.addEventListener('click', () => {
  clicks++;
  counter.textContent = greeting(clicks);
});
