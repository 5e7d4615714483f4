-- Customer statements: links staff email to a customer (scoped to that
-- customer's statement, revocable, expiring; only a SHA-256 of the token is
-- stored), and the company's statement settings (one row).
CREATE TABLE statement_links (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX statement_links_customer ON statement_links (customer_id, created_at DESC, id DESC);

CREATE TABLE statement_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    -- Whether an invoice pay link also opens its customer's statement (0/1).
    on_pay_link BIGINT NOT NULL DEFAULT 0 CHECK (on_pay_link IN (0, 1)),
    -- How many days an emailed statement link works.
    link_days BIGINT NOT NULL DEFAULT 30 CHECK (link_days BETWEEN 1 AND 365)
);
INSERT INTO statement_settings (id) VALUES (1);
