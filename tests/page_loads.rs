//! Every page type, loaded many times at once on SQLite and PostgreSQL: each
//! load must complete with a 200 and a whole document (a completion check
//! with a generous per-request deadline, never a timing assertion). Guards
//! against renders that never settle (leptos-rs/leptos#4866) and against
//! pool starvation under concurrent loads.
use crate::tour;

use crate::common::{REQUEST_TIMEOUT, TestApp, TestDb};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Loads at once.
const CONCURRENCY: usize = 32;
/// Loads of each page type.
const ROUNDS: usize = 16;

/// A whole document: the page and the closing script Leptos writes after
/// every resource of the render resolved.
fn complete(body: &str) -> bool {
    body.contains("</html>") && body.contains("__INCOMPLETE_CHUNKS")
}

async fn every_page_type_completes_with_200_under_32_concurrent_loads(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let pages = tour::every_page(&app).await;
    let client = tour::plain_client();
    let gate = Arc::new(Semaphore::new(CONCURRENCY));
    let mut loads = Vec::new();
    for round in 0..ROUNDS {
        for i in 0..pages.len() {
            // Interleave the page types so that different renders overlap.
            let page = pages[(i + round) % pages.len()].clone();
            let (client, base, gate) = (client.clone(), app.base.clone(), gate.clone());
            loads.push(tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.expect("semaphore");
                let answer =
                    tokio::time::timeout(REQUEST_TIMEOUT, tour::load(&client, &base, &page)).await;
                (page, answer)
            }));
        }
    }
    let total = loads.len();
    let mut failures = Vec::new();
    for load in loads {
        let (page, answer) = load.await.expect("load task");
        match answer {
            Err(_) => failures.push(format!(
                "{} {}: no answer within {REQUEST_TIMEOUT:?}",
                page.name, page.path
            )),
            Ok((status, body)) if status != 200 || !complete(&body) => {
                let from = body.char_indices().rev().nth(119).map_or(0, |(i, _)| i);
                let tail = &body[from..];
                failures.push(format!(
                    "{} {}: status {status}, {} bytes, ending {tail:?}",
                    page.name,
                    page.path,
                    body.len()
                ))
            }
            Ok(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} loads did not complete:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{total} loads of {} page types, all complete", pages.len());
    app.stop().await;
}
on_both_databases!(every_page_type_completes_with_200_under_32_concurrent_loads);
