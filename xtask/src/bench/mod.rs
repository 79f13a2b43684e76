//! `cargo xtask bench`: nodetls (`tls-node`) against Node 20 and raw
//! tokio-rustls, in the same run, as ratios.
//!
//! Three echo servers with the same certificate and options run as separate
//! processes (`xtask bench-server ours|raw`, and `node` running
//! `echo_server.js`); the load generator ([`client`]) runs in this process.
//! Each scenario runs [`Plan::rounds`] rounds, alternating the order of the
//! servers, with a fresh server process per run. What is measured is the
//! server's CPU time (utime + stime from `/proc/PID/stat`) per operation, ops/s,
//! MiB/s for bulk echo and the RSS growth (`VmRSS` in `/proc/PID/status`) per
//! idle connection. docs/performance.md has the method and the results.

pub mod client;
pub mod sealed;
pub mod server;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::crypto::ring::{cipher_suite, kx_group};

use self::client::{ClientSpec, Resume};

/// Any error; the bench only reports them.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// A result with [`Error`].
pub type Res<T> = Result<T, Error>;

/// Every scenario, in the order they run.
pub const SCENARIOS: [&str; 10] = [
    "handshake-tls13-ecdsa",
    "handshake-tls13-rsa",
    "handshake-tls12-ecdsa",
    "resume-tls13-ticket",
    "resume-tls12-ticket",
    "resume-tls12-session-id",
    "bulk-aes128gcm",
    "bulk-chacha20",
    "idle-10k",
    "handshake-concurrency",
];

/// The Node script, written to a temp dir at bench start.
const NODE_SCRIPT: &str = include_str!("echo_server.js");

/// A server under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    /// `tls-node`.
    Ours,
    /// Node 20's `tls.createServer`.
    Node,
    /// tokio-rustls's `TlsAcceptor`, no facade.
    Raw,
}

impl ServerKind {
    /// The JSON key / column name.
    pub fn name(self) -> &'static str {
        match self {
            ServerKind::Ours => "ours",
            ServerKind::Node => "node",
            ServerKind::Raw => "raw",
        }
    }
}

/// How much to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Scenario names (from [`SCENARIOS`]).
    pub scenarios: Vec<String>,
    /// Rounds per scenario (each round runs every server once).
    pub rounds: usize,
    /// Slices a round's window is cut into for every scenario but `idle-10k`
    /// (10 000 connections to three servers at once is too many): the servers
    /// of a round all run, and each slice measures each
    /// server in turn (see `run_round`).
    pub slices: usize,
    /// Measured time of a handshake / resumption run.
    pub window: Duration,
    /// Unmeasured warm-up before it (also primes the client session stores).
    pub warmup: Duration,
    /// Load-generator workers for handshake and resumption scenarios.
    pub concurrency: usize,
    /// Concurrency levels of `handshake-concurrency`.
    pub levels: Vec<usize>,
    /// Bytes echoed per bulk run.
    pub bulk_bytes: usize,
    /// Connections held open by `idle-10k`.
    pub idle_conns: usize,
    /// The binary with the `bench-server` sub-command (this xtask).
    pub server_exe: PathBuf,
    /// `node`, or `None` to skip the Node column.
    pub node: Option<PathBuf>,
    /// Which servers to run (all three by default; Node only if `node` is set).
    pub servers: Vec<ServerKind>,
    /// Pin servers to CPU 0 and the load generator to CPU 1 with `taskset`.
    pub pin: bool,
    /// Progress lines on stderr.
    pub verbose: bool,
}

impl Plan {
    /// The full bench: 6 rounds, 3 s windows, 256 MiB bulk, 10 000 idle connections.
    /// Six rounds because rounds of one server differ by up to ±15% on these
    /// shared machines, and six orders of three servers put each in every
    /// position and after each other one equally often.
    pub fn full(server_exe: PathBuf) -> Self {
        Plan {
            scenarios: SCENARIOS.iter().map(|s| (*s).to_owned()).collect(),
            rounds: 6,
            slices: 3,
            window: Duration::from_secs(3),
            warmup: Duration::from_millis(500),
            concurrency: 16,
            levels: vec![1, 16, 256],
            // 256 MiB: at ~500 MiB/s a 64 MiB echo lasts 0.1 s, about ten
            // ticks of /proc's CPU clock.
            bulk_bytes: 256 << 20,
            idle_conns: 10_000,
            server_exe,
            node: find_node(),
            servers: vec![ServerKind::Ours, ServerKind::Node, ServerKind::Raw],
            pin: true,
            verbose: true,
        }
    }

    /// `--quick`: the same scenarios with shorter windows (a few minutes in all).
    pub fn quick(server_exe: PathBuf) -> Self {
        Plan {
            rounds: 3,
            window: Duration::from_secs(1),
            warmup: Duration::from_millis(200),
            bulk_bytes: 64 << 20,
            ..Plan::full(server_exe)
        }
    }
}

/// `node` on PATH, if it runs.
pub fn find_node() -> Option<PathBuf> {
    let ok = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| PathBuf::from("node"))
}

/// One scenario's medians and ratios.
#[derive(Debug, Clone)]
pub struct ScenarioReport {
    /// The scenario's name.
    pub name: String,
    /// The metric the ratios are of.
    pub primary: &'static str,
    /// Whether more of `primary` is better (bulk MiB/s); ratios are then
    /// other ÷ ours, so that lower is better for every ratio.
    pub higher_is_better: bool,
    /// Median of every metric over the rounds, per server (`None`: not run).
    pub ours: Option<Metrics>,
    /// Node's.
    pub node: Option<Metrics>,
    /// Raw tokio-rustls's.
    pub raw: Option<Metrics>,
    /// ours ÷ node of the primary metric (lower is better): the median over
    /// rounds of each round's ratio.
    pub ratio_node: Option<f64>,
    /// ours ÷ raw of the primary metric (lower is better), as `ratio_node`.
    pub ratio_raw: Option<f64>,
    /// ours ÷ node of the medians (shown for comparison; drifts between
    /// rounds do not cancel in it).
    pub ratio_node_of_medians: Option<f64>,
    /// ours ÷ raw of the medians.
    pub ratio_raw_of_medians: Option<f64>,
    /// The target for `ratio_node`, if it sets one.
    pub target_node: Option<f64>,
    /// The target for `ratio_raw`.
    pub target_raw: f64,
}

/// Named metric values, in a fixed order.
pub type Metrics = Vec<(String, f64)>;

/// A whole run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Per scenario, in run order.
    pub scenarios: Vec<ScenarioReport>,
    /// Things the reader must know (skipped columns, no pinning, ...).
    pub notes: Vec<String>,
}

struct Scenario {
    kind: Kind,
    rsa: bool,
    spec_version: &'static rustls::SupportedProtocolVersion,
    suite: rustls::SupportedCipherSuite,
    resume: Resume,
    session_id_server: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Handshakes,
    Bulk,
    Idle,
    Concurrency,
}

fn scenario(name: &str) -> Res<Scenario> {
    use rustls::version::{TLS12, TLS13};
    let tls13 = cipher_suite::TLS13_AES_128_GCM_SHA256;
    let tls12 = cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
    let s = |kind, rsa, spec_version, suite, resume| Scenario {
        kind,
        rsa,
        spec_version,
        suite,
        resume,
        session_id_server: false,
    };
    Ok(match name {
        "handshake-tls13-ecdsa" => s(Kind::Handshakes, false, &TLS13, tls13, Resume::Off),
        "handshake-tls13-rsa" => s(Kind::Handshakes, true, &TLS13, tls13, Resume::Off),
        "handshake-tls12-ecdsa" => s(Kind::Handshakes, false, &TLS12, tls12, Resume::Off),
        "resume-tls13-ticket" => s(Kind::Handshakes, false, &TLS13, tls13, Resume::Tickets),
        "resume-tls12-ticket" => s(Kind::Handshakes, false, &TLS12, tls12, Resume::Tickets),
        "resume-tls12-session-id" => Scenario {
            session_id_server: true,
            ..s(Kind::Handshakes, false, &TLS12, tls12, Resume::SessionId)
        },
        "bulk-aes128gcm" => s(Kind::Bulk, false, &TLS13, tls13, Resume::Off),
        "bulk-chacha20" => s(
            Kind::Bulk,
            false,
            &TLS13,
            cipher_suite::TLS13_CHACHA20_POLY1305_SHA256,
            Resume::Off,
        ),
        "idle-10k" => s(Kind::Idle, false, &TLS13, tls13, Resume::Off),
        "handshake-concurrency" => s(Kind::Concurrency, false, &TLS13, tls13, Resume::Off),
        other => {
            return Err(format!(
                "unknown scenario {other:?}; scenarios: {}",
                SCENARIOS.join(" ")
            )
            .into())
        }
    })
}

/// The primary metric, whether higher is better, and the target for
/// ours ÷ node.
fn primary(name: &str) -> (&'static str, bool, Option<f64>) {
    match name {
        "handshake-tls13-ecdsa" | "handshake-tls12-ecdsa" => ("cpu_us_per_op", false, Some(0.40)),
        "handshake-tls13-rsa" => ("cpu_us_per_op", false, Some(0.65)),
        "resume-tls13-ticket" => ("cpu_us_per_resumption", false, Some(0.40)),
        "resume-tls12-ticket" => ("cpu_us_per_resumption", false, Some(0.35)),
        "resume-tls12-session-id" => ("cpu_us_per_resumption", false, None),
        // ≥ 2× Node's MB/s: node ÷ ours ≤ 0.5.
        "bulk-aes128gcm" => ("mib_per_s", true, Some(0.5)),
        "bulk-chacha20" => ("mib_per_s", true, None),
        "idle-10k" => ("rss_kib_per_conn", false, Some(0.5)),
        _ => ("cpu_us_per_op", false, None),
    }
}

/// The certificates, keys and Node script of a run, in a temp dir.
struct Files {
    _dir: tempfile::TempDir,
    ec: (PathBuf, PathBuf, Vec<u8>),
    rsa: (PathBuf, PathBuf, Vec<u8>),
    script: PathBuf,
}

fn make_files() -> Res<Files> {
    use tls_pki::generate::{make_certificate, CertificateOptions, KeyType, SubjectAltName};
    let dir = tempfile::Builder::new()
        .prefix("nodetls-bench-")
        .tempdir()?;
    let write = |name: &str, key_type| -> Res<(PathBuf, PathBuf, Vec<u8>)> {
        let generated = make_certificate(
            &CertificateOptions {
                key_type,
                subject_alt_names: vec![SubjectAltName::Dns("localhost".to_owned())],
                ..CertificateOptions::default()
            },
            None,
        )?;
        let cert = dir.path().join(format!("{name}-cert.pem"));
        let key = dir.path().join(format!("{name}-key.pem"));
        std::fs::write(&cert, &generated.cert_pem)?;
        std::fs::write(&key, &generated.key_pem)?;
        Ok((cert, key, generated.cert_der.to_vec()))
    };
    let ec = write("ec", KeyType::EcP256)?;
    let rsa = write("rsa", KeyType::Rsa2048)?;
    let script = dir.path().join("echo_server.js");
    std::fs::write(&script, NODE_SCRIPT)?;
    Ok(Files {
        _dir: dir,
        ec,
        rsa,
        script,
    })
}

/// A server process; killed when dropped.
struct ServerProc {
    child: Child,
    pid: u32,
    addr: SocketAddr,
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_server(
    plan: &Plan,
    files: &Files,
    kind: ServerKind,
    rsa: bool,
    mode: &str,
) -> Res<ServerProc> {
    let (cert, key, _) = if rsa { &files.rsa } else { &files.ec };
    let mut argv: Vec<std::ffi::OsString> = Vec::new();
    if plan.pin {
        argv.extend(["taskset".into(), "-c".into(), "0".into()]);
    }
    match kind {
        ServerKind::Ours | ServerKind::Raw => {
            argv.push(plan.server_exe.clone().into());
            argv.extend(["bench-server".into(), kind.name().into()]);
        }
        ServerKind::Node => {
            argv.push(plan.node.clone().ok_or("no node")?.into());
            argv.push(files.script.clone().into());
        }
    }
    argv.extend([cert.into(), key.into(), mode.into()]);
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {argv:?}: {e}"))?;
    let pid = child.id();
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let port: u16 = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("{} server did not start (said {line:?})", kind.name()))?;
    Ok(ServerProc {
        child,
        pid,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
    })
}

/// Clock ticks per second of `/proc/PID/stat` times (`getconf CLK_TCK`; Linux's
/// USER_HZ is 100 wherever it cannot be asked).
fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .unwrap_or(100.0)
}

/// utime + stime of a process (all its threads), in seconds.
fn cpu_seconds(pid: u32, ticks: f64) -> Res<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').ok_or("bad /proc/PID/stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime); `rest` starts at field 3.
    let utime: f64 = fields.get(11).ok_or("short stat")?.parse()?;
    let stime: f64 = fields.get(12).ok_or("short stat")?.parse()?;
    Ok((utime + stime) / ticks)
}

/// VmRSS of a process, in KiB.
fn rss_kib(pid: u32) -> Res<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .ok_or("no VmRSS")?;
    Ok(line.trim().trim_end_matches("kB").trim().parse()?)
}

fn client_spec(s: &Scenario, files: &Files) -> ClientSpec {
    let der = if s.rsa { &files.rsa.2 } else { &files.ec.2 };
    ClientSpec {
        version: s.spec_version,
        suite: s.suite,
        // X25519 is what every server picks. TLS 1.2 needs P-256 offered too:
        // there `supported_groups` also names the curves of ECDSA certificates
        // the client accepts (RFC 8422), and OpenSSL refuses a P-256 certificate
        // to a client that lists X25519 only.
        groups: if s.spec_version == &rustls::version::TLS12 {
            vec![kx_group::X25519, kx_group::SECP256R1]
        } else {
            vec![kx_group::X25519]
        },
        resume: s.resume,
        server_cert: rustls_pki_types::CertificateDer::from(der.clone()),
    }
}

fn make_configs(spec: &ClientSpec, n: usize) -> Res<Vec<Arc<rustls::ClientConfig>>> {
    (0..n.max(1)).map(|_| client::config(spec)).collect()
}

/// What one server did over the slices of a round.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    cpu: f64,
    /// Operations; for bulk, bytes echoed.
    ops: usize,
    resumed: usize,
    elapsed: Duration,
}

/// The server order of slice `k`: as given, reversed on every other slice, so
/// that no server is always measured first.
fn slice_order(n: usize, k: usize) -> Vec<usize> {
    if k.is_multiple_of(2) {
        (0..n).collect()
    } else {
        (0..n).rev().collect()
    }
}

/// The bytes slice `k` of `slices` echoes: whole records, as the load
/// generator sends them, spread so that the slices add up to `total` rounded
/// up to whole records (one record at least per slice).
fn slice_bytes(total: usize, slices: usize, k: usize) -> usize {
    let records = total.div_ceil(sealed::MAX_PLAIN);
    let mine = records / slices + usize::from(k < records % slices);
    mine.max(1) * sealed::MAX_PLAIN
}

/// One round of a handshake, resumption, concurrency or bulk scenario: every
/// server of the round is started and warmed up, then the window (each
/// level's, for `handshake-concurrency`) is cut into `plan.slices` slices and
/// each slice measures each server in turn (the others sit idle).
/// A change in the machine's speed during the round (other tenants, clock)
/// then falls on every server alike, where one window per server, taken
/// seconds apart, gave rounds whose ratios spread from 0.85 to 1.25. Returns
/// the metrics in the order of `kinds`.
async fn run_round(
    plan: &Plan,
    files: &Files,
    s: &Scenario,
    kinds: &[ServerKind],
    ticks: f64,
) -> Res<Vec<Metrics>> {
    let mode = if s.session_id_server {
        "session-id"
    } else {
        "tickets"
    };
    let servers = kinds
        .iter()
        .map(|&kind| spawn_server(plan, files, kind, s.rsa, mode))
        .collect::<Res<Vec<_>>>()?;
    let spec = client_spec(s, files);
    let slices = plan.slices.max(1);
    let mut out = Vec::with_capacity(servers.len());
    match s.kind {
        Kind::Handshakes => {
            let totals = sliced_handshakes(plan, &spec, &servers, plan.concurrency, ticks).await?;
            for (server, t) in servers.iter().zip(&totals) {
                out.push(handshake_metrics(plan, s, &spec, server, t, ticks).await?);
            }
        }
        Kind::Bulk => {
            // The sealed load generator takes the traffic keys out of rustls.
            let mut config = (*client::config(&spec)?).clone();
            config.enable_secret_extraction = true;
            let config = Arc::new(config);
            let mut totals = vec![Totals::default(); servers.len()];
            for server in &servers {
                sealed::bulk(&config, server.addr, plan.bulk_bytes.min(1 << 20)).await?;
            }
            for k in 0..slices {
                let bytes = slice_bytes(plan.bulk_bytes, slices, k);
                for i in slice_order(servers.len(), k) {
                    let before = cpu_seconds(servers[i].pid, ticks)?;
                    let elapsed = sealed::bulk(&config, servers[i].addr, bytes).await?;
                    let t = &mut totals[i];
                    t.cpu += cpu_seconds(servers[i].pid, ticks)? - before;
                    t.ops += bytes;
                    t.elapsed += elapsed;
                }
            }
            for t in &totals {
                let mib = count(t.ops) / f64::from(1u32 << 20);
                out.push(vec![
                    ("mib_per_s".to_owned(), mib / t.elapsed.as_secs_f64()),
                    ("cpu_ms_per_mib".to_owned(), t.cpu * 1e3 / mib),
                    ("mib".to_owned(), mib),
                ]);
            }
        }
        Kind::Concurrency => {
            // Per level: warm-up, then that level's window in slices, as above.
            let mut levels = vec![Metrics::new(); servers.len()];
            let (mut cpu, mut ops) = (vec![0.0; servers.len()], vec![0.0; servers.len()]);
            for &level in &plan.levels {
                let at_level = sliced_handshakes(plan, &spec, &servers, level, ticks).await?;
                for (i, t) in at_level.iter().enumerate() {
                    let n = count(t.ops);
                    levels[i].push((format!("c{level}_ops_per_s"), n / t.elapsed.as_secs_f64()));
                    levels[i].push((format!("c{level}_cpu_us_per_op"), t.cpu * 1e6 / n));
                    cpu[i] += t.cpu;
                    ops[i] += n;
                }
            }
            for (i, mut m) in levels.into_iter().enumerate() {
                m.push(("cpu_us_per_op".to_owned(), cpu[i] * 1e6 / ops[i]));
                out.push(m);
            }
        }
        Kind::Idle => {
            return Err("run_round runs handshake, concurrency and bulk scenarios".into());
        }
    }
    Ok(out)
}

/// Handshakes against each of `servers` with `workers` concurrent clients
/// (each server its own client configs and session stores): a warm-up, then
/// `plan.window` cut into slices, each slice measuring every server in turn.
/// The servers' totals, in their order.
async fn sliced_handshakes(
    plan: &Plan,
    spec: &ClientSpec,
    servers: &[ServerProc],
    workers: usize,
    ticks: f64,
) -> Res<Vec<Totals>> {
    let configs = servers
        .iter()
        .map(|_| make_configs(spec, workers))
        .collect::<Res<Vec<_>>>()?;
    for (server, c) in servers.iter().zip(&configs) {
        client::handshakes(c, server.addr, plan.warmup).await?;
    }
    let slices = plan.slices.max(1);
    let slice = plan.window / u32::try_from(slices)?;
    let mut totals = vec![Totals::default(); servers.len()];
    for k in 0..slices {
        for i in slice_order(servers.len(), k) {
            let before = cpu_seconds(servers[i].pid, ticks)?;
            let o = client::handshakes(&configs[i], servers[i].addr, slice).await?;
            let t = &mut totals[i];
            t.cpu += cpu_seconds(servers[i].pid, ticks)? - before;
            t.ops += o.ops;
            t.resumed += o.resumed;
            t.elapsed += o.elapsed;
        }
    }
    Ok(totals)
}

/// The metrics of a handshake or resumption scenario from one server's totals.
async fn handshake_metrics(
    plan: &Plan,
    scenario: &Scenario,
    spec: &ClientSpec,
    server: &ServerProc,
    totals: &Totals,
    ticks: f64,
) -> Res<Metrics> {
    let ops = count(totals.ops);
    let mut metrics: Metrics = vec![
        ("cpu_us_per_op".to_owned(), totals.cpu * 1e6 / ops),
        ("ops_per_s".to_owned(), ops / totals.elapsed.as_secs_f64()),
        ("ops".to_owned(), ops),
        ("resumed_fraction".to_owned(), count(totals.resumed) / ops),
    ];
    if scenario.resume != Resume::Off {
        // Node sends no new ticket on a resumed TLS 1.3 connection, so a client
        // resumes two connections per full handshake there; the full
        // handshakes' share (measured right after, in the same process) is
        // taken out to get the cost of one resumption.
        let full = count(totals.ops - totals.resumed);
        let per_resumption = if full == 0.0 {
            totals.cpu / ops
        } else {
            let full_spec = ClientSpec {
                resume: Resume::Off,
                ..spec.clone()
            };
            let full_configs = make_configs(&full_spec, plan.concurrency)?;
            let before = cpu_seconds(server.pid, ticks)?;
            let full_run = client::handshakes(&full_configs, server.addr, plan.window / 2).await?;
            let per_full = (cpu_seconds(server.pid, ticks)? - before) / count(full_run.ops);
            metrics.push(("cpu_us_per_full_handshake".to_owned(), per_full * 1e6));
            (totals.cpu - full * per_full) / count(totals.resumed.max(1))
        };
        metrics.push(("cpu_us_per_resumption".to_owned(), per_resumption * 1e6));
    }
    Ok(metrics)
}

/// One run of one scenario against one server: its metrics.
async fn run_one(
    plan: &Plan,
    files: &Files,
    s: &Scenario,
    kind: ServerKind,
    ticks: f64,
) -> Res<Metrics> {
    let mode = if s.session_id_server {
        "session-id"
    } else {
        "tickets"
    };
    let server = spawn_server(plan, files, kind, s.rsa, mode)?;
    let (pid, addr) = (server.pid, server.addr);
    let spec = client_spec(s, files);
    let mut m: Metrics = Vec::new();
    let mut put = |k: &str, v: f64| m.push((k.to_owned(), v));
    match s.kind {
        Kind::Handshakes | Kind::Bulk | Kind::Concurrency => {
            return Err(
                "handshake, concurrency and bulk scenarios run in rounds (run_round)".into(),
            );
        }
        Kind::Idle => {
            let config = client::config(&spec)?;
            // Warm the server's allocator and runtime first.
            drop(client::open_idle(&config, addr, 100.min(plan.idle_conns), 16).await?);
            tokio::time::sleep(Duration::from_millis(300)).await;
            let rss_before = rss_kib(pid)?;
            let before = cpu_seconds(pid, ticks)?;
            let start = Instant::now();
            let held = client::open_idle(&config, addr, plan.idle_conns, 64).await?;
            let elapsed = start.elapsed();
            tokio::time::sleep(Duration::from_secs(1)).await;
            let rss_after = rss_kib(pid)?;
            let cpu = cpu_seconds(pid, ticks)? - before;
            let n = count(held.len());
            put("rss_kib_per_conn", (rss_after - rss_before) / n);
            put("cpu_us_per_conn", cpu * 1e6 / n);
            put("conns_per_s", n / elapsed.as_secs_f64());
            put("conns", n);
            drop(held);
        }
    }
    drop(server);
    Ok(m)
}

/// A count as a float (counts here stay far below 2^52, so exactly).
#[allow(clippy::cast_precision_loss)]
fn count(n: usize) -> f64 {
    n as f64
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        f64::midpoint(values[n / 2 - 1], values[n / 2])
    }
}

fn medians(runs: &[Metrics]) -> Option<Metrics> {
    let first = runs.first()?;
    Some(
        first
            .iter()
            .map(|(k, _)| {
                let mut vals: Vec<f64> = runs
                    .iter()
                    .filter_map(|r| r.iter().find(|(k2, _)| k2 == k).map(|(_, v)| *v))
                    .collect();
                (k.clone(), median(&mut vals))
            })
            .collect(),
    )
}

fn get(m: Option<&Metrics>, key: &str) -> Option<f64> {
    m?.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
}

/// Says which `memcpy` the servers get. On AMD CPUs with FSRM (Zen 3 and
/// later), glibc (2.36 here) copies buffers from ~2 KiB up with `rep movsb`,
/// which runs at ~2 GB/s instead of tens when the destination lies a few bytes
/// past the source modulo 4 KiB (glibc bug 30994), as glibc's allocator places
/// equal-sized buffers. `tls-node` copies in pieces below that size (its
/// `copy` module); rustls's own copy of each received record and raw
/// tokio-rustls's copies still take that path. glibc's tunable, which every
/// process of the run inherits from the environment, turns it off; see
/// docs/performance.md.
fn memcpy_notes(notes: &mut Vec<String>) {
    if let Ok(tunables) = std::env::var("GLIBC_TUNABLES") {
        notes.push(format!(
            "GLIBC_TUNABLES={tunables}: set for every server and the load generator"
        ));
        return;
    }
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let flags = cpuinfo
        .lines()
        .find(|l| l.starts_with("flags"))
        .unwrap_or_default();
    if cpuinfo.contains("AuthenticAMD") && flags.split_whitespace().any(|f| f == "fsrm") {
        notes.push(
            "AMD CPU with FSRM: glibc may copy rustls's records with \
             `rep movsb`, slow on these CPUs for the buffer placements glibc's \
             allocator makes (ours avoids it except in rustls's copy of received \
             records; raw does not); \
             GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=1000000 lifts that \
             (docs/performance.md, \"Profiling\", item 5)"
                .to_owned(),
        );
    }
}

/// Pins this process (every thread) to CPU 1; says why not when it cannot.
fn pin_self(notes: &mut Vec<String>) -> bool {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if cpus < 2 {
        notes.push(format!("not pinned: only {cpus} CPU available"));
        return false;
    }
    let pid = std::process::id().to_string();
    match Command::new("taskset")
        .args(["-a", "-p", "-c", "1", &pid])
        .stdout(Stdio::null())
        .status()
    {
        Ok(s) if s.success() => true,
        Ok(s) => {
            notes.push(format!("not pinned: taskset failed ({s})"));
            false
        }
        Err(e) => {
            notes.push(format!("not pinned: taskset unavailable ({e})"));
            false
        }
    }
}

/// Runs the plan; progress goes to stderr when `plan.verbose`.
pub fn run(plan: &Plan) -> Res<Report> {
    let mut plan = plan.clone();
    let mut report = Report::default();
    for name in &plan.scenarios {
        scenario(name)?;
    }
    if plan.pin {
        plan.pin = pin_self(&mut report.notes);
    }
    memcpy_notes(&mut report.notes);
    if plan.node.is_none() {
        report
            .notes
            .push("node not found: the Node column is skipped".to_owned());
    }
    // Both sides of 10 000 connections: the servers inherit the raised limit.
    let nofile = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(0);
    let idle_ok = nofile >= plan.idle_conns as u64 + 256;
    let ticks = clock_ticks();
    let files = make_files()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let servers: Vec<ServerKind> = plan
        .servers
        .iter()
        .copied()
        .filter(|k| *k != ServerKind::Node || plan.node.is_some())
        .collect();

    for name in &plan.scenarios {
        let s = scenario(name)?;
        if s.kind == Kind::Idle && !idle_ok {
            report.notes.push(format!(
                "{name} skipped: RLIMIT_NOFILE is {nofile}, {} connections need more",
                plan.idle_conns
            ));
            continue;
        }
        let mut runs: Vec<Vec<Metrics>> = vec![Vec::new(); servers.len()];
        let orders = round_orders(servers.len());
        let show = |kind: ServerKind, m: &Metrics| {
            if plan.verbose {
                let items: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v:.1}")).collect();
                eprintln!("bench:   {} {}", kind.name(), items.join(" "));
            }
        };
        for round in 0..plan.rounds {
            let order = &orders[round % orders.len()];
            if s.kind != Kind::Idle {
                let kinds: Vec<ServerKind> = order.iter().map(|&i| servers[i]).collect();
                if plan.verbose {
                    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
                    eprintln!("bench: {name} round {} {}", round + 1, names.join(","));
                }
                let ms = runtime
                    .block_on(run_round(&plan, &files, &s, &kinds, ticks))
                    .map_err(|e| format!("{name} round {}: {e}", round + 1))?;
                for (&idx, m) in order.iter().zip(ms) {
                    show(servers[idx], &m);
                    runs[idx].push(m);
                }
                continue;
            }
            for &idx in order {
                let kind = servers[idx];
                if plan.verbose {
                    eprintln!("bench: {name} round {} {}", round + 1, kind.name());
                }
                let m = runtime
                    .block_on(run_one(&plan, &files, &s, kind, ticks))
                    .map_err(|e| format!("{name} / {}: {e}", kind.name()))?;
                show(kind, &m);
                runs[idx].push(m);
            }
        }
        let by = |k: ServerKind| {
            servers
                .iter()
                .position(|s| *s == k)
                .and_then(|i| medians(&runs[i]))
        };
        let (key, higher, target_node) = primary(name);
        let (ours, node, raw) = (
            by(ServerKind::Ours),
            by(ServerKind::Node),
            by(ServerKind::Raw),
        );
        let oriented = |o: f64, x: f64| if higher { x / o } else { o / x };
        let ratio_of_medians =
            |other: Option<&Metrics>| Some(oriented(get(ours.as_ref(), key)?, get(other, key)?));
        // The ratio reported: the median over rounds of the ratio within each
        // round. The servers of one round run back to back (or slice by slice,
        // `run_round`), so a machine that is busier or slower in one round than
        // in another shifts both sides of that round's ratio alike; a ratio of
        // medians taken from different rounds does not cancel that drift.
        let per_round = |kind: ServerKind| {
            let ours_runs = &runs[servers.iter().position(|s| *s == ServerKind::Ours)?];
            let other_runs = &runs[servers.iter().position(|s| *s == kind)?];
            let mut ratios: Vec<f64> = ours_runs
                .iter()
                .zip(other_runs)
                .filter_map(|(o, x)| Some(oriented(get(Some(o), key)?, get(Some(x), key)?)))
                .collect();
            (!ratios.is_empty()).then(|| median(&mut ratios))
        };
        report.scenarios.push(ScenarioReport {
            name: name.clone(),
            primary: key,
            higher_is_better: higher,
            ratio_node: per_round(ServerKind::Node),
            ratio_raw: per_round(ServerKind::Raw),
            ratio_node_of_medians: ratio_of_medians(node.as_ref()),
            ratio_raw_of_medians: ratio_of_medians(raw.as_ref()),
            ours,
            node,
            raw,
            target_node,
            target_raw: 1.10,
        });
    }
    Ok(report)
}

/// The order of the servers in each round: first the rotations (each server
/// once in each position), then the reversed rotations, so that over six
/// rounds each server also follows each other server equally often (a server
/// can leave the machine warmer or busier for the next one).
fn round_orders(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        // No server to run (e.g. `--servers node` without node): empty rounds.
        return vec![Vec::new()];
    }
    let rotation = |r: usize| (0..n).map(|i| (i + r) % n).collect::<Vec<_>>();
    let mut orders: Vec<Vec<usize>> = (0..n).map(rotation).collect();
    if n > 2 {
        orders.extend((0..n).map(|r| rotation(r).into_iter().rev().collect::<Vec<_>>()));
    }
    orders
}

fn metrics_json(m: Option<&Metrics>) -> serde_json::Value {
    match m {
        None => serde_json::Value::Null,
        Some(m) => serde_json::Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), serde_json::json!(round3(*v))))
                .collect(),
        ),
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

impl Report {
    /// `{"scenarios":{NAME:{"ours":{..},"node":{..},"raw":{..},"ratio_node":x,"ratio_raw":y}}}`
    /// plus what each ratio is of, the targets, and the notes.
    pub fn to_json(&self) -> serde_json::Value {
        let scenarios: serde_json::Map<String, serde_json::Value> = self
            .scenarios
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    serde_json::json!({
                        "ours": metrics_json(s.ours.as_ref()),
                        "node": metrics_json(s.node.as_ref()),
                        "raw": metrics_json(s.raw.as_ref()),
                        "ratio_node": s.ratio_node.map(round3),
                        "ratio_raw": s.ratio_raw.map(round3),
                        "ratio_method": "median over rounds of each round's ratio",
                        "ratio_node_of_medians": s.ratio_node_of_medians.map(round3),
                        "ratio_raw_of_medians": s.ratio_raw_of_medians.map(round3),
                        "primary": s.primary,
                        "ratio_is": if s.higher_is_better { "other / ours" } else { "ours / other" },
                        "target_node": s.target_node,
                        "target_raw": s.target_raw,
                    }),
                )
            })
            .collect();
        serde_json::json!({ "scenarios": scenarios, "notes": self.notes })
    }

    /// The table: medians of the primary metric per server, the ratios, the
    /// targets (`ok` / `MISS`).
    pub fn table(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| scenario | metric | ours | node | raw | ours/node | target | ours/raw | target |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---|---:|---|");
        let f = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"));
        let r = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
        let verdict = |v: Option<f64>, t: Option<f64>| match (v, t) {
            (Some(v), Some(t)) => format!("≤{t:.2} {}", if v <= t { "ok" } else { "MISS" }),
            _ => "-".to_owned(),
        };
        for s in &self.scenarios {
            let k = s.primary;
            let metric = if s.higher_is_better {
                format!("{k} (ratio: other÷ours)")
            } else {
                k.to_owned()
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                s.name,
                metric,
                f(get(s.ours.as_ref(), k)),
                f(get(s.node.as_ref(), k)),
                f(get(s.raw.as_ref(), k)),
                r(s.ratio_node),
                verdict(s.ratio_node, s.target_node),
                r(s.ratio_raw),
                verdict(s.ratio_raw, Some(s.target_raw)),
            );
        }
        out
    }

    /// Every median metric, one line per scenario and server.
    pub fn details(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for s in &self.scenarios {
            for (who, m) in [("ours", &s.ours), ("node", &s.node), ("raw", &s.raw)] {
                if let Some(m) = m {
                    let items: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v:.2}")).collect();
                    let _ = writeln!(out, "{} {who}: {}", s.name, items.join(" "));
                }
            }
        }
        out
    }
}

/// `cargo xtask bench [--quick] [--json FILE] [SCENARIO...]`.
pub fn main(args: &[String]) -> Res<()> {
    let exe = std::env::current_exe()?;
    let mut quick = false;
    let mut json: Option<PathBuf> = None;
    let mut names = Vec::new();
    let mut servers = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => quick = true,
            "--json" => json = Some(it.next().ok_or("--json needs a FILE")?.into()),
            // For profiling one server: `--servers ours`.
            "--servers" => {
                let list = it.next().ok_or("--servers needs ours,node,raw")?;
                servers = Some(
                    list.split(',')
                        .map(|s| match s {
                            "ours" => Ok(ServerKind::Ours),
                            "node" => Ok(ServerKind::Node),
                            "raw" => Ok(ServerKind::Raw),
                            other => Err(format!("unknown server {other:?}")),
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                );
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s}").into()),
            s => names.push(s.to_owned()),
        }
    }
    let mut plan = if quick {
        Plan::quick(exe)
    } else {
        Plan::full(exe)
    };
    if !names.is_empty() {
        plan.scenarios = names;
    }
    if let Some(servers) = servers {
        plan.servers = servers;
    }
    let started = Instant::now();
    let report = run(&plan)?;
    for note in &report.notes {
        println!("NOTE: {note}");
    }
    println!(
        "{} run, {} rounds; medians, and ratios of the primary metric (median of the rounds' ratios), lower is better ({:.0} s)\n",
        if quick { "--quick" } else { "full" },
        plan.rounds,
        started.elapsed().as_secs_f64()
    );
    print!("{}", report.table());
    println!();
    print!("{}", report.details());
    if let Some(path) = json {
        write_json(&path, &report)?;
    }
    Ok(())
}

fn write_json(path: &Path, report: &Report) -> Res<()> {
    let text = serde_json::to_string_pretty(&report.to_json())?;
    std::fs::write(path, text + "\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_orders_balance_positions_and_predecessors() {
        let orders = round_orders(3);
        assert_eq!(orders.len(), 6);
        let mut position = [[0; 3]; 3];
        let mut follows = [[0; 3]; 3];
        for order in &orders {
            for (pos, &s) in order.iter().enumerate() {
                position[s][pos] += 1;
            }
            for pair in order.windows(2) {
                follows[pair[1]][pair[0]] += 1;
            }
        }
        assert!(position.iter().flatten().all(|&n| n == 2));
        for (s, row) in follows.iter().enumerate() {
            for (p, &n) in row.iter().enumerate() {
                assert_eq!(n, usize::from(s != p) * 2, "{s} after {p}");
            }
        }
        // The first three (a --quick run) are the rotations.
        assert_eq!(orders[..3], [vec![0, 1, 2], vec![1, 2, 0], vec![2, 0, 1]]);
        assert_eq!(round_orders(2), [vec![0, 1], vec![1, 0]]);
        assert_eq!(round_orders(1), [vec![0]]);
        assert_eq!(round_orders(0), [Vec::<usize>::new()]);
    }

    #[test]
    fn slices_measure_every_server_once_and_alternate_who_goes_first() {
        for n in 1..=3 {
            let first: Vec<usize> = (0..4).map(|k| slice_order(n, k)[0]).collect();
            for k in 0..4 {
                let mut order = slice_order(n, k);
                order.sort_unstable();
                assert_eq!(order, (0..n).collect::<Vec<_>>(), "slice {k} of {n}");
            }
            if n > 1 {
                assert_eq!(first, [0, n - 1, 0, n - 1]);
            }
        }
    }

    #[test]
    fn bulk_slices_add_up_to_the_whole_echo() {
        for (total, slices) in [(256 << 20, 3), (1 << 20, 3), (64 << 20, 1), (100_000, 3)] {
            let sum: usize = (0..slices).map(|k| slice_bytes(total, slices, k)).sum();
            assert_eq!(sum, total.div_ceil(16_384) * 16_384, "{total} in {slices}");
        }
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        let mut v = [1.3, 0.9, 1.0];
        assert!((median(&mut v) - 1.0).abs() < 1e-9);
        let mut v = [2.0, 1.0];
        assert!((median(&mut v) - 1.5).abs() < 1e-9);
    }
}
