//! A connector that drops one JSON file per status into a folder
//! (`QUITTANCE_PLATFORM_DROP_DIR`): `<invoice number>_<code>_<status id>.json`,
//! unique per status and the same on every resend (a replay overwrites the
//! same file). Each file is written to a hidden temporary name in the same
//! folder, flushed, then renamed into place: a reader never sees half a file.
use super::{PlatformConnector, PlatformError, StatusMessage};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct FileDrop {
    dir: PathBuf,
}

impl FileDrop {
    pub fn new(dir: impl Into<PathBuf>) -> FileDrop {
        FileDrop { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// The file name of a message: only `[A-Za-z0-9-]` from the number.
pub fn file_name(m: &StatusMessage) -> String {
    let number: String = m
        .invoice_number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let number = if number.is_empty() {
        format!("invoice-{}", m.invoice_id)
    } else {
        number
    };
    format!("{number}_{}_{}.json", m.status_code, m.status_id)
}

fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        crate::server::payments::random_hex(6)
    ));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, dir.join(name))) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

#[async_trait::async_trait]
impl PlatformConnector for FileDrop {
    fn name(&self) -> &'static str {
        "file-drop"
    }

    async fn send(&self, message: &StatusMessage) -> Result<(), PlatformError> {
        let mut bytes = serde_json::to_vec_pretty(message)?;
        bytes.push(b'\n');
        let (dir, name) = (self.dir.clone(), file_name(message));
        tokio::task::spawn_blocking(move || write_atomically(&dir, &name, &bytes))
            .await
            .map_err(|e| PlatformError::Io(std::io::Error::other(e)))??;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64) -> StatusMessage {
        StatusMessage {
            message_id: format!("quittance-status-{id}"),
            status_id: id,
            invoice_id: 3,
            invoice_number: "F-2026-000003".into(),
            issue_date: "2026-03-01".into(),
            seller_siren: "732829320".into(),
            buyer_name: "Client".into(),
            buyer_siren: "552100554".into(),
            status_code: 212,
            status_label: "Encaissée".into(),
            status_date: "2026-03-02".into(),
            occurred_at: "2026-03-02T10:00:00Z".into(),
            amount: Some("120.00".into()),
            amount_minor: Some(12_000),
            currency: Some("EUR".into()),
            event: "payment:9".into(),
        }
    }

    #[test]
    fn a_file_name_is_made_of_the_number_the_code_and_the_status_id() {
        assert_eq!(file_name(&message(7)), "F-2026-000003_212_7.json");
        let mut odd = message(8);
        odd.invoice_number = "../x".into();
        assert_eq!(file_name(&odd), "___x_212_8.json");
    }

    #[tokio::test]
    async fn sending_twice_leaves_one_complete_file_and_no_temporary_one() {
        let dir = std::env::temp_dir().join(format!(
            "quittance-drop-{}-{}",
            std::process::id(),
            crate::server::payments::random_hex(4)
        ));
        let drop = FileDrop::new(&dir);
        drop.send(&message(7)).await.expect("first");
        drop.send(&message(7)).await.expect("again");
        let names: Vec<String> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        assert_eq!(names, vec!["F-2026-000003_212_7.json".to_string()]);
        let back: StatusMessage =
            serde_json::from_slice(&std::fs::read(dir.join(&names[0])).expect("read"))
                .expect("json");
        assert_eq!(back, message(7));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
