/** Browser name and major version from a user agent ("Chrome 131", "Firefox 133"); short, for the status page. */
export function shortBrowser(userAgent: string): string {
  const rules: [RegExp, string][] = [
    [/\bEdg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
    [/\bOPR\/(\d+)/, 'Opera'],
    [/\bHeadlessChrome\/(\d+)/, 'Headless Chrome'],
    [/\bFirefox\/(\d+)/, 'Firefox'],
    [/\bChrom(?:e|ium)\/(\d+)/, 'Chrome'],
    [/\bVersion\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  ];
  for (const [pattern, name] of rules) {
    const match = pattern.exec(userAgent);
    if (match) return `${name} ${match[1]}`;
  }
  if (!userAgent) return 'unknown';
  const first = userAgent.split(/[\s(]/)[0] ?? userAgent;
  return first.length > 24 ? `${first.slice(0, 23)}…` : first;
}
