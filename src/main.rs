//! The `dynoxide` command: the HTTP server (`dynoxide` or `dynoxide serve`) and `dynoxide explain`.

use clap::{Args, Parser, Subcommand};
use dynoxide::Database;
use std::path::PathBuf;

/// A DynamoDB emulator backed by SQLite.
#[derive(Parser)]
#[command(
    name = "dynoxide",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve(ServeArgs),
    /// Show how a request becomes SQL: its IR, optimised plan, SQL, parameters, query plan.
    Explain(ExplainArgs),
    /// Serve MCP (Model Context Protocol) tools for coding agents: stdio, or --http.
    #[cfg(feature = "mcp-server")]
    Mcp(McpArgs),
    /// Import a DynamoDB Export (as downloaded from S3) into a database file.
    #[cfg(feature = "import")]
    Import(ImportArgs),
    /// Change an encrypted database file's key (and its snapshots').
    // Listed only where it can work; elsewhere it still answers, saying how to get a build.
    #[command(hide = !dynoxide::EncryptionKey::AVAILABLE)]
    Rekey(RekeyArgs),
}

#[cfg(feature = "import")]
#[derive(Args)]
struct ImportArgs {
    /// The export folder: DIR/<Table>/data/*.json.gz (also .json, .jsonl, .jsonl.gz).
    #[arg(long, value_name = "DIR")]
    source: PathBuf,
    /// DescribeTable output for the tables ({"Table": ...}, or a JSON array of them).
    #[arg(long, value_name = "FILE")]
    schema: PathBuf,
    /// The database file to write (refused if it exists, unless --force).
    #[arg(long, value_name = "OUT.db")]
    output: PathBuf,
    /// Only these tables (comma-separated); each must be in the export.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    tables: Option<Vec<String>>,
    /// Replace an existing output file (only once the import succeeded).
    #[arg(long)]
    force: bool,
    /// Skip a bad line or item (each reported with its file and line) instead of stopping.
    #[arg(long)]
    continue_on_error: bool,
    /// Write OUT.db.zst (one zstd frame of the SQLite file) instead of OUT.db; the server and
    /// `dynoxide mcp` open it with --db-path directly.
    #[arg(long)]
    compress: bool,
    /// Anonymisation rules (TOML): fake, mask, hash, redact or null values at paths.
    #[arg(long, value_name = "rules.toml")]
    rules: Option<PathBuf>,
    /// Write the output even when original values of ruled paths survive into it (otherwise
    /// nothing is written and the exit code is 3).
    #[arg(long)]
    accept_exposure: bool,
    /// Encrypt the output with the key in this file (64 hex characters; mode 600), or with
    /// DYNOXIDE_ENCRYPTION_KEY. Needs an encryption build.
    #[arg(long, value_name = "FILE")]
    encryption_key_file: Option<PathBuf>,
}

#[cfg(feature = "mcp-server")]
#[derive(Args)]
struct McpArgs {
    /// SQLite file to keep data in; in memory when absent.
    #[arg(long, env = "DYNOXIDE_DB_PATH")]
    db_path: Option<PathBuf>,
    /// Serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio.
    #[arg(long)]
    http: bool,
    /// Address to listen on (--http).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (--http; 0 picks a free one).
    #[arg(long, default_value_t = 19280)]
    port: u16,
    /// The bearer token HTTP requests must carry; generated and printed to stderr when absent.
    #[arg(long, env = "DYNOXIDE_MCP_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Accept HTTP requests without a token (loopback addresses only; a token given is ignored).
    #[arg(long, requires = "http")]
    no_auth: bool,
    /// A host name accepted in Host and Origin headers besides loopback (repeatable).
    #[arg(long = "allow-host", value_name = "NAME", requires = "http")]
    allow_host: Vec<String>,
    /// Refuse every tool that writes.
    #[arg(long)]
    read_only: bool,
    /// Most items a query, scan or PartiQL SELECT returns per call.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_items: Option<u64>,
    /// Most bytes of items a query, scan or PartiQL SELECT returns per call.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_size_bytes: Option<u64>,
    /// A OneTable schema (JSON) describing the entities, given to the agent as context.
    #[arg(long, value_name = "FILE")]
    data_model: Option<PathBuf>,
    /// Seconds between background TTL sweeps and stream trims (0 turns them off).
    #[arg(long, env = "DYNOXIDE_TTL_INTERVAL", default_value_t = 5.0, value_parser = interval)]
    ttl_interval: f64,
    /// Log level or tracing filter (logs go to stderr).
    #[arg(long, env = "DYNOXIDE_LOG", default_value = "warn")]
    log: String,
    #[command(flatten)]
    key: KeyFile,
}

#[derive(Args)]
struct ExplainArgs {
    /// SQLite file whose tables the request reads (copied into memory; the file is only read).
    #[arg(long)]
    db_path: Option<PathBuf>,
    /// A CreateTable request (JSON) to run first; repeat it for more tables.
    #[arg(long, value_name = "JSON")]
    create_table: Vec<String>,
    /// Output: readable text, or one JSON object (ir, optimized_ir, sql, params, plan).
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// The operation: Query, Scan, GetItem or ExecuteStatement (a PartiQL SELECT).
    operation: String,
    /// The request as DynamoDB JSON, or `-` to read it from standard input.
    request: String,
    #[command(flatten)]
    key: KeyFile,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "DYNOXIDE_HOST", default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "DYNOXIDE_PORT", default_value_t = 8000)]
    port: u16,
    /// SQLite file to keep data in; in memory when absent.
    #[arg(long, env = "DYNOXIDE_DB_PATH")]
    db_path: Option<PathBuf>,
    /// Seconds between background sweeps that delete TTL-expired items and trim stream
    /// records older than 24 hours (0 turns them off).
    #[arg(long, env = "DYNOXIDE_TTL_INTERVAL", default_value_t = 5.0, value_parser = interval)]
    ttl_interval: f64,
    /// Log level or tracing filter (error, warn, info, debug, trace).
    #[arg(long, env = "DYNOXIDE_LOG", default_value = "info")]
    log: String,
    #[command(flatten)]
    key: KeyFile,
}

/// `--encryption-key-file`, as the server, `dynoxide mcp` and `dynoxide explain` take it.
#[derive(Args, Clone)]
struct KeyFile {
    /// A file holding the database's encryption key (64 hex characters; mode 600). The env
    /// var DYNOXIDE_ENCRYPTION_KEY may hold the key itself instead. Needs an encryption build.
    #[arg(long, value_name = "FILE")]
    encryption_key_file: Option<PathBuf>,
}

#[derive(Args)]
struct RekeyArgs {
    /// The encrypted database file (no server may have it open).
    #[arg(long)]
    db_path: PathBuf,
    /// The file holding the current key (or DYNOXIDE_ENCRYPTION_KEY).
    #[arg(long, value_name = "FILE")]
    encryption_key_file: Option<PathBuf>,
    /// The file holding the new key (64 hex characters; mode 600).
    #[arg(long, value_name = "FILE")]
    new_key_file: PathBuf,
}

/// A sweep interval in seconds: 0 (off), or from a millisecond to a day.
fn interval(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v == 0.0 || (0.001..=86_400.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "expected 0 or a number of seconds from 0.001 to 86400, got {text:?}"
        )),
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Serve(a)) => a,
        Some(Command::Explain(e)) => return explain(e),
        #[cfg(feature = "mcp-server")]
        Some(Command::Mcp(m)) => return mcp(m),
        #[cfg(feature = "import")]
        Some(Command::Import(i)) => return import(i),
        Some(Command::Rekey(r)) => return rekey(r),
        None => cli.serve,
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&args.log)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal, not for a file or `docker logs`.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dynoxide: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn explain(args: ExplainArgs) -> std::process::ExitCode {
    match explain_text(&args) {
        Ok(out) => {
            println!("{out}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dynoxide explain: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A DynamoDB error as `Code: message`, as the service would name it.
fn described(e: dynoxide::Error) -> String {
    format!("{}: {}", e.code().as_str(), e.message())
}

fn explain_text(args: &ExplainArgs) -> Result<String, Box<dyn std::error::Error>> {
    let key = encryption_key(
        args.key.encryption_key_file.as_deref(),
        args.db_path.as_deref(),
    )?;
    let db = match &args.db_path {
        Some(p) => {
            Database::copy_of_with_key(p, key.as_ref()).map_err(|e| e.message().to_string())?
        }
        None => Database::memory()?,
    };
    for table in &args.create_table {
        db.execute("CreateTable", serde_json::from_str(table)?)
            .map_err(described)?;
    }
    let request = if args.request == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)?;
        text
    } else {
        args.request.clone()
    };
    let e = db
        .explain(&args.operation, serde_json::from_str(&request)?)
        .map_err(described)?;
    Ok(match args.format {
        Format::Text => e.to_string(),
        Format::Json => serde_json::to_string_pretty(&e)?,
    })
}

fn run(args: ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let key = encryption_key(
        args.key.encryption_key_file.as_deref(),
        args.db_path.as_deref(),
    )?;
    let (db, _decompressed) = open_database(args.db_path.as_deref(), key.as_ref())?;
    // One thread: the engine serialises requests behind one lock anyway, and a single thread
    // avoids cross-thread wake-ups (measured: less CPU per request, faster start).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    let served = db.clone();
    let result = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await?;
        let addr = listener.local_addr()?;
        let storage = match &args.db_path {
            Some(p) => p.display().to_string(),
            None => "in memory".to_string(),
        };
        println!("Dynoxide listening on http://{addr} ({storage})");
        // Stops when dropped, with the server.
        let _sweeper = (args.ttl_interval > 0.0).then(|| {
            dynoxide::server::Sweeper::spawn(
                served.clone(),
                std::time::Duration::from_secs_f64(args.ttl_interval),
            )
        });
        dynoxide::server::serve(listener, served, shutdown_signal()).await
    });
    // Writes still on blocking threads finish here; then the file is checkpointed once more.
    rt.shutdown_timeout(dynoxide::server::SHUTDOWN_GRACE);
    checkpoint_at_exit(&db);
    result?;
    tracing::info!("stopped");
    Ok(())
}

#[cfg(feature = "mcp-server")]
fn mcp(args: McpArgs) -> std::process::ExitCode {
    // stdout carries the protocol on stdio: logs go to stderr only.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&args.log)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    match run_mcp(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dynoxide mcp: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "mcp-server")]
fn run_mcp(args: McpArgs) -> Result<(), Box<dyn std::error::Error>> {
    use dynoxide::mcp::{model::DataModel, server, Mcp, Options};
    let model = match &args.data_model {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let shown = path.display().to_string();
            Some(DataModel::parse(&shown, &text).map_err(|e| format!("{shown}: {e}"))?)
        }
        None => None,
    };
    let key = encryption_key(
        args.key.encryption_key_file.as_deref(),
        args.db_path.as_deref(),
    )?;
    let (db, _decompressed) = open_database(args.db_path.as_deref(), key.as_ref())?;
    let options = Options {
        read_only: args.read_only,
        max_items: args.max_items.map(|n| n as usize),
        max_size_bytes: args.max_size_bytes.map(|n| n as usize),
        storage: match &args.db_path {
            Some(p) => p.display().to_string(),
            None => "memory".into(),
        },
    };
    let handler = server::Handler::new(Mcp::new(db.clone(), options, model));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()?;
    let served = db.clone();
    let result: Result<(), Box<dyn std::error::Error>> = rt.block_on(async move {
        // Read-only means nothing changes the data, the background sweep included.
        let _sweeper = (args.ttl_interval > 0.0 && !args.read_only).then(|| {
            dynoxide::server::Sweeper::spawn(
                served.clone(),
                std::time::Duration::from_secs_f64(args.ttl_interval),
            )
        });
        if !args.http {
            server::serve_stdio(handler).await?;
            return Ok(());
        }
        let token = if args.no_auth {
            let loopback = args
                .host
                .parse::<std::net::IpAddr>()
                .map_or(args.host == "localhost", |ip| ip.is_loopback());
            if !loopback {
                return Err(format!(
                    "--no-auth is refused on {}: without a token anyone who can reach the port gets the database; listen on a loopback address or use a token",
                    args.host
                )
                .into());
            }
            None
        } else {
            Some(match args.token {
                Some(t) if t.len() < 8 => {
                    return Err("the token must be at least 8 characters".into())
                }
                Some(t) => t,
                None => {
                    let t = new_token();
                    eprintln!("dynoxide mcp: bearer token {t} (send Authorization: Bearer {t})");
                    t
                }
            })
        };
        let mut allowed_hosts = server::HttpAccess::loopback();
        allowed_hosts.extend(args.allow_host.iter().cloned());
        let stop = tokio_util::sync::CancellationToken::new();
        let app = server::http_router(
            handler,
            server::HttpAccess {
                token,
                allowed_hosts,
            },
            stop.clone(),
        );
        let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await?;
        let addr = listener.local_addr()?;
        println!("Dynoxide MCP listening on http://{addr}/mcp");
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                stop.cancel();
            })
            .await?;
        Ok(())
    });
    rt.shutdown_timeout(dynoxide::server::SHUTDOWN_GRACE);
    checkpoint_at_exit(&db);
    result
}

/// Folds the WAL into the file at exit. When something keeps it from finishing, nothing is
/// lost (the WAL is durable and read at the next open): a warning, not a failed exit.
fn checkpoint_at_exit(db: &Database) {
    if let Err(e) = db.checkpoint() {
        tracing::warn!("checkpoint at exit: {}", e.message());
    }
}

#[cfg(feature = "import")]
fn import(args: ImportArgs) -> std::process::ExitCode {
    let key = match encryption_key(args.encryption_key_file.as_deref(), Some(&args.output)) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("dynoxide import: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let interrupt = std::sync::Arc::new(dynoxide::import::Interrupt::default());
    let opts = dynoxide::import::Options {
        source: args.source,
        schema: args.schema,
        output: args.output,
        tables: args.tables,
        force: args.force,
        continue_on_error: args.continue_on_error,
        compress: args.compress,
        rules: args.rules,
        accept_exposure: args.accept_exposure,
        interrupt: Some(interrupt.clone()),
        key,
    };
    watch_interrupts(&opts, interrupt.clone());
    // A progress bar on a terminal; otherwise a plain log line every few seconds.
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let bar = tty.then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {human_pos} items ({per_sec}) {msg} [{elapsed}]",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        bar
    });
    let started = std::time::Instant::now();
    let mut last_logged = started;
    let progress = |p: dynoxide::import::Progress| match &bar {
        Some(bar) => {
            bar.set_position(p.items as u64);
            bar.set_message(format!("{} read", indicatif::HumanBytes(p.bytes)));
        }
        None if last_logged.elapsed() >= std::time::Duration::from_secs(5) => {
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "imported {} items ({:.0}/s), {} bytes read",
                p.items,
                p.items as f64 / secs.max(1e-9),
                p.bytes
            );
            last_logged = std::time::Instant::now();
        }
        None => {}
    };
    let result = dynoxide::import::run(&opts, progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(summary) => {
            let secs = summary.elapsed.as_secs_f64();
            println!(
                "imported {} items into {} ({} bytes) in {secs:.2} s ({:.0} items/s)",
                summary.items(),
                summary.destination.display(),
                summary.bytes,
                summary.items() as f64 / secs.max(1e-9)
            );
            for (table, n) in &summary.tables {
                println!("  {table}: {n} items");
            }
            for note in &summary.notes {
                println!("note: {note}");
            }
            for r in &summary.rules {
                println!(
                    "  {}: {} values changed{}",
                    r.rule,
                    r.applied,
                    if r.exposed > 0 {
                        format!(", {} original values kept (accepted)", r.exposed)
                    } else {
                        String::new()
                    }
                );
            }
            if !summary.skipped.is_empty() {
                println!("skipped {} lines:", summary.skipped.len());
                for s in &summary.skipped {
                    println!("  {s}");
                }
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dynoxide import: {}", e.message());
            if interrupt.requested() {
                return std::process::ExitCode::from(130);
            }
            std::process::ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(feature = "import")]
/// Ctrl-C (or SIGTERM) stops an import: the first asks it to stop, so it removes its
/// temporary file and writes nothing; a second removes the temporary file and exits at once,
/// unless the output is already being moved into place. The handlers are in place before
/// this returns.
fn watch_interrupts(
    opts: &dynoxide::import::Options,
    interrupt: std::sync::Arc<dynoxide::import::Interrupt>,
) {
    let opts = opts.clone();
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        let _in_runtime = rt.enter();
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(int), Ok(term)) => (int, term),
            _ => return,
        }
    };
    std::thread::spawn(move || {
        rt.block_on(async move {
            #[cfg(unix)]
            let (mut int, mut term) = signals;
            loop {
                #[cfg(unix)]
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
                #[cfg(not(unix))]
                if tokio::signal::ctrl_c().await.is_err() {
                    return;
                }
                if !interrupt.request() {
                    eprintln!("dynoxide import: stopping (interrupt again to stop at once)");
                } else if let Some(_held) = interrupt.abandon(&opts) {
                    eprintln!("dynoxide import: interrupted; nothing was written");
                    std::process::exit(130);
                } else {
                    eprintln!("dynoxide import: the output is being moved into place");
                }
            }
        });
    });
}

/// The database at `--db-path` (a `.zst` one decompressed: into memory, or a temporary file
/// kept for the run), or a new in-memory one.
fn open_database(
    path: Option<&std::path::Path>,
    key: Option<&dynoxide::EncryptionKey>,
) -> Result<(Database, Option<tempfile::TempPath>), Box<dyn std::error::Error>> {
    Ok(match path {
        Some(p) if dynoxide::compressed::is_compressed(p) => {
            let opened = dynoxide::compressed::open(p, key).map_err(|e| e.message().to_string())?;
            tracing::info!(
                "{} decompressed ({}); changes are not written back to it",
                p.display(),
                if opened.temp.is_some() {
                    "into a temporary file"
                } else {
                    "into memory"
                }
            );
            (opened.db, opened.temp)
        }
        Some(p) => (
            Database::open(p, key).map_err(|e| e.message().to_string())?,
            None,
        ),
        None => (Database::memory()?, None),
    })
}

/// The encryption key from `--encryption-key-file`, or else DYNOXIDE_ENCRYPTION_KEY (taken
/// out of the environment once read, so child processes never see it). A key needs a file:
/// an in-memory database is never written to disk.
fn encryption_key(
    file: Option<&std::path::Path>,
    db_path: Option<&std::path::Path>,
) -> Result<Option<dynoxide::EncryptionKey>, String> {
    let from_env = std::env::var("DYNOXIDE_ENCRYPTION_KEY")
        .ok()
        .map(zeroize::Zeroizing::new);
    std::env::remove_var("DYNOXIDE_ENCRYPTION_KEY");
    let key = match (file, from_env) {
        (Some(f), _) => {
            dynoxide::EncryptionKey::from_file(f).map_err(|e| e.message().to_string())?
        }
        (None, Some(hex)) if !hex.is_empty() => dynoxide::EncryptionKey::from_hex(&hex)
            .map_err(|e| format!("DYNOXIDE_ENCRYPTION_KEY: {}", e.message()))?,
        _ => return Ok(None),
    };
    if !dynoxide::EncryptionKey::AVAILABLE {
        return Err("this build of dynoxide has no encryption: build one with `cargo install --path . --no-default-features --features encrypted-full` (or --git with the same features)".into());
    }
    if db_path.is_none() {
        return Err(
            "an encryption key needs --db-path: an in-memory database is never written to disk"
                .into(),
        );
    }
    Ok(Some(key))
}

fn rekey(args: RekeyArgs) -> std::process::ExitCode {
    let result = (|| -> Result<(), String> {
        let old = encryption_key(args.encryption_key_file.as_deref(), Some(&args.db_path))?
            .ok_or("the current key is needed: --encryption-key-file or DYNOXIDE_ENCRYPTION_KEY")?;
        let new = dynoxide::EncryptionKey::from_file(&args.new_key_file)
            .map_err(|e| e.message().to_string())?;
        Database::rekey(&args.db_path, &old, &new).map_err(|e| e.message().to_string())
    })();
    match result {
        Ok(()) => {
            println!("{} now opens with the new key", args.db_path.display());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dynoxide rekey: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A random bearer token: 32 hex digits from the system's random source.
fn new_token() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let random = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if random.is_err() {
        // No /dev/urandom: the time and process id, hashed.
        use sha2::Digest;
        let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
        bytes.copy_from_slice(&sha2::Sha256::digest(seed.as_bytes())[..16]);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
