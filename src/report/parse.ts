import {
  PAGE_ERROR_KINDS,
  REPORT_MAX_ITEMS,
  SHARE_ROLES,
  type PagePresence,
  type PageReport,
  type PageReportItem,
} from '../protocol.js';

// A report is data only: every field is checked for type and length, anything else is refused whole.

const LIMITS = { url: 2048, title: 300, message: 2000, stack: 8000, event: 100 } as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function presence(value: unknown): PagePresence | null {
  if (!isObject(value)) return null;
  const { id, url, title, role } = value;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) return null;
  if (!text(url, LIMITS.url) || !text(title, LIMITS.title)) return null;
  if (!(SHARE_ROLES as readonly unknown[]).includes(role)) return null;
  return { id, url, title, role: role as PagePresence['role'] };
}

function item(value: unknown): PageReportItem | null {
  if (!isObject(value)) return null;
  switch (value.type) {
    case 'error': {
      const { kind, message, stack, count } = value;
      if (!(PAGE_ERROR_KINDS as readonly unknown[]).includes(kind)) return null;
      if (!text(message, LIMITS.message) || !text(stack, LIMITS.stack)) return null;
      if (!Number.isSafeInteger(count) || (count as number) < 1) return null;
      return { type: 'error', kind: kind as 'error', message, stack, count: count as number };
    }
    case 'event':
      if (!text(value.event, LIMITS.event) || value.event === '') return null;
      return { type: 'event', event: value.event, data: value.data ?? null };
    case 'dropped':
      return Number.isSafeInteger(value.count) && (value.count as number) > 0
        ? { type: 'dropped', count: value.count as number }
        : null;
    case 'closed':
    case 'presence':
      return { type: value.type };
    default:
      return null;
  }
}

/** The report in a POST body, or null when it is not one (a 400). */
export function parseReport(body: string): PageReport | null {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isObject(value) || !Array.isArray(value.items) || value.items.length > REPORT_MAX_ITEMS) return null;
  const page = presence(value.page);
  if (!page) return null;
  const items: PageReportItem[] = [];
  for (const raw of value.items) {
    const parsed = item(raw);
    if (!parsed) return null;
    items.push(parsed);
  }
  return { page, items };
}
