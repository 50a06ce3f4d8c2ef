//! Crash durability: the real binary is killed with SIGKILL while clients
//! write, then restarted on the same file. Every acknowledged write must be
//! there, every in-doubt write wholly there or wholly absent, and every
//! listing must page through each item once, in creation order. A reader
//! lists windows during the writes: what it saw must survive the kill too.
//!
//! `SSM_CRASH_KILLS` (default 20) sets the number of kills, `SSM_CRASH_SYNC`
//! (`full`, the default, or `normal`) the server's `--sync`, and
//! `SSM_CRASH_SEED` replays a run whose seed a failure printed (the timing
//! of the kills relative to the writes still varies).

#[path = "../sdk/common.rs"]
#[allow(dead_code)]
mod common;
mod model;
mod observe;
mod reader;
mod server;
mod writer;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_sdk_ssm::config::timeout::TimeoutConfig;
use aws_sdk_ssm::Client;

use model::{difference, resolve, Resolution};
use server::Server;
use writer::{send, Outcome, Writer};

const WRITERS: usize = 4;
const REGION: &str = "us-east-1";

/// Kills land 20 ms to 1.5 s into a writing spell: early ones catch the
/// first writes after a restart, late ones a store that has grown.
const KILL_AFTER_MS: std::ops::Range<u64> = 20..1500;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value} is not valid")),
        Err(_) => default,
    }
}

/// A client that gives up on a request after `patience`, so a write to a
/// server that hangs ends up in doubt rather than stalling the test.
fn client(server: &Server, patience: Duration) -> Client {
    let ssm = common::client_at(server.addr, REGION);
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_timeout(patience)
        .build();
    Client::from_conf(ssm.config().to_builder().timeout_config(timeouts).build())
}

/// Writers and the reader stop at their first unanswered request; checks
/// after a restart must not fail because a busy machine was slow.
const SPELL_PATIENCE: Duration = Duration::from_secs(5);
const CHECK_PATIENCE: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Tally {
    in_doubt_applied: u64,
    in_doubt_absent: u64,
    /// ClientToken retries of in-doubt creates that returned the id found.
    retries_matched: u64,
    /// Listings read after a restart that took more than one page.
    listings_paged: usize,
    /// Listings read whole while the writers wrote.
    listings_during_writes: u64,
}

/// How many of the listings behind `observed` took more than one page.
fn paged_listings(observed: &[model::Windows]) -> usize {
    let beyond = |items: usize| usize::from(items > observe::PAGE as usize);
    let windows = observed.iter().flatten();
    beyond(observed.iter().map(Vec::len).sum())
        + windows
            .map(|(_, w)| beyond(w.targets.len()) + beyond(w.tasks.len()))
            .sum::<usize>()
}

/// Checks a writer's windows against what the server holds after a
/// restart, settles its in-doubt write, and retries an in-doubt create with
/// its ClientToken, which must name the same item if the create was applied.
async fn settle(
    ssm: &Client,
    writer: &mut Writer,
    observed: &model::Windows,
    tally: &mut Tally,
) -> Result<(), String> {
    let Some(op) = writer.in_doubt.take() else {
        if *observed != writer.windows {
            return Err(format!(
                "writer {} (no write in doubt): {}",
                writer.index,
                difference(&writer.windows, observed)
            ));
        }
        return Ok(());
    };
    let resolution = resolve(&writer.windows, &op, observed)
        .map_err(|e| format!("writer {}: {e}", writer.index))?;
    match &resolution {
        Resolution::Absent => tally.in_doubt_absent += 1,
        Resolution::Applied(new_id) => {
            tally.in_doubt_applied += 1;
            writer.took_effect(&op, new_id.as_deref());
        }
    }
    if !op.creates() {
        return Ok(());
    }
    let retried = match send(ssm, &op).await? {
        Outcome::Acknowledged(id) => id.expect("a create answers with an id"),
        Outcome::Unknown(error) => return Err(format!("retrying {op:?} after a restart: {error}")),
    };
    match resolution {
        Resolution::Applied(Some(found)) if found != retried => Err(format!(
            "writer {}: the in-doubt {op:?} made {found}, but its ClientToken now answers {retried}",
            writer.index
        )),
        Resolution::Applied(_) => {
            tally.retries_matched += 1;
            Ok(())
        }
        Resolution::Absent => {
            writer.acknowledge(&op, Some(&retried));
            Ok(())
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill_and_unanswered_ones_are_all_or_nothing() {
    let kills: u32 = env_or("SSM_CRASH_KILLS", 20);
    let sync: String = env_or("SSM_CRASH_SYNC", "full".to_owned());
    let seed: u64 = env_or("SSM_CRASH_SEED", fastrand::u64(..));
    eprintln!(
        "crash: seed {seed} (replay with SSM_CRASH_SEED={seed}), {kills} kills, --sync {sync}"
    );
    let mut rng = fastrand::Rng::with_seed(seed);
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("crash.db");
    let started = Instant::now();

    let mut writers: Vec<Writer> = (0..WRITERS).map(Writer::new).collect();
    let mut tally = Tally::default();
    let mut seen = reader::Seen::default();
    for kill in 0..=kills {
        let server = Server::start(&db, &sync);
        let ssm = client(&server, CHECK_PATIENCE);
        let fail = |e: String| -> ! {
            panic!(
                "after kill {kill} of {kills} (replay with SSM_CRASH_SEED={seed}): {e}\nserver stderr:\n{}",
                server.stderr_text()
            )
        };
        let observed = observe::observe(&ssm, WRITERS)
            .await
            .unwrap_or_else(|e| fail(e));
        tally.listings_paged += paged_listings(&observed);
        for (writer, observed) in writers.iter_mut().zip(&observed) {
            if let Err(e) = settle(&ssm, writer, observed, &mut tally).await {
                fail(e);
            }
        }
        if let Err(e) = reader::check(&seen, &writers) {
            fail(e);
        }
        if kill == kills {
            // The last start only checks what the last kill left.
            server.kill();
            break;
        }

        let kill_after = Duration::from_millis(rng.u64(KILL_AFTER_MS));
        let until = Instant::now() + kill_after + Duration::from_secs(10);
        let spells: Vec<_> = writers
            .drain(..)
            .map(|writer| {
                let rng = fastrand::Rng::with_seed(rng.u64(..));
                tokio::spawn(writer.run(client(&server, SPELL_PATIENCE), rng, until))
            })
            .collect();
        let reading = tokio::spawn(reader::read(client(&server, SPELL_PATIENCE), until));
        tokio::time::sleep(kill_after).await;
        let stderr = server.stderr_text();
        server.kill();
        for spell in spells {
            match spell.await.expect("the writer does not panic") {
                Ok(writer) => writers.push(writer),
                Err(e) => panic!(
                    "during the writes before kill {} (replay with SSM_CRASH_SEED={seed}): {e}\nserver stderr:\n{stderr}",
                    kill + 1
                ),
            }
        }
        seen = reading
            .await
            .expect("the reader does not panic")
            .unwrap_or_else(|e| {
                panic!(
                    "before kill {} (replay with SSM_CRASH_SEED={seed}): {e}",
                    kill + 1
                )
            });
        tally.listings_during_writes += seen.listings;
    }

    let mut acknowledged: BTreeMap<&str, u64> = BTreeMap::new();
    for writer in &writers {
        for (kind, count) in &writer.acknowledged {
            *acknowledged.entry(kind).or_default() += count;
        }
    }
    let total: u64 = acknowledged.values().sum();
    let windows: usize = writers.iter().map(|w| w.windows.len()).sum();
    let (targets, tasks) = writers
        .iter()
        .flat_map(|w| &w.windows)
        .fold((0, 0), |(targets, tasks), (_, state)| {
            (targets + state.targets.len(), tasks + state.tasks.len())
        });
    let db_bytes: u64 = std::fs::read_dir(dir.path())
        .expect("the database directory")
        .filter_map(|entry| entry.ok()?.metadata().ok())
        .map(|meta| meta.len())
        .sum();
    eprintln!(
        "crash summary: kills {kills}, sync {sync}, seed {seed}, {:.1} s; acknowledged writes {total} {acknowledged:?}; \
         in doubt {} (applied {}, absent {}; ClientToken retries naming the applied item {}); \
         listings of more than one page checked {}; listings read during the writes {}; at the end {windows} windows, {targets} targets, {tasks} tasks, database {} KiB",
        started.elapsed().as_secs_f64(),
        tally.in_doubt_applied + tally.in_doubt_absent,
        tally.in_doubt_applied,
        tally.in_doubt_absent,
        tally.retries_matched,
        tally.listings_paged,
        tally.listings_during_writes,
        db_bytes / 1024,
    );
    assert!(total > 0, "no write was acknowledged in {kills} spells");
}
