//! Running the server: open the store, bootstrap, serve until SIGTERM or ctrl-c.

use crate::config::Config;
use crate::seed::{self, SeedError};
use crate::store::{self, OpenError};
use crate::{app, demo, AppState};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use tokio::net::TcpListener;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot create the data directory: {0}")]
    DataDir(#[source] std::io::Error),
    #[error(transparent)]
    Store(#[from] OpenError),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Seed(#[from] SeedError),
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
}

/// Runs Halyard with `config` until a shutdown signal.
pub async fn run(config: Config) -> Result<(), ServeError> {
    let url = config.resolve_database_url().map_err(ServeError::DataDir)?;
    let store = store::open(&url).await?;
    tracing::info!(backend = ?store.dialect(), "database ready");
    let listener = TcpListener::bind(&config.bind)
        .await
        .map_err(|source| ServeError::Bind {
            address: config.bind.clone(),
            source,
        })?;
    let address = listener.local_addr().map_err(ServeError::Serve)?;
    let new_admin_token = seed::bootstrap_admin(&store, config.admin_token.as_deref()).await?;
    let state = AppState::new(store.clone());
    let delivery = state.delivery.clone();
    let app = app(state);
    if config.demo && demo::seed(&app, &store).await? {
        tracing::info!("seeded the demo organization `demo`");
    }
    if let Some(secret) = new_admin_token {
        print_admin_token(&secret, address, config.demo);
    }
    tracing::info!(%address, "listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // SSE streams never end by themselves: end them so shutdown can complete.
            delivery.close();
        })
        .await
        .map_err(ServeError::Serve)?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Shows a freshly generated super-admin token, once, with a request to try.
fn print_admin_token(secret: &str, mut address: SocketAddr, demo: bool) {
    if address.ip().is_unspecified() {
        address.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    let path = if demo {
        "/api/orgs/demo/projects/default/flags"
    } else {
        "/api/orgs"
    };
    println!(
        "\nHalyard super-admin token (shown only this once; store it now):\n\n    {secret}\n\n\
         Try it:\n\n    curl -H 'Authorization: Bearer {secret}' http://{address}{path}\n"
    );
}

/// Resolves on ctrl-c or SIGTERM; in-flight requests then finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
