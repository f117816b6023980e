//! Support for cross-part scenarios: a real `vitrina-central` process on a loopback
//! port with a fresh SQLite file, and simulated devices using the same cache and
//! sync client as the app.

pub mod proxy;

use anyhow::{bail, Context};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vitrina_store::{Enrollment, Store};
use vitrina_sync::Client;

/// The `vitrina-central` binary: `$VITRINA_CENTRAL_BIN`, else the workspace's debug build.
pub fn central_bin() -> anyhow::Result<PathBuf> {
    let path = match std::env::var_os("VITRINA_CENTRAL_BIN") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/vitrina-central"),
    };
    if !path.exists() {
        bail!("{} is missing: build it first with `cargo build -p vitrina-central`", path.display());
    }
    Ok(path)
}

/// A binary of the workspace's debug build (`vitrina-import`, ...), or `$VITRINA_<NAME>_BIN`.
pub fn workspace_bin(name: &str) -> anyhow::Result<PathBuf> {
    let var = format!("{}_BIN", name.to_uppercase().replace('-', "_"));
    let path = match std::env::var_os(&var) {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug").join(name),
    };
    if !path.exists() {
        bail!("{} is missing: build it first with `cargo build --workspace --bins`", path.display());
    }
    Ok(path)
}

/// A running central; killed when dropped.
pub struct Central {
    child: Child,
    pub url: String,
    pub port: u16,
    pub db_path: PathBuf,
    /// What `--db` names: the SQLite file, or a PostgreSQL URL.
    pub db_target: String,
    codes: HashMap<String, String>,
    /// Demo PINs by (store, role).
    pins: HashMap<(String, String), String>,
    /// Bearer token of the demo point-of-sale channel, for stock movements.
    pub channel_token: String,
    /// Every channel token the demo printed, by channel (pos, ecommerce, import).
    pub channel_tokens: HashMap<String, String>,
    /// The PostgreSQL database made for this central, dropped after it.
    _postgres: Option<vitrina_central::Db>,
    _dir: tempfile::TempDir,
}

/// The PostgreSQL server the scenarios make their databases on: `VITRINA_POSTGRES_URL`
/// (which `make test` sets, after making sure the server answers) or the local one.
pub fn postgres_admin_url() -> String {
    std::env::var("VITRINA_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres:postgres@127.0.0.1:5432/postgres".into())
}

impl Central {
    /// Starts a central with the demo chain on a free loopback port.
    pub fn start_demo() -> anyhow::Result<Central> {
        Self::start(&[])
    }

    /// Starts a central with the demo chain serving HTTPS with the given certificate
    /// and key (PEM files); its `url` is `https://localhost:<port>`.
    pub fn start_demo_tls(cert: &Path, key: &Path) -> anyhow::Result<Central> {
        let (cert, key) = (cert.to_string_lossy().into_owned(), key.to_string_lossy().into_owned());
        let mut central = Self::start(&["--tls-cert", &cert, "--tls-key", &key])?;
        central.url = format!("https://localhost:{}", central.port);
        Ok(central)
    }

    /// Starts a central with the demo chain on a database of its own on PostgreSQL
    /// ([`postgres_admin_url`]); fails if PostgreSQL can't be reached.
    pub fn start_demo_postgres() -> anyhow::Result<Central> {
        let admin = postgres_admin_url();
        let db = vitrina_central::Db::create_scratch_postgres(&admin, None)
            .with_context(|| format!("PostgreSQL at {admin} (make postgres starts it)"))?;
        let name = db.postgres_name().context("a PostgreSQL database")?;
        let (server, _) = admin.rsplit_once('/').context("a PostgreSQL URL with a database")?;
        Self::start_on(format!("{server}/{name}"), Some(db), &[])
    }

    /// Another central instance serving the same database on its own port (several
    /// stateless instances over one PostgreSQL).
    pub fn another_instance(&self) -> anyhow::Result<Central> {
        Self::start_on(self.db_target.clone(), None, &[])
    }

    fn start(extra: &[&str]) -> anyhow::Result<Central> {
        Self::start_on(String::new(), None, extra)
    }

    fn start_on(target: String, postgres: Option<vitrina_central::Db>, extra: &[&str]) -> anyhow::Result<Central> {
        let dir = tempfile::tempdir()?;
        let db_path = dir.path().join("central.db");
        let db_target = if target.is_empty() { db_path.to_string_lossy().into_owned() } else { target };
        let port = free_port()?;
        let Started { child, codes, pins, channel_tokens } = spawn_central(&db_target, port, extra)?;
        let channel_token = channel_tokens.get("pos").cloned().unwrap_or_default();
        Ok(Central {
            child,
            url: format!("http://127.0.0.1:{port}"),
            port,
            db_path,
            db_target,
            codes,
            pins,
            channel_token,
            channel_tokens,
            _postgres: postgres,
            _dir: dir,
        })
    }

    /// The central's database through the central's own storage code, on either
    /// engine, to look at or prepare what a scenario needs.
    pub fn database(&self) -> anyhow::Result<vitrina_central::Db> {
        vitrina_central::Db::open_target(&self.db_target)
    }

    /// Kills the central (SIGKILL: no chance to finish anything).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the central again on the same database and port.
    pub fn restart(&mut self) -> anyhow::Result<()> {
        self.kill();
        let Started { child, codes, pins, channel_tokens } = spawn_central(&self.db_target, self.port, &[])?;
        self.child = child;
        self.codes.extend(codes);
        self.pins.extend(pins);
        self.channel_token = channel_tokens.get("pos").cloned().unwrap_or_default();
        self.channel_tokens = channel_tokens;
        Ok(())
    }

    /// The demo enrollment code printed for `store_id`.
    pub fn code(&self, store_id: &str) -> String {
        self.codes.get(store_id).cloned().unwrap_or_else(|| panic!("no code printed for {store_id}"))
    }

    /// The demo PIN printed for the `role` (`manager` or `associate`) of `store_id`.
    pub fn pin(&self, store_id: &str, role: &str) -> String {
        self.pins
            .get(&(store_id.to_owned(), role.to_owned()))
            .cloned()
            .unwrap_or_else(|| panic!("no {role} PIN printed for {store_id}"))
    }

    /// A fresh one-time enrollment code for `store_id`, minted with the CLI.
    pub fn mint_code(&self, store_id: &str) -> anyhow::Result<String> {
        let output = Command::new(central_bin()?)
            .args(["enroll-code", "--store", store_id, "--db"])
            .arg(&self.db_target)
            .output()?;
        anyhow::ensure!(output.status.success(), "enroll-code failed: {}", String::from_utf8_lossy(&output.stderr));
        Ok(String::from_utf8(output.stdout)?.trim().to_owned())
    }

    /// Posts stock movements as the demo point-of-sale system.
    pub async fn post_movements(
        &self,
        http: &reqwest::Client,
        movements: &[vitrina_protocol::StockMovement],
    ) -> anyhow::Result<vitrina_protocol::StockMovementsResponse> {
        let response = http
            .post(format!("{}/v1/stock-movements", self.url))
            .bearer_auth(&self.channel_token)
            .header(vitrina_protocol::PROTOCOL_HEADER, vitrina_protocol::PROTOCOL_VERSION)
            .json(&vitrina_protocol::StockMovementsRequest { movements: movements.to_vec() })
            .send()
            .await?;
        anyhow::ensure!(response.status().is_success(), "stock movements answered {}", response.status());
        Ok(response.json().await?)
    }

    /// A channel token the demo printed (pos, ecommerce or import).
    pub fn channel_token_of(&self, channel: &str) -> String {
        self.channel_tokens.get(channel).cloned().unwrap_or_else(|| panic!("no {channel} token printed"))
    }

    /// Sends other channels' transactions with the token of `channel`.
    pub async fn post_transactions(
        &self,
        http: &reqwest::Client,
        channel: &str,
        transactions: &[vitrina_protocol::ChannelTransaction],
    ) -> anyhow::Result<vitrina_protocol::ChannelTransactionsResponse> {
        let response = http
            .post(format!("{}/v1/channel/transactions", self.url))
            .bearer_auth(self.channel_token_of(channel))
            .header(vitrina_protocol::PROTOCOL_HEADER, vitrina_protocol::PROTOCOL_VERSION)
            .json(&vitrina_protocol::ChannelTransactionsRequest { transactions: transactions.to_vec() })
            .send()
            .await?;
        anyhow::ensure!(response.status().is_success(), "transactions answered {}", response.status());
        Ok(response.json().await?)
    }

    /// A read-only look at the central's database, to compare devices against.
    pub fn inspect(&self) -> anyhow::Result<rusqlite::Connection> {
        Ok(rusqlite::Connection::open_with_flags(&self.db_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?)
    }
}

impl Drop for Central {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a started central printed.
struct Started {
    child: Child,
    codes: HashMap<String, String>,
    pins: HashMap<(String, String), String>,
    channel_tokens: HashMap<String, String>,
}

/// Starts `vitrina-central serve --demo` and reads what it prints until it listens:
/// the enrollment codes per store, the demo PINs and the demo channel token.
fn spawn_central(db_target: &str, port: u16, extra: &[&str]) -> anyhow::Result<Started> {
    let mut child = Command::new(central_bin()?)
        .args(["serve", "--demo", "--secret-burst", "1000", "--listen", &format!("127.0.0.1:{port}"), "--db"])
        .arg(db_target)
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting vitrina-central")?;
    let stdout = child.stdout.take().context("central stdout")?;
    let mut codes = HashMap::new();
    let mut pins = HashMap::new();
    let mut channel_tokens = HashMap::new();
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let Some(line) = lines.next() else { bail!("vitrina-central exited before listening") };
        let line = line?;
        if line.starts_with("vitrina-central listening on") {
            break;
        }
        if let Some((channel, token)) = line.strip_prefix("channel token ").and_then(|rest| rest.split_once(": ")) {
            channel_tokens.insert(channel.to_owned(), token.trim().to_owned());
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() >= 4 && fields[0] == "pin" {
            pins.insert((fields[1].to_owned(), fields[2].to_owned()), fields[3].to_owned());
            continue;
        }
        if fields.len() >= 2 && fields[1].len() == 9 && fields[1].as_bytes()[4] == b'-' {
            codes.insert(fields[0].to_owned(), fields[1].to_owned());
        }
        if Instant::now() > deadline {
            bail!("vitrina-central did not start in time");
        }
    }
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Ok(Started { child, codes, pins, channel_tokens })
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A simulated device: a cache on a real file and the app's sync client.
pub struct Device {
    pub store: Arc<Mutex<Store>>,
    pub client: Client,
    _dir: tempfile::TempDir,
}

impl Device {
    /// Enrolls a device of `store` at `central` and runs the app's sync task until its
    /// first sync is done and it is online; the task goes on in the background.
    pub async fn enroll_and_sync(central: &Central, store: &str) -> anyhow::Result<Device> {
        let device = Device::enroll(&central.url, &central.code(store)).await?;
        let handle = vitrina_sync::spawn(device.store.clone(), None);
        let mut status = handle.watch();
        tokio::time::timeout(
            Duration::from_secs(120),
            status.wait_for(|s| s.phase == vitrina_sync::Phase::Idle && s.online),
        )
        .await
        .context("the first sync did not complete in 120 s")??;
        Ok(device)
    }

    /// Enrolls a new device at `central` with `code`.
    pub async fn enroll(central_url: &str, code: &str) -> anyhow::Result<Device> {
        Self::enroll_via(central_url, central_url, code).await
    }

    /// Enrolls a device whose cache is the file at `path`.
    pub async fn enroll_at(central_url: &str, code: &str, path: &Path) -> anyhow::Result<Device> {
        let store = Store::open(path)?;
        let client = Client::new(central_url)?;
        let response = client.enroll(code, "test device").await?;
        let client = client.with_token(&response.token);
        store.save_enrollment(&Enrollment {
            central_url: central_url.to_owned(),
            device_id: response.device_id,
            token: response.token,
            store: response.store,
        })?;
        let dir = tempfile::tempdir()?;
        Ok(Device { store: Arc::new(Mutex::new(store)), client, _dir: dir })
    }

    /// Opens an enrolled cache at `path`, talking to `central_url`.
    pub fn open(path: &Path, central_url: &str) -> anyhow::Result<Device> {
        let store = Store::open(path)?;
        let enrollment = store.enrollment()?.context("the cache is not enrolled")?;
        let client = Client::new(central_url)?.with_token(&enrollment.token);
        Ok(Device { store: Arc::new(Mutex::new(store)), client, _dir: tempfile::tempdir()? })
    }

    /// Enrolls at `central_url`, then talks to the central through `sync_url` (a proxy).
    pub async fn enroll_via(central_url: &str, sync_url: &str, code: &str) -> anyhow::Result<Device> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(&dir.path().join("device.db"))?;
        let client = Client::new(central_url)?;
        let response = client.enroll(code, "test device").await?;
        let client = Client::new(sync_url)?.with_token(&response.token);
        store.save_enrollment(&Enrollment {
            central_url: sync_url.to_owned(),
            device_id: response.device_id,
            token: response.token,
            store: response.store,
        })?;
        Ok(Device { store: Arc::new(Mutex::new(store)), client, _dir: dir })
    }

    pub fn cache(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap()
    }
}
