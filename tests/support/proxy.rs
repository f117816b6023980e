//! A fault-injecting HTTP proxy for sync tests, on loopback between devices and the
//! central. Each request gets its own upstream connection and, by a seeded random
//! draw, one fate:
//!
//! - `Pass`: forwarded, answered as is;
//! - `DropBefore`: the connection is closed before the request reaches the central;
//! - `DropAfter`: forwarded (the central commits), the response is lost;
//! - `Truncate`: forwarded, the response body is cut short;
//! - `Error`: answered 500 or 503 without reaching the central;
//! - `Delay`: forwarded after a pause.
//!
//! Responses are sent with `Connection: close` so every request is a fresh draw.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Pass,
    DropBefore,
    DropAfter,
    Truncate,
    Error,
    Delay,
}

/// Chances of each fault, out of 1; the rest pass.
#[derive(Debug, Clone, Copy)]
pub struct FaultRates {
    pub drop_before: f64,
    pub drop_after: f64,
    pub truncate: f64,
    pub error: f64,
    pub delay: f64,
}

impl FaultRates {
    pub const NONE: FaultRates =
        FaultRates { drop_before: 0.0, drop_after: 0.0, truncate: 0.0, error: 0.0, delay: 0.0 };
}

struct State {
    rates: FaultRates,
    rng: StdRng,
    counts: [u64; 6],
}

#[derive(Clone)]
pub struct FaultProxy {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (`host:port`) on a free loopback port.
    pub async fn start(upstream: String, seed: u64, rates: FaultRates) -> anyhow::Result<FaultProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(Mutex::new(State { rates, rng: StdRng::seed_from_u64(seed), counts: [0; 6] }));
        let shared = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let fate = shared.lock().unwrap().draw();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let _ = handle(client, &upstream, fate).await;
                });
            }
        });
        Ok(FaultProxy { url, state })
    }

    pub fn set_rates(&self, rates: FaultRates) {
        self.state.lock().unwrap().rates = rates;
    }

    /// How many requests met each fate: pass, drop before, drop after, truncate, error, delay.
    pub fn counts(&self) -> [u64; 6] {
        self.state.lock().unwrap().counts
    }
}

impl State {
    fn draw(&mut self) -> Fate {
        let r = self.rates;
        let x: f64 = self.rng.gen();
        let mut edge = 0.0;
        let fate = [
            (r.drop_before, Fate::DropBefore),
            (r.drop_after, Fate::DropAfter),
            (r.truncate, Fate::Truncate),
            (r.error, Fate::Error),
            (r.delay, Fate::Delay),
        ]
        .into_iter()
        .find(|(rate, _)| {
            edge += rate;
            x < edge
        })
        .map_or(Fate::Pass, |(_, fate)| fate);
        let index = match fate {
            Fate::Pass => 0,
            Fate::DropBefore => 1,
            Fate::DropAfter => 2,
            Fate::Truncate => 3,
            Fate::Error => 4,
            Fate::Delay => 5,
        };
        self.counts[index] += 1;
        fate
    }
}

/// Reads one HTTP/1.1 request (head and Content-Length body).
async fn read_request(stream: &mut TcpStream) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let n = stream.read(&mut chunk).await?;
        anyhow::ensure!(n > 0, "client closed before a full request");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        anyhow::ensure!(n > 0, "client closed mid-body");
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(rewrite_connection(&buf))
}

/// Replaces the request's or response's Connection header with `close`.
fn rewrite_connection(message: &[u8]) -> Vec<u8> {
    let Some(head_end) = message.windows(4).position(|w| w == b"\r\n\r\n") else { return message.to_vec() };
    let head = String::from_utf8_lossy(&message[..head_end]);
    let mut lines: Vec<&str> =
        head.split("\r\n").filter(|l| !l.to_ascii_lowercase().starts_with("connection:")).collect();
    lines.push("Connection: close");
    let mut out = lines.join("\r\n").into_bytes();
    out.extend_from_slice(&message[head_end..]);
    out
}

async fn handle(mut client: TcpStream, upstream: &str, fate: Fate) -> anyhow::Result<()> {
    let request = read_request(&mut client).await?;
    match fate {
        Fate::DropBefore => return Ok(()),
        Fate::Error => {
            let status = if request.len() % 2 == 0 { "500 Internal Server Error" } else { "503 Service Unavailable" };
            let body = "{\"code\":\"internal\",\"message\":\"injected fault\"}";
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            client.write_all(response.as_bytes()).await?;
            return Ok(());
        }
        Fate::Delay => tokio::time::sleep(Duration::from_millis(300)).await,
        _ => {}
    }
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(&request).await?;
    let mut response = Vec::new();
    server.read_to_end(&mut response).await?;
    match fate {
        Fate::DropAfter => Ok(()),
        Fate::Truncate => {
            let response = rewrite_connection(&response);
            let cut = response.len() * 2 / 3;
            client.write_all(&response[..cut]).await?;
            Ok(())
        }
        _ => {
            client.write_all(&rewrite_connection(&response)).await?;
            Ok(())
        }
    }
}
