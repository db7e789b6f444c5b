import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { verdict, type Figure } from './figure.js';

function format(value: number | undefined, unit: string): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  const digits = Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit === 'messages' || unit === 'count' ? '' : ` ${unit}`}`;
}

function targetText(figure: Figure): string {
  const t = figure.target;
  if (!t) return '';
  return `${t.stat === 'value' ? '' : `${t.stat} `}${t.exact ? '=' : '≤'} ${format(t.max, figure.unit)}`;
}

function row(figure: Figure): string[] {
  if (figure.na) return [figure.name, `n/a (${figure.na})`, '', '', '', targetText(figure), ''];
  const s = figure.summary;
  const outcome = verdict(figure);
  const mark = outcome === 'met' ? 'met' : outcome === 'missed' ? 'MISSED' : '';
  if (!s) return [figure.name, format(figure.value, figure.unit), '', '', '', targetText(figure), mark];
  return [
    figure.name,
    format(s.p50, figure.unit),
    format(s.p95, figure.unit),
    `${format(s.p25, figure.unit)} – ${format(s.p75, figure.unit)}`,
    String(s.n),
    targetText(figure),
    mark,
  ];
}

/** The table printed at the end of a run: one section per group. */
export function table(figures: readonly Figure[]): string {
  const header = ['figure', 'p50 / value', 'p95', 'p25 – p75', 'n', 'target', ''];
  const lines: string[] = [];
  const groups = [...new Set(figures.map((f) => f.group))];
  const rows = figures.map(row);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i]!.startsWith('n/a') ? 0 : r[i]!.length))),
  );
  const render = (cells: string[]) =>
    cells[1]!.startsWith('n/a')
      ? `  ${cells[0]!.padEnd(widths[0]!)}  ${cells[1]}`
      : `  ${cells
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}`;
  lines.push(render(header));
  for (const group of groups) {
    lines.push('', group);
    figures.forEach((figure, i) => {
      if (figure.group !== group) return;
      lines.push(render(rows[i]!));
      if (figure.note && !figure.na) lines.push(`      ${figure.note}`);
    });
  }
  return lines.join('\n');
}

/** Writes the run as JSON under bench/results/ and returns the file's path. */
export function writeResults(dir: string, run: Record<string, unknown>, figures: readonly Figure[]): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `bench-${stamp}.json`);
  const withVerdicts = figures.map((figure) => ({ ...figure, verdict: verdict(figure) }));
  writeFileSync(file, `${JSON.stringify({ ...run, figures: withVerdicts }, null, 2)}\n`);
  return file;
}
