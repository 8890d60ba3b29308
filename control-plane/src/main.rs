//! `halyard`: the control-plane server.

use clap::Parser;
use control_plane::config::{Config, LogFormat};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Logs go to stderr so stdout carries only the one-time token banner.
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // With stderr closed, logging must not turn into a panic of its own.
        .log_internal_errors(false);
    match config.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    match control_plane::server::run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "halyard stopped");
            eprintln!("halyard: {error}");
            ExitCode::FAILURE
        }
    }
}
