-- The ERP API (issue 17): keys, idempotent POSTs, customers known by the
-- ERP's own id, and audit rows that name the key that acted.
--
-- A key: only the SHA-256 of its secret is stored; `prefix` is the first
-- characters of the secret, shown to admins to tell keys apart. Scope
-- 'read' only reads; 'write' reads and writes. A revoked key stays listed.
CREATE TABLE api_keys (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    prefix TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
-- One POST per (key, Idempotency-Key): claimed by the INSERT before the
-- handler runs (status NULL while it runs), then its answer is stored and
-- replayed for 24 h to the same request (same request_hash).
CREATE TABLE api_idempotency (
    id BIGSERIAL PRIMARY KEY,
    api_key_id BIGINT NOT NULL REFERENCES api_keys(id),
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT,
    body TEXT,
    content_type TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (api_key_id, idem_key)
);
CREATE INDEX api_idempotency_created ON api_idempotency (created_at);
-- The ERP's id of a customer (PUT /api/v1/customers/by-external-id/{id});
-- NULL for customers typed by staff.
ALTER TABLE customers ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX customers_external_id ON customers (external_id);
-- Who acted when it is not a user: an API key's name.
ALTER TABLE audit_log ADD COLUMN actor_label TEXT NOT NULL DEFAULT '';
