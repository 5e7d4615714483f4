//! Group commit for SQLite's money transactions. Concurrent units of work
//! queue here; whoever takes the leader's lock runs every queued unit in one
//! transaction, each inside a savepoint, commits once and tells each unit's
//! caller. A SQLite commit is a disk flush under the one write lock, so
//! sharing it is what lets throughput exceed one event per flush. Nothing is
//! answered before its commit, so durability is unchanged.
use sqlx::{Acquire, AnyConnection};
use std::future::Future;
use std::pin::Pin;
use tokio::sync::oneshot;

/// One unit of work: runs on the shared transaction's connection and says
/// whether to keep what it did. It may be run a second time (after the
/// group's first try was rolled back), so it must not act outside the
/// database.
pub type Unit = Box<
    dyn for<'c> FnMut(&'c mut AnyConnection) -> Pin<Box<dyn Future<Output = bool> + Send + 'c>>
        + Send,
>;

/// A group never holds more units than this (the rest wait for the next).
const MAX_GROUP: usize = 64;

struct Job {
    unit: Unit,
    done: oneshot::Sender<Result<(), String>>,
}

#[derive(Default)]
pub(super) struct Group {
    queue: std::sync::Mutex<Vec<Job>>,
    leader: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Group")
    }
}

impl Group {
    fn take(&self) -> Vec<Job> {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        let n = q.len().min(MAX_GROUP);
        q.drain(..n).collect()
    }

    pub(super) async fn run(&self, db: &super::Db, unit: Unit) -> Result<(), sqlx::Error> {
        let (done, mut answer) = oneshot::channel();
        self.queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Job { unit, done });
        loop {
            tokio::select! {
                // A leader answers before it lets go of the lock, so a unit
                // already run is seen here before this task could lead.
                biased;
                r = &mut answer => {
                    return match r {
                        Ok(r) => r.map_err(sqlx::Error::Protocol),
                        Err(_) => Err(sqlx::Error::Protocol("money group dropped".into())),
                    };
                }
                _lead = self.leader.lock() => {
                    let jobs = self.take();
                    if !jobs.is_empty() {
                        run_jobs(db, jobs).await;
                    }
                }
            }
        }
    }
}

/// Runs the jobs in one transaction and answers each of them. The first try
/// runs them one after the other with no savepoint (the common case: every
/// unit keeps its work); if one does not, that try is rolled back and the
/// group runs again with each unit in its own savepoint, so one failure
/// never undoes the others.
async fn run_jobs(db: &super::Db, mut jobs: Vec<Job>) {
    let answer = match try_all(db, &mut jobs).await {
        Ok(true) => Ok(()),
        Ok(false) => each_in_savepoint(db, &mut jobs).await,
        Err(e) => Err(e),
    }
    .map_err(|e| e.to_string());
    for job in jobs {
        let _ = job.done.send(answer.clone());
    }
}

/// Runs every unit in one transaction; commits only if all of them keep
/// their work (returns whether it committed).
async fn try_all(db: &super::Db, jobs: &mut [Job]) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_money().await?;
    for job in jobs.iter_mut() {
        if !(job.unit)(&mut tx).await {
            tx.rollback().await?;
            return Ok(false);
        }
    }
    tx.commit().await?;
    Ok(true)
}

async fn each_in_savepoint(db: &super::Db, jobs: &mut [Job]) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_money().await?;
    for job in jobs.iter_mut() {
        let mut sp = (&mut *tx).begin().await?;
        if (job.unit)(&mut sp).await {
            sp.commit().await?;
        } else {
            sp.rollback().await?;
        }
    }
    tx.commit().await
}
