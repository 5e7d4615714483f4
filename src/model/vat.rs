//! VAT rates allowed in France and invoice totals.
//!
//! Totals follow the rule of PRODUCT.md: for each VAT rate, the sum of line
//! amounts excl. VAT is rounded half-up to the cent, then the VAT of that base
//! is rounded half-up to the cent; grand totals are sums of those.
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// A French VAT rate, stored as basis points (20 % = 2000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum VatRate {
    Standard20,
    Intermediate10,
    Reduced5_5,
    Super2_1,
    Zero,
}

impl VatRate {
    pub const ALL: [VatRate; 5] = [
        VatRate::Standard20,
        VatRate::Intermediate10,
        VatRate::Reduced5_5,
        VatRate::Super2_1,
        VatRate::Zero,
    ];

    pub fn basis_points(self) -> i64 {
        match self {
            VatRate::Standard20 => 2000,
            VatRate::Intermediate10 => 1000,
            VatRate::Reduced5_5 => 550,
            VatRate::Super2_1 => 210,
            VatRate::Zero => 0,
        }
    }

    pub fn from_basis_points(bp: i64) -> Option<VatRate> {
        Self::ALL.into_iter().find(|r| r.basis_points() == bp)
    }

    /// Parses a percentage as typed in a form: `20`, `5.5`, `5,5`, `2.1`, `0`.
    pub fn parse_percent(s: &str) -> Option<VatRate> {
        let d: Decimal = s.trim().replace(',', ".").parse().ok()?;
        let bp = (d * Decimal::from(100)).to_i64()?;
        if Decimal::from(bp) != d * Decimal::from(100) {
            return None;
        }
        Self::from_basis_points(bp)
    }

    /// The rate as a fraction (0.20).
    pub fn fraction(self) -> Decimal {
        Decimal::new(self.basis_points(), 4)
    }

    /// The rate as shown: `20 %`, `5,5 %` (French) or `5.5%` (English).
    pub fn label(self, lang: super::lang::Lang) -> String {
        let pct = Decimal::new(self.basis_points(), 2).normalize().to_string();
        match lang {
            super::lang::Lang::Fr => format!("{}\u{a0}%", pct.replace('.', ",")),
            super::lang::Lang::En => format!("{pct}%"),
        }
    }
}

/// Rounds a decimal amount of minor units half-up (away from zero at .5) to a whole unit.
pub fn round_minor(amount: Decimal) -> i64 {
    amount
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .unwrap_or(i64::MAX)
}

/// One invoice line as the totals need it. Amounts are minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAmounts {
    pub quantity: Decimal,
    pub unit_price_ht: i64,
    pub vat_rate: VatRate,
    /// Discount in percent (0 to 100).
    pub discount_pct: Decimal,
}

impl LineAmounts {
    /// The line's amount excl. VAT, unrounded, in minor units.
    pub fn net(&self) -> Decimal {
        let gross = self.quantity * Decimal::from(self.unit_price_ht);
        gross * (Decimal::from(100) - self.discount_pct) / Decimal::from(100)
    }

    /// The line's amount excl. VAT shown on the invoice (rounded to the cent).
    pub fn net_rounded(&self) -> i64 {
        round_minor(self.net())
    }
}

/// Base and VAT for one rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateTotal {
    pub rate: VatRate,
    pub base_ht: i64,
    pub vat: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Totals {
    /// One entry per rate used, highest rate first.
    pub per_rate: Vec<RateTotal>,
    pub total_ht: i64,
    pub total_vat: i64,
    pub total_ttc: i64,
}

/// Totals per VAT rate and grand totals HT / TVA / TTC.
pub fn compute_totals(lines: &[LineAmounts]) -> Totals {
    let mut per_rate = Vec::new();
    for rate in VatRate::ALL {
        let of_rate: Vec<&LineAmounts> = lines.iter().filter(|l| l.vat_rate == rate).collect();
        if of_rate.is_empty() {
            continue;
        }
        let base: Decimal = of_rate.iter().map(|l| l.net()).sum();
        let base_ht = round_minor(base);
        let vat = round_minor(Decimal::from(base_ht) * rate.fraction());
        per_rate.push(RateTotal { rate, base_ht, vat });
    }
    let total_ht = per_rate.iter().map(|r| r.base_ht).sum();
    let total_vat = per_rate.iter().map(|r| r.vat).sum();
    Totals {
        per_rate,
        total_ht,
        total_vat,
        total_ttc: total_ht + total_vat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lang::Lang;

    fn line(qty: &str, price: i64, rate: VatRate, discount: &str) -> LineAmounts {
        LineAmounts {
            quantity: qty.parse().expect("qty"),
            unit_price_ht: price,
            vat_rate: rate,
            discount_pct: discount.parse().expect("discount"),
        }
    }

    #[test]
    fn a_single_line_at_twenty_percent() {
        let t = compute_totals(&[line("2", 10_000, VatRate::Standard20, "0")]);
        assert_eq!(
            (t.total_ht, t.total_vat, t.total_ttc),
            (20_000, 4_000, 24_000)
        );
    }

    #[test]
    fn vat_is_computed_on_the_rounded_base_of_each_rate_not_per_line() {
        // Three lines of 0.333 € at 20 %: per-line rounding would give 0.33 x 3 = 0.99 HT
        // and 0.07 x 3 = 0.21 VAT; per-rate rounding gives 1.00 HT (0.999 rounded) and 0.20 VAT.
        let l = line("1", 0, VatRate::Standard20, "0");
        let third = LineAmounts {
            quantity: "0.333".parse().expect("q"),
            unit_price_ht: 100,
            ..l
        };
        let t = compute_totals(&[third.clone(), third.clone(), third]);
        assert_eq!(t.total_ht, 100);
        assert_eq!(t.total_vat, 20);
    }

    #[test]
    fn half_cents_round_up() {
        // 0.5 cent of VAT rounds away from zero: base 0.25 € at 10 % = 0.025 € -> 0.03 €.
        let t = compute_totals(&[line("1", 25, VatRate::Intermediate10, "0")]);
        assert_eq!(t.total_vat, 3);
        // 5.5 % of 1.10 € = 0.0605 € -> 0.06 €.
        let t = compute_totals(&[line("1", 110, VatRate::Reduced5_5, "0")]);
        assert_eq!(t.total_vat, 6);
    }

    #[test]
    fn several_rates_are_totalled_separately_highest_first() {
        let t = compute_totals(&[
            line("1", 1_000, VatRate::Reduced5_5, "0"),
            line("3", 333, VatRate::Standard20, "0"),
            line("1", 5_000, VatRate::Zero, "0"),
        ]);
        let rates: Vec<VatRate> = t.per_rate.iter().map(|r| r.rate).collect();
        assert_eq!(
            rates,
            vec![VatRate::Standard20, VatRate::Reduced5_5, VatRate::Zero]
        );
        assert_eq!(
            t.per_rate[0],
            RateTotal {
                rate: VatRate::Standard20,
                base_ht: 999,
                vat: 200
            }
        );
        assert_eq!(
            t.per_rate[1],
            RateTotal {
                rate: VatRate::Reduced5_5,
                base_ht: 1_000,
                vat: 55
            }
        );
        assert_eq!(t.per_rate[2].vat, 0);
        assert_eq!(t.total_ttc, 999 + 200 + 1_000 + 55 + 5_000);
    }

    #[test]
    fn a_line_discount_applies_before_vat() {
        let t = compute_totals(&[line("1", 10_000, VatRate::Standard20, "15")]);
        assert_eq!((t.total_ht, t.total_vat), (8_500, 1_700));
    }

    #[test]
    fn decimal_quantities_are_exact() {
        let t = compute_totals(&[line("1.5", 3_333, VatRate::Standard20, "0")]);
        assert_eq!(t.total_ht, 5_000); // 4999.5 cents rounds up
    }

    #[test]
    fn only_the_french_rates_are_accepted() {
        assert_eq!(VatRate::parse_percent("5,5"), Some(VatRate::Reduced5_5));
        assert_eq!(VatRate::parse_percent("2.1"), Some(VatRate::Super2_1));
        assert_eq!(VatRate::parse_percent("19.6"), None);
        assert_eq!(VatRate::parse_percent("abc"), None);
    }

    #[test]
    fn rates_are_labelled_per_locale() {
        assert_eq!(VatRate::Reduced5_5.label(Lang::Fr), "5,5\u{a0}%");
        assert_eq!(VatRate::Standard20.label(Lang::En), "20%");
    }
}
