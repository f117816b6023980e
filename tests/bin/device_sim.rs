//! A simulated device process for crash tests: opens an enrolled cache, catches
//! up with the central, and places orders until the cache holds `--orders` of
//! them, syncing after each. Killed at any moment, it is started again on the same
//! cache and carries on.
//!
//! Usage: vitrina-device-sim <cache.db> <orders> <sku>...

use std::sync::{Arc, Mutex};
use vitrina_protocol::{FulfilmentRecord, OrderLineRecord, PaymentRecord};
use vitrina_store::{NewOrder, Store};
use vitrina_sync::{pull_until_current, push_pending, Client};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    anyhow::ensure!(args.len() >= 4, "usage: vitrina-device-sim <cache.db> <orders> <sku>...");
    let store = Store::open(std::path::Path::new(&args[1]))?;
    let wanted: usize = args[2].parse()?;
    let skus = &args[3..];
    let enrollment = store.enrollment()?.ok_or_else(|| anyhow::anyhow!("the cache is not enrolled"))?;
    let client = Client::new(&enrollment.central_url)?.with_token(&enrollment.token);
    let store = Arc::new(Mutex::new(store));

    loop {
        // Transport failures (the central restarting) are retried; anything else is a bug.
        if let Err(e) = sync(&store, &client).await {
            anyhow::ensure!(e.is_transient(), "sync failed: {e}");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let made = store.lock().unwrap().local_orders()?.len();
        if made >= wanted {
            println!("done {made}");
            return Ok(());
        }
        let order = NewOrder {
            lines: vec![OrderLineRecord {
                sku: skus[made % skus.len()].clone(),
                quantity: 1,
                source_location_id: "CL-WH-01".into(),
            }],
            fulfilment: FulfilmentRecord::ShipToHome { address: "Av. Apoquindo 3000, Las Condes".into() },
            customer_id: None,
            payment: PaymentRecord { method: "at_till".into(), reference: None },
            promise_date: None,
            allow_other_source: false,
        };
        store.lock().unwrap().place_order(order, "2026-11-23T15:00:00Z")?;
        println!("placed {}", made + 1);
    }
}

async fn sync(store: &Arc<Mutex<Store>>, client: &Client) -> Result<(), vitrina_sync::SyncError> {
    push_pending(store, client).await?;
    pull_until_current(store, client, |_| {}).await?;
    Ok(())
}
