//! Configuration from flags and environment variables (`halyard --help`).

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Parser, ValueEnum};
use std::path::PathBuf;

/// Halyard control plane: the feature-flag management API.
///
/// With no configuration it keeps its state in a SQLite file under ./data,
/// listens on 127.0.0.1:8080, seeds a demo organization once and prints a
/// super-admin token on first start.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "halyard",
    version,
    after_help = "Log filtering follows RUST_LOG (default: info). /playground serves the SDK \
                  package in HALYARD_SDK_DIR (default: the sdk-js directory of this checkout)."
)]
pub struct Config {
    /// Database URL: postgres://user:password@host:5432/db or sqlite://path/to/file.db
    /// [default: a SQLite file halyard.db in --data-dir]
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Directory of the default SQLite database; created if missing.
    #[arg(long, env = "HALYARD_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Address to listen on (host:port).
    #[arg(long, env = "HALYARD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Super-admin token to bootstrap instead of generating and printing one
    /// (for automation; at least 16 characters).
    #[arg(long, env = "HALYARD_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Seed the demo organization `demo` on first start (0/false to skip).
    #[arg(long, env = "HALYARD_DEMO", default_value = "1", action = ArgAction::Set,
        value_parser = BoolishValueParser::new())]
    pub demo: bool,

    /// Log output format.
    #[arg(long, env = "HALYARD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines with key=value fields.
    Text,
    /// One JSON object per line.
    Json,
}

impl Config {
    /// The database URL to open, creating the data directory for the default SQLite file.
    pub fn resolve_database_url(&self) -> std::io::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)?;
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("halyard.db").display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn defaults_and_flags() {
        Config::command().debug_assert();
        let config = Config::try_parse_from(["halyard"]).expect("defaults parse");
        assert_eq!(config.bind, "127.0.0.1:8080");
        assert!(config.demo);
        let config = Config::try_parse_from(["halyard", "--demo", "0", "--bind", "0.0.0.0:9000"])
            .expect("flags parse");
        assert!(!config.demo);
        assert_eq!(config.bind, "0.0.0.0:9000");
    }

    #[test]
    fn help_documents_every_variable() {
        let help = Config::command().render_long_help().to_string();
        for name in [
            "DATABASE_URL",
            "HALYARD_BIND",
            "HALYARD_ADMIN_TOKEN",
            "HALYARD_DEMO",
            "HALYARD_DATA_DIR",
        ] {
            assert!(help.contains(name), "--help does not mention {name}");
        }
    }
}
