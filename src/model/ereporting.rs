//! Payment e-reporting (services with VAT due on receipt): each amount
//! collected, net of what was given back, split across the VAT rates of its
//! invoice pro rata of the invoice's per-rate totals incl. VAT, then summed
//! per day and rate.
//!
//! **The split is exact.** For an amount `P` over per-rate weights `w_i`
//! (base + VAT of each rate, in minor units, `W = sum w_i`), each rate first
//! gets `floor(|P| * w_i / W)` (computed with `rust_decimal`), then the cents
//! still missing go one each to the rates with the largest remainders
//! (largest remainder method); equal remainders go to the higher rate first
//! (the order of the invoice's totals). A negative amount (a refund) is split
//! as its absolute value, then negated. The shares always add up to `P`.
//!
//! The VAT of a day's amount at a rate is `amount * r / (1 + r)`, rounded
//! half away from zero to the cent (the invoices' own rule), and the amount
//! excl. VAT is the rest, so each row's HT + VAT is its TTC exactly.
use super::vat::{RateTotal, VatRate, round_minor};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;

/// Splits `amount` over the rates of `per_rate` pro rata of their totals
/// incl. VAT (see the module's rounding rule). An invoice whose totals are
/// all zero puts everything on its first rate; one without rates, on 0 %.
pub fn split_by_rate(amount: i64, per_rate: &[RateTotal]) -> Vec<(VatRate, i64)> {
    let weights: Vec<(VatRate, i64)> = per_rate
        .iter()
        .map(|r| (r.rate, (r.base_ht + r.vat).max(0)))
        .collect();
    let total: i64 = weights.iter().map(|(_, w)| w).sum();
    let Some(&(first, _)) = weights.first() else {
        return vec![(VatRate::Zero, amount)];
    };
    if total == 0 || weights.len() == 1 {
        let mut out: Vec<(VatRate, i64)> = weights.iter().map(|(r, _)| (*r, 0)).collect();
        out[0] = (first, amount);
        return out;
    }
    let sign = if amount < 0 { -1 } else { 1 };
    let p = Decimal::from(amount.unsigned_abs());
    let w_total = Decimal::from(total);
    let mut shares: Vec<(VatRate, i64, Decimal)> = weights
        .iter()
        .map(|(rate, w)| {
            let exact = p * Decimal::from(*w) / w_total;
            let floor = exact.floor();
            (*rate, floor.to_i64().unwrap_or(0), exact - floor)
        })
        .collect();
    let given: i64 = shares.iter().map(|s| s.1).sum();
    let mut missing = amount.unsigned_abs() as i64 - given;
    let mut order: Vec<usize> = (0..shares.len()).collect();
    // Largest remainder first; the sort is stable, so ties keep the rates' order.
    order.sort_by(|a, b| shares[*b].2.cmp(&shares[*a].2));
    for i in order.into_iter().cycle() {
        if missing <= 0 {
            break;
        }
        shares[i].1 += 1;
        missing -= 1;
    }
    shares
        .into_iter()
        .map(|(rate, share, _)| (rate, share * sign))
        .collect()
}

/// One amount to report: collected (positive) or given back (negative) on
/// `day`, with the per-rate totals of its invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collected {
    pub day: String,
    pub currency: String,
    pub amount: i64,
    pub per_rate: Vec<RateTotal>,
}

/// A line of the report: one day, currency and rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub day: String,
    pub currency: String,
    pub rate: VatRate,
    /// Collected incl. VAT, net of refunds and chargebacks of the day.
    pub ttc: i64,
    pub ht: i64,
    pub vat: i64,
}

/// The VAT included in an amount incl. VAT at `rate`, rounded half away
/// from zero to the cent.
pub fn vat_included(ttc: i64, rate: VatRate) -> i64 {
    let r = rate.fraction();
    round_minor(Decimal::from(ttc) * r / (Decimal::ONE + r))
}

/// Sums amounts per day, currency and rate (days in order, then currency,
/// then the higher rate first); rows that net to zero are kept (a payment
/// refunded the same day still shows it happened).
#[derive(Debug, Default)]
pub struct Report {
    sums: BTreeMap<(String, String, std::cmp::Reverse<i64>), i64>,
}

impl Report {
    pub fn add(&mut self, c: &Collected) {
        for (rate, share) in split_by_rate(c.amount, &c.per_rate) {
            let key = (
                c.day.clone(),
                c.currency.clone(),
                std::cmp::Reverse(rate.basis_points()),
            );
            *self.sums.entry(key).or_insert(0) += share;
        }
    }

    pub fn rows(&self) -> Vec<ReportRow> {
        self.sums
            .iter()
            .filter_map(|((day, currency, bp), ttc)| {
                let rate = VatRate::from_basis_points(bp.0)?;
                let vat = vat_included(*ttc, rate);
                Some(ReportRow {
                    day: day.clone(),
                    currency: currency.clone(),
                    rate,
                    ttc: *ttc,
                    ht: ttc - vat,
                    vat,
                })
            })
            .collect()
    }
}

/// The report's header in the export's language.
pub fn headers(lang: super::lang::Lang) -> [&'static str; 6] {
    match lang {
        super::lang::Lang::Fr => [
            "Date",
            "Devise",
            "Taux TVA",
            "Encaissé TTC",
            "Base HT",
            "TVA",
        ],
        super::lang::Lang::En => [
            "Date",
            "Currency",
            "VAT rate",
            "Collected incl. VAT",
            "Base excl. VAT",
            "VAT",
        ],
    }
}

impl ReportRow {
    /// The row as the CSV writes it (`comma`: decimal comma).
    pub fn record(&self, comma: bool) -> Vec<String> {
        let money = |m: i64| super::export::decimal_text(m, &self.currency, comma);
        let rate = Decimal::new(self.rate.basis_points(), 2)
            .normalize()
            .to_string();
        vec![
            self.day.clone(),
            self.currency.clone(),
            if comma { rate.replace('.', ",") } else { rate },
            money(self.ttc),
            money(self.ht),
            money(self.vat),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(rate: VatRate, base_ht: i64, vat: i64) -> RateTotal {
        RateTotal { rate, base_ht, vat }
    }

    #[test]
    fn a_payment_splits_pro_rata_of_the_totals_incl_vat_and_the_shares_add_up() {
        // 100.00 HT at 20 % (120.00) and 50.00 HT at 10 % (55.00): 175.00.
        let rates = [
            rt(VatRate::Standard20, 10_000, 2_000),
            rt(VatRate::Intermediate10, 5_000, 500),
        ];
        assert_eq!(
            split_by_rate(17_500, &rates),
            vec![
                (VatRate::Standard20, 12_000),
                (VatRate::Intermediate10, 5_500)
            ]
        );
        // 100.00 of it: 68.571… and 31.428…: 68.57 + 31.43 (the larger remainder).
        assert_eq!(
            split_by_rate(10_000, &rates),
            vec![
                (VatRate::Standard20, 6_857),
                (VatRate::Intermediate10, 3_143)
            ]
        );
    }

    #[test]
    fn equal_remainders_give_the_missing_cent_to_the_higher_rate() {
        let rates = [
            rt(VatRate::Standard20, 50, 0),
            rt(VatRate::Intermediate10, 50, 0),
        ];
        assert_eq!(
            split_by_rate(1, &rates),
            vec![(VatRate::Standard20, 1), (VatRate::Intermediate10, 0)]
        );
    }

    #[test]
    fn a_refund_splits_as_its_opposite_and_every_split_sums_to_the_amount() {
        let rates = [
            rt(VatRate::Standard20, 333, 67),
            rt(VatRate::Reduced5_5, 777, 43),
            rt(VatRate::Zero, 1_001, 0),
        ];
        for amount in [-10_007, -1, 0, 1, 2, 3, 99, 12_345, 1_000_003] {
            let shares = split_by_rate(amount, &rates);
            assert_eq!(shares.iter().map(|s| s.1).sum::<i64>(), amount, "{amount}");
            let opposite = split_by_rate(-amount, &rates);
            for (a, b) in shares.iter().zip(&opposite) {
                assert_eq!(a.1, -b.1);
            }
        }
    }

    #[test]
    fn an_invoice_without_weights_puts_everything_on_its_first_rate() {
        assert_eq!(split_by_rate(500, &[]), vec![(VatRate::Zero, 500)]);
        let rates = [rt(VatRate::Standard20, 0, 0), rt(VatRate::Zero, 0, 0)];
        assert_eq!(
            split_by_rate(500, &rates),
            vec![(VatRate::Standard20, 500), (VatRate::Zero, 0)]
        );
    }

    #[test]
    fn the_report_sums_per_day_and_rate_and_each_row_splits_into_ht_and_vat_exactly() {
        let rates = vec![
            rt(VatRate::Standard20, 10_000, 2_000),
            rt(VatRate::Intermediate10, 5_000, 500),
        ];
        let mut r = Report::default();
        for (day, amount) in [
            ("2026-03-01", 10_000),
            ("2026-03-01", 7_500),
            ("2026-03-02", -1_000),
        ] {
            r.add(&Collected {
                day: day.into(),
                currency: "EUR".into(),
                amount,
                per_rate: rates.clone(),
            });
        }
        let rows = r.rows();
        assert_eq!(rows.len(), 4);
        assert_eq!((rows[0].rate, rows[0].ttc), (VatRate::Standard20, 12_000));
        assert_eq!((rows[0].ht, rows[0].vat), (10_000, 2_000));
        assert_eq!(
            (rows[1].rate, rows[1].ttc),
            (VatRate::Intermediate10, 5_500)
        );
        assert_eq!((rows[1].ht, rows[1].vat), (5_000, 500));
        // -10.00: -6.86 (20 %) and -3.14 (10 %).
        assert_eq!(rows[2].ttc, -686);
        assert_eq!(rows[3].ttc, -314);
        for row in &rows {
            assert_eq!(row.ht + row.vat, row.ttc);
        }
        assert_eq!(
            rows[1].record(true),
            vec!["2026-03-01", "EUR", "10", "55,00", "50,00", "5,00"]
        );
    }
}
