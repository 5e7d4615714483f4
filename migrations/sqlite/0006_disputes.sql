-- Disputes (litiges): one thread per dispute with customer and staff messages
-- and internal notes, a history of every change, and the recorded resolution.
-- At most one dispute per invoice is not closed (partial unique index).
CREATE TABLE disputes (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    reason TEXT NOT NULL CHECK (reason IN ('wrong_amount', 'not_delivered', 'quality', 'duplicate', 'already_paid', 'other')),
    -- Minor units; the whole balance when the customer gave no amount.
    disputed_amount INTEGER NOT NULL CHECK (disputed_amount > 0),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_review', 'waiting_for_customer', 'resolved', 'rejected')),
    assignee_id INTEGER REFERENCES users(id),
    -- NULL when opened from a pay link (no account).
    opened_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_customer_message_at INTEGER,
    last_staff_message_at INTEGER,
    resolved_at INTEGER,
    resolution_kind TEXT CHECK (resolution_kind IS NULL OR resolution_kind IN ('credit_note_full', 'credit_note_partial', 'corrected_invoice', 'payment_plan', 'commercial_gesture', 'rejected')),
    resolution_explanation TEXT,
    resolution_credit_note_id INTEGER REFERENCES invoices(id),
    -- The draft replacing a corrected invoice (no foreign key: a draft may be deleted).
    resolution_draft_id INTEGER,
    resolved_by INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX disputes_one_open_per_invoice ON disputes (invoice_id) WHERE status NOT IN ('resolved', 'rejected');
CREATE INDEX disputes_customer ON disputes (customer_id, created_at DESC, id DESC);
CREATE INDEX disputes_queue ON disputes (status, assignee_id);

CREATE TABLE dispute_lines (
    dispute_id INTEGER NOT NULL REFERENCES disputes(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (dispute_id, position)
);

CREATE TABLE dispute_messages (
    id INTEGER PRIMARY KEY,
    dispute_id INTEGER NOT NULL REFERENCES disputes(id),
    author_kind TEXT NOT NULL CHECK (author_kind IN ('customer', 'staff')),
    author_id INTEGER REFERENCES users(id),
    body TEXT NOT NULL,
    internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    created_at INTEGER NOT NULL,
    CHECK (internal = 0 OR author_kind = 'staff')
);
CREATE INDEX dispute_messages_thread ON dispute_messages (dispute_id, id);

CREATE TABLE dispute_events (
    id INTEGER PRIMARY KEY,
    dispute_id INTEGER NOT NULL REFERENCES disputes(id),
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('customer', 'staff')),
    actor_id INTEGER REFERENCES users(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX dispute_events_thread ON dispute_events (dispute_id, id);

CREATE TABLE payment_plan_instalments (
    id INTEGER PRIMARY KEY,
    dispute_id INTEGER NOT NULL REFERENCES disputes(id),
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    position INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    UNIQUE (dispute_id, position)
);
CREATE INDEX payment_plan_instalments_invoice ON payment_plan_instalments (invoice_id, due_date);
