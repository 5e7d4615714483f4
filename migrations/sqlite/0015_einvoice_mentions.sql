-- The mentions the 2026 e-invoicing reform adds to every invoice.
-- The company: whether it opted to pay VAT on debits ("option pour le
-- paiement de la taxe d'après les débits", 0/1), and the category of
-- operation its invoices carry by default ('goods', 'services', 'mixed'),
-- frozen into each invoice's snapshot at issue.
ALTER TABLE company ADD COLUMN vat_on_debits INTEGER NOT NULL DEFAULT 0 CHECK (vat_on_debits IN (0, 1));
ALTER TABLE company ADD COLUMN operation_category TEXT NOT NULL DEFAULT 'services'
    CHECK (operation_category IN ('goods', 'services', 'mixed'));
-- A customer's delivery address when it differs from the billing one: all
-- four empty when there is none (the form refuses a partial one).
ALTER TABLE customers ADD COLUMN delivery_line1 TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN delivery_postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN delivery_city TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN delivery_country TEXT NOT NULL DEFAULT '';
