//! How a stored message leaves: an SMTP server (lettre), or `.eml` files in a
//! folder when no SMTP server is configured (development, demos).
use crate::server::db::outbox::OutboxMessage;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one SMTP exchange may take before it counts as a failed attempt.
const SMTP_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a transport could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// `SMTP_URL` could not be read (scheme, host, or TLS parameters).
    #[error("SMTP_URL is not usable: {0}")]
    SmtpUrl(String),
    /// The sender address is not an email address.
    #[error("MAIL_FROM is not an address: {0}")]
    From(String),
}

/// Why one message was not delivered. The text never holds the message body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct SendError {
    /// Retrying cannot help (e.g. the server refused the recipient for good).
    pub permanent: bool,
    pub reason: String,
}

impl SendError {
    fn transient(reason: impl fmt::Display) -> SendError {
        SendError {
            permanent: false,
            reason: reason.to_string(),
        }
    }
    fn permanent(reason: impl fmt::Display) -> SendError {
        SendError {
            permanent: true,
            reason: reason.to_string(),
        }
    }
}

#[derive(Clone)]
enum Kind {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// Where messages go, and who they are from.
#[derive(Clone)]
pub struct Transport {
    kind: Kind,
    from: Mailbox,
}

// The SMTP URL may hold a password: show only which kind of transport this is.
impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Smtp(_) => write!(f, "Transport::Smtp(from {})", self.from),
            Kind::Files(dir) => {
                write!(f, "Transport::Files({}, from {})", dir.display(), self.from)
            }
        }
    }
}

/// Parses a sender such as `Quittance <no-reply@example.fr>`.
pub fn parse_from(from: &str) -> Result<Mailbox, TransportError> {
    from.parse::<Mailbox>()
        .map_err(|_| TransportError::From(from.to_string()))
}

impl Transport {
    /// An SMTP transport from a URL (`smtp://host:port`, `smtps://user:pass@host:465`, …).
    pub fn smtp(url: &str, from: Mailbox) -> Result<Transport, TransportError> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| TransportError::SmtpUrl(e.to_string()))?;
        Ok(Transport {
            kind: Kind::Smtp(builder.timeout(Some(SMTP_TIMEOUT)).build()),
            from,
        })
    }

    /// Writes each message as an `.eml` file under `dir` (created when needed).
    pub fn files(dir: impl Into<PathBuf>, from: Mailbox) -> Transport {
        Transport {
            kind: Kind::Files(dir.into()),
            from,
        }
    }

    /// Delivers one stored message. `Ok` means the SMTP server accepted it
    /// (or the file is complete on disk).
    pub async fn send(&self, m: &OutboxMessage) -> Result<(), SendError> {
        let message = build_message(m, &self.from).map_err(SendError::permanent)?;
        match &self.kind {
            Kind::Smtp(smtp) => match smtp.send(message).await {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() => Err(SendError::permanent(e)),
                Err(e) => Err(SendError::transient(e)),
            },
            Kind::Files(dir) => {
                let path = write_file(dir, m, &message.formatted())
                    .await
                    .map_err(SendError::transient)?;
                tracing::info!(to = %m.to_address, subject = %m.subject, file = %path.display(), "email written to the outbox folder");
                Ok(())
            }
        }
    }
}

/// A stable Message-ID per logical message: if a crash makes us send it twice,
/// mail clients can still tell it is the same message.
fn message_id(dedupe_key: &str, from: &Mailbox) -> String {
    let digest = Sha256::digest(dedupe_key.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("<{hex}@{}>", from.email.domain())
}

/// The MIME message of a stored one: text (and HTML when present) and the attachment.
pub fn build_message(m: &OutboxMessage, from: &Mailbox) -> Result<Message, String> {
    let to: Mailbox = m
        .to_address
        .parse()
        .map_err(|_| "the recipient is not an email address".to_string())?;
    let file = match &m.attachment {
        Some(a) => {
            let content_type = ContentType::parse(&a.content_type)
                .map_err(|_| "bad attachment content type".to_string())?;
            Some(Attachment::new(a.name.clone()).body(a.bytes.clone(), content_type))
        }
        None => None,
    };
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone())
        .message_id(Some(message_id(&m.dedupe_key, from)));
    let text = m.body_text.clone();
    let built = match (m.body_html.clone(), file) {
        (None, None) => builder.singlepart(SinglePart::plain(text)),
        (Some(html), None) => builder.multipart(MultiPart::alternative_plain_html(text, html)),
        (None, Some(file)) => builder.multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(text))
                .singlepart(file),
        ),
        (Some(html), Some(file)) => builder.multipart(
            MultiPart::mixed()
                .multipart(MultiPart::alternative_plain_html(text, html))
                .singlepart(file),
        ),
    };
    built.map_err(|e| format!("the message could not be built: {e}"))
}

/// Writes the message atomically (temporary file, then rename), so a reader
/// never sees half a message.
async fn write_file(dir: &Path, m: &OutboxMessage, bytes: &[u8]) -> std::io::Result<PathBuf> {
    tokio::fs::create_dir_all(dir).await?;
    let path = dir.join(format!("{:08}-attempt{}.eml", m.id, m.attempts));
    let tmp = dir.join(format!(".{:08}-attempt{}.eml.tmp", m.id, m.attempts));
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, &path).await?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::outbox::Attachment as Stored;

    fn stored(html: Option<&str>, attachment: bool) -> OutboxMessage {
        OutboxMessage {
            id: 7,
            dedupe_key: "invoice:1:abc".into(),
            to_address: "client@example.test".into(),
            subject: "Facture F-2026-000001".into(),
            body_text: "Bonjour".into(),
            body_html: html.map(str::to_string),
            attachment: attachment.then(|| Stored {
                name: "facture-F-2026-000001.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: b"%PDF-1.7 test".to_vec(),
            }),
            status: "pending".into(),
            attempts: 1,
            next_attempt_at: 0,
            last_error: None,
            sent_at: None,
        }
    }

    fn from() -> Mailbox {
        parse_from("Quittance <no-reply@example.fr>").expect("from")
    }

    #[test]
    fn a_message_carries_text_html_and_the_attached_pdf() {
        let m = build_message(&stored(Some("<p>Bonjour</p>"), true), &from()).expect("message");
        let raw = String::from_utf8_lossy(&m.formatted()).into_owned();
        assert!(raw.contains("multipart/mixed"), "{raw}");
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("application/pdf"), "{raw}");
        assert!(
            raw.contains("filename=\"facture-F-2026-000001.pdf\""),
            "{raw}"
        );
        assert!(raw.contains("To: client@example.test"), "{raw}");
    }

    #[test]
    fn the_same_logical_message_always_gets_the_same_message_id() {
        let a = message_id("invoice:1:abc", &from());
        assert_eq!(a, message_id("invoice:1:abc", &from()));
        assert_ne!(a, message_id("invoice:2:abc", &from()));
        assert!(a.ends_with("@example.fr>"), "{a}");
    }

    #[test]
    fn a_malformed_recipient_is_a_permanent_failure() {
        let mut m = stored(None, false);
        m.to_address = "not an address".into();
        assert!(build_message(&m, &from()).is_err());
    }

    #[tokio::test]
    async fn without_smtp_messages_become_eml_files() {
        let dir =
            std::env::temp_dir().join(format!("quittance_outbox_unit_{}", std::process::id()));
        let t = Transport::files(&dir, from());
        t.send(&stored(None, false)).await.expect("written");
        let written = std::fs::read_to_string(dir.join("00000007-attempt1.eml")).expect("file");
        assert!(
            written.contains("Subject: Facture F-2026-000001"),
            "{written}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
