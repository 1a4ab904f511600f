//! `handoff serve`: the HTTP server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use handoff_domain::clock::SystemClock;
use handoff_http::AppState;

use crate::config::DatabaseArgs;

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "HANDOFF_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    db: DatabaseArgs,
    /// Fill an empty database with demo data first.
    #[arg(long)]
    demo: bool,
    /// Mark the sign-in cookie Secure: set this when Handoff is reached over HTTPS.
    #[arg(long, env = "HANDOFF_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Serve `GET /metrics` (Prometheus) on the main address to callers sending
    /// `Authorization: Bearer TOKEN`.
    #[arg(
        long,
        env = "HANDOFF_METRICS_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    metrics_token: Option<String>,
    /// Serve `GET /metrics` (Prometheus) without a token on this address of its own, one
    /// only Prometheus reaches.
    #[arg(long, env = "HANDOFF_METRICS_LISTEN", value_name = "ADDR")]
    metrics_listen: Option<SocketAddr>,
}

/// The metrics token is replaced: these options may be logged.
impl std::fmt::Debug for Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Args")
            .field("listen", &self.listen)
            .field("db", &self.db)
            .field("demo", &self.demo)
            .field("secure_cookies", &self.secure_cookies)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .field("metrics_listen", &self.metrics_listen)
            .finish()
    }
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let db = args.db.open().await?;
    if args.demo
        && !super::demo::fill(
            &db,
            Default::default(),
            400,
            0,
            super::demo::History::Import,
        )
        .await?
    {
        tracing::info!("the database already has data; no demo data added");
    }
    let clock = Arc::new(SystemClock);
    let actions = handoff_app::App::new(db.clone(), clock);
    let mut state = AppState::new(actions.clone());
    state.secure_cookies = args.secure_cookies;
    let token = args.metrics_token.as_deref().filter(|t| !t.is_empty());
    let mut background = Vec::new();
    if token.is_some() || args.metrics_listen.is_some() {
        let metrics = handoff_http::Metrics::new(token);
        background.push(tokio::spawn(metrics.clone().upkeep()));
        state.metrics = Some(metrics);
    }
    if let Some(address) = args.metrics_listen {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen for metrics on {address}"))?;
        tracing::info!(%address, "serving metrics");
        let router = handoff_http::metrics_router(state.clone());
        // Stopped with the main server: a scrape cut short is simply taken again.
        background.push(tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "metrics server failed");
            }
        }));
    }
    let app = handoff_http::router(state);
    // SLA alarms and jobs; each server runs them, the database hands each to one.
    background.push(tokio::spawn(handoff_worker::run(
        actions,
        Duration::from_secs(1),
    )));
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(address = %args.listen, engine = ?db.engine(), "serving");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .context("server failed")?;
    for task in background {
        task.abort();
    }
    db.close().await;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
