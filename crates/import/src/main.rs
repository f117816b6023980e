//! `vitrina-import`: sends another system's CSV export of sales, orders, returns and
//! cancellations to the central, with a progress bar and a report of every refused
//! row. Safe to run again: the central takes each transaction once, so a second run
//! of the same file (or of one cut short) changes nothing already in.

use anyhow::Context;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::time::Duration;
use vitrina_import::{parse, row_of, RejectedRow};
use vitrina_protocol::{
    ChannelTransactionsRequest, ChannelTransactionsResponse, TransactionRejection, PROTOCOL_HEADER, PROTOCOL_VERSION,
};

/// Transactions per request.
const BATCH: usize = 500;
/// Attempts per batch when the central can't be reached.
const ATTEMPTS: u32 = 6;

#[derive(Parser, Debug)]
#[command(name = "vitrina-import", version, about)]
struct Args {
    /// The CSV file (see the README for its columns).
    file: PathBuf,
    /// The central's address, e.g. http://127.0.0.1:7878.
    #[arg(long, env = "VITRINA_CENTRAL")]
    central: String,
    /// A channel token; an `import` token may send any channel's transactions.
    #[arg(long, env = "VITRINA_CHANNEL_TOKEN", hide_env_values = true)]
    token: String,
    /// Also write the refused rows to this CSV file.
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// No progress bar (for logs and scripts).
    #[arg(long)]
    quiet: bool,
}

fn reason_text(reason: Option<TransactionRejection>, detail: Option<&str>) -> String {
    let name = reason
        .and_then(|r| serde_json::to_value(r).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "rejected".into());
    match detail {
        Some(detail) => format!("{name} ({detail})"),
        None => name,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::from(2),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Imports the file; answers whether every row went in.
async fn run(args: &Args) -> anyhow::Result<bool> {
    let file = std::fs::File::open(&args.file).with_context(|| format!("opening {}", args.file.display()))?;
    let parsed = parse(std::io::BufReader::new(file)).with_context(|| format!("reading {}", args.file.display()))?;
    let mut rejected: Vec<RejectedRow> = parsed.rejected.clone();
    let base = args.central.trim_end_matches('/');
    let url = format!("{base}/v1/channel/transactions");
    let http = reqwest::Client::builder().connect_timeout(Duration::from_secs(5)).build()?;

    let bar = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(parsed.transactions.len() as u64) };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} transactions ({per_sec}, {eta} left)")?
            .progress_chars("█▉▊▋▌▍▎▏ "),
    );
    let (mut accepted, mut already) = (0usize, 0usize);
    for batch in parsed.transactions.chunks(BATCH) {
        let body = ChannelTransactionsRequest { transactions: batch.iter().map(|t| t.transaction.clone()).collect() };
        let answer = send(&http, &url, &args.token, &body).await?;
        anyhow::ensure!(
            answer.results.len() == batch.len(),
            "the central answered {} results for {}",
            answer.results.len(),
            batch.len()
        );
        for (sent, result) in batch.iter().zip(&answer.results) {
            match (result.accepted, result.replayed) {
                (true, false) => accepted += 1,
                (true, true) => already += 1,
                (false, _) => rejected.push(RejectedRow {
                    row: row_of(sent, result.detail.as_deref()),
                    transaction_id: result.transaction_id.clone(),
                    reason: reason_text(result.reason, result.detail.as_deref()),
                }),
            }
        }
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();
    rejected.sort_by_key(|r| r.row);

    println!(
        "{}: {} rows, {} transactions: {accepted} imported, {already} already imported, {} rows refused",
        args.file.display(),
        parsed.rows,
        parsed.transactions.len() + parsed.rejected.len(),
        rejected.len()
    );
    for r in &rejected {
        let id = if r.transaction_id.is_empty() { String::new() } else { format!(" [{}]", r.transaction_id) };
        println!("row {}{id}: {}", r.row, r.reason);
    }
    if let Some(path) = &args.rejects {
        let mut out = csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
        out.write_record(["row", "transaction_id", "reason"])?;
        for r in &rejected {
            out.write_record([r.row.to_string(), r.transaction_id.clone(), r.reason.clone()])?;
        }
        out.flush()?;
    }
    Ok(rejected.is_empty())
}

/// Posts one batch, retrying while the central can't be reached (the central takes
/// each transaction once, so a retry after a lost answer is safe).
async fn send(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    body: &ChannelTransactionsRequest,
) -> anyhow::Result<ChannelTransactionsResponse> {
    let mut wait = Duration::from_millis(500);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let response = http
            .post(url)
            .bearer_auth(token)
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .json(body)
            .timeout(Duration::from_secs(120))
            .send()
            .await;
        let retry = match response {
            Ok(r) if r.status().is_success() => return r.json().await.context("reading the central's answer"),
            Ok(r) if r.status() == reqwest::StatusCode::UNAUTHORIZED => {
                anyhow::bail!("the central refused the token (401): is it a channel token that was not revoked?")
            }
            Ok(r) if r.status().is_server_error() || r.status() == reqwest::StatusCode::TOO_MANY_REQUESTS => {
                format!("the central answered {}", r.status())
            }
            Ok(r) => {
                let status = r.status();
                anyhow::bail!("the central refused the batch ({status}): {}", r.text().await.unwrap_or_default())
            }
            Err(e) => format!("{e}"),
        };
        if attempt == ATTEMPTS {
            anyhow::bail!("gave up after {ATTEMPTS} attempts: {retry}; run the import again, nothing is taken twice");
        }
        eprintln!("{retry}; retrying in {} ms", wait.as_millis());
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(10));
    }
}
