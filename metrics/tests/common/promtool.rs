//! Prometheus' own parser and linter for the text format: `promtool check
//! metrics` (Debian's `prometheus` package).

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `promtool check metrics` on `text`; returns its exit code and stderr.
pub(crate) fn promtool(text: &str) -> (i32, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool is required for this test (scripts/test installs Debian's prometheus package)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    (out.status.code().unwrap_or(-1), stderr)
}
