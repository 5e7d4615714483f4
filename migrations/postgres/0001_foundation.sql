CREATE TABLE company (
    id BIGSERIAL PRIMARY KEY,
    legal_name TEXT NOT NULL,
    legal_form TEXT NOT NULL DEFAULT '',
    share_capital_minor BIGINT,
    address_line1 TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT 'FR',
    siren TEXT NOT NULL DEFAULT '',
    siret TEXT NOT NULL DEFAULT '',
    rcs_city TEXT NOT NULL DEFAULT '',
    vat_number TEXT NOT NULL DEFAULT '',
    iban TEXT NOT NULL DEFAULT '',
    bic TEXT NOT NULL DEFAULT '',
    payment_terms_days BIGINT NOT NULL DEFAULT 30,
    late_penalty_rate_bp BIGINT NOT NULL DEFAULT 1000,
    recovery_indemnity_minor BIGINT NOT NULL DEFAULT 4000,
    early_discount_terms TEXT NOT NULL DEFAULT '',
    accept_partial BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE customers (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    is_business BIGINT NOT NULL DEFAULT 1,
    address_line1 TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT 'FR',
    siren TEXT NOT NULL DEFAULT '',
    vat_number TEXT NOT NULL DEFAULT '',
    billing_email TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'fr',
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('customer', 'agent', 'admin')),
    customer_id BIGINT REFERENCES customers(id),
    display_name TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    CHECK ((role = 'customer') = (customer_id IS NOT NULL))
);

CREATE TABLE login_attempts (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    succeeded BIGINT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_attempts_email_at ON login_attempts (email, at);
CREATE INDEX login_attempts_ip_at ON login_attempts (ip, at);

CREATE TABLE invoices (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    kind TEXT NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit_note')),
    number TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'disputed', 'credited')),
    issue_date TEXT,
    due_date TEXT,
    currency TEXT NOT NULL DEFAULT 'EUR',
    total_ht BIGINT NOT NULL DEFAULT 0,
    total_vat BIGINT NOT NULL DEFAULT 0,
    total_ttc BIGINT NOT NULL DEFAULT 0,
    amount_paid BIGINT NOT NULL DEFAULT 0,
    amount_credited BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    CHECK ((status = 'draft') = (number IS NULL))
);
CREATE INDEX invoices_customer_issue ON invoices (customer_id, issue_date DESC, id DESC);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
