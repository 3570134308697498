/**
 * The routes every request kind has, made from one spec: create, list, get, approve and reject under
 * `/v1/schedules/{id}/<path>`. The plugin of a kind supplies its table, its view, and its own steps
 * (the check at creation, what approval does); loading, role and status rules, If-Match, idempotency
 * and audit rows are the same for every kind.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { TSchema } from 'typebox';
import { Type } from 'typebox';
import type { ApiInstance } from '../context.js';
import { audit, mutate } from '../store/ops.js';
import { checkIfMatch, loadSchedule, type ScheduleRow } from '../store/schedules.js';
import { expectStatus, insertRequest, listRequests, loadRequest, setStatus, type RequestRow, type RequestTable } from '../store/requests.js';
import type { Db, Store } from '../store/store.js';
import type { ProblemCache } from '../problem-cache.js';
import type { Principal } from '../store/keys.js';

export const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export const RParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }), rid: Type.String({ minLength: 1, maxLength: 100 }) });

export interface RequestRoutes<Row extends RequestRow, Body> {
  readonly table: RequestTable<Row>;
  /** URL segment, e.g. `swap-requests`. */
  readonly path: string;
  readonly tag: string;
  /** Audit names: `<audit>.create` … on entity `<audit with _>`. */
  readonly audit: string;
  /** The request as `viewer` may see it; without a viewer, all of it (the audit log). */
  readonly view: (r: Row, viewer?: Principal) => Record<string, unknown>;
  readonly create: {
    readonly summary: string;
    readonly description: string;
    readonly body: TSchema;
    /** Checks and inserts (through `insert`, which writes the create audit row); returns the 201 body. */
    readonly run: (db: Db, actor: Principal, schedule: ScheduleRow, body: Body, insert: (values: Record<string, unknown>) => Promise<Row>) => Promise<{ row: Row; body: unknown }>;
  };
  readonly listDescription: string;
  readonly approve: {
    readonly summary: string;
    readonly description: string;
    /** Optional body of approve (absent, `{}` and the object alike). */
    readonly body?: TSchema;
    /** Optional query string of approve, and the 200 answer's schema when the kind documents one. */
    readonly querystring?: TSchema;
    readonly response?: TSchema;
    /**
     * Work outside the transaction (a solve), when `when(query)` asks for it: run after the Idempotency-Key
     * was looked up (a replay does none) and the request was found approvable; its result is `run`'s `prepared`.
     */
    readonly prepare?: {
      readonly when: (query: Record<string, unknown>) => boolean;
      readonly run: (input: ApprovePreparation<Row>) => Promise<unknown>;
    };
    /** What approval does; returns the updated request and the 200 body (and the audit's after, if other than the view). */
    readonly run: (db: Db, actor: Principal, schedule: ScheduleRow, r: Row, body: Record<string, unknown>, prepared?: unknown) => Promise<{ request: Row; body: unknown; auditAfter?: unknown }>;
  };
  readonly rejectBody: (updated: Row, viewer: Principal) => unknown;
}

/** What an approval's `prepare` gets: the schedule and request as read before the transaction. */
export interface ApprovePreparation<Row extends RequestRow> {
  readonly actor: Principal;
  readonly schedule: ScheduleRow;
  readonly request: Row;
  readonly query: Record<string, unknown>;
  /** When the request arrived, and where a solve hands its cancel (the client hung up). */
  readonly arrivedAt: number;
  readonly onHandle: (cancel: () => void) => void;
  readonly log: FastifyBaseLogger;
}

export function requestRoutes<Row extends RequestRow, Body>(app: ApiInstance, store: Store, spec: RequestRoutes<Row, Body>, problems?: ProblemCache): void {
  /** The schedule, with its scenario expanded off the event loop into the cache its checks read. */
  const loadChecked = async (db: Db, actor: Principal, id: string): Promise<ScheduleRow> => {
    const schedule = await loadSchedule(db, actor, id);
    await problems?.load(schedule.scenario);
    return schedule;
  };
  const { table, path, tag, view } = spec;
  const base = `/v1/schedules/:id/${path}`;
  const entity = spec.audit.replace(/-/g, '_');
  const noun = table.noun.toLowerCase();

  app.post(
    base,
    { config: { roles: ['planner', 'agent'] }, schema: { summary: spec.create.summary, description: spec.create.description, tags: [tag], params: Params, body: spec.create.body } },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const schedule = await loadChecked(db, actor, request.params.id);
        const insert = async (values: Record<string, unknown>) => {
          const row = await insertRequest(db, table, values);
          await audit(db, actor, `${spec.audit}.create`, entity, row.id, null, view(row));
          return row;
        };
        const { row, body } = await spec.create.run(db, actor, schedule, request.body as Body, insert);
        return { status: 201, body, headers: { location: `/v1/schedules/${schedule.id}/${path}/${row.id}` } };
      }),
  );

  app.get(
    base,
    {
      config: { roles: ['planner', 'agent'] },
      schema: {
        summary: `List ${noun}s`,
        description: spec.listDescription,
        tags: [tag],
        params: Params,
        querystring: Type.Object({ status: Type.Optional(Type.String({ maxLength: 100 })), agentId: Type.Optional(Type.String({ maxLength: 200 })) }),
      },
    },
    async (request) => {
      const actor = request.principal!;
      const schedule = await loadSchedule(store, actor, request.params.id);
      return (await listRequests(store, table, actor, schedule.id, request.query)).map((r) => view(r, actor));
    },
  );

  app.get(`${base}/:rid`, { config: { roles: ['planner', 'agent'] }, schema: { summary: `A ${noun}`, tags: [tag], params: RParams } }, async (request) => {
    const actor = request.principal!;
    const schedule = await loadSchedule(store, actor, request.params.id);
    return view(await loadRequest(store, table, actor, schedule, request.params.rid), actor);
  });

  app.post(
    `${base}/:rid/approve`,
    {
      config: { roles: ['planner'] },
      schema: {
        summary: spec.approve.summary,
        description: spec.approve.description,
        tags: [tag],
        params: RParams,
        ...(spec.approve.body ? { body: spec.approve.body } : {}),
        ...(spec.approve.querystring ? { querystring: spec.approve.querystring } : {}),
        ...(spec.approve.response ? { response: { 200: spec.approve.response } } : {}),
      },
      // No body at all is the same as `{}`, as on reject and publish.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request, reply) => {
      const arrivedAt = Date.now();
      const query = (request.query ?? {}) as Record<string, unknown>;
      const { prepare } = spec.approve;
      const before =
        prepare && prepare.when(query)
          ? async () => {
              const actor = request.principal!;
              const schedule = await loadChecked(store, actor, request.params.id);
              checkIfMatch(request.headers['if-match'], schedule);
              const r = await loadRequest(store, table, actor, schedule, request.params.rid);
              expectStatus(table, r, table.approvable);
              const onHandle = (cancel: () => void) =>
                reply.raw.once('close', () => {
                  if (!reply.raw.writableFinished) cancel();
                });
              return prepare.run({ actor, schedule, request: r, query, arrivedAt, onHandle, log: request.log });
            }
          : undefined;
      return mutate(
        store,
        request,
        reply,
        async (db, actor, prepared) => {
          const schedule = await loadChecked(db, actor, request.params.id);
          checkIfMatch(request.headers['if-match'], schedule);
          const r = await loadRequest(db, table, actor, schedule, request.params.rid);
          expectStatus(table, r, table.approvable);
          const done = await spec.approve.run(db, actor, schedule, r, (request.body ?? {}) as Record<string, unknown>, prepared);
          await audit(db, actor, `${spec.audit}.approve`, entity, r.id, view(r), done.auditAfter ?? view(done.request));
          return { status: 200, body: done.body };
        },
        before,
      );
    },
  );

  app.post(`${base}/:rid/reject`, { config: { roles: ['planner'] }, schema: { summary: `Reject a ${noun}`, tags: [tag], params: RParams } }, async (request, reply) =>
    mutate(store, request, reply, async (db, actor) => {
      const schedule = await loadChecked(db, actor, request.params.id);
      const r = await loadRequest(db, table, actor, schedule, request.params.rid);
      const updated = await setStatus(db, table, r, table.rejectable, 'rejected' as Row['status'], { decided_by: actor.keyId });
      await audit(db, actor, `${spec.audit}.reject`, entity, r.id, view(r), view(updated));
      return { status: 200, body: spec.rejectBody(updated, actor) };
    }),
  );
}
