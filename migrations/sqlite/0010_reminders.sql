-- Reminders (relances): the business's schedule, what was sent (one row per
-- invoice and step, the key that makes a step go out once), pauses, promises
-- to pay, and the rates the late-payment penalties are computed with.

-- The schedule: steps by offset from the due date (negative = before it).
-- The offset is the step's identity: a reminder sent at +8 is never sent
-- again at +8, whatever the texts become.
CREATE TABLE reminder_steps (
    offset_days INTEGER PRIMARY KEY,
    tone TEXT NOT NULL CHECK (tone IN ('courteous', 'reminder', 'firm', 'formal_notice')),
    subject_fr TEXT NOT NULL,
    body_fr TEXT NOT NULL,
    subject_en TEXT NOT NULL,
    body_en TEXT NOT NULL
);

-- How reminders go out (one row).
CREATE TABLE reminder_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- IANA name; "today" and the sending hour are read in this zone.
    timezone TEXT NOT NULL DEFAULT 'Europe/Paris',
    -- Local hour (0-23) from which the day's reminders are sent.
    send_hour INTEGER NOT NULL DEFAULT 9 CHECK (send_hour BETWEEN 0 AND 23),
    -- 'statutory': ECB rate of the due date's half-year + 10 points;
    -- 'contractual': company.late_penalty_rate_bp.
    rate_kind TEXT NOT NULL DEFAULT 'statutory' CHECK (rate_kind IN ('statutory', 'contractual')),
    -- Days given to pay in a formal notice.
    notice_days INTEGER NOT NULL DEFAULT 8 CHECK (notice_days BETWEEN 1 AND 60),
    -- A thank-you email when a reminded invoice is paid in full.
    thank_you INTEGER NOT NULL DEFAULT 1,
    -- 0 until the schedule is first written: the default schedule is put in
    -- then, once (an admin may later remove every step: reminders off).
    schedule_set INTEGER NOT NULL DEFAULT 0
);
INSERT INTO reminder_settings (id) VALUES (1);

-- Reference rates per half-year (half = 1 or 2), entered by admins, in basis
-- points: the ECB main refinancing rate and the French legal interest rate
-- (for professionals), whose triple is the floor of a contractual rate.
CREATE TABLE rate_periods (
    year INTEGER NOT NULL,
    half INTEGER NOT NULL CHECK (half IN (1, 2)),
    ecb_rate_bp INTEGER NOT NULL CHECK (ecb_rate_bp >= 0),
    legal_rate_bp INTEGER NOT NULL CHECK (legal_rate_bp >= 0),
    PRIMARY KEY (year, half)
);

-- Every step of every invoice that was dealt with: queued (its email is in the
-- outbox under outbox_key) or skipped by staff. UNIQUE (invoice, step) is what
-- makes two engines, a retried run or a crash never queue a step twice.
CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    offset_days INTEGER NOT NULL,
    tone TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('queued', 'skipped')),
    -- The local business day the step fell on (YYYY-MM-DD).
    step_date TEXT NOT NULL,
    -- What the reminder asked for (not disputed), minor units.
    amount INTEGER NOT NULL,
    outbox_key TEXT,
    actor_user_id INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    UNIQUE (invoice_id, offset_days)
);
CREATE INDEX reminders_outbox ON reminders (outbox_key);
CREATE INDEX reminders_customer ON reminders (customer_id, created_at);

-- Reminders paused by staff for an invoice, or for a customer (until a date,
-- or until lifted when until_date is NULL).
CREATE TABLE invoice_reminder_pauses (
    invoice_id INTEGER PRIMARY KEY REFERENCES invoices(id),
    paused_by INTEGER REFERENCES users(id),
    paused_at INTEGER NOT NULL
);
CREATE TABLE customer_reminder_pauses (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id),
    until_date TEXT,
    paused_by INTEGER REFERENCES users(id),
    paused_at INTEGER NOT NULL
);

-- Promises to pay made by the customer: reminders wait until the date; the
-- newest promise of an invoice is the one that counts.
CREATE TABLE payment_promises (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    promised_for TEXT NOT NULL,
    made_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX payment_promises_invoice ON payment_promises (invoice_id, id DESC);

-- A queued reminder whose invoices were all paid, credited or put in dispute
-- before it went out is withdrawn, not sent. SQLite cannot change a CHECK:
-- the outbox is rebuilt with the new status allowed.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    attachment_name TEXT,
    attachment_content_type TEXT,
    attachment BLOB,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'withdrawn')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
INSERT INTO outbox_new SELECT id, dedupe_key, to_address, subject, body_text, body_html, attachment_name,
    attachment_content_type, attachment, status, attempts, next_attempt_at, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
