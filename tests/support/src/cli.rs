//! Running `serve` / `connect` (ours or the Node reference in `node/ref.js`) as
//! child processes and reading their JSON event lines.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

/// Which implementation of the CLI contract to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Impl {
    /// Our binary, at this path (`env!("CARGO_BIN_EXE_nodetls")`).
    Ours(PathBuf),
    /// Node 20 running `tests/support/node/ref.js`.
    Node,
}

impl Impl {
    fn command(&self, sub: &str) -> Command {
        match self {
            Impl::Ours(bin) => {
                let mut c = Command::new(bin);
                c.arg(sub);
                c
            }
            Impl::Node => {
                let mut c = Command::new("node");
                c.arg(ref_js()).arg(sub);
                c
            }
        }
    }

    /// A short label for messages.
    pub fn label(&self) -> &'static str {
        match self {
            Impl::Ours(_) => "nodetls",
            Impl::Node => "node",
        }
    }
}

/// The path of the Node reference implementation.
pub fn ref_js() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("node/ref.js")
}

/// A running `serve`. Killed (SIGTERM, then SIGKILL) when dropped.
pub struct ServerProc {
    child: Child,
    lines: mpsc::Receiver<Value>,
    /// The port from the `listening` line.
    pub port: u16,
    /// Which implementation this is.
    pub label: &'static str,
}

fn line_reader(stdout: ChildStdout) -> mpsc::Receiver<Value> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let v = serde_json::from_str(&line).unwrap_or(Value::String(line));
            if tx.send(v).is_err() {
                break;
            }
        }
    });
    rx
}

/// Starts `serve --port 0 ARGS...` in `dir` and waits for its `listening` line.
/// Returns the error event instead when the server fails to start.
pub fn spawn_serve(imp: &Impl, dir: &Path, args: &[&str]) -> Result<ServerProc, Value> {
    let mut cmd = imp.command("serve");
    cmd.args(["--port", "0"]).args(args).current_dir(dir);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {}: {e}", imp.label()));
    let stdout = child.stdout.take().expect("piped stdout");
    let lines = line_reader(stdout);
    match lines.recv_timeout(Duration::from_secs(20)) {
        Ok(v) if v["event"] == "listening" => {
            let port = v["port"].as_u64().expect("port") as u16;
            Ok(ServerProc {
                child,
                lines,
                port,
                label: imp.label(),
            })
        }
        Ok(v) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(v)
        }
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(Value::String(format!("{}: no listening line", imp.label())))
        }
    }
}

impl ServerProc {
    /// The next event line, waiting at most `timeout`.
    pub fn next_event(&mut self, timeout: Duration) -> Option<Value> {
        self.lines.recv_timeout(timeout).ok()
    }

    /// Sends SIGTERM and waits for the exit status (at most 5 s, then SIGKILL).
    pub fn terminate(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        for _ in 0..100 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        self.child.wait().ok().and_then(|s| s.code())
    }

    /// Waits for the process to exit by itself (at most `timeout`).
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The outcome of a `connect` run.
#[derive(Debug)]
pub struct ConnectRun {
    /// Exit status.
    pub status: Option<i32>,
    /// The JSON lines on stdout (non-JSON output as strings).
    pub lines: Vec<Value>,
    /// Everything on stdout.
    pub stdout: Vec<u8>,
}

/// Runs `connect ARGS...` in `dir`, writing `stdin` and closing it.
pub fn run_connect(imp: &Impl, dir: &Path, args: &[&str], stdin: &[u8]) -> ConnectRun {
    let mut cmd = imp.command("connect");
    cmd.args(args).current_dir(dir);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {}: {e}", imp.label()));
    let mut sin = child.stdin.take().expect("piped stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // Give the handshake a moment so the data is echoed after secureConnect.
        std::thread::sleep(Duration::from_millis(300));
        let _ = sin.write_all(&data);
    });
    let out = child.wait_with_output().expect("connect output");
    let _ = writer.join();
    let lines = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            serde_json::from_slice(l)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(l).into_owned()))
        })
        .collect();
    ConnectRun {
        status: out.status.code(),
        lines,
        stdout: out.stdout,
    }
}

/// The first line whose `event` is `name`.
pub fn event<'a>(lines: &'a [Value], name: &str) -> Option<&'a Value> {
    lines.iter().find(|v| v["event"] == name)
}

/// Compares two JSON values and panics with a readable, per-key diff.
pub fn assert_json_eq(ours: &Value, theirs: &Value, context: &str) {
    if ours == theirs {
        return;
    }
    let mut diff = String::new();
    match (ours.as_object(), theirs.as_object()) {
        (Some(a), Some(b)) => {
            for k in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                if a.get(k) != b.get(k) {
                    let _ = writeln!(
                        diff,
                        "  {k}:\n    nodetls: {}\n    node:    {}",
                        a.get(k).map_or("<absent>".into(), ToString::to_string),
                        b.get(k).map_or("<absent>".into(), ToString::to_string)
                    );
                }
            }
        }
        _ => diff = format!("  nodetls: {ours}\n  node:    {theirs}\n"),
    }
    panic!("{context}: nodetls differs from node:\n{diff}");
}
