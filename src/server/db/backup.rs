//! Online backups of a SQLite database and putting one back.
//!
//! `VACUUM INTO` writes a compact copy from one read transaction: in WAL mode
//! writers go on meanwhile, and the copy holds exactly what was committed when
//! it began. PostgreSQL databases are backed up with its own tools (`pg_dump`).
use super::{Backend, Db, backend_of};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};
use std::path::{Path, PathBuf};

/// Why a backup or a restore was not made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Backups of PostgreSQL go through its own tools.
    #[error("this is a PostgreSQL database: back it up with pg_dump (see the README)")]
    NotSqlite,
    /// A backup never overwrites a file.
    #[error("{0} already exists")]
    Exists(PathBuf),
    /// The file to restore is missing, unreadable or damaged.
    #[error("{0} is not a sound Quittance database: {1}")]
    Unsound(PathBuf, String),
    #[error("file error on {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Url(#[from] super::DbError),
}

/// What a copy holds, to show after a backup or a restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contents {
    pub invoices: i64,
    pub payments: i64,
}

/// The file a `sqlite:` URL names.
pub fn sqlite_file(url: &str) -> Result<PathBuf, BackupError> {
    if backend_of(url)? != Backend::Sqlite {
        return Err(BackupError::NotSqlite);
    }
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or("");
    Ok(PathBuf::from(path))
}

/// Writes a consistent copy of the live database to `dest` (a new file),
/// checks that it opens and is sound, and says what it holds.
pub async fn backup_into(db: &Db, dest: &Path) -> Result<Contents, BackupError> {
    if db.backend != Backend::Sqlite {
        return Err(BackupError::NotSqlite);
    }
    if dest.exists() {
        return Err(BackupError::Exists(dest.to_path_buf()));
    }
    if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| BackupError::Io(parent.to_path_buf(), e))?;
    }
    sqlx::query("VACUUM INTO $1")
        .bind(dest.to_string_lossy().into_owned())
        .execute(&db.pool)
        .await?;
    verify(dest).await
}

/// Opens a copy read-only and checks it: SQLite's integrity check, and the
/// tables of a migrated Quittance database.
pub async fn verify(file: &Path) -> Result<Contents, BackupError> {
    let unsound = |why: String| BackupError::Unsound(file.to_path_buf(), why);
    if !file.is_file() {
        return Err(unsound("no such file".into()));
    }
    let options = SqliteConnectOptions::new().filename(file).read_only(true);
    let mut copy = options
        .connect()
        .await
        .map_err(|e| unsound(e.to_string()))?;
    let checked = async {
        let check: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut copy)
            .await?
            .try_get(0)?;
        let invoices: i64 = sqlx::query("SELECT COUNT(*) FROM invoices")
            .fetch_one(&mut copy)
            .await?
            .try_get(0)?;
        let payments: i64 = sqlx::query("SELECT COUNT(*) FROM payments")
            .fetch_one(&mut copy)
            .await?
            .try_get(0)?;
        Ok::<_, sqlx::Error>((check, Contents { invoices, payments }))
    }
    .await;
    let _ = copy.close().await;
    match checked {
        Ok((check, contents)) if check == "ok" => Ok(contents),
        Ok((check, _)) => Err(unsound(check)),
        Err(e) => Err(unsound(e.to_string())),
    }
}

/// Puts a backup in the place of the database at `database_url`, with every
/// server stopped. The backup is checked first; the replaced database is kept
/// beside it as `<file>.replaced-<unix seconds>`.
pub async fn restore_from(database_url: &str, backup: &Path) -> Result<Contents, BackupError> {
    let target = sqlite_file(database_url)?;
    let contents = verify(backup).await?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e| BackupError::Io(path, e)
    };
    let staged = with_suffix(&target, ".restoring");
    std::fs::copy(backup, &staged).map_err(io(&staged))?;
    std::fs::File::open(&staged)
        .and_then(|f| f.sync_all())
        .map_err(io(&staged))?;
    if target.exists() {
        let kept = with_suffix(&target, &format!(".replaced-{}", super::now_ts()));
        std::fs::rename(&target, &kept).map_err(io(&target))?;
        // The old write-ahead log belongs to the old file: it must not be replayed on the new one.
        for suffix in ["-wal", "-shm"] {
            let side = with_suffix(&target, suffix);
            if side.exists() {
                std::fs::rename(&side, with_suffix(&kept, suffix)).map_err(io(&side))?;
            }
        }
    }
    std::fs::rename(&staged, &target).map_err(io(&staged))?;
    Ok(contents)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_of_a_sqlite_url_is_its_path_without_options() {
        assert_eq!(
            sqlite_file("sqlite://data/quittance.db?mode=rwc").ok(),
            Some(PathBuf::from("data/quittance.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:/var/lib/q.db").ok(),
            Some(PathBuf::from("/var/lib/q.db"))
        );
        assert!(matches!(
            sqlite_file("postgres://u@h/db"),
            Err(BackupError::NotSqlite)
        ));
    }
}
