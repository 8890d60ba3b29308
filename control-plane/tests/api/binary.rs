//! The `halyard` binary itself: zero-configuration start, the one-time token
//! banner, health over real TCP, and a graceful stop on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `halyard` in `dir` on a free port; returns it with its address.
fn start(dir: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_halyard"))
        .current_dir(dir)
        .args(["--bind", "127.0.0.1:0"])
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "info")
        .env("HALYARD_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start halyard");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    for line in lines.by_ref() {
        let log: serde_json::Value =
            serde_json::from_str(&line.expect("log line")).unwrap_or_default();
        if log["fields"]["message"] == "listening" {
            let address = log["fields"]["address"]
                .as_str()
                .expect("address")
                .to_owned();
            // Keep reading so the server's stderr stays open until it exits.
            std::thread::spawn(move || lines.for_each(drop));
            return (child, address);
        }
    }
    let status = child.wait().expect("wait");
    panic!("halyard exited before listening: {status}");
}

/// A plain HTTP/1.1 GET over TCP; returns the raw response.
fn get(address: &str, path: &str, token: Option<&str>) -> String {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\n{auth}Connection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    response
}

/// Sends SIGTERM and returns the exit status and what was printed on stdout.
fn stop(mut child: Child) -> (std::process::ExitStatus, String) {
    let status = Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(Instant::now() < deadline, "halyard did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut stdout)
        .expect("stdout");
    (exit, stdout)
}

#[test]
fn starts_with_no_configuration_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (child, address) = start(dir.path());
    assert!(get(&address, "/readyz", None).starts_with("HTTP/1.1 200"));
    let (exit, banner) = stop(child);
    assert!(exit.success(), "exit status after SIGTERM: {exit}");
    assert!(
        dir.path().join("data/halyard.db").exists(),
        "default SQLite file"
    );
    let token = banner
        .split_whitespace()
        .find(|word| word.starts_with("hly_"))
        .expect("the first start prints a super-admin token");
    assert!(banner.contains(&format!(
        "curl -H 'Authorization: Bearer {token}' http://{address}/api/orgs/demo/"
    )));

    // The second start reuses the data, prints no token, and the first token still works.
    let (child, address) = start(dir.path());
    let response = get(
        &address,
        "/api/orgs/demo/projects/default/flags/new_checkout",
        Some(token),
    );
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let (exit, banner) = stop(child);
    assert!(exit.success(), "exit status after SIGTERM: {exit}");
    assert!(
        !banner.contains("hly_"),
        "the token is shown only once: {banner}"
    );
}
