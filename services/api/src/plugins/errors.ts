/**
 * Every error leaves as `application/problem+json` (RFC 9457). Schema errors are 400 with one entry per
 * problem; core input errors (unknown agent, a time zone that does not exist) are 422; client errors
 * Fastify raises itself keep their status (413 too large, 415 not JSON, 400 malformed JSON); only
 * faults of the server are 500, and their detail does not leak internals.
 *
 * Paths in `errors` are JSON pointers into the request prefixed by the part they are in, e.g.
 * `/body/scenario/horizon/timeZone` or `/params/id`, for schema and domain errors alike.
 */
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { FlexrosterInputError, schemaIssues } from '@flexroster/core';
import { PROBLEM_TYPES, ProblemError, inputProblem } from '../problem.js';

function toProblemError(error: FastifyError): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (error.validation) {
    const part = error.validationContext ?? 'body';
    const errors = schemaIssues(error.validation.map((e) => ({ instancePath: e.instancePath, message: e.message ?? 'is not valid', keyword: e.keyword, params: e.params, schemaPath: e.schemaPath }))).map(
      (i) => ({ path: `/${part}${i.path}`, message: i.message }),
    );
    return new ProblemError(400, `The request ${part} does not match the schema: ${errors.length} problem${errors.length === 1 ? '' : 's'} (see errors)`, {
      type: PROBLEM_TYPES.requestValidation,
      title: 'Invalid request',
      errors,
    });
  }
  if (error instanceof FlexrosterInputError) return inputProblem(error, { scenario: '/body', rest: '/body' });
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return new ProblemError(status, error.message);
  return undefined;
}

const errors: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let problem = toProblemError(error);
    if (!problem) {
      request.log.error({ err: error }, 'request failed');
      problem = new ProblemError(500, 'The server failed to handle this request; the failure has been logged.');
    } else if (problem.status >= 500) request.log.error({ err: error }, problem.detail);
    return reply
      .status(problem.status)
      .headers(problem.extra.headers ?? {})
      .type('application/problem+json')
      .send(problem.toProblem(request.url));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type('application/problem+json')
      .send(new ProblemError(404, `No route ${request.method} ${request.url}`).toProblem(request.url)),
  );
};

// Applies to the whole app, not an encapsulated child.
export default fp(errors, { name: 'flexroster-errors' });
