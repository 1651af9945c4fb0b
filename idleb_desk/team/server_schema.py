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
SERVER_SCHEMA_VERSION = 1
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
CREATE FUNCTION {SCHEMA}.row_of(p_layer text, p_tbl text, p_key text,
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

-- Push a batch of events, each {{uid, layer, op, time, documents, changes: [{{t, k, d, b, a,
-- before}}]}} (b: the version the client based the change on). Per event: a uid already
-- stored is 'dup' (applied once); a change whose base is not the row's version makes the
-- whole event a 'conflict' (nothing written, the server's rows returned); otherwise the
-- rows are written at version b + 1 and the event appended: 'ok'.
CREATE FUNCTION {SCHEMA}.push(batch jsonb)
  RETURNS TABLE (uid text, status text, id bigint, info jsonb)
  LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  e jsonb; c jsonb; cur record; stale jsonb; done jsonb; eid bigint; v bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('{SCHEMA}.events'));
  FOR e IN SELECT * FROM jsonb_array_elements(batch) LOOP
    uid := e->>'uid';
    SELECT ev.id, ev.changes INTO eid, done FROM {SCHEMA}.events ev WHERE ev.uid = e->>'uid';
    IF FOUND THEN
      status := 'dup'; id := eid; info := done; RETURN NEXT; CONTINUE;
    END IF;
    stale := '[]'::jsonb;
    FOR c IN SELECT * FROM jsonb_array_elements(e->'changes') LOOP
      SELECT * INTO cur FROM {SCHEMA}.row_of(e->>'layer', c->>'t', c->>'k');
      IF coalesce(cur.o_version, 0) <> (c->>'b')::bigint THEN
        stale := stale || jsonb_build_array(jsonb_build_object(
          't', c->>'t', 'k', c->>'k', 'theirs_version', coalesce(cur.o_version, 0),
          'theirs', cur.o_data));
      END IF;
    END LOOP;
    IF jsonb_array_length(stale) > 0 THEN
      status := 'conflict'; id := NULL; info := stale; RETURN NEXT; CONTINUE;
    END IF;
    done := '[]'::jsonb;
    FOR c IN SELECT * FROM jsonb_array_elements(e->'changes') LOOP
      v := (c->>'b')::bigint + 1;
      IF c->>'t' = 'actors' THEN
        INSERT INTO {SCHEMA}.actors AS r (key, version, data) VALUES (c->>'k', v, c->'a')
          ON CONFLICT (key) DO UPDATE SET version = v, data = c->'a';
      ELSIF e->>'layer' = '{CURATED}' THEN
        INSERT INTO {SCHEMA}.curated_rows AS r (tbl, key, document, version, data)
          VALUES (c->>'t', c->>'k', c->>'d', v, c->'a')
          ON CONFLICT (tbl, key) DO UPDATE SET version = v, data = c->'a';
      ELSE
        INSERT INTO {SCHEMA}.layer_rows AS r (analyst, tbl, key, document, version, data)
          VALUES (e->>'layer', c->>'t', c->>'k', c->>'d', v, c->'a')
          ON CONFLICT (analyst, tbl, key) DO UPDATE SET version = v, data = c->'a';
      END IF;
      done := done || jsonb_build_array(c || jsonb_build_object('v', v));
    END LOOP;
    INSERT INTO {SCHEMA}.events AS ev (uid, layer, op, time, documents, changes)
      VALUES (e->>'uid', e->>'layer', e->>'op', e->>'time',
              ARRAY(SELECT jsonb_array_elements_text(e->'documents')), done)
      RETURNING ev.id INTO eid;
    status := 'ok'; id := eid; info := NULL; RETURN NEXT;
  END LOOP;
END $$;
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
REVOKE ALL ON FUNCTION {SCHEMA}.push(jsonb), {SCHEMA}.row_of(text, text, text)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {SCHEMA}.push(jsonb), {SCHEMA}.row_of(text, text, text),
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
