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
        None => cli.serve,
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&args.log)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
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
    let db = match &args.db_path {
        Some(p) => Database::copy_of(p).map_err(described)?,
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
    let db = match &args.db_path {
        Some(p) => Database::new(p)?,
        None => Database::memory()?,
    };
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
    db.checkpoint()?;
    result?;
    tracing::info!("stopped");
    Ok(())
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
