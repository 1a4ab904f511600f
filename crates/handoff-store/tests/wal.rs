//! SQLite's write-ahead log stays bounded while requests are filed and readers read,
//! and is emptied once the burst is over: a server that runs for months must not fill
//! its disk with a log that is never reset.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use handoff_domain::org::Role;
use handoff_store::requests;
use handoff_store::slas::ClockWrite;
use handoff_store::{CHECKPOINT_IDLE, CHECKPOINT_MAX_BACKOFF, Db, PoolSize, WAL_TRUNCATE_AT};
use handoff_test_support::one_service;
use jiff::Timestamp;

/// Requests filed in the burst, by this many tasks at once.
const REQUESTS: usize = 30_000;
const FILERS: usize = 48;

/// The most the log may reach during the burst: the truncation threshold plus what the
/// writer appends while a checkpoint runs, with room for checkpoints that had to wait
/// for a reader descheduled in the middle of a read. The burst writes well over
/// 200 MB of log in all: a log that is never reset fails this by far.
const PEAK_BOUND: u64 = 4 * WAL_TRUNCATE_AT;

fn wal_size(wal: &Path) -> u64 {
    std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_stays_bounded_under_a_burst_and_empties_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wal.db");
    let wal: PathBuf = dir.path().join("wal.db-wal");
    let db = Db::connect(
        &format!("sqlite://{}", path.display()),
        PoolSize { max_connections: 4 },
    )
    .await
    .unwrap();
    db.migrate().await.unwrap();
    let desk = one_service(&db, Role::Member, Timestamp::now())
        .await
        .unwrap();

    // Readers that never stop while the burst runs and after it: each read holds a
    // snapshot of the log for a moment, the situation in which checkpoints starve.
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let mut readers = tokio::task::JoinSet::new();
    for r in 0..3_i64 {
        let (db, stop, reads) = (db.clone(), stop.clone(), reads.clone());
        readers.spawn(async move {
            let mut id = r;
            while !stop.load(Ordering::Relaxed) {
                id = id % 5_000 + 1;
                let _ = requests::get(&db, id, desk.person_id, desk.department_id).await;
                reads.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    // The log's size, watched while the burst runs.
    let peak = Arc::new(AtomicU64::new(0));
    let watcher = {
        let (stop, peak, wal) = (stop.clone(), peak.clone(), wal.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(wal_size(&wal), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };

    let mut filers = tokio::task::JoinSet::new();
    for f in 0..FILERS {
        let db = db.clone();
        filers.spawn(async move {
            let fields = serde_json::Map::new();
            for n in (f..REQUESTS).step_by(FILERS) {
                let subject = format!("Burst request {n}, filed while others read");
                let new = desk.request(&subject, &fields);
                let filing = requests::Filing::new(&new, ClockWrite::default(), Timestamp::now());
                requests::create(&db, filing).await.unwrap();
            }
        });
    }
    while let Some(joined) = filers.join_next().await {
        joined.unwrap();
    }
    let burst_peak = peak.load(Ordering::Relaxed);

    // After the burst, with the readers still reading, the log empties once writes have
    // paused, within a few tries of the checkpointer, each after its longest wait at
    // most (a loaded machine may make the first tries find readers on the old log).
    let deadline = Instant::now() + CHECKPOINT_IDLE + 4 * CHECKPOINT_MAX_BACKOFF;
    let mut after = wal_size(&wal);
    while after > 0 && Instant::now() < deadline {
        tokio::time::sleep(CHECKPOINT_IDLE / 10).await;
        after = wal_size(&wal);
    }
    stop.store(true, Ordering::Relaxed);
    watcher.await.unwrap();
    while let Some(joined) = readers.join_next().await {
        joined.unwrap();
    }

    let filed: i64 = handoff_store::on_read!(&db, |pool| sqlx::query_scalar(
        "SELECT count(*) FROM requests"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(filed, REQUESTS as i64, "every filing was written");
    assert!(
        reads.load(Ordering::Relaxed) > 100,
        "the readers read throughout"
    );
    assert!(
        burst_peak <= PEAK_BOUND,
        "the log reached {burst_peak} bytes during the burst, more than {PEAK_BOUND}"
    );
    assert_eq!(after, 0, "the log was not emptied after the burst");
    db.close().await;
}
