//! Staff side of disputes: the queue, one thread, and the actions on it
//! (internal note, assignment, status, reopening, resolution). Every action
//! is a plain form post that lands back on `/staff/disputes/{id}` with
//! `?done=…`, or with a `Refusal` (`?{form}_err=…`) and what was typed.
use crate::error::AppError;
use crate::model::dispute::{QueueRow, StaffThread};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A staff member, for the assignee filter, the assign select and the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    /// Inactive members are named in the history but not offered.
    pub active: bool,
}

/// What the staff queue shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeQueueData {
    pub rows: Vec<QueueRow>,
    pub staff: Vec<StaffMember>,
}

/// One dispute as staff see it, with what its forms need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDisputeData {
    pub thread: StaffThread,
    pub staff: Vec<StaffMember>,
    /// The staff member looking at it.
    pub me: i64,
    pub invoice_id: i64,
    /// The invoice's balance now, minor units of the header's currency.
    pub balance: i64,
    /// Unix seconds on the server (the wasm build has no clock).
    pub now: i64,
    /// Today on the server (ISO), the earliest date of an instalment.
    pub today: String,
    pub may_reopen: bool,
}

/// The queue: open disputes (or those of `status`) by assignee (`""` anyone,
/// `mine`, `unassigned` or a user id), those waiting for staff first.
#[server(endpoint = "dispute_queue")]
pub async fn dispute_queue(
    #[server(default)] status: String,
    #[server(default)] assignee: String,
) -> Result<DisputeQueueData, AppError> {
    use crate::api::ctx;
    use crate::model::dispute::QueueFilter;
    use crate::server::services::disputes::{self, Viewer};
    let (state, user) = ctx::require_staff().await?;
    ctx::no_store();
    let filter = QueueFilter {
        status: ssr::status_filter(&status),
        assignee: ssr::assignee_filter(&assignee),
    };
    let now = crate::server::db::now_ts();
    let rows = disputes::queue(&state.db, Viewer::Staff(user.id), filter, now)
        .await
        .map_err(ctx::fail)?;
    Ok(DisputeQueueData {
        rows,
        staff: ssr::staff_members(&state).await?,
    })
}

/// How many open disputes wait for a staff answer (the staff home's figure).
#[server(endpoint = "disputes_waiting")]
pub async fn disputes_waiting() -> Result<usize, AppError> {
    use crate::api::ctx;
    use crate::server::services::disputes::{self, Viewer};
    let (state, user) = ctx::require_staff().await?;
    ctx::no_store();
    let now = crate::server::db::now_ts();
    let rows = disputes::queue(&state.db, Viewer::Staff(user.id), Default::default(), now)
        .await
        .map_err(ctx::fail)?;
    Ok(rows.iter().filter(|r| r.waiting_for_staff).count())
}

/// One thread with internal notes and history, for staff.
#[server(endpoint = "staff_dispute")]
pub async fn staff_dispute(id: i64) -> Result<StaffDisputeData, AppError> {
    use crate::api::ctx;
    use crate::model::dispute::may_reopen;
    use crate::server::services::disputes::{self, Viewer};
    let (state, user) = ctx::require_staff().await?;
    ctx::no_store();
    let thread = disputes::staff_thread(&state.db, id, Viewer::Staff(user.id))
        .await
        .map_err(ctx::fail)?;
    let (invoice_id, balance, resolved_at) = ssr::invoice_of(&state, id).await?;
    let now = crate::server::db::now_ts();
    Ok(StaffDisputeData {
        may_reopen: may_reopen(thread.header.status, resolved_at, now),
        thread,
        staff: ssr::staff_members(&state).await?,
        me: user.id,
        invoice_id,
        balance,
        now,
        today: ctx::today().format("%Y-%m-%d").to_string(),
    })
}

/// Adds an internal note, never shown to the customer.
#[server(endpoint = "add_internal_note")]
pub async fn add_internal_note(
    id: i64,
    #[server(default)] message: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::services::disputes::{self, Viewer};
    let (state, user) = ctx::require_staff().await?;
    let now = crate::server::db::now_ts();
    let outcome = disputes::internal_note(&state.db, id, Viewer::Staff(user.id), &message, now)
        .await
        .map(|note| ssr::Landed::at(crate::error::Done::Noted, format!("m{note}")));
    ssr::back(id, outcome, "note", &[("message", &message)])
}

/// Assigns the dispute: a staff id, `me`, or empty to unassign.
#[server(endpoint = "assign_dispute")]
pub async fn assign_dispute(id: i64, #[server(default)] assignee: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::services::disputes::{self, Viewer};
    let (state, user) = ctx::require_staff().await?;
    let outcome = match ssr::assignee(&assignee, user.id) {
        Ok(to) => {
            let now = crate::server::db::now_ts();
            disputes::assign(&state.db, id, Viewer::Staff(user.id), to, now)
                .await
                .map(|()| {
                    ssr::Landed::from(if to.is_some() {
                        crate::error::Done::Assigned
                    } else {
                        crate::error::Done::Unassigned
                    })
                })
        }
        Err(e) => Err(e),
    };
    ssr::back(id, outcome, "assign", &[])
}

/// Moves the dispute between open, in review and waiting for the customer.
#[server(endpoint = "set_dispute_status")]
pub async fn set_dispute_status(
    id: i64,
    #[server(default)] status: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::model::dispute::DisputeStatus;
    use crate::server::services::disputes::{self, Viewer};
    let (state, user) = ctx::require_staff().await?;
    let outcome = match DisputeStatus::parse(&status) {
        Some(to) => {
            let now = crate::server::db::now_ts();
            disputes::change_status(&state.db, id, Viewer::Staff(user.id), to, now)
                .await
                .map(|()| crate::error::Done::Status.into())
        }
        None => Err(ssr::field(
            "status",
            crate::model::validate::FieldProblem::Required,
        )),
    };
    ssr::back(id, outcome, "status", &[])
}

/// Reopens a closed dispute within 30 days of its closing.
#[server(endpoint = "reopen_staff_dispute")]
pub async fn reopen_staff_dispute(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::services::disputes::{self, Viewer};
    let (state, user) = ctx::require_staff().await?;
    let now = crate::server::db::now_ts();
    let outcome = disputes::reopen(&state.db, id, Viewer::Staff(user.id), now)
        .await
        .map(|()| crate::error::Done::Reopened.into());
    ssr::back(id, outcome, "reopen", &[])
}

/// Records a resolution: a credit note (full or partial), a corrected
/// invoice, a payment plan, a commercial gesture, or a rejection.
#[server(endpoint = "resolve_dispute")]
pub async fn resolve_dispute(
    id: i64,
    #[server(default)] kind: String,
    #[server(default)] explanation: String,
    #[server(default)] amount_ht: String,
    #[server(default)] vat_rate: String,
    #[server(default)] instalment_dates: Vec<String>,
    #[server(default)] instalment_amounts: Vec<String>,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::services::disputes::{self, Viewer};
    let (state, user) = ctx::require_staff().await?;
    let viewer = Viewer::Staff(user.id);
    let typed = ssr::ResolveForm {
        kind,
        explanation,
        amount_ht,
        vat_rate,
        dates: instalment_dates,
        amounts: instalment_amounts,
    };
    let outcome = match disputes::staff_thread(&state.db, id, viewer).await {
        Ok(t) => match typed.resolution(&t.header.currency) {
            Ok(r) => disputes::resolve(
                &state.db,
                id,
                viewer,
                &r,
                ctx::today(),
                crate::server::db::now_ts(),
            )
            .await
            .map(|done| ssr::resolved_done(&done)),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    ssr::back(id, outcome, "resolve", &typed.carried())
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::StaffMember;
    use crate::api::ctx;
    use crate::error::{AppError, Done, Refusal};
    use crate::model::dispute::{AssigneeFilter, DisputeStatus, Instalment, ResolutionKind};
    use crate::model::format::{parse_amount_in, parse_iso_date};
    use crate::model::validate::{FieldErrors, FieldProblem};
    use crate::model::vat::VatRate;
    use crate::server::services::disputes::{Resolution, Resolved};
    use crate::server::state::AppState;

    /// The longest typed text carried back in a redirect.
    const CARRY_CHARS: usize = 5000;

    pub fn field(name: &str, p: FieldProblem) -> AppError {
        let mut e = FieldErrors::default();
        e.add(name, p);
        AppError::Validation(e)
    }

    pub fn status_filter(s: &str) -> Option<DisputeStatus> {
        match s {
            "waiting_customer" => Some(DisputeStatus::WaitingForCustomer),
            other => DisputeStatus::parse(other),
        }
    }

    pub fn assignee_filter(s: &str) -> AssigneeFilter {
        match s {
            "mine" => AssigneeFilter::Mine,
            "unassigned" => AssigneeFilter::Unassigned,
            other => other
                .parse()
                .map(AssigneeFilter::User)
                .unwrap_or(AssigneeFilter::Anyone),
        }
    }

    /// `""` unassigns, `me` is the caller, anything else a staff user id.
    pub fn assignee(s: &str, me: i64) -> Result<Option<i64>, AppError> {
        match s.trim() {
            "" => Ok(None),
            "me" => Ok(Some(me)),
            id => id
                .parse()
                .map(Some)
                .map_err(|_| field("assignee", FieldProblem::OutOfRange)),
        }
    }

    pub async fn staff_members(state: &AppState) -> Result<Vec<StaffMember>, AppError> {
        let list = crate::server::services::staff::members(&state.db).await?;
        Ok(list
            .into_iter()
            .map(|(id, name, active)| StaffMember { id, name, active })
            .collect())
    }

    /// The dispute's invoice id, its balance and when the dispute was closed.
    pub async fn invoice_of(
        state: &AppState,
        id: i64,
    ) -> Result<(i64, i64, Option<i64>), AppError> {
        crate::server::services::disputes::invoice_of(&state.db, id)
            .await
            .map_err(ctx::fail)
    }

    /// Where a successful action lands on the thread: its outcome, the
    /// keys that go with it and the anchor.
    pub struct Landed {
        done: Done,
        extra: Vec<(&'static str, String)>,
        anchor: Option<String>,
    }

    impl From<Done> for Landed {
        fn from(done: Done) -> Landed {
            Landed {
                done,
                extra: Vec::new(),
                anchor: None,
            }
        }
    }

    impl Landed {
        /// An outcome shown at `anchor` (a message: `m12`).
        pub fn at(done: Done, anchor: String) -> Landed {
            Landed {
                anchor: Some(anchor),
                ..Landed::from(done)
            }
        }
    }

    pub fn resolved_done(done: &Resolved) -> Landed {
        let mut landed = Landed::from(Done::Resolved);
        if let Some(n) = &done.credit_note_number {
            landed.extra.push(("credit_note", n.clone()));
        }
        if let Some(d) = done.draft_id {
            landed.extra.push(("draft", d.to_string()));
        }
        landed
    }

    /// Sends the browser back to the thread with the outcome; a refusal
    /// carries its problem and the typed values, at the form's anchor.
    pub fn back(
        id: i64,
        outcome: Result<Landed, AppError>,
        form: &str,
        typed: &[(&str, &str)],
    ) -> Result<(), AppError> {
        let page = format!("/staff/disputes/{id}");
        match outcome {
            Ok(l) => {
                let extra: Vec<(&str, &str)> =
                    l.extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
                leptos_axum::redirect(&l.done.redirect_to(&page, &extra, l.anchor.as_deref()));
                Ok(())
            }
            Err(e) => {
                let refusal = typed.iter().fold(Refusal::new(form, &e), |r, (k, v)| {
                    r.keep(k, &v.chars().take(CARRY_CHARS).collect::<String>())
                });
                let e = ctx::fail(e);
                leptos_axum::redirect(&refusal.redirect_to(&page, Some(form)));
                Err(e)
            }
        }
    }

    /// The resolution form as typed.
    pub struct ResolveForm {
        pub kind: String,
        pub explanation: String,
        pub amount_ht: String,
        pub vat_rate: String,
        pub dates: Vec<String>,
        pub amounts: Vec<String>,
    }

    impl ResolveForm {
        /// What to carry back after a refusal (instalments as `plan_d{i}` / `plan_a{i}`).
        pub fn carried(&self) -> Vec<(&str, &str)> {
            const D: [&str; 6] = [
                "plan_d0", "plan_d1", "plan_d2", "plan_d3", "plan_d4", "plan_d5",
            ];
            const A: [&str; 6] = [
                "plan_a0", "plan_a1", "plan_a2", "plan_a3", "plan_a4", "plan_a5",
            ];
            let mut out = vec![
                ("kind", self.kind.as_str()),
                ("explanation", self.explanation.as_str()),
                ("amount_ht", self.amount_ht.as_str()),
                ("vat_rate", self.vat_rate.as_str()),
            ];
            for (i, d) in self.dates.iter().take(6).enumerate() {
                out.push((D[i], d.as_str()));
            }
            for (i, a) in self.amounts.iter().take(6).enumerate() {
                out.push((A[i], a.as_str()));
            }
            out
        }

        /// Reads the form into a resolution, amounts in `currency`.
        pub fn resolution(&self, currency: &str) -> Result<Resolution, AppError> {
            let explanation = self.explanation.clone();
            let kind = ResolutionKind::parse(&self.kind)
                .ok_or_else(|| field("kind", FieldProblem::Required))?;
            Ok(match kind {
                ResolutionKind::CreditNoteFull => Resolution::CreditNoteFull { explanation },
                ResolutionKind::CorrectedInvoice => Resolution::CorrectedInvoice { explanation },
                ResolutionKind::Rejected => Resolution::Rejected {
                    reason: explanation,
                },
                ResolutionKind::CreditNotePartial => {
                    let (amount_ht, vat_rate) = self.amount(currency)?;
                    Resolution::CreditNotePartial {
                        amount_ht,
                        vat_rate,
                        explanation,
                    }
                }
                ResolutionKind::CommercialGesture => {
                    let (amount_ht, vat_rate) = self.amount(currency)?;
                    Resolution::CommercialGesture {
                        amount_ht,
                        vat_rate,
                        explanation,
                    }
                }
                ResolutionKind::PaymentPlan => Resolution::PaymentPlan {
                    instalments: self.instalments(currency)?,
                    explanation,
                },
            })
        }

        fn amount(&self, currency: &str) -> Result<(i64, VatRate), AppError> {
            let mut e = FieldErrors::default();
            let amount = parse_amount_in(&self.amount_ht, currency)
                .map_err(|p| e.add("amount_ht", p))
                .ok();
            let rate = VatRate::parse_percent(&self.vat_rate);
            if rate.is_none() {
                e.add("vat_rate", FieldProblem::VatRateNotAllowed);
            }
            match (amount, rate) {
                (Some(a), Some(r)) => Ok((a, r)),
                _ => Err(AppError::Validation(e)),
            }
        }

        /// The filled rows; a row with only one of its two fields is refused.
        fn instalments(&self, currency: &str) -> Result<Vec<Instalment>, AppError> {
            let rows = self.dates.len().max(self.amounts.len());
            let mut plan = Vec::new();
            for i in 0..rows {
                let date = self.dates.get(i).map(|s| s.trim()).unwrap_or_default();
                let amount = self.amounts.get(i).map(|s| s.trim()).unwrap_or_default();
                if date.is_empty() && amount.is_empty() {
                    continue;
                }
                let due_date = parse_iso_date(date)
                    .ok_or_else(|| field("instalments", FieldProblem::InvalidDate))?;
                let amount =
                    parse_amount_in(amount, currency).map_err(|p| field("instalments", p))?;
                plan.push(Instalment { due_date, amount });
            }
            Ok(plan)
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::ssr::ResolveForm;
    use crate::error::AppError;
    use crate::model::validate::FieldProblem;
    use crate::model::vat::VatRate;
    use crate::server::services::disputes::Resolution;

    fn form(kind: &str, amount: &str, dates: &[&str], amounts: &[&str]) -> ResolveForm {
        ResolveForm {
            kind: kind.into(),
            explanation: "Vu.".into(),
            amount_ht: amount.into(),
            vat_rate: "20".into(),
            dates: dates.iter().map(|s| s.to_string()).collect(),
            amounts: amounts.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn problem(r: Result<Resolution, AppError>, field: &str) -> Option<FieldProblem> {
        match r {
            Err(AppError::Validation(e)) => e.get(field),
            _ => None,
        }
    }

    #[test]
    fn a_partial_credit_note_reads_the_amount_in_the_invoice_currency() {
        let r = form("credit_note_partial", "20,50", &[], &[]).resolution("EUR");
        assert_eq!(
            r,
            Ok(Resolution::CreditNotePartial {
                amount_ht: 2_050,
                vat_rate: VatRate::Standard20,
                explanation: "Vu.".into()
            })
        );
        let yen = form("commercial_gesture", "1500", &[], &[]).resolution("JPY");
        assert!(matches!(
            yen,
            Ok(Resolution::CommercialGesture {
                amount_ht: 1_500,
                ..
            })
        ));
    }

    #[test]
    fn empty_plan_rows_are_ignored_and_half_filled_ones_refused() {
        let ok = form("payment_plan", "", &["2030-01-01", "", ""], &["10", "", ""]);
        match ok.resolution("EUR") {
            Ok(Resolution::PaymentPlan { instalments, .. }) => assert_eq!(instalments.len(), 1),
            other => panic!("{other:?}"),
        }
        let half = form("payment_plan", "", &["2030-01-01", ""], &["10", "5"]);
        assert_eq!(
            problem(half.resolution("EUR"), "instalments"),
            Some(FieldProblem::InvalidDate)
        );
    }

    #[test]
    fn an_unknown_kind_or_a_missing_amount_is_refused_on_its_field() {
        let none = form("", "", &[], &[]).resolution("EUR");
        assert_eq!(problem(none, "kind"), Some(FieldProblem::Required));
        let empty = form("credit_note_partial", " ", &[], &[]).resolution("EUR");
        assert_eq!(problem(empty, "amount_ht"), Some(FieldProblem::Required));
    }
}
