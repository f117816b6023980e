//! `vitrina-central`: serves the central's HTTP API.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use vitrina_central::{app_with, demo, AppState, Db};

#[derive(Parser)]
#[command(name = "vitrina-central", version, about = "Vitrina's central system")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve {
        /// SQLite database file (created if missing), or a PostgreSQL URL
        /// (postgres://user@host/database) shared by any number of instances.
        #[arg(long, default_value = "vitrina-central.db")]
        db: String,
        /// Connections to PostgreSQL this instance keeps open.
        #[arg(long, default_value_t = vitrina_central::db::DEFAULT_POOL_SIZE)]
        db_pool: usize,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// Load the demo chain if the database is empty, and print an enrollment code per store.
        #[arg(long)]
        demo: bool,
        /// Allow listening on a non-loopback address without TLS.
        #[arg(long)]
        allow_remote: bool,
        /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Enrollments and sign-ins one client address may try at once before it is
        /// slowed to one every 5 seconds.
        #[arg(long, default_value_t = 10)]
        secret_burst: u32,
    },
    /// Mint a bearer token for another channel's system (point of sale, e-commerce) to send stock movements.
    ChannelToken {
        /// SQLite database file or PostgreSQL URL, as for serve.
        #[arg(long, default_value = "vitrina-central.db")]
        db: String,
        /// The channel's name, e.g. pos or ecommerce.
        #[arg(long)]
        channel: String,
    },
    /// Mint a one-time enrollment code for a store.
    EnrollCode {
        /// SQLite database file or PostgreSQL URL, as for serve.
        #[arg(long, default_value = "vitrina-central.db")]
        db: String,
        /// The store's id, e.g. CL-SCL-01.
        #[arg(long)]
        store: String,
        /// Minutes the code stays valid.
        #[arg(long, default_value_t = 60)]
        minutes: i64,
    },
    /// Revoke a device (lost, stolen, retired): refused from its next request, which
    /// also tells it to wipe its cache.
    RevokeDevice {
        /// SQLite database file or PostgreSQL URL, as for serve.
        #[arg(long, default_value = "vitrina-central.db")]
        db: String,
        /// The device's id.
        #[arg(long)]
        device: String,
    },
    /// Generate a chain into an empty database, at the size it is to be measured at:
    /// the demo's stores and more in the same cities, warehouses, online locations,
    /// the catalog with its pictures, and stock with the change log devices pull.
    Seed {
        /// SQLite database file or PostgreSQL URL, as for serve.
        #[arg(long, default_value = "vitrina-central.db")]
        db: String,
        #[arg(long, default_value_t = 200)]
        stores: usize,
        /// Products (styles); each has several colours and sizes, so about 15 SKUs.
        #[arg(long, default_value_t = 20_000)]
        products: usize,
        /// Percent of the catalog each store beyond the demo's twelve carries.
        #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..=100))]
        assortment: u32,
    },
    /// Print a store's audit log of the last days as JSON lines.
    Audit {
        /// SQLite database file or PostgreSQL URL, as for serve.
        #[arg(long, default_value = "vitrina-central.db")]
        db: String,
        #[arg(long)]
        store: String,
        #[arg(long, default_value_t = 7)]
        days: i64,
    },
}

/// Opens the database named by `--db`: a PostgreSQL URL or a SQLite file, whose
/// folder is created if missing.
fn open_db(target: &str, pool: usize) -> anyhow::Result<Db> {
    if vitrina_central::db::is_postgres_url(target) {
        return Db::open_postgres(target, pool).context("connecting to PostgreSQL");
    }
    let path = std::path::Path::new(target);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    Db::open(path).with_context(|| format!("opening {target}"))
}

// The database is opened and the demo loaded before the server's runtime starts:
// storage code blocks, and runs on blocking threads once the server is up.
fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve { db, db_pool, listen, demo, allow_remote, secret_burst, tls_cert, tls_key } => {
            let tls = tls_cert.zip(tls_key);
            if !listen.ip().is_loopback() && !allow_remote && tls.is_none() {
                anyhow::bail!(
                    "refusing to serve {listen} without TLS; give --tls-cert and --tls-key, use a loopback address, or pass --allow-remote"
                );
            }
            let opened = open_db(&db, db_pool)?;
            if demo {
                load_demo(&opened, &db)?;
            }
            tokio::runtime::Runtime::new()?.block_on(serve(opened, listen, secret_burst, tls))
        }
        Command::ChannelToken { db, channel } => {
            let db = open_db(&db, 1)?;
            let token = db.blocking(|conn| vitrina_central::movements::mint_channel_token(conn, &channel))?;
            println!("{token}");
            Ok(())
        }
        Command::EnrollCode { db, store, minutes } => {
            let db = open_db(&db, 1)?;
            let code = db
                .blocking(|conn| {
                    vitrina_central::storage::location(conn, &store)?.ok_or(vitrina_central::CentralError::NotFound)?;
                    vitrina_central::storage::mint_enrollment_code(conn, &store, chrono::Duration::minutes(minutes))
                })
                .with_context(|| format!("minting a code for store {store}"))?;
            println!("{code}");
            Ok(())
        }
        Command::RevokeDevice { db, device } => {
            let db = open_db(&db, 1)?;
            let revoked = db.blocking(|conn| {
                let by = vitrina_central::audit::Audit {
                    detail: Some(serde_json::json!({ "by": "command line" })),
                    ..Default::default()
                };
                let tx = conn.transaction()?;
                let revoked = vitrina_central::storage::revoke_device(&tx, &device, None, by)?;
                tx.commit()?;
                Ok(revoked)
            })?;
            anyhow::ensure!(revoked, "no live device {device}");
            println!("revoked {device}");
            Ok(())
        }
        Command::Seed { db, stores, products, assortment } => {
            let opened = open_db(&db, 1)?;
            let plan =
                vitrina_central::seed::Plan::new(vitrina_central::seed::SeedSpec { stores, products, assortment });
            let total = plan.stock_rows();
            eprintln!(
                "seeding {} locations, {} products ({} SKUs), {total} stock rows into {}",
                plan.chain.locations.len(),
                plan.chain.products.len(),
                plan.skus(),
                if vitrina_central::db::is_postgres_url(&db) { "PostgreSQL" } else { "SQLite" }
            );
            let bar = indicatif::ProgressBar::new(total).with_style(indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} stock rows, {per_sec}, {eta} left",
            )?);
            let started = std::time::Instant::now();
            let summary = vitrina_central::seed::seed(&opened, &plan, &|rows| bar.set_position(rows))?;
            bar.finish();
            println!(
                "seeded {} locations, {} products, {} stock rows in {:.1} s",
                summary.locations,
                summary.products,
                summary.stock_rows,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Audit { db, store, days } => {
            let db = open_db(&db, 1)?;
            let now = chrono::Utc::now();
            let from = vitrina_central::storage::rfc3339(now - chrono::Duration::days(days));
            let to = vitrina_central::storage::rfc3339(now + chrono::Duration::seconds(1));
            let entries = db.blocking(|conn| vitrina_central::audit::entries(conn, &store, &from, &to, u32::MAX))?;
            for entry in entries.iter().rev() {
                println!("{}", serde_json::to_string(entry)?);
            }
            Ok(())
        }
    }
}

/// Loads the demo chain into an empty database and prints what a person needs to
/// try it: enrollment codes, channel tokens, PINs.
fn load_demo(db: &Db, target: &str) -> anyhow::Result<()> {
    let summary = demo::load_if_empty(db)?;
    if summary.loaded {
        tracing::info!(products = summary.products, locations = summary.locations, "demo data loaded");
    }
    let codes = demo::mint_store_codes(db, chrono::Duration::hours(24))?;
    let mut listing = String::new();
    for (store, code) in &codes {
        listing.push_str(&format!("{:<12} {}  {}, {}\n", store.id, code, store.name, store.city));
    }
    // Beside a SQLite file; a PostgreSQL central prints them only.
    let codes_file = (!vitrina_central::db::is_postgres_url(target))
        .then(|| std::path::Path::new(target).with_file_name("enrollment-codes.txt"));
    let saved = match &codes_file {
        Some(file) => {
            std::fs::write(file, &listing).with_context(|| format!("writing {}", file.display()))?;
            format!("; also in {}", file.display())
        }
        None => String::new(),
    };
    // Printed on stdout on purpose: these are for the person starting the demo.
    print!("One-time enrollment codes (valid 24 h{saved}):\n{listing}");
    // Tokens for the demo's other systems: the point of sale (stock movements and
    // sales), the online shop, and the importer of other systems' CSV exports.
    for channel in ["pos", "ecommerce", vitrina_central::commerce::IMPORT_CHANNEL] {
        let token = db.blocking(|conn| vitrina_central::movements::mint_channel_token(conn, channel))?;
        println!("channel token {channel}: {token}");
    }
    println!("Demo PINs (store, role, PIN, name):");
    let chain = vitrina_central::demo_data::chain(demo::DEMO_SEED, demo::DEMO_PRODUCTS);
    for person in demo::demo_people(&chain.locations) {
        println!("pin {:<12} {:<9} {}  {}", person.store_id, person.role, person.pin, person.name);
    }
    Ok(())
}

async fn serve(db: Db, listen: SocketAddr, secret_burst: u32, tls: Option<(PathBuf, PathBuf)>) -> anyhow::Result<()> {
    let tls =
        match tls {
            Some((cert, key)) => {
                let _ = rustls::crypto::ring::default_provider().install_default();
                Some(axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key).await.with_context(|| {
                    format!("loading the TLS certificate {} and key {}", cert.display(), key.display())
                })?)
            }
            None => None,
        };
    let secret_rate = vitrina_central::public::RateConfig {
        burst: f64::from(secret_burst),
        per_second: 0.2,
        write_burst: f64::from(secret_burst),
        write_per_second: 0.2,
    };
    // With each connection's address: rate limits are per client.
    let service = app_with(AppState::new(db), secret_rate).into_make_service_with_connect_info::<SocketAddr>();
    let listener = std::net::TcpListener::bind(listen).with_context(|| format!("binding {listen}"))?;
    listener.set_nonblocking(true)?;
    let local = listener.local_addr()?;
    match tls {
        Some(config) => {
            println!("vitrina-central listening on https://{local}");
            let handle = axum_server::Handle::new();
            let stop = handle.clone();
            tokio::spawn(async move {
                let _ = tokio::signal::ctrl_c().await;
                stop.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
            });
            axum_server::from_tcp_rustls(listener, config).handle(handle).serve(service).await?;
        }
        None => {
            println!("vitrina-central listening on http://{local}");
            axum::serve(tokio::net::TcpListener::from_std(listener)?, service)
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await?;
        }
    }
    Ok(())
}
