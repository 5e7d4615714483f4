//! Server entry: `quittance [serve]`, `quittance seed-demo [--if-empty]`, `quittance migrate`,
//! `quittance reminders run [--dry-run]`, `quittance backup PATH`, `quittance restore PATH`.
#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    // Rendering deep view trees on the server needs more than tokio's 2 MiB
    // default thread stack in unoptimised builds (the e2e server is one).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 << 20)
        .build();
    match runtime {
        Ok(rt) => rt.block_on(run()),
        Err(e) => {
            eprintln!("could not start the async runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "ssr")]
async fn run() -> std::process::ExitCode {
    use quittance::server::{config::Config, db::Db, seed};
    use std::process::ExitCode;

    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::FAILURE;
        }
    };
    init_tracing(config.log_json);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    let result: Result<(), String> = match command {
        "serve" => serve(config).await,
        "migrate" => {
            async {
                let db = Db::connect(&config.database_url)
                    .await
                    .map_err(|e| e.to_string())?;
                db.migrate().await.map_err(|e| e.to_string())
            }
            .await
        }
        "seed-demo" => {
            async {
                let db = Db::connect(&config.database_url)
                    .await
                    .map_err(|e| e.to_string())?;
                db.migrate().await.map_err(|e| e.to_string())?;
                let if_empty = args.iter().any(|a| a == "--if-empty");
                if seed::is_empty(&db).await.map_err(|e| e.to_string())? {
                    let links = seed::seed_demo(&db, chrono::Local::now().date_naive())
                        .await
                        .map_err(|e| e.to_string())?;
                    println!("Demo data created. Pay links (no login needed):");
                    let base = config.public_base_url.trim_end_matches('/');
                    for (number, token) in links {
                        println!("  {number}: {base}/pay/{token}");
                    }
                } else if !if_empty {
                    return Err(
                        "the database already has users; seed-demo only fills an empty database"
                            .into(),
                    );
                }
                print_logins();
                Ok(())
            }
            .await
        }
        "reminders" => reminders(&config, &args[1..]).await,
        "backup" => backup(&config, args.get(1)).await,
        "restore" => restore(&config, args.get(1)).await,
        other => Err(format!(
            "unknown command {other}; use serve, migrate, seed-demo, reminders, backup or restore"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `quittance reminders run [--dry-run] [--at RFC3339]`: runs the reminder
/// engine once (whatever the sending hour) and lists the steps it found due.
#[cfg(feature = "ssr")]
async fn reminders(
    config: &quittance::server::config::Config,
    args: &[String],
) -> Result<(), String> {
    use quittance::model::format::format_money;
    use quittance::model::lang::Lang;
    use quittance::server::db::Db;
    use quittance::server::services::reminders::manage;
    if args.first().map(String::as_str) != Some("run") {
        return Err(
            "usage: quittance reminders run [--dry-run] [--at 2026-06-02T09:00:00Z]".into(),
        );
    }
    let dry_run = args.iter().any(|a| a == "--dry-run");
    let at = match args.iter().position(|a| a == "--at") {
        Some(i) => {
            let text = args.get(i + 1).ok_or("--at needs an instant")?;
            chrono::DateTime::parse_from_rfc3339(text)
                .map_err(|e| format!("--at {text}: {e}"))?
                .with_timezone(&chrono::Utc)
        }
        None => chrono::Utc::now(),
    };
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let report = manage::run_by_hand(&db, at, dry_run)
        .await
        .map_err(|e| e.to_string())?;
    let today = report.today.map(|d| d.to_string()).unwrap_or_default();
    if let Some(idle) = report.idle {
        println!("{today}: nothing to do ({idle})");
    }
    for p in &report.planned {
        println!(
            "{today}  {:<16} {:+4} days  {:<13} {:>14}  {}",
            p.number,
            p.offset_days,
            p.tone.as_str(),
            format_money(p.amount, &p.currency, Lang::En),
            p.customer
        );
    }
    for (invoice, hold) in &report.held {
        println!("{today}  invoice #{invoice} held: {}", hold.code());
    }
    if dry_run {
        println!(
            "dry run: {} step(s) due, nothing queued",
            report.planned.len()
        );
    } else {
        println!(
            "{} step(s) queued in {} email(s); {} dealt with already",
            report.steps_queued, report.emails_queued, report.already_dealt_with
        );
    }
    db.pool.close().await;
    Ok(())
}

/// `quittance backup PATH`: a consistent copy of the live SQLite database,
/// taken while the portal serves.
#[cfg(feature = "ssr")]
async fn backup(
    config: &quittance::server::config::Config,
    path: Option<&String>,
) -> Result<(), String> {
    use quittance::server::db::{Db, backup};
    let path = path.ok_or("usage: quittance backup PATH")?;
    let file = backup::sqlite_file(&config.database_url).map_err(|e| e.to_string())?;
    if !file.is_file() {
        return Err(format!("no database at {}", file.display()));
    }
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let copied = backup::backup_into(&db, std::path::Path::new(path)).await;
    db.pool.close().await;
    let contents = copied.map_err(|e| e.to_string())?;
    println!(
        "backup written to {path}: {} invoices, {} payments",
        contents.invoices, contents.payments
    );
    Ok(())
}

/// `quittance restore PATH`: puts a backup in place of the database; every
/// server using it must be stopped first.
#[cfg(feature = "ssr")]
async fn restore(
    config: &quittance::server::config::Config,
    path: Option<&String>,
) -> Result<(), String> {
    use quittance::server::db::backup;
    let path = path.ok_or("usage: quittance restore PATH (with the server stopped)")?;
    let contents = backup::restore_from(&config.database_url, std::path::Path::new(path))
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "restored {path}: {} invoices, {} payments",
        contents.invoices, contents.payments
    );
    Ok(())
}

#[cfg(feature = "ssr")]
fn print_logins() {
    println!("Demo logins:");
    for (email, password, who) in quittance::server::seed::DEMO_LOGINS {
        println!("  {email:<20} {password:<15} {who}");
    }
}

#[cfg(feature = "ssr")]
async fn serve(config: quittance::server::config::Config) -> Result<(), String> {
    use quittance::server::{app::Application, config::redact_url};
    tracing::info!(database = %redact_url(&config.database_url), addr = %config.site_addr, "starting");
    let app = Application::build(config)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(port = app.port(), "listening");
    app.run_until(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C, so in-flight requests finish before exit.
#[cfg(feature = "ssr")]
async fn shutdown_signal() {
    use tokio::signal;
    let ctrl_c = async {
        let _ = signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match signal::unix::signal(signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received");
}

#[cfg(feature = "ssr")]
fn init_tracing(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {}
