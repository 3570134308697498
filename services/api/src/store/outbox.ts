/**
 * Events out: an event row (and one delivery row per subscribed webhook endpoint, with its entry in the
 * delivery queue, queues.ts) is written in the same transaction as the change it reports, so a rolled-back
 * change never emits one. A dispatcher takes due deliveries from the queue, posts them, signed, and retries
 * failures with backoff until `giveUpSeconds` after the event, then marks them dead (visible in
 * GET /v1/webhooks/{id}/deliveries). At-least-once: receivers de-duplicate by event id.
 *
 * Signature: header `Flexroster-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * A receiver recomputes v1 over the raw body and refuses stale `t` (replays).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Db, Store } from './store.js';
import { jsonb } from './store.js';
import { deliveryQueue, maintainQueues } from './queues.js';

export const EVENT_TYPES = [
  'schedule.published',
  'schedule.changed',
  'swap-request.created',
  'swap-request.accepted',
  'swap-request.approved',
  'swap-request.rejected',
  'swap-wish.created',
  'swap-cycle.applied',
  'leave-request.created',
  'leave-request.approved',
  'leave-request.rejected',
  'extension-request.created',
  'extension-request.approved',
  'extension-request.rejected',
  'solve-job.finished',
  'solve-job.failed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const PAST: Record<string, string> = { create: 'created', accept: 'accepted', approve: 'approved', reject: 'rejected', apply: 'applied' };

/** The event an audited change emits, if any (audit actions such as `swap-request.approve`, `schedule.swap.apply`). */
export function eventOfAudit(action: string, entity: string): EventType | undefined {
  if (action === 'schedule.publish') return 'schedule.published';
  if (entity === 'schedule' && action !== 'schedule.create') return 'schedule.changed';
  const [kind, verb] = action.split('.');
  const type = `${kind}.${PAST[verb ?? ''] ?? ''}`;
  return (EVENT_TYPES as readonly string[]).includes(type) ? (type as EventType) : undefined;
}

/** Writes the event and its deliveries in the caller's transaction. */
export async function emit(db: Db, tenantId: string, type: EventType, data: unknown): Promise<void> {
  const id = randomUUID();
  await db.query('INSERT INTO outbox_events (id, tenant_id, type, data) VALUES ($1, $2, $3, $4::jsonb)', [id, tenantId, type, jsonb(data)]);
  const deliveries = await db.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, status, attempts, next_attempt_at)
     SELECT gen_random_uuid()::text, e.id, $2, 'pending', 0, now() FROM webhook_endpoints e
     WHERE e.tenant_id = $1 AND e.deleted_at IS NULL AND $3 = ANY (e.event_types) RETURNING id`,
    [tenantId, id, type],
  );
  const queue = deliveryQueue(db);
  for (const d of deliveries) await queue.send(d.id);
}

/** Gives every pending delivery without a queue entry one (those written before the queue existed). */
export async function adoptPendingDeliveries(store: Store): Promise<void> {
  await store.tx(async (db) => {
    const pending = await db.query<{ id: string; wait: number }>(
      "SELECT id, greatest(extract(epoch FROM next_attempt_at - now()), 0)::float8 AS wait FROM webhook_deliveries WHERE status = 'pending'",
    );
    const queue = deliveryQueue(db);
    for (const d of pending) await queue.send(d.id, d.wait);
  });
}

export interface DispatcherOptions {
  /** Seconds before the n-th retry (index n-1); the last entry repeats. */
  readonly backoffSeconds: readonly number[];
  /** After this long since the event, a failing delivery is dead (default 24 h). */
  readonly giveUpSeconds: number;
  readonly pollMs?: number;
  readonly timeoutMs?: number;
}

/** How often a dispatcher runs pg-boss's maintenance of the queues (expiry of lost entries, archiving). */
const MAINTENANCE_MS = 60_000;

export const DEFAULT_BACKOFF_SECONDS = [10, 60, 300, 1800, 3600, 7200, 14400];

export function sign(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

interface Due {
  id: string;
  url: string;
  secret: string;
  attempts: number;
  event_id: string;
  type: string;
  tenant_id: string;
  data: unknown;
  created_at: unknown;
  age_seconds: number;
}

/** Posts due deliveries (many dispatchers may run: the queue gives each entry to one); each attempt's outcome is stored. */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastMaintenance = 0;

  constructor(
    private readonly store: Store,
    private readonly options: DispatcherOptions,
  ) {}

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick().finally(() => this.schedule()), this.options.pollMs ?? 500);
    this.timer.unref();
  }

  async tick(): Promise<void> {
    if (Date.now() - this.lastMaintenance > MAINTENANCE_MS) {
      this.lastMaintenance = Date.now();
      await maintainQueues(this.store).catch(() => undefined);
    }
    const due = await this.store.tx((db) => this.take(db)).catch(() => [] as Due[]);
    await Promise.all(due.map((d) => this.deliver(d)));
  }

  /** Up to 10 due deliveries from the queue, with what their posts need; entries of settled ones are closed. */
  private async take(db: Db): Promise<Due[]> {
    const queue = deliveryQueue(db);
    const ids = await queue.take(10);
    if (ids.length === 0) return [];
    const due = await db.query<Due>(
      `SELECT d.id, e.url, e.secret, d.attempts, ev.id AS event_id, ev.type, ev.tenant_id, ev.data, ev.created_at, extract(epoch FROM now() - ev.created_at)::float8 AS age_seconds
       FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN outbox_events ev ON ev.id = d.event_id
       WHERE d.id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND d.status = 'pending'`,
      [jsonb(ids)],
    );
    const found = new Set(due.map((d) => d.id));
    for (const id of ids) if (!found.has(id)) await queue.end(id, 'delivered');
    return due;
  }

  private async deliver(d: Due): Promise<void> {
    const body = JSON.stringify({ id: d.event_id, type: d.type, tenantId: d.tenant_id, createdAt: new Date(String(d.created_at instanceof Date ? d.created_at.toISOString() : d.created_at)).toISOString(), data: d.data });
    const timestamp = Math.floor(Date.now() / 1000);
    let status = 0;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        headers: { 'content-type': 'application/json', 'flexroster-event-id': d.event_id, 'flexroster-event-type': d.type, 'flexroster-signature': sign(d.secret, timestamp, body) },
        body,
      });
      status = res.status;
      await res.body?.cancel();
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const attempts = d.attempts + 1;
    if (!error) {
      await this.store.tx(async (db) => {
        await db.query("UPDATE webhook_deliveries SET status = 'delivered', attempts = $2, last_status = $3, last_error = NULL, delivered_at = now() WHERE id = $1", [d.id, attempts, status]);
        await deliveryQueue(db).end(d.id, 'delivered');
      });
      return;
    }
    const backoff = this.options.backoffSeconds;
    const wait = backoff[Math.min(attempts - 1, backoff.length - 1)] ?? 60;
    const dead = d.age_seconds + wait > this.options.giveUpSeconds;
    await this.store.tx(async (db) => {
      await db.query(
        `UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status = $4, last_error = $5, next_attempt_at = now() + $6 * interval '1 second' WHERE id = $1`,
        [d.id, dead ? 'dead' : 'pending', attempts, status || null, error, wait],
      );
      await (dead ? deliveryQueue(db).end(d.id, 'dead') : deliveryQueue(db).retryLater(d.id, wait));
    });
  }
}
