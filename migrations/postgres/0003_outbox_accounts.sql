-- The email outbox (messages are queued in the transaction that decides to send
-- them, then delivered by a worker with retries) and the single-use links of
-- accounts by email (invitations, password resets).

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    -- One logical message, one row: enqueueing the same key again does nothing.
    dedupe_key TEXT NOT NULL UNIQUE,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    attachment_name TEXT,
    attachment_content_type TEXT,
    attachment BYTEA,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    -- Attempts started; a claim adds one before sending (compare-and-set on it).
    attempts BIGINT NOT NULL DEFAULT 0,
    -- When a pending message is next due; a claim moves it forward by the lease.
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE account_tokens (
    id BIGSERIAL PRIMARY KEY,
    -- The account a reset is for; NULL for an invitation (no account yet).
    user_id BIGINT REFERENCES users(id),
    -- The customer account an invitation joins; NULL for a reset.
    customer_id BIGINT REFERENCES customers(id),
    email TEXT NOT NULL,
    -- The name the invited contact's account gets.
    display_name TEXT NOT NULL DEFAULT '',
    purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    -- SHA-256 (hex) of the token; the token itself is only in the email.
    token_hash TEXT NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL,
    CHECK ((purpose = 'invite') = (customer_id IS NOT NULL)),
    CHECK ((purpose = 'reset') = (user_id IS NOT NULL))
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_email ON account_tokens (email, purpose);
