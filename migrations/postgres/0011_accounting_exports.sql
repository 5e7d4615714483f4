-- The accounts and journals the FEC export (Fichier des Écritures Comptables)
-- posts to, edited by admins on /staff/exports. One row; the defaults are the
-- French chart of accounts (PCG): 411 customers, 706 services sold, 44571 VAT
-- collected (one account per rate, all 44571 unless the accountant splits
-- them), 512 bank; journals VE (sales) and BQ (bank).
CREATE TABLE accounting_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    customer_account TEXT NOT NULL DEFAULT '411',
    revenue_account TEXT NOT NULL DEFAULT '706',
    vat_account_2000 TEXT NOT NULL DEFAULT '44571',
    vat_account_1000 TEXT NOT NULL DEFAULT '44571',
    vat_account_550 TEXT NOT NULL DEFAULT '44571',
    vat_account_210 TEXT NOT NULL DEFAULT '44571',
    bank_account TEXT NOT NULL DEFAULT '512',
    sales_journal TEXT NOT NULL DEFAULT 'VE',
    bank_journal TEXT NOT NULL DEFAULT 'BQ',
    updated_at BIGINT,
    updated_by BIGINT REFERENCES users(id)
);
INSERT INTO accounting_settings (id) VALUES (1);
