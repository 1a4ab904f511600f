//! Demo data: a believable organisation with departments, people, services with forms,
//! and months of requests in every state, for trying Handoff out and for measuring it.
//!
//! [`fill`] makes the organisation and any number of requests. The data is
//! deterministic (a fixed seed) and written fast through the store's bulk write path
//! ([`handoff_store::bulk`]): ids are assigned here rather than by the database, and rows
//! go in as multi-row inserts, a few thousand requests per transaction, so that a
//! million requests take minutes, not hours.
//!
//! The rest is written through the actions ([`handoff_app`]), as the application would
//! have written it: the [`live`] requests of the last days, the [`dependencies`] with
//! their recurring deliverables, the [`feedback`], and a [`history`] with planted
//! problems, replayed through the import.

mod data;
pub mod dependencies;
pub mod feedback;
mod generate;
pub mod history;
pub mod live;
mod slas;
#[cfg(test)]
mod tests;

use handoff_store::{Db, Result, StoreError, bulk, from_micros, to_micros};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::Timestamp;
use rand::SeedableRng;
use rand::rngs::StdRng;

pub use self::generate::Shape;
use self::generate::{Generator, Levels, Org};

#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// How many requests to make.
    pub requests: u64,
    /// Whether to draw a progress bar on stderr.
    pub progress: bool,
    /// How many departments and people.
    pub shape: Shape,
}

/// What [`fill`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub departments: u64,
    pub people: u64,
    pub services: u64,
    pub requests: u64,
    pub comments: u64,
    /// The administrator's address, to sign in with.
    pub admin_email: String,
}

/// The same seed gives the same organisation and requests, so that a bug seen in demo
/// data can be seen again.
const SEED: u64 = 42;

/// Requests per transaction: large enough that commits cost little, small enough that
/// memory stays flat and the progress bar moves.
const CHUNK: u64 = 5_000;

/// Fills an empty database with a believable organisation and `options.requests`
/// requests spread over the 90 days before `now`. Returns `None`, and writes nothing,
/// when the database already has departments.
///
/// Requests are committed a chunk at a time: after a failure, what was committed stays,
/// and a new fill needs a new database.
pub async fn fill(db: &Db, options: &DemoOptions, now: Timestamp) -> Result<Option<DemoSummary>> {
    let now = to_micros(now);
    let mut rng = StdRng::seed_from_u64(SEED);

    // The emptiness check and the organisation share a transaction (see `bulk::start`).
    let mut tx = db.begin().await?;
    let Some(bases) = bulk::start(&mut tx).await? else {
        return Ok(None);
    };
    let org = Org::new(&mut rng, bases, now, options.shape);
    bulk::insert_org(&mut tx, &org.rows()).await?;
    tx.commit().await?;

    let written = write_requests(db, options, &org, rng, now, bases).await;
    // Also after a failure, so that what was written stays usable.
    let finished = bulk::finish(db).await;
    let comments = written?;
    finished?;
    slas::set_up(db, from_micros(now)).await?;

    Ok(Some(DemoSummary {
        departments: org.departments.len() as u64,
        people: org.people.len() as u64,
        services: org.services.len() as u64,
        requests: options.requests,
        comments,
        admin_email: data::ADMIN.1.to_owned(),
    }))
}

/// Makes and writes the requests, a chunk per transaction; returns how many comments
/// they got.
async fn write_requests(
    db: &Db,
    options: &DemoOptions,
    org: &Org,
    rng: StdRng,
    now: i64,
    bases: bulk::Bases,
) -> Result<u64> {
    let bar = if options.progress {
        let bar =
            ProgressBar::with_draw_target(Some(options.requests), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} requests, {per_sec}, {eta} left",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    // The history's clocks run in the office calendar under the services' policies, as
    // `slas::set_up` stores them once the requests are written.
    let spec = slas::office_calendar()?;
    let calendar = handoff_domain::calendar::Horizon::around(from_micros(now), 1, 2)
        .and_then(|h| handoff_domain::calendar::Calendar::new(spec)?.compile(h))
        .map_err(|e| StoreError::Corrupt(format!("demo calendar: {e}")))?;
    let levels = Levels {
        time: handoff_store::slas::Timekeeping {
            calendar: Some(std::sync::Arc::new(calendar)),
        },
        policies: slas::policies().to_vec(),
    };
    let mut generator = Generator::new(org, rng, now, options.requests, bases).with_levels(levels);
    let mut chunk = bulk::Chunk::default();
    let mut comments = 0u64;
    let mut done = 0u64;
    while done < options.requests {
        let size = CHUNK.min(options.requests - done);
        chunk.clear();
        for index in done..done + size {
            generator.request(index, &mut chunk);
        }
        comments += chunk.comments.len() as u64;
        let mut tx = db.begin().await?;
        bulk::insert_chunk(&mut tx, &chunk).await?;
        tx.commit().await?;
        done += size;
        bar.inc(size);
    }
    bar.finish();
    Ok(comments)
}
