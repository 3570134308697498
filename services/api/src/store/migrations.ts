/**
 * The one schema, as an ordered list of migrations shared by PGlite and PostgreSQL. Each runs once, in a
 * transaction, and is recorded in `schema_migrations`; never edit one that has shipped, append a new one.
 */
export const MIGRATIONS: readonly { readonly id: number; readonly name: string; readonly sql: string }[] = [
  {
    id: 1,
    name: 'initial',
    sql: `
CREATE TABLE tenants (
  id text PRIMARY KEY,
  name text NOT NULL,
  policy jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('admin', 'planner', 'agent')),
  agent_id text,
  is_root boolean NOT NULL DEFAULT false,
  label text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CHECK ((role = 'agent') = (agent_id IS NOT NULL))
);
CREATE TABLE feed_tokens (
  hash text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  agent_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE schedules (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  name text,
  version integer NOT NULL DEFAULT 1,
  scenario jsonb NOT NULL,
  roster jsonb NOT NULL,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedules_tenant ON schedules (tenant_id);
CREATE TABLE swap_requests (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  schedule_id text NOT NULL REFERENCES schedules(id),
  kind text NOT NULL,
  swap jsonb NOT NULL,
  requested_by text NOT NULL,
  from_agent text NOT NULL,
  to_agent text,
  status text NOT NULL,
  check_result jsonb,
  base_version integer NOT NULL,
  applied_version integer,
  decided_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX swap_requests_schedule ON swap_requests (tenant_id, schedule_id, status);
CREATE TABLE leave_requests (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  schedule_id text NOT NULL REFERENCES schedules(id),
  agent_id text NOT NULL,
  start_at text NOT NULL,
  end_at text NOT NULL,
  type text NOT NULL,
  hours numeric NOT NULL,
  status text NOT NULL,
  impact jsonb,
  decided_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE leave_balances (
  tenant_id text NOT NULL REFERENCES tenants(id),
  agent_id text NOT NULL,
  type text NOT NULL,
  hours numeric NOT NULL,
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, agent_id, type)
);
CREATE TABLE idempotency (
  tenant_id text NOT NULL,
  key_id text NOT NULL,
  idem_key text NOT NULL,
  request_hash text NOT NULL,
  status integer NOT NULL,
  body text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key_id, idem_key)
);
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  actor_key_id text,
  actor_role text,
  actor_agent_id text,
  at timestamptz NOT NULL DEFAULT now(),
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text NOT NULL,
  before jsonb,
  after jsonb
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);
`,
  },
  {
    id: 2,
    name: 'leave-and-extensions',
    sql: `
ALTER TABLE leave_requests ADD COLUMN requested_by text;
ALTER TABLE leave_requests ADD COLUMN base_version integer;
ALTER TABLE leave_requests ADD COLUMN applied_version integer;
CREATE INDEX leave_requests_schedule ON leave_requests (tenant_id, schedule_id, status);
CREATE TABLE leave_balance_entries (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  agent_id text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  delta_hours numeric NOT NULL,
  balance_hours numeric NOT NULL,
  reason text NOT NULL,
  leave_request_id text,
  schedule_id text,
  actor_key_id text
);
CREATE INDEX leave_balance_entries_agent ON leave_balance_entries (tenant_id, agent_id, id);
CREATE TABLE extension_requests (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  schedule_id text NOT NULL REFERENCES schedules(id),
  agent_id text NOT NULL,
  shift jsonb NOT NULL,
  extend_minutes integer NOT NULL,
  at_side text NOT NULL,
  status text NOT NULL,
  check_result jsonb,
  requested_by text NOT NULL,
  base_version integer NOT NULL,
  applied_version integer,
  decided_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX extension_requests_schedule ON extension_requests (tenant_id, schedule_id, status);
`,
  },
  {
    id: 3,
    name: 'feed-token-expiry',
    sql: `
ALTER TABLE feed_tokens ADD COLUMN expires_at timestamptz;
ALTER TABLE feed_tokens ADD COLUMN revoked_at timestamptz;
UPDATE feed_tokens SET expires_at = created_at + interval '90 days' WHERE expires_at IS NULL;
ALTER TABLE feed_tokens ALTER COLUMN expires_at SET NOT NULL;
CREATE INDEX feed_tokens_agent ON feed_tokens (tenant_id, agent_id);
`,
  },
  {
    id: 4,
    name: 'integration-role',
    sql: `
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'planner', 'agent', 'integration'));
`,
  },
  {
    id: 5,
    name: 'solve-jobs',
    sql: `
CREATE TABLE solve_jobs (
  id text PRIMARY KEY,
  seq bigserial NOT NULL,
  tenant_id text NOT NULL,
  key_id text NOT NULL,
  task jsonb NOT NULL,
  scenario jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 3,
  cancel_requested boolean NOT NULL DEFAULT false,
  progress jsonb,
  progress_at timestamptz,
  result jsonb,
  error jsonb,
  lease_owner text,
  lease_until timestamptz,
  -- The runner of the latest attempt (kept after the end, for operators).
  runner text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  expires_at timestamptz
);
CREATE INDEX solve_jobs_open ON solve_jobs (seq) WHERE status IN ('queued', 'running');
CREATE INDEX solve_jobs_expiry ON solve_jobs (expires_at) WHERE expires_at IS NOT NULL;
`,
  },
  {
    id: 6,
    name: 'outbox-webhooks',
    sql: `
CREATE TABLE outbox_events (
  id text PRIMARY KEY,
  tenant_id text NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_events_tenant ON outbox_events (tenant_id, created_at);
CREATE TABLE webhook_endpoints (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  url text NOT NULL,
  event_types text[] NOT NULL,
  secret text NOT NULL,
  allow_private boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id);
CREATE TABLE webhook_deliveries (
  id text PRIMARY KEY,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints(id),
  event_id text NOT NULL REFERENCES outbox_events(id),
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_status integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);
`,
  },
  {
    id: 7,
    name: 'schedule-versions',
    // Each version's roster, so that a version's changes against an earlier one can be listed; a schedule
    // stored before this migration keeps its history from its current version on.
    sql: `
CREATE TABLE schedule_versions (
  schedule_id text NOT NULL REFERENCES schedules(id),
  version integer NOT NULL,
  tenant_id text NOT NULL,
  roster jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (schedule_id, version)
);
INSERT INTO schedule_versions (schedule_id, version, tenant_id, roster, created_at) SELECT id, version, tenant_id, roster, updated_at FROM schedules;
`,
  },
  {
    id: 8,
    name: 'solve-job-checkpoint',
    // A running job's best roster so far ({cost, roster}), kept across attempts and after a failure.
    sql: `
ALTER TABLE solve_jobs ADD COLUMN checkpoint jsonb;
ALTER TABLE solve_jobs ADD COLUMN checkpoint_at timestamptz;
`,
  },
  {
    id: 9,
    name: 'replan-proposals',
    // A minimal-change re-plan of a schedule, kept as a draft until applied as the schedule's next version:
    // the scenario with the event in it (what apply stores) and the re-planned roster.
    sql: `
CREATE TABLE replan_proposals (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  schedule_id text NOT NULL REFERENCES schedules(id),
  base_version integer NOT NULL,
  event jsonb NOT NULL,
  scenario jsonb NOT NULL,
  roster jsonb NOT NULL,
  changes jsonb NOT NULL,
  before jsonb NOT NULL,
  after jsonb NOT NULL,
  solve jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'applied')),
  applied_version integer,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX replan_proposals_schedule ON replan_proposals (tenant_id, schedule_id, created_at);
`,
  },
  {
    id: 10,
    name: 'swap-wishes',
    // An agent's wish to trade one shift for another it accepts; consumed ('applied') when a cycle of
    // wishes is applied as the schedule's next version (cycle_id groups the wishes applied together).
    sql: `
CREATE TABLE swap_wishes (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  schedule_id text NOT NULL REFERENCES schedules(id),
  agent_id text NOT NULL,
  give jsonb NOT NULL,
  accept jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'applied')),
  base_version integer NOT NULL,
  cycle_id text,
  applied_version integer,
  decided_by text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX swap_wishes_schedule ON swap_wishes (tenant_id, schedule_id, status);
`,
  },
  {
    id: 11,
    name: 'offers',
    // VTO and overtime offers of one computation (batch) of a schedule: an offer changes one agent's shift by
    // whole grid steps at one end, for one need (a run of over- or under-covered intervals). At most one
    // offer per need is accepted; the others of that need are then `taken`; a newer batch `withdraws` them.
    sql: `
CREATE TABLE offers (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  schedule_id text NOT NULL REFERENCES schedules(id),
  batch_id text NOT NULL,
  base_version integer NOT NULL,
  rank integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('vto', 'overtime')),
  agent_id text NOT NULL,
  shift jsonb NOT NULL,
  at_side text NOT NULL CHECK (at_side IN ('start', 'end')),
  minutes integer NOT NULL,
  need_id text NOT NULL,
  need jsonb NOT NULL,
  after jsonb NOT NULL,
  cost_delta double precision NOT NULL,
  coverage_delta jsonb NOT NULL,
  notes jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'accepted', 'taken', 'withdrawn')),
  taken_by text,
  accepted_version integer,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offers_schedule ON offers (tenant_id, schedule_id, status);
CREATE INDEX offers_need ON offers (batch_id, need_id) WHERE status = 'open';
`,
  },
  {
    id: 12,
    name: 'solve-job-start',
    // What the latest attempt's search started from ('scratch', or 'checkpoint': a retry from an earlier
    // attempt's best roster, whose cost start_cost keeps after the result has replaced the checkpoint).
    sql: `
ALTER TABLE solve_jobs ADD COLUMN started_from text CHECK (started_from IN ('scratch', 'checkpoint'));
ALTER TABLE solve_jobs ADD COLUMN start_cost double precision;
`,
  },
  {
    id: 13,
    name: 'delivery-ids-uuid',
    // Deliveries are entries of the pg-boss delivery queue, whose ids are UUIDs: the md5 ids written
    // before are the same 32 hex digits, written as a UUID.
    sql: `
UPDATE webhook_deliveries SET id = id::uuid::text WHERE id ~ '^[0-9a-f]{32}$';
`,
  },
];
