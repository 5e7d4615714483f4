//! Builds the whole HTTP application; shared by `main` and the integration tests
//! (which start it on port 0 against a fresh database).
use super::config::Config;
use super::db::{Db, DbError};
use super::http;
use super::payments::Payments;
use super::session_store::DbSessionStore;
use super::state::AppState;
use crate::app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("could not open the session store: {0}")]
    Sessions(sqlx::Error),
    #[error("leptos configuration: {0}")]
    Leptos(String),
    #[error("could not listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
}

impl Application {
    /// Connects, migrates, and binds; does not serve yet.
    pub async fn build(config: Config) -> Result<Application, StartError> {
        let db = Db::connect_with(&config.database_url, config.db_acquire_timeout).await?;
        db.migrate().await?;
        super::email::set_public_origin(&config.public_base_url);
        http::metrics::install();
        let store = DbSessionStore::connect(&config.database_url)
            .await
            .map_err(StartError::Sessions)?;
        tokio::spawn(store.clone().prune_forever(Duration::from_secs(3600)));
        super::email::spawn_worker(db.clone(), config.email.clone());
        super::services::reminders::job::spawn(db.clone(), config.reminders_every);
        if let Some(dir) = &config.platform_drop_dir {
            super::platform::worker::spawn(
                db.clone(),
                std::sync::Arc::new(super::platform::file_drop::FileDrop::new(dir)),
            );
        }
        let db_up = http::health::watch(db.clone());
        let mut leptos_options = get_configuration(None)
            .map_err(|e| StartError::Leptos(e.to_string()))?
            .leptos_options;
        leptos_options.site_addr = config.site_addr;
        if let Some(root) = &config.site_root {
            leptos_options.site_root = root.as_str().into();
        }
        super::assets::use_hash_file(&mut leptos_options);
        let listener = TcpListener::bind(config.site_addr)
            .await
            .map_err(|e| StartError::Bind(config.site_addr, e))?;
        let local = listener
            .local_addr()
            .map_err(|e| StartError::Bind(config.site_addr, e))?;
        let local_url = format!("http://{local}");
        // Port 0 (tests) has no address known in advance: links use the bound one.
        let base_url = if config.site_addr.port() == 0 {
            local_url.clone()
        } else {
            config.public_base_url.clone()
        };
        let payments = Payments::build(&config.payments, &base_url, &local_url);
        tracing::info!(provider = payments.provider.name(), "payments ready");
        let state = AppState {
            leptos_options,
            db,
            config: Arc::new(config),
            payments,
            db_up,
        };
        let router = router(state.clone(), store);
        Ok(Application {
            listener,
            router,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        // Without TCP_NODELAY a small answer on a kept-alive connection waits
        // for the client's delayed ACK (about 40 ms).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::warn!("could not set TCP_NODELAY: {e}");
            }
        });
        axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Server functions; an error answer gets the status of its `AppError`
/// (404, 409, …) unless the function set one or redirected a plain form post.
async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> Response {
    let res = handle_server_fns_with_context(move || provide_context(state.clone()), req)
        .await
        .into_response();
    http::error::with_error_status(res).await
}

fn session_layer(store: DbSessionStore, secure: bool) -> SessionManagerLayer<DbSessionStore> {
    SessionManagerLayer::new(store)
        .with_name("quittance_session")
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(7)))
}

/// The route table: Leptos pages and server functions, plus one router per
/// plain-HTTP concern (`server/http/`).
pub fn router(state: AppState, store: DbSessionStore) -> Router {
    let routes = generate_route_list(App);
    let page_state = state.clone();
    let file_state = state.clone();
    let options = state.leptos_options.clone();
    // Pages only: a render that never settles is cut and answered 503
    // (downloads and posts keep their own pace).
    let pages = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(page_state.clone());
                super::stall::watch_render();
                http::security_headers::share_nonce();
            },
            move || shell(options.clone()),
        )
        .route_layer(super::stall::StallGuardLayer::new(
            super::stall::DEFAULT_RENDER_BOUND,
        ));
    // Static files with their caching headers; anything else is the 404 page.
    let not_found = leptos_axum::file_and_error_handler_with_context::<AppState, _>(
        move || {
            provide_context(file_state.clone());
            http::security_headers::share_nonce();
        },
        shell,
    );
    Router::new()
        .merge(http::health::router())
        .merge(http::metrics::router())
        .merge(http::lang::router())
        .merge(http::checkout::router())
        .merge(http::downloads::router())
        .merge(http::exports::router())
        .merge(http::lifecycle::router())
        .merge(http::logo::router())
        .merge(http::statement_pay::router())
        .merge(http::statements::router())
        .merge(http::disputes::router())
        .merge(http::webhooks::router())
        .route(
            "/api/{*fn_name}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .merge(pages)
        // Inside the routes, where the matched route is known (static files
        // and unknown paths, answered by the fallback, are not counted).
        .route_layer(axum::middleware::from_fn(http::metrics::track))
        .fallback(move |State(state): State<AppState>, req: Request<Body>| {
            let not_found = not_found.clone();
            async move {
                let (parts, body) = req.into_parts();
                match super::assets::static_file(&state.leptos_options, &parts).await {
                    Some(file) => file,
                    None => {
                        let req = Request::from_parts(parts, body);
                        not_found(req.uri().clone(), State(state), req).await
                    }
                }
            }
        })
        .layer(super::assets::compression())
        .layer(session_layer(store, state.config.secure_cookies()))
        .layer(axum::middleware::from_fn(http::guard::same_origin_guard))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::health::fail_fast,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(http::security_headers::SecurityPolicy::new(
                &state.config,
                &state.payments,
            )),
            http::security_headers::security_headers,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
