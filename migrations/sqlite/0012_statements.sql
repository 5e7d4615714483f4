-- Customer statements: links staff email to a customer (scoped to that
-- customer's statement, revocable, expiring; only a SHA-256 of the token is
-- stored), and the company's statement settings (one row).
CREATE TABLE statement_links (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX statement_links_customer ON statement_links (customer_id, created_at DESC, id DESC);

CREATE TABLE statement_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- Whether an invoice pay link also opens its customer's statement (0/1).
    on_pay_link INTEGER NOT NULL DEFAULT 0 CHECK (on_pay_link IN (0, 1)),
    -- How many days an emailed statement link works.
    link_days INTEGER NOT NULL DEFAULT 30 CHECK (link_days BETWEEN 1 AND 365)
);
INSERT INTO statement_settings (id) VALUES (1);
