//! Replicas of the real binary on a fresh schema, and the helpers the tests
//! share.

use aws_sdk_ssm::Client;

use crate::common::{client_at, fresh_postgres_schema};
use crate::server::Server;

/// The PostgreSQL server the tests may create schemas in.
pub fn admin_url() -> String {
    std::env::var("SSM_TEST_PG").expect(
        "SSM_TEST_PG=postgres://user@host:port/db must name a PostgreSQL server the tests may \
         create schemas in; server/tests/pg/run.sh starts a throwaway one and runs these tests",
    )
}

pub struct Replicas {
    /// `None` once killed.
    servers: Vec<Option<Server>>,
    clients: Vec<Client>,
    /// The URL every replica was given.
    pub db: String,
}

impl Replicas {
    /// `count` replicas on a fresh schema, started at the same time (so
    /// their migrations race), with `flags` after `--listen` and `--db`.
    pub fn start(count: usize, flags: &[&str]) -> Self {
        Self::start_on(fresh_postgres_schema(&admin_url()), count, flags)
    }

    pub fn start_on(db: String, count: usize, flags: &[&str]) -> Self {
        let mut all = vec!["--log", "warn"];
        all.extend_from_slice(flags);
        let servers: Vec<Server> = std::thread::scope(|threads| {
            let starting: Vec<_> = (0..count)
                .map(|_| threads.spawn(|| Server::start_with(db.as_ref(), &all)))
                .collect();
            starting
                .into_iter()
                .map(|s| s.join().expect("replica starts"))
                .collect()
        });
        let clients = servers
            .iter()
            .map(|s| client_at(s.addr, "us-east-1"))
            .collect();
        Self {
            servers: servers.into_iter().map(Some).collect(),
            clients,
            db,
        }
    }

    pub fn client(&self, replica: usize) -> &Client {
        &self.clients[replica]
    }

    pub fn count(&self) -> usize {
        self.clients.len()
    }

    /// The name replica `replica` puts on the runs it starts.
    pub fn id(&self, replica: usize) -> String {
        let server = self.servers[replica].as_ref().expect("replica is running");
        server
            .stderr_text()
            .lines()
            .find_map(|line| line.strip_prefix("replica id "))
            .expect("the replica printed its id")
            .trim()
            .to_owned()
    }

    /// SIGKILL.
    pub fn kill(&mut self, replica: usize) {
        self.servers[replica]
            .take()
            .expect("replica is running")
            .kill();
    }
}

/// Runs `sql` on `db` (from a thread of its own: the driver blocks) and
/// returns the first column of each row as text.
pub fn query_texts(db: &str, sql: &str) -> Vec<String> {
    let (db, sql) = (db.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&db, postgres::NoTls).expect("connects");
        client
            .query(&sql, &[])
            .expect("query runs")
            .iter()
            .map(|row| row.get::<_, Option<String>>(0).unwrap_or_default())
            .collect()
    })
    .join()
    .expect("query finishes")
}

/// Every window id `client` lists, page by page (`page` at a time), asking
/// each page of the replica `pick(page number)`.
pub async fn window_ids(
    replicas: &Replicas,
    page: i32,
    pick: impl Fn(usize) -> usize,
) -> Vec<String> {
    let mut ids = Vec::new();
    let mut token = None;
    for number in 0..1000 {
        let answer = replicas
            .client(pick(number))
            .describe_maintenance_windows()
            .max_results(page)
            .set_next_token(token)
            .send()
            .await
            .expect("windows listed");
        ids.extend(
            answer
                .window_identities()
                .iter()
                .filter_map(|w| w.window_id.clone()),
        );
        token = answer.next_token;
        if token.is_none() {
            return ids;
        }
    }
    panic!("pagination did not end");
}
