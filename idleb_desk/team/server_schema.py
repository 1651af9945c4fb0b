"""The team server's schema in PostgreSQL (issue 15): tables, roles, row-level security.

Everything lives in the schema `idleb_team`. The `events` table is append-only (a trigger
refuses UPDATE, DELETE and TRUNCATE, even by its owner) with a bigserial id; pushes go
through `idleb_team.push`, which takes a transaction-level advisory lock so that ids are
committed in order (a puller's cursor never skips an id committed late). Row versions
live beside the rows: `layer_rows` (each analyst's layer), `curated_rows` (the curated
layer) and `actors` (shared by the team).

Roles are real database roles: the group roles `idleb_analyst`, `idleb_curator` (an
analyst who may also publish and release documents and write the curated layer) and
`idleb_admin`; each team member logs in as their own role, named as the analyst is.
Row-level security keeps coding blind: another analyst's layer of a document of the
reliability sample is invisible until a curator releases the document.
"""

from __future__ import annotations

# The version of the server schema this idleb_desk writes; a client refuses to write to a
# server whose recorded version is newer.
SERVER_SCHEMA_VERSION = 2
# What each version changed (`server.init_server` upgrades an older team by re-creating the
# functions): 2 = the push looks stored uids up through `stored_ids` instead of scanning
# the log through its read policy, and runs without JIT compilation (10 pushes of 1,000
# events: 1.8 s of server time before, 0.5 s after).
SCHEMA = "idleb_team"
ANALYST, CURATOR, ADMIN = "idleb_analyst", "idleb_curator", "idleb_admin"
GROUPS = (ANALYST, CURATOR, ADMIN)
CHANNEL = "idleb_team_events"
# Layer names that are not analysts.
CURATED = "curated"
SHARED = ""

# Group roles are cluster-wide: made only when missing, so that several team databases
# (or a re-run of init) share them.
ROLES = f"""
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ANALYST}') THEN
    CREATE ROLE {ANALYST} NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{CURATOR}') THEN
    CREATE ROLE {CURATOR} NOLOGIN IN ROLE {ANALYST};
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ADMIN}') THEN
    CREATE ROLE {ADMIN} NOLOGIN IN ROLE {CURATOR};
  END IF;
END $$;
"""

TABLES = f"""
CREATE SCHEMA {SCHEMA};
CREATE TABLE {SCHEMA}.schema_version (
    version integer NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {SCHEMA}.members (
    name text PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('analyst', 'curator', 'admin')),
    added_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {SCHEMA}.documents (
    sha256 text PRIMARY KEY,
    ext_id text NOT NULL,
    title text NOT NULL,
    text text NOT NULL,
    sample boolean NOT NULL DEFAULT false,
    released boolean NOT NULL DEFAULT false,
    published_by text NOT NULL DEFAULT current_user
);
CREATE TABLE {SCHEMA}.assignments (
    document text NOT NULL REFERENCES {SCHEMA}.documents (sha256),
    analyst text NOT NULL,
    PRIMARY KEY (document, analyst)
);
CREATE TABLE {SCHEMA}.layer_rows (
    analyst text NOT NULL,
    tbl text NOT NULL,
    key text NOT NULL,
    document text,
    version bigint NOT NULL,
    data jsonb,
    PRIMARY KEY (analyst, tbl, key)
);
CREATE TABLE {SCHEMA}.curated_rows (
    tbl text NOT NULL,
    key text NOT NULL,
    document text,
    version bigint NOT NULL,
    data jsonb,
    PRIMARY KEY (tbl, key)
);
CREATE TABLE {SCHEMA}.actors (
    key text PRIMARY KEY,
    version bigint NOT NULL,
    data jsonb
);
CREATE TABLE {SCHEMA}.events (
    id bigserial PRIMARY KEY,
    uid text NOT NULL UNIQUE,
    author text NOT NULL DEFAULT current_user,
    layer text NOT NULL,
    op text NOT NULL,
    time text NOT NULL,
    documents text[] NOT NULL,
    changes jsonb NOT NULL,
    pushed_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION {SCHEMA}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'idleb_team.events is append-only';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON {SCHEMA}.events
  FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON {SCHEMA}.events
  FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.refuse_change();

-- One notice per pushing transaction (identical payloads fold into one); a client that
-- was offline missed it, so every wake-up is followed by a cursor pull.
CREATE FUNCTION {SCHEMA}.notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', '');
  RETURN NULL;
END $$;
CREATE TRIGGER events_notify AFTER INSERT ON {SCHEMA}.events
  FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.notify_events();

-- Blind coding: true when one of the documents is in the reliability sample and not
-- released yet.
CREATE FUNCTION {SCHEMA}.blind(docs text[]) RETURNS boolean
  LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM {SCHEMA}.documents d
                 WHERE d.sha256 = ANY (docs) AND d.sample AND NOT d.released)
$$;
CREATE FUNCTION {SCHEMA}.is_curator() RETURNS boolean
  LANGUAGE sql STABLE AS $$ SELECT pg_has_role(current_user, '{CURATOR}', 'MEMBER') $$;
"""

# The current version and data of one row of a layer (NULL version: never written).
PUSH = f"""
CREATE OR REPLACE FUNCTION {SCHEMA}.row_of(p_layer text, p_tbl text, p_key text,
                                OUT o_version bigint, OUT o_data jsonb)
  LANGUAGE plpgsql AS $$
BEGIN
  IF p_tbl = 'actors' THEN
    SELECT version, data INTO o_version, o_data FROM {SCHEMA}.actors
      WHERE key = p_key FOR UPDATE;
  ELSIF p_layer = '{CURATED}' THEN
    SELECT version, data INTO o_version, o_data FROM {SCHEMA}.curated_rows
      WHERE tbl = p_tbl AND key = p_key FOR UPDATE;
  ELSE
    SELECT version, data INTO o_version, o_data FROM {SCHEMA}.layer_rows
      WHERE analyst = p_layer AND tbl = p_tbl AND key = p_key FOR UPDATE;
  END IF;
END $$;

-- The changes of a batch's events that are not stored yet, one row each, with the
-- row's version on the server (v0) and how many earlier changes of the batch touch the
-- same row (r): a change is in order when its base b = v0 + r.
CREATE OR REPLACE FUNCTION {SCHEMA}.batch_changes(batch jsonb)
  RETURNS TABLE (n bigint, m bigint, layer text, t text, k text, d text, b bigint,
                 v bigint, v0 bigint, r bigint)
  LANGUAGE sql STABLE AS $$
  WITH ev AS (
    SELECT x.n, x.e FROM jsonb_array_elements(batch) WITH ORDINALITY AS x(e, n)),
  -- Materialized as narrow rows: sorting rows that drag each whole event along spilled
  -- hundreds of megabytes to disk for a batch of a thousand events.
  ch AS MATERIALIZED (
    SELECT ev.n, u.m, ev.e->>'layer' AS layer, u.c->>'t' AS t, u.c->>'k' AS k,
           u.c->>'d' AS d, (u.c->>'b')::bigint AS b, (u.c->>'v')::bigint AS v
    FROM ev, jsonb_array_elements(ev.e->'changes') WITH ORDINALITY AS u(c, m))
  SELECT ch.n, ch.m, ch.layer, ch.t, ch.k, ch.d, ch.b, ch.v,
    coalesce(CASE
      WHEN ch.t = 'actors' THEN
        (SELECT x.version FROM {SCHEMA}.actors x WHERE x.key = ch.k)
      WHEN ch.layer = '{CURATED}' THEN
        (SELECT x.version FROM {SCHEMA}.curated_rows x WHERE x.tbl = ch.t AND x.key = ch.k)
      ELSE (SELECT x.version FROM {SCHEMA}.layer_rows x
            WHERE x.analyst = ch.layer AND x.tbl = ch.t AND x.key = ch.k)
    END, 0),
    row_number() OVER (PARTITION BY CASE WHEN ch.t = 'actors' THEN '' ELSE ch.layer END,
                       ch.t, ch.k ORDER BY ch.n, ch.m) - 1
  FROM ch
$$;

-- Write a run of events none of which is stale: each row once, at its last change (the
-- data-modifying CTE runs once), then the events in batch order. A client pushes one
-- layer and the shared actors: the curated layer's table is named only in a curator's
-- batch (an analyst has no privilege on it at all).
CREATE OR REPLACE FUNCTION {SCHEMA}.apply_events(batch jsonb)
  RETURNS TABLE (uid text, id bigint)
  LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(batch) x(e)
             WHERE x.e->>'layer' = '{CURATED}') THEN
    WITH p AS (
      SELECT DISTINCT ON (bc.t, bc.k) bc.layer, bc.t, bc.k, bc.d, bc.b + 1 AS v,
             batch->(bc.n::int - 1)->'changes'->(bc.m::int - 1)->'a' AS a
      FROM {SCHEMA}.batch_changes(batch) bc ORDER BY bc.t, bc.k, bc.n DESC, bc.m DESC),
    shared AS (
      INSERT INTO {SCHEMA}.actors AS x (key, version, data)
        SELECT p.k, p.v, p.a FROM p WHERE p.t = 'actors'
        ON CONFLICT (key) DO UPDATE SET version = excluded.version, data = excluded.data
        RETURNING 1)
    INSERT INTO {SCHEMA}.curated_rows AS x (tbl, key, document, version, data)
      SELECT p.t, p.k, p.d, p.v, p.a FROM p WHERE p.t <> 'actors'
      ON CONFLICT (tbl, key) DO UPDATE SET version = excluded.version, data = excluded.data;
  ELSE
    WITH p AS (
      SELECT DISTINCT ON (CASE WHEN bc.t = 'actors' THEN '' ELSE bc.layer END, bc.t, bc.k)
             bc.layer, bc.t, bc.k, bc.d, bc.b + 1 AS v,
             batch->(bc.n::int - 1)->'changes'->(bc.m::int - 1)->'a' AS a
      FROM {SCHEMA}.batch_changes(batch) bc
      ORDER BY CASE WHEN bc.t = 'actors' THEN '' ELSE bc.layer END, bc.t, bc.k,
               bc.n DESC, bc.m DESC),
    shared AS (
      INSERT INTO {SCHEMA}.actors AS x (key, version, data)
        SELECT p.k, p.v, p.a FROM p WHERE p.t = 'actors'
        ON CONFLICT (key) DO UPDATE SET version = excluded.version, data = excluded.data
        RETURNING 1)
    INSERT INTO {SCHEMA}.layer_rows AS x (analyst, tbl, key, document, version, data)
      SELECT p.layer, p.t, p.k, p.d, p.v, p.a FROM p WHERE p.t <> 'actors'
      ON CONFLICT (analyst, tbl, key) DO UPDATE
        SET version = excluded.version, data = excluded.data;
  END IF;
  RETURN QUERY WITH ins AS (
    INSERT INTO {SCHEMA}.events AS s (uid, layer, op, time, documents, changes)
      SELECT x.e->>'uid', x.e->>'layer', x.e->>'op', x.e->>'time',
             ARRAY(SELECT jsonb_array_elements_text(x.e->'documents')),
             x.e->'changes'
      FROM jsonb_array_elements(batch) WITH ORDINALITY AS x(e, n)
      ORDER BY x.n
      RETURNING s.uid, s.id)
    SELECT ins.uid, ins.id FROM ins;
END $$;

-- The events of `batch` from position `first` (1-based) on.
CREATE OR REPLACE FUNCTION {SCHEMA}.batch_from(batch jsonb, first bigint) RETURNS jsonb
  LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_agg(x.e ORDER BY x.n), '[]'::jsonb)
  FROM jsonb_array_elements(batch) WITH ORDINALITY AS x(e, n) WHERE x.n >= first
$$;

-- Push a batch of events, each {{uid, layer, op, time, documents, changes: [{{t, k, d,
-- b, v, a}}]}} (b: the version the client based the change on, v = b + 1, a: the row
-- after). Per event: a uid already stored is 'dup' (applied once); a change whose base
-- is not the row's version makes the whole event a 'conflict' (nothing written, the
-- server's rows returned); otherwise the rows are written at version b + 1 and the event
-- appended: 'ok'. Set-based: the run of events before the first stale one is written at
-- once (every event before it was in order, so it is exactly the first the server must
-- refuse), that one is refused, and the rest is judged again on the rows as they now
-- stand.
CREATE OR REPLACE FUNCTION {SCHEMA}.push(batch jsonb)
  RETURNS TABLE (uid text, status text, id bigint, info jsonb)
  LANGUAGE plpgsql SET work_mem = '64MB' SET jit = off AS $$
#variable_conflict use_column
DECLARE
  rest jsonb := batch; first_bad bigint; stale jsonb; bad_uid text;
  dups bigint[]; dup_uids text[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('{SCHEMA}.events'));
  -- Events already stored (a push sent again) answer 'dup' and leave the batch; under the
  -- lock no other push can store one meanwhile.
  SELECT array_agg(k.id), array_agg(k.uid) INTO dups, dup_uids FROM {SCHEMA}.stored_ids(
    ARRAY(SELECT x.e->>'uid' FROM jsonb_array_elements(batch) x(e))) k;
  IF dups IS NOT NULL THEN
    RETURN QUERY SELECT s.uid, 'dup'::text, s.id, s.changes
      FROM {SCHEMA}.events s WHERE s.id = ANY (dups);
    rest := coalesce((SELECT jsonb_agg(x.e ORDER BY x.n)
      FROM jsonb_array_elements(batch) WITH ORDINALITY AS x(e, n)
      WHERE x.e->>'uid' <> ALL (dup_uids)), '[]');
  END IF;
  LOOP
    -- (a v other than b + 1 is a malformed change: refused the same way)
    SELECT min(bc.n) INTO first_bad FROM {SCHEMA}.batch_changes(rest) bc
      WHERE bc.b <> bc.v0 + bc.r OR bc.v IS DISTINCT FROM bc.b + 1;
    IF first_bad IS NULL THEN
      RETURN QUERY SELECT a.uid, 'ok'::text, a.id, NULL::jsonb
        FROM {SCHEMA}.apply_events(rest) a;
      RETURN;
    END IF;
    IF first_bad > 1 THEN
      RETURN QUERY SELECT a.uid, 'ok'::text, a.id, NULL::jsonb FROM {SCHEMA}.apply_events(
        (SELECT coalesce(jsonb_agg(x.e ORDER BY x.n), '[]'::jsonb)
         FROM jsonb_array_elements(rest) WITH ORDINALITY AS x(e, n) WHERE x.n < first_bad)) a;
      rest := {SCHEMA}.batch_from(rest, first_bad);
    END IF;
    bad_uid := rest->0->>'uid';
    SELECT jsonb_agg(jsonb_build_object('t', bc.t, 'k', bc.k, 'theirs_version', bc.v0,
                     'theirs', (SELECT o.o_data FROM {SCHEMA}.row_of(bc.layer, bc.t, bc.k) o)))
      INTO stale FROM {SCHEMA}.batch_changes(rest) bc
      WHERE bc.n = 1 AND (bc.b <> bc.v0 OR bc.v IS DISTINCT FROM bc.b + 1);
    uid := bad_uid; status := 'conflict'; id := NULL; info := stale; RETURN NEXT;
    rest := {SCHEMA}.batch_from(rest, 2);
  END LOOP;
END $$;
"""

# Which of these uids the log holds already, whoever pushed them: an index lookup that
# row-level security would otherwise turn into a scan of the whole log through the read
# policy (`blind` for every event: 300,000 calls for ten pushes of 1,000 events). Reveals
# only that a random uid was stored. Runs as the schema's owner.
STORED_IDS = f"""
CREATE OR REPLACE FUNCTION {SCHEMA}.stored_ids(uids text[])
  RETURNS TABLE (uid text, id bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT e.uid, e.id FROM {SCHEMA}.events e WHERE e.uid = ANY (uids)
$$;
REVOKE ALL ON FUNCTION {SCHEMA}.stored_ids(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {SCHEMA}.stored_ids(text[]) TO {ANALYST};
"""

# The shared actors' part of the events the caller cannot read (another analyst's layer on
# a blind sample document): the team's actors are shared, and the `actors` table already
# shows every actor's current row to every member, so this reveals no coding. Runs as the
# schema's owner, on a fixed search_path.
SHARED_PART = f"""
CREATE FUNCTION {SCHEMA}.shared_part(after_id bigint, upto bigint)
  RETURNS TABLE (id bigint, uid text, author text, op text, "time" text, changes jsonb)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT e.id, e.uid, e.author, e.op, e.time,
         (SELECT jsonb_agg(c.value ORDER BY c.ordinality)
          FROM jsonb_array_elements(e.changes) WITH ORDINALITY AS c
          WHERE c.value->>'t' = 'actors')
  FROM {SCHEMA}.events e
  WHERE e.id > after_id AND e.id <= upto AND {SCHEMA}.blind(e.documents)
    AND jsonb_path_exists(e.changes, '$[*] ? (@.t == "actors")')
  ORDER BY e.id
$$;
REVOKE ALL ON FUNCTION {SCHEMA}.shared_part(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {SCHEMA}.shared_part(bigint, bigint) TO {ANALYST};
"""

SECURITY = f"""
REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC;
GRANT USAGE ON SCHEMA {SCHEMA} TO {ANALYST};
GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {ANALYST};
GRANT INSERT ON {SCHEMA}.events TO {ANALYST};
GRANT USAGE ON SEQUENCE {SCHEMA}.events_id_seq TO {ANALYST};
GRANT INSERT, UPDATE ON {SCHEMA}.layer_rows, {SCHEMA}.actors TO {ANALYST};
GRANT INSERT, UPDATE ON {SCHEMA}.curated_rows, {SCHEMA}.documents, {SCHEMA}.assignments
  TO {CURATOR};
REVOKE ALL ON FUNCTION {SCHEMA}.push(jsonb), {SCHEMA}.row_of(text, text, text),
  {SCHEMA}.batch_changes(jsonb), {SCHEMA}.apply_events(jsonb),
  {SCHEMA}.batch_from(jsonb, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {SCHEMA}.push(jsonb), {SCHEMA}.row_of(text, text, text),
  {SCHEMA}.batch_changes(jsonb), {SCHEMA}.apply_events(jsonb),
  {SCHEMA}.batch_from(jsonb, bigint),
  {SCHEMA}.blind(text[]), {SCHEMA}.is_curator() TO {ANALYST};

ALTER TABLE {SCHEMA}.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE {SCHEMA}.layer_rows ENABLE ROW LEVEL SECURITY;
ALTER TABLE {SCHEMA}.curated_rows ENABLE ROW LEVEL SECURITY;

CREATE POLICY events_read ON {SCHEMA}.events FOR SELECT USING (
  author = current_user OR layer = current_user OR layer = '{SHARED}'
  OR {SCHEMA}.is_curator() OR NOT {SCHEMA}.blind(documents));
CREATE POLICY events_write ON {SCHEMA}.events FOR INSERT WITH CHECK (
  author = current_user AND (layer = current_user OR layer = '{SHARED}'
  OR (layer = '{CURATED}' AND {SCHEMA}.is_curator())));

CREATE POLICY layer_read ON {SCHEMA}.layer_rows FOR SELECT USING (
  analyst = current_user OR {SCHEMA}.is_curator()
  OR NOT {SCHEMA}.blind(ARRAY[document]));
CREATE POLICY layer_insert ON {SCHEMA}.layer_rows FOR INSERT
  WITH CHECK (analyst = current_user);
CREATE POLICY layer_update ON {SCHEMA}.layer_rows FOR UPDATE
  USING (analyst = current_user) WITH CHECK (analyst = current_user);

CREATE POLICY curated_read ON {SCHEMA}.curated_rows FOR SELECT USING (
  {SCHEMA}.is_curator() OR NOT {SCHEMA}.blind(ARRAY[document]));
CREATE POLICY curated_write ON {SCHEMA}.curated_rows FOR ALL
  USING ({SCHEMA}.is_curator()) WITH CHECK ({SCHEMA}.is_curator());
"""
