/**
 * Solve jobs: start one (202 + Location), poll it, cancel it (keeping the best roster so far) or follow
 * its progress as server-sent events.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerResponse } from 'node:http';
import { Type } from 'typebox';
import { JobParamsSchema, JobSummarySchema, JobViewSchema, pickProblems, solveRequestSchema, type JobView } from '../schemas.js';
import { exampleScenario, examples } from '../examples.js';
import { prepareSolve, submitOrBusy } from '../solving.js';
import { COMPUTE_ROLES } from './auth.js';
import { ProblemError, notFound } from '../problem.js';
import { isTerminal, type Job } from '../jobs.js';
import type { JobRow } from '../store/solve-jobs.js';
import type { ApiContext } from '../context.js';
import type { Principal } from '../store/keys.js';

const EVENTS_DESCRIPTION = `A text/event-stream. Each event's data is JSON \`{ id, status, progress }\`, with \`startedFrom\` once the solve started (\`checkpoint\`: a retry from an earlier attempt's best roster):
- \`progress\`: sent at once with the current state, then on every status change and progress update (a few per second at most);
- \`done\`: sent once when the job is done, failed or cancelled; then the stream closes. Fetch the job for its result.
Comment lines (\`: keep-alive\`) keep idle connections open.`;

const solveJobs: FastifyPluginAsyncTypebox<ApiContext> = async (app, context) => {
  const { jobs, config, buildRate } = context;
  const jobExample = examples().job;
  /** The stop function of every open event stream. */
  const openStreams = new Map<ServerResponse, () => void>();

  /** Only the key that created a job sees it; to anyone else it does not exist. Held here, or its stored row. */
  const findJob = async (id: string, principal: Principal): Promise<{ job: Job } | { row: JobRow }> => {
    const found = await jobs.find(id, principal);
    if (!found) throw notFound(`No solve job ${id} (finished jobs are kept for a limited time)`);
    return found;
  };
  const viewOf = async (found: { job: Job } | { row: JobRow }): Promise<JobView> => ('job' in found ? jobs.view(found.job) : jobs.rowView(found.row));
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  app.post(
    '/v1/solve-jobs',
    {
      config: { roles: COMPUTE_ROLES },
      schema: {
        summary: 'Start a solve job',
        description: `Queues a solve and answers at once with 202, the job id and a Location header. \`options.timeLimitSeconds\` defaults to ${config.jobDefaultSeconds} and may be up to ${config.jobMaxSeconds} (and the key's \`maxTimeLimitSeconds\`). A job belongs to the key that created it: to other keys its id answers 404. While queued, the job shows its \`queuePosition\`. Finished jobs are kept for a limited time (see \`expiresAt\`), then dropped. 503 with Retry-After when every solve worker is busy and the queue is full; 429 over the key's or tenant's limits; 422 when the model would not build within the time limit.`,
        tags: ['solving'],
        body: solveRequestSchema(config.jobMaxSeconds, config.jobDefaultSeconds, { scenario: exampleScenario, options: { timeLimitSeconds: 120, backend: 'highs' } }),
        response: {
          202: {
            ...JobSummarySchema,
            description: 'Queued (or already running)',
            headers: { location: Type.String({ description: 'The job: /v1/solve-jobs/{id}' }) },
            examples: [{ id: jobExample.id, status: 'queued' }],
          },
          ...pickProblems(400, 401, 403, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const { task, units, release } = await prepareSolve(context, principal, request.body, config.jobDefaultSeconds);
      if (jobs.enqueueOnly) {
        // Run by another process: this one cannot see the end, so the key's concurrent-solve slot is freed now.
        release();
        const id = await jobs.enqueue(request.body.scenario, task, principal);
        return reply.status(202).header('location', `/v1/solve-jobs/${id}`).send({ id, status: 'queued' as const });
      }
      let job: Job;
      try {
        job = submitOrBusy(() =>
          jobs.create(request.body.scenario, task, principal, (result) => {
            release();
            if (result) buildRate.observe(units, result.stats.buildSeconds);
          }),
        );
      } catch (error) {
        release();
        throw error;
      }
      // Answer once the job's row is in, so that the job outlives a crash from now on.
      await jobs.persisted(job);
      return reply.status(202).header('location', `/v1/solve-jobs/${job.id}`).send({ id: job.id, status: job.status });
    },
  );

  app.get(
    '/v1/solve-jobs/:id',
    {
      config: { roles: COMPUTE_ROLES },
      schema: {
        summary: 'Get a solve job',
        description: 'Status and progress; when done (or cancelled while running) also the solve result; when failed, why.',
        tags: ['solving'],
        params: JobParamsSchema,
        response: { 200: { ...JobViewSchema, examples: [jobExample] }, ...pickProblems(400, 401, 403, 404, 429) },
      },
    },
    async (request) => viewOf(await findJob(request.params.id, request.principal!)),
  );

  app.delete(
    '/v1/solve-jobs/:id',
    {
      config: { roles: COMPUTE_ROLES },
      schema: {
        summary: 'Cancel a solve job',
        description: `A queued job ends at once (status cancelled, no result). A running solve stops and keeps the best roster found so far (status cancelled, with result); the answer waits up to ${config.cancelWaitSeconds} s for that and is 200 with the final job, or 202 if it is still stopping. Cancelling a cancelled job repeats the answer; a done or failed job is 409.`,
        tags: ['solving'],
        params: JobParamsSchema,
        response: {
          200: { ...JobViewSchema, description: 'Cancelled', examples: [{ ...jobExample, status: 'cancelled', cancelRequested: true }] },
          202: { ...JobViewSchema, description: 'Cancel requested; the solve is still stopping' },
          ...pickProblems(400, 401, 403, 404, 409, 429),
        },
      },
    },
    async (request, reply) => {
      const found = await findJob(request.params.id, request.principal!);
      if ('row' in found) {
        let row: JobRow | undefined = found.row;
        if (row.status === 'done' || row.status === 'failed' || !(await jobs.cancelRow(row))) {
          row = await jobs.reread(row);
          if (row && (row.status === 'done' || row.status === 'failed')) throw new ProblemError(409, `Solve job ${row.id} has already ended (${row.status})`);
        }
        const until = Date.now() + config.cancelWaitSeconds * 1000;
        while (row && !isTerminal(row.status) && Date.now() < until) {
          await sleep(100);
          row = (await jobs.reread(row)) ?? row;
        }
        return reply.status(isTerminal(row!.status) ? 200 : 202).send(await jobs.rowView(row!));
      }
      const job = found.job;
      if (job.status === 'done' || job.status === 'failed') throw new ProblemError(409, `Solve job ${job.id} has already ended (${job.status})`);
      jobs.cancel(job);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([job.finished, new Promise((resolve) => (timer = setTimeout(resolve, config.cancelWaitSeconds * 1000)))]);
      clearTimeout(timer);
      return reply.status(isTerminal(job.status) ? 200 : 202).send(jobs.view(job));
    },
  );

  app.get(
    '/v1/solve-jobs/:id/events',
    {
      config: { roles: COMPUTE_ROLES },
      schema: {
        summary: 'Follow a solve job (server-sent events)',
        description: EVENTS_DESCRIPTION,
        tags: ['solving'],
        params: JobParamsSchema,
        response: {
          200: {
            description: 'The event stream',
            content: {
              'text/event-stream': {
                schema: Type.String({
                  examples: [
                    'event: progress\nid: 1\ndata: {"id":"0b9f6d8e-4c1a-4f0e-9a55-2f7e3f1c9d21","status":"running","progress":{"phase":"heuristic","bestCost":2640,"lowerBound":null,"gap":null,"elapsedSeconds":0.8}}\n\nevent: done\nid: 2\ndata: {"id":"0b9f6d8e-4c1a-4f0e-9a55-2f7e3f1c9d21","status":"done","progress":{"phase":"done","bestCost":2400,"lowerBound":2400,"gap":0,"elapsedSeconds":1.2}}\n\n',
                  ],
                }),
              },
            },
          },
          ...pickProblems(400, 401, 403, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const found = await findJob(request.params.id, request.principal!);
      // From here on the stream is written by hand; Fastify no longer serializes or ends this reply.
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      let seq = 0;
      const send = (event: 'progress' | 'done', view: JobView) => {
        const data = { id: view.id, status: view.status, progress: view.progress, ...(view.startedFrom ? { startedFrom: view.startedFrom } : {}) };
        res.write(`event: ${event}\nid: ${++seq}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      let heartbeat: NodeJS.Timeout | undefined;
      let unsubscribe: () => void = () => undefined;
      const stop = () => {
        if (heartbeat) clearInterval(heartbeat);
        unsubscribe();
        openStreams.delete(res);
        if (!res.writableEnded) res.end();
      };
      send('progress', await viewOf(found));
      openStreams.set(res, stop);
      res.once('close', stop);
      if ('row' in found) unsubscribe = followRow(found.row, send, stop);
      else unsubscribe = jobs.subscribe(found.job, {
        update: (view) => send('progress', view),
        end: (view) => {
          send('done', view);
          stop();
        },
      });
      if (!res.writableEnded) heartbeat = setInterval(() => res.write(': keep-alive\n\n'), config.sseHeartbeatSeconds * 1000);
    },
  );

  /** A job run by another process: its row, read once a second, sent when it changed. */
  const followRow = (first: JobRow, send: (event: 'progress' | 'done', view: JobView) => void, stop: () => void): (() => void) => {
    let last = '';
    let ended = false;
    const timer = setInterval(() => {
      void (async () => {
        const row = await jobs.reread(first).catch(() => undefined);
        if (ended) return;
        if (!row) return stop();
        const view = await jobs.rowView(row);
        if (isTerminal(row.status)) {
          ended = true;
          send('done', view);
          return stop();
        }
        const text = JSON.stringify({ status: view.status, startedFrom: view.startedFrom, progress: { ...view.progress, elapsedSeconds: 0 } });
        if (text !== last) send('progress', view);
        last = text;
      })();
    }, 1000);
    return () => {
      ended = true;
      clearInterval(timer);
    };
  };

  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const stop of [...openStreams.values()]) stop();
  });
};

export default solveJobs;
