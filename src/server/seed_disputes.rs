//! The demo's disputes: real threads opened through the disputes service, so
//! the staff queue, the customer's list and the invoice pages agree. One waits
//! for staff, one waits for the customer (reply, internal note, assignee), one
//! was settled with a commercial gesture and one was rejected.
use super::db::{Db, invoices::InvoiceRecord};
use super::services::disputes::{self, OpenDispute, Resolution, Viewer};
use crate::error::AppError;
use crate::model::dispute::{DisputeReason, DisputeStatus};
use crate::model::vat::VatRate;
use chrono::NaiveDate;

const DAY: i64 = 24 * 3600;

const OPENINGS: [(DisputeReason, &str); 4] = [
    (
        DisputeReason::Quality,
        "Deux des cartons livrés étaient abîmés ; nous ne pouvons pas utiliser leur contenu.",
    ),
    (
        DisputeReason::AlreadyPaid,
        "Nous avons réglé cette facture par virement le mois dernier.",
    ),
    (
        DisputeReason::WrongAmount,
        "La remise de 10 % prévue au devis n'a pas été appliquée.",
    ),
    (
        DisputeReason::NotDelivered,
        "La dernière livraison n'est jamais arrivée.",
    ),
];

fn noon(day: NaiveDate) -> i64 {
    day.and_hms_opt(12, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or_default()
}

/// Opens the `k`-th demo dispute on `rec` from its pay link, on `when`.
pub(super) async fn open(
    db: &Db,
    rec: &InvoiceRecord,
    k: usize,
    when: NaiveDate,
) -> Result<i64, AppError> {
    let (reason, message) = OPENINGS[k % OPENINGS.len()];
    let input = OpenDispute {
        invoice_id: rec.id,
        reason,
        disputed_amount: k.is_multiple_of(2).then_some(rec.total_ttc / 4),
        lines: Vec::new(),
        message: message.into(),
    };
    disputes::open(db, Viewer::PayLink(rec.id), &input, noon(when)).await
}

/// A demo dispute as opened.
pub(super) struct Opened {
    pub id: i64,
    pub on: NaiveDate,
    /// The invoice's total excl. VAT, which bounds a gesture.
    pub total_ht: i64,
}

/// What staff did on the demo disputes (oldest first), as `agent`.
pub(super) async fn staff_work(
    db: &Db,
    opened: &[Opened],
    agent: i64,
    today: NaiveDate,
) -> Result<(), AppError> {
    let staff = Viewer::Staff(agent);
    for (k, o) in opened.iter().enumerate() {
        let (id, t) = (&o.id, noon(o.on));
        match k % 4 {
            0 => {
                let gesture = Resolution::CommercialGesture {
                    amount_ht: (o.total_ht / 10).max(100),
                    vat_rate: VatRate::Standard20,
                    explanation: "Nous vous accordons un geste commercial de 10 % pour les \
                                  cartons abîmés."
                        .into(),
                };
                disputes::assign(db, *id, staff, Some(agent), t + DAY).await?;
                disputes::resolve(db, *id, staff, &gesture, today, t + 2 * DAY).await?;
            }
            1 => {
                let rejected = Resolution::Rejected {
                    reason: "Le virement reçu le mois dernier réglait la facture précédente ; \
                             celle-ci reste due."
                        .into(),
                };
                disputes::resolve(db, *id, staff, &rejected, today, t + DAY).await?;
            }
            2 => {
                disputes::assign(db, *id, staff, Some(agent), t + DAY).await?;
                disputes::internal_note(
                    db,
                    *id,
                    staff,
                    "Vérifier le devis D-118 avec le commercial avant de répondre.",
                    t + DAY,
                )
                .await?;
                disputes::reply(
                    db,
                    *id,
                    staff,
                    "Pouvez-vous nous envoyer le devis signé ? Nous vérifions la remise.",
                    t + 2 * DAY,
                )
                .await?;
                disputes::change_status(
                    db,
                    *id,
                    staff,
                    DisputeStatus::WaitingForCustomer,
                    t + 2 * DAY,
                )
                .await?;
            }
            _ => {}
        }
    }
    // The demo's history is not news: its replies and resolutions are not
    // mailed (the rest of the demo queues no mail either).
    crate::server::db::outbox::forget_prefix(&db.pool, "dispute-").await?;
    Ok(())
}
