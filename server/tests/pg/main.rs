//! Several `ssm-server` processes on one PostgreSQL database, each test on a
//! schema of its own: what one replica acknowledges, every replica sees and
//! respects (quotas, ClientTokens, concurrent updates, pagination), and each
//! scheduled run is recorded once, even when the replica running it dies.
//!
//! Built only with `--features postgres-tests`; `SSM_TEST_PG` names the
//! server (`tests/pg/run.sh` starts a throwaway one and runs everything).

#[path = "../sdk/common.rs"]
#[allow(dead_code)]
mod common;
#[path = "../crash/server.rs"]
#[allow(dead_code)]
mod server;

mod consistency;
mod replicas;
mod runs;
