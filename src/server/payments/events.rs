//! Stripe webhook events (API version 2026-10-28), read into the facts the
//! payment service applies. Only the fields we use are read, so a newer API
//! version's extra fields never break parsing; an event type we do not handle
//! is recorded and ignored. `tests/fixtures/stripe/` holds one event of each
//! type handled, in Stripe's own shapes.
use crate::model::chargeback::ChargebackFact;
use crate::model::payment::{PaymentMethod, PaymentStatus};
use crate::model::refund::RefundStatus;
use serde_json::Value;

/// One delivered event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub kind: String,
    /// When Stripe created the event (unix seconds; 0 when absent).
    pub created: i64,
    pub fact: Fact,
}

/// What an event tells us.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    /// A payment reached a state (checkout sessions and payment intents).
    Payment(PaymentFact),
    /// Refunds of a payment: a refund's own event, or a charge's.
    Refunds(RefundFact),
    /// A card dispute or inquiry changed.
    Chargeback {
        dispute_id: String,
        payment_ref: String,
        fact: ChargebackFact,
    },
    /// The method a charge of the payment was paid with; `settled` when the
    /// charge succeeded (it then beats a pending charge's method).
    Method {
        payment_ref: String,
        method: PaymentMethod,
        settled: bool,
    },
    SessionExpired {
        session_id: String,
    },
    /// An event we do not act on.
    Ignored,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PaymentFact {
    /// The provider's payment id (a PaymentIntent): the key all facts merge on.
    pub payment_ref: String,
    pub session_id: Option<String>,
    pub invoice_id: Option<i64>,
    /// The statement checkout its metadata names (a payment over several invoices).
    pub group_checkout_id: Option<i64>,
    pub amount: i64,
    pub currency: String,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
    pub failure_reason: Option<String>,
}

/// What an event says of the refunds of one payment.
#[derive(Debug, Clone, PartialEq)]
pub struct RefundFact {
    pub payment_ref: String,
    /// A charge's cumulative `amount_refunded`, when the event is a charge's.
    pub cumulative: Option<i64>,
    /// The refunds it names, each by its id.
    pub refunds: Vec<OneRefund>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OneRefund {
    pub id: String,
    pub amount: i64,
    pub status: RefundStatus,
    pub failure_reason: Option<String>,
}

/// Why a body is not an event.
#[derive(Debug, thiserror::Error)]
#[error("not a webhook event: {0}")]
pub struct ParseError(String);

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn i(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

/// An id field that may be a string or an expanded object.
fn id_of(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(id) => Some(id.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

fn invoice_id(obj: &Value) -> Option<i64> {
    obj.get("metadata")
        .and_then(|m| s(m, "invoice_id"))
        .and_then(|v| v.parse().ok())
}

fn group_checkout_id(obj: &Value) -> Option<i64> {
    obj.get("metadata")
        .and_then(|m| s(m, "group_checkout_id"))
        .and_then(|v| v.parse().ok())
}

/// The method a charge's `payment_method_details` names.
fn charge_method(charge: &Value) -> Option<PaymentMethod> {
    charge
        .get("payment_method_details")
        .and_then(|d| s(d, "type"))
        .map(PaymentMethod::from_provider)
}

/// The method a session or intent tells: its expanded payment method or
/// latest charge, else its list of types when it has only one. Sessions
/// created without `payment_method_types` list every eligible type (card,
/// link, sepa_debit): the method used then comes from the charge's events.
fn method(obj: &Value) -> PaymentMethod {
    if let Some(t) = obj.get("payment_method").and_then(|pm| s(pm, "type")) {
        return PaymentMethod::from_provider(t);
    }
    if let Some(m) = obj.get("latest_charge").and_then(charge_method) {
        return m;
    }
    let types: Vec<&str> = obj
        .get("payment_method_types")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match types.as_slice() {
        [one] => PaymentMethod::from_provider(one),
        _ => PaymentMethod::Online,
    }
}

fn currency(obj: &Value) -> String {
    s(obj, "currency").unwrap_or("eur").to_ascii_uppercase()
}

/// Parses a raw webhook body.
pub fn parse(body: &[u8]) -> Result<Event, ParseError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| ParseError(e.to_string()))?;
    let id = s(&v, "id").ok_or_else(|| ParseError("no id".into()))?;
    let kind = s(&v, "type").ok_or_else(|| ParseError("no type".into()))?;
    let obj = v
        .get("data")
        .and_then(|d| d.get("object"))
        .ok_or_else(|| ParseError("no data.object".into()))?;
    let created = i(&v, "created").unwrap_or(0);
    Ok(Event {
        id: id.to_string(),
        kind: kind.to_string(),
        created,
        fact: fact(kind, obj, created),
    })
}

fn fact(kind: &str, obj: &Value, created: i64) -> Fact {
    match kind {
        "checkout.session.completed" => match s(obj, "payment_status") {
            Some("paid") => session_fact(obj, PaymentStatus::Succeeded),
            // An asynchronous method (SEPA debit): the bank has not settled yet.
            Some("unpaid") => session_fact(obj, PaymentStatus::Processing),
            _ => Fact::Ignored,
        },
        "checkout.session.async_payment_succeeded" => session_fact(obj, PaymentStatus::Succeeded),
        "checkout.session.async_payment_failed" => session_fact(obj, PaymentStatus::Failed),
        "checkout.session.expired" => match s(obj, "id") {
            Some(id) => Fact::SessionExpired {
                session_id: id.to_string(),
            },
            None => Fact::Ignored,
        },
        "payment_intent.processing" => intent_fact(obj, PaymentStatus::Processing),
        "payment_intent.succeeded" => intent_fact(obj, PaymentStatus::Succeeded),
        "payment_intent.payment_failed" => intent_fact(obj, PaymentStatus::Failed),
        "charge.succeeded" | "charge.captured" => method_fact(obj, true),
        "charge.pending" => method_fact(obj, false),
        "charge.refunded" => charge_refunds(obj),
        "refund.created" | "refund.updated" | "refund.failed" | "charge.refund.updated" => {
            match (id_of(obj, "payment_intent"), one_refund(kind, obj)) {
                (Some(payment_ref), Some(r)) => Fact::Refunds(RefundFact {
                    payment_ref,
                    cumulative: None,
                    refunds: vec![r],
                }),
                _ => Fact::Ignored,
            }
        }
        "charge.dispute.created"
        | "charge.dispute.updated"
        | "charge.dispute.closed"
        | "charge.dispute.funds_withdrawn"
        | "charge.dispute.funds_reinstated" => chargeback_fact(kind, obj, created),
        _ => Fact::Ignored,
    }
}

fn session_fact(obj: &Value, status: PaymentStatus) -> Fact {
    // Without a payment intent there is no key shared with the intent's own
    // events; Stripe always sets one for payment-mode sessions.
    let Some(payment_ref) = id_of(obj, "payment_intent") else {
        return Fact::Ignored;
    };
    Fact::Payment(PaymentFact {
        payment_ref,
        session_id: s(obj, "id").map(str::to_string),
        invoice_id: invoice_id(obj),
        group_checkout_id: group_checkout_id(obj),
        amount: i(obj, "amount_total").unwrap_or(0),
        currency: currency(obj),
        status,
        method: method(obj),
        failure_reason: None,
    })
}

fn intent_fact(obj: &Value, status: PaymentStatus) -> Fact {
    let Some(payment_ref) = s(obj, "id") else {
        return Fact::Ignored;
    };
    let received = i(obj, "amount_received").filter(|a| *a > 0);
    let error = obj.get("last_payment_error");
    let method = error
        .and_then(|e| e.get("payment_method"))
        .and_then(|pm| s(pm, "type"))
        .map(PaymentMethod::from_provider)
        .unwrap_or_else(|| method(obj));
    Fact::Payment(PaymentFact {
        payment_ref: payment_ref.to_string(),
        session_id: None,
        invoice_id: invoice_id(obj),
        group_checkout_id: group_checkout_id(obj),
        amount: received.or_else(|| i(obj, "amount")).unwrap_or(0),
        currency: currency(obj),
        status,
        method,
        failure_reason: error.and_then(|e| s(e, "message")).map(str::to_string),
    })
}

fn method_fact(charge: &Value, settled: bool) -> Fact {
    match (id_of(charge, "payment_intent"), charge_method(charge)) {
        (Some(payment_ref), Some(method)) => Fact::Method {
            payment_ref,
            method,
            settled,
        },
        _ => Fact::Ignored,
    }
}

/// A refund object; a `refund.failed` without a status is a failed one.
fn one_refund(kind: &str, obj: &Value) -> Option<OneRefund> {
    let status =
        s(obj, "status")
            .and_then(RefundStatus::parse)
            .unwrap_or(if kind == "refund.failed" {
                RefundStatus::Failed
            } else {
                RefundStatus::Pending
            });
    Some(OneRefund {
        id: s(obj, "id")?.to_string(),
        amount: i(obj, "amount")?,
        status,
        failure_reason: s(obj, "failure_reason").map(str::to_string),
    })
}

/// `charge.refunded`: the cumulative amount, and the refunds themselves when
/// the charge carries them (`refunds.data`, older API versions or expanded).
fn charge_refunds(charge: &Value) -> Fact {
    let Some(payment_ref) = id_of(charge, "payment_intent") else {
        return Fact::Ignored;
    };
    let refunds = charge
        .get("refunds")
        .and_then(|r| r.get("data"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|r| one_refund("refund.updated", r))
                .collect()
        })
        .unwrap_or_default();
    Fact::Refunds(RefundFact {
        payment_ref,
        cumulative: i(charge, "amount_refunded"),
        refunds,
    })
}

/// Whether a dispute's balance transactions show funds withdrawn and
/// reinstated ("zero, one, or two balance transactions"): by the sign of
/// each amount, or, for bare ids, the first is the withdrawal.
fn balance_moves(dispute: &Value) -> (bool, bool) {
    let Some(list) = dispute
        .get("balance_transactions")
        .and_then(Value::as_array)
    else {
        return (false, false);
    };
    let (mut withdrawn, mut reinstated) = (false, false);
    for (n, bt) in list.iter().enumerate() {
        let sign = match bt {
            Value::Object(_) => i(bt, "amount").unwrap_or(0).signum(),
            Value::String(_) if n == 0 => -1,
            Value::String(_) => 1,
            _ => 0,
        };
        withdrawn |= sign < 0;
        reinstated |= sign > 0;
    }
    (withdrawn, reinstated)
}

fn chargeback_fact(kind: &str, obj: &Value, created: i64) -> Fact {
    let (Some(dispute_id), Some(payment_ref), Some(amount)) =
        (s(obj, "id"), id_of(obj, "payment_intent"), i(obj, "amount"))
    else {
        return Fact::Ignored;
    };
    let (withdrawn, reinstated) = balance_moves(obj);
    let due_by = obj
        .get("evidence_details")
        .and_then(|d| i(d, "due_by"))
        .filter(|t| *t > 0);
    Fact::Chargeback {
        dispute_id: dispute_id.to_string(),
        payment_ref,
        fact: ChargebackFact {
            status: s(obj, "status").unwrap_or("needs_response").to_string(),
            at: created,
            amount,
            reason: s(obj, "reason").unwrap_or_default().to_string(),
            due_by,
            withdrawn: withdrawn || kind == "charge.dispute.funds_withdrawn",
            reinstated: reinstated || kind == "charge.dispute.funds_reinstated",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, object: Value) -> Vec<u8> {
        serde_json::json!({"id": "evt_1", "type": kind, "data": {"object": object}})
            .to_string()
            .into_bytes()
    }

    #[test]
    fn a_paid_checkout_session_is_a_succeeded_payment_of_its_invoice() {
        let body = event(
            "checkout.session.completed",
            serde_json::json!({"id": "cs_1", "payment_status": "paid", "payment_intent": "pi_1",
                "amount_total": 12345, "currency": "eur", "metadata": {"invoice_id": "42"},
                "payment_method_types": ["card"]}),
        );
        let e = parse(&body).expect("event");
        let Fact::Payment(p) = e.fact else {
            panic!("not a payment: {:?}", e.fact)
        };
        assert_eq!(p.payment_ref, "pi_1");
        assert_eq!(p.invoice_id, Some(42));
        assert_eq!((p.amount, p.currency.as_str()), (12345, "EUR"));
        assert_eq!(p.status, PaymentStatus::Succeeded);
        assert_eq!(p.method, PaymentMethod::Card);
    }

    #[test]
    fn an_unpaid_completed_session_is_a_debit_being_processed() {
        let body = event(
            "checkout.session.completed",
            serde_json::json!({"id": "cs_1", "payment_status": "unpaid", "payment_intent": "pi_1",
                "amount_total": 500, "currency": "eur", "payment_method_types": ["sepa_debit"]}),
        );
        let Fact::Payment(p) = parse(&body).expect("event").fact else {
            panic!("not a payment")
        };
        assert_eq!(p.status, PaymentStatus::Processing);
        assert_eq!(p.method, PaymentMethod::SepaDebit);
    }

    #[test]
    fn a_failed_intent_carries_the_banks_reason() {
        let body = event(
            "payment_intent.payment_failed",
            serde_json::json!({"id": "pi_1", "amount": 500, "currency": "eur",
                "last_payment_error": {"message": "Your card was declined.", "payment_method": {"type": "card"}}}),
        );
        let Fact::Payment(p) = parse(&body).expect("event").fact else {
            panic!("not a payment")
        };
        assert_eq!(p.status, PaymentStatus::Failed);
        assert_eq!(p.failure_reason.as_deref(), Some("Your card was declined."));
    }

    /// A fixture of tests/fixtures/stripe/, as Stripe sends it.
    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/stripe/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn parsed(name: &str) -> Event {
        let e = parse(&fixture(name)).expect("a Stripe event");
        assert_eq!(e.kind, name);
        assert!(e.created > 0);
        e
    }

    #[test]
    fn every_fixture_is_an_event_type_we_act_on() {
        let dir = format!("{}/tests/fixtures/stripe", env!("CARGO_MANIFEST_DIR"));
        let mut n = 0;
        for entry in std::fs::read_dir(dir).expect("fixtures") {
            let name = entry
                .expect("entry")
                .file_name()
                .into_string()
                .expect("utf-8");
            let Some(kind) = name.strip_suffix(".json") else {
                continue;
            };
            assert_ne!(parsed(kind).fact, Fact::Ignored, "{kind}");
            n += 1;
        }
        assert_eq!(n, 20);
    }

    #[test]
    fn a_session_listing_every_type_leaves_the_method_to_the_charge() {
        let Fact::Payment(p) = parsed("checkout.session.completed").fact else {
            panic!("not a payment")
        };
        assert_eq!(p.method, PaymentMethod::Online);
        assert_eq!((p.amount, p.invoice_id), (64_315, Some(42)));
        let Fact::Payment(p) = parsed("payment_intent.succeeded").fact else {
            panic!("not a payment")
        };
        assert_eq!(
            p.method,
            PaymentMethod::Online,
            "payment_method is a bare id"
        );
        assert_eq!(
            parsed("charge.succeeded").fact,
            Fact::Method {
                payment_ref: "pi_3QtFixture0000001".into(),
                method: PaymentMethod::Card,
                settled: true
            }
        );
        assert!(matches!(
            parsed("charge.pending").fact,
            Fact::Method {
                method: PaymentMethod::SepaDebit,
                settled: false,
                ..
            }
        ));
    }

    #[test]
    fn an_expanded_payment_method_or_latest_charge_names_the_method() {
        let mut v: Value =
            serde_json::from_slice(&fixture("payment_intent.succeeded")).expect("json");
        v["data"]["object"]["payment_method"] =
            serde_json::json!({"id": "pm_1", "type": "sepa_debit"});
        let Fact::Payment(p) = parse(v.to_string().as_bytes()).expect("event").fact else {
            panic!("not a payment")
        };
        assert_eq!(p.method, PaymentMethod::SepaDebit);
        let charge: Value = serde_json::from_slice(&fixture("charge.succeeded")).expect("json");
        let mut v: Value =
            serde_json::from_slice(&fixture("payment_intent.succeeded")).expect("json");
        v["data"]["object"]["latest_charge"] = charge["data"]["object"].clone();
        let Fact::Payment(p) = parse(v.to_string().as_bytes()).expect("event").fact else {
            panic!("not a payment")
        };
        assert_eq!(p.method, PaymentMethod::Card);
    }

    #[test]
    fn refund_events_name_each_refund_with_its_status() {
        for (name, status) in [
            ("refund.created", RefundStatus::Pending),
            ("refund.updated", RefundStatus::Succeeded),
            ("refund.failed", RefundStatus::Failed),
            ("charge.refund.updated", RefundStatus::Failed),
        ] {
            let Fact::Refunds(r) = parsed(name).fact else {
                panic!("{name}: not refunds")
            };
            assert_eq!(r.payment_ref, "pi_3QtFixture0000001");
            assert_eq!(r.cumulative, None);
            assert_eq!(r.refunds.len(), 1);
            assert_eq!(
                (r.refunds[0].amount, r.refunds[0].status),
                (20_000, status),
                "{name}"
            );
        }
        let Fact::Refunds(r) = parsed("refund.failed").fact else {
            panic!("not refunds")
        };
        assert_eq!(
            r.refunds[0].failure_reason.as_deref(),
            Some("expired_or_canceled_card")
        );
    }

    #[test]
    fn a_charge_refunded_gives_the_cumulative_amount_and_any_refunds_it_carries() {
        let Fact::Refunds(r) = parsed("charge.refunded").fact else {
            panic!("not refunds")
        };
        assert_eq!((r.cumulative, r.refunds.len()), (Some(20_000), 0));
        let mut v: Value = serde_json::from_slice(&fixture("charge.refunded")).expect("json");
        let refund: Value = serde_json::from_slice(&fixture("refund.created")).expect("json");
        v["data"]["object"]["refunds"] =
            serde_json::json!({"object": "list", "data": [refund["data"]["object"].clone()]});
        let Fact::Refunds(r) = parse(v.to_string().as_bytes()).expect("event").fact else {
            panic!("not refunds")
        };
        assert_eq!(r.refunds[0].id, "re_3QtFixture0000001");
        assert_eq!(r.refunds[0].status, RefundStatus::Pending);
    }

    #[test]
    fn an_inquiry_shows_no_withdrawal_and_a_chargeback_shows_its_balance_transactions() {
        let chargeback = |name: &str| match parsed(name).fact {
            Fact::Chargeback { fact, .. } => fact,
            other => panic!("{name}: {other:?}"),
        };
        let inquiry = chargeback("charge.dispute.created");
        assert_eq!(inquiry.status, "warning_needs_response");
        assert!(!inquiry.withdrawn && !inquiry.reinstated);
        assert_eq!(inquiry.reason, "general");
        assert_eq!(inquiry.due_by, Some(1_798_300_799));
        let w = chargeback("charge.dispute.funds_withdrawn");
        assert!(w.withdrawn && !w.reinstated);
        let u = chargeback("charge.dispute.updated");
        assert!(u.withdrawn && !u.reinstated);
        for name in ["charge.dispute.funds_reinstated", "charge.dispute.closed"] {
            let r = chargeback(name);
            assert!(r.withdrawn && r.reinstated, "{name}");
            assert_eq!(r.status, "won");
        }
        // Bare balance transaction ids: the first is the withdrawal.
        let mut v: Value =
            serde_json::from_slice(&fixture("charge.dispute.updated")).expect("json");
        v["type"] = "charge.dispute.updated".into();
        v["data"]["object"]["balance_transactions"] = serde_json::json!(["txn_1"]);
        let Fact::Chargeback { fact, .. } = parse(v.to_string().as_bytes()).expect("event").fact
        else {
            panic!("not a chargeback")
        };
        assert!(fact.withdrawn && !fact.reinstated);
    }

    #[test]
    fn unknown_types_are_ignored_and_garbage_is_an_error() {
        let body = event("customer.created", serde_json::json!({"id": "cus_1"}));
        assert_eq!(parse(&body).expect("event").fact, Fact::Ignored);
        assert!(parse(b"not json").is_err());
        assert!(parse(br#"{"type":"x"}"#).is_err());
    }
}
