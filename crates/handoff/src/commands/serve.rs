//! `handoff serve`: the HTTP server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use handoff_domain::clock::SystemClock;
use handoff_http::AppState;

use crate::config::DatabaseArgs;

#[derive(clap::Args, Debug)]
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
    let app = handoff_http::router(state);
    // SLA alarms and jobs; each server runs them, the database hands each to one.
    let worker = tokio::spawn(handoff_worker::run(actions, Duration::from_secs(1)));
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(address = %args.listen, engine = ?db.engine(), "serving");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .context("server failed")?;
    worker.abort();
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
