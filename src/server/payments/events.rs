//! Stripe webhook events, read into the facts the payment service applies.
//! Only the fields we use are read, so a newer API version's extra fields never
//! break parsing; an event type we do not handle is recorded and ignored.
use crate::model::payment::{PaymentMethod, PaymentStatus, chargeback_is_final};
use serde_json::Value;

/// One delivered event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub kind: String,
    pub fact: Fact,
}

/// What an event tells us.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    /// A payment reached a state (checkout sessions and payment intents).
    Payment(PaymentFact),
    /// The cumulative refunded amount of a payment.
    Refund {
        payment_ref: String,
        amount_refunded: i64,
        currency: String,
    },
    /// A card chargeback opened or closed.
    Chargeback {
        dispute_id: String,
        payment_ref: String,
        amount: i64,
        status: String,
        closed: bool,
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
    pub amount: i64,
    pub currency: String,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
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

fn method(obj: &Value) -> PaymentMethod {
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
    Ok(Event {
        id: id.to_string(),
        kind: kind.to_string(),
        fact: fact(kind, obj),
    })
}

fn fact(kind: &str, obj: &Value) -> Fact {
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
        "charge.refunded" => match (id_of(obj, "payment_intent"), i(obj, "amount_refunded")) {
            (Some(payment_ref), Some(amount_refunded)) => Fact::Refund {
                payment_ref,
                amount_refunded,
                currency: currency(obj),
            },
            _ => Fact::Ignored,
        },
        "charge.dispute.created" | "charge.dispute.updated" | "charge.dispute.closed" => {
            chargeback_fact(kind, obj)
        }
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
        amount: received.or_else(|| i(obj, "amount")).unwrap_or(0),
        currency: currency(obj),
        status,
        method,
        failure_reason: error.and_then(|e| s(e, "message")).map(str::to_string),
    })
}

fn chargeback_fact(kind: &str, obj: &Value) -> Fact {
    match (s(obj, "id"), id_of(obj, "payment_intent"), i(obj, "amount")) {
        (Some(dispute_id), Some(payment_ref), Some(amount)) => {
            let status = s(obj, "status").unwrap_or("needs_response").to_string();
            Fact::Chargeback {
                dispute_id: dispute_id.to_string(),
                payment_ref,
                amount,
                closed: kind == "charge.dispute.closed" || chargeback_is_final(&status),
                status,
            }
        }
        _ => Fact::Ignored,
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

    #[test]
    fn refunds_and_chargebacks_are_keyed_by_the_payment_intent() {
        let body = event(
            "charge.refunded",
            serde_json::json!({"id": "ch_1", "payment_intent": "pi_1", "amount": 900, "amount_refunded": 300, "currency": "eur"}),
        );
        assert!(matches!(
            parse(&body).expect("event").fact,
            Fact::Refund { ref payment_ref, amount_refunded: 300, .. } if payment_ref == "pi_1"
        ));
        let body = event(
            "charge.dispute.closed",
            serde_json::json!({"id": "dp_1", "payment_intent": "pi_1", "amount": 900, "status": "won"}),
        );
        assert!(matches!(
            parse(&body).expect("event").fact,
            Fact::Chargeback { closed: true, ref status, .. } if status == "won"
        ));
    }

    #[test]
    fn unknown_types_are_ignored_and_garbage_is_an_error() {
        let body = event("customer.created", serde_json::json!({"id": "cus_1"}));
        assert_eq!(parse(&body).expect("event").fact, Fact::Ignored);
        assert!(parse(b"not json").is_err());
        assert!(parse(br#"{"type":"x"}"#).is_err());
    }
}
