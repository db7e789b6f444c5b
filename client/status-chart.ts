import type { MessageKind, VolumeMinute } from '../src/protocol.js';

const SVG = 'http://www.w3.org/2000/svg';
const KIND_COLORS: Record<MessageKind, string> = {
  reload: '#e67e22',
  css: '#3498db',
  img: '#9b59b6',
  update: '#16a085',
  error: '#c0392b',
  'error-cleared': '#27ae60',
  custom: '#f1c40f',
  hello: '#7f8c8d',
  resync: '#d35400',
  ping: '#bdc3c7',
};
const ORDER = Object.keys(KIND_COLORS) as MessageKind[];

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/** A stacked bar per minute (kinds coloured), the scale's top value written at the left. */
export function drawChart(host: HTMLElement, legend: HTMLElement, minutes: VolumeMinute[]): void {
  const width = 720;
  const height = 120;
  const barWidth = width / Math.max(1, minutes.length);
  const totals = minutes.map((minute) => Object.values(minute.messages).reduce((a, b) => a + (b ?? 0), 0));
  const top = Math.max(1, ...totals);
  const chart = svg('svg', { viewBox: `0 0 ${width + 40} ${height + 18}`, width: '100%', role: 'img' });
  chart.setAttribute('aria-label', `messages per minute, at most ${top}`);
  chart.append(
    svg('line', { x1: 40, x2: width + 40, y1: height, y2: height, stroke: 'currentColor', 'stroke-opacity': 0.3 }),
  );
  const label = svg('text', { x: 34, y: 10, 'text-anchor': 'end', 'font-size': 10, fill: 'currentColor' });
  label.textContent = String(top);
  chart.append(label);
  minutes.forEach((minute, i) => {
    let y = height;
    for (const kind of ORDER) {
      const count = minute.messages[kind] ?? 0;
      if (!count) continue;
      const h = (count / top) * (height - 4);
      y -= h;
      const bar = svg('rect', {
        x: 40 + i * barWidth + 1,
        y,
        width: Math.max(1, barWidth - 2),
        height: h,
        fill: KIND_COLORS[kind],
      });
      const title = svg('title', {});
      title.textContent = `${new Date(minute.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}: ${count} ${kind}`;
      bar.append(title);
      chart.append(bar);
    }
  });
  for (const [i, text] of [
    [0, '60 min ago'],
    [minutes.length - 1, 'now'],
  ] as const) {
    const tick = svg('text', {
      x: 40 + i * barWidth + barWidth / 2,
      y: height + 14,
      'font-size': 10,
      fill: 'currentColor',
      'text-anchor': i ? 'end' : 'start',
    });
    tick.textContent = text;
    chart.append(tick);
  }
  host.replaceChildren(chart);
  const seen = ORDER.filter((kind) => minutes.some((minute) => (minute.messages[kind] ?? 0) > 0));
  legend.replaceChildren(
    ...seen.map((kind) => {
      const item = document.createElement('span');
      const swatch = document.createElement('i');
      swatch.style.background = KIND_COLORS[kind];
      item.append(swatch, kind);
      return item;
    }),
  );
}
