const ID = 'devpush-badge';

/** A small corner badge while the channel is down; gone as soon as it is back. */
export function showBadge(text: string): void {
  if (document.getElementById(ID)) return;
  const host = document.createElement('div');
  host.id = ID;
  const shadow = host.attachShadow({ mode: 'open' });
  const badge = document.createElement('div');
  badge.textContent = text;
  badge.setAttribute('role', 'status');
  badge.style.cssText =
    'position:fixed;right:10px;bottom:10px;z-index:2147483646;padding:4px 10px;border-radius:12px;' +
    'background:#444;color:#fff;font:12px/1.6 system-ui,sans-serif;opacity:.85;pointer-events:none';
  shadow.append(badge);
  document.documentElement.append(host);
}

export function hideBadge(): void {
  document.getElementById(ID)?.remove();
}
