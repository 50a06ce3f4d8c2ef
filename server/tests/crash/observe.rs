//! The server's state as a client sees it: every listing paged through with
//! the smallest page AWS allows, each item required exactly once.

use std::collections::{BTreeMap, HashSet};

use aws_sdk_ssm::error::DisplayErrorContext;
use aws_sdk_ssm::types::ResourceTypeForTagging;
use aws_sdk_ssm::Client;

use crate::model::{TargetState, TaskState, WindowFields, WindowState, Windows};
use crate::writer::Writer;

/// MaintenanceWindowMaxResults' minimum.
pub const PAGE: i32 = 10;
/// No listing here has more pages than this; more means a token that loops.
const MAX_PAGES: usize = 100;

/// Why a listing did not give every item once.
pub enum ListingError {
    /// A page went unanswered (the server is down or too slow).
    Unanswered(String),
    /// The server answered wrongly: an item twice, an oversized page, a
    /// token that never ends.
    Broken(String),
}

impl From<ListingError> for String {
    fn from(error: ListingError) -> Self {
        match error {
            ListingError::Unanswered(e) | ListingError::Broken(e) => e,
        }
    }
}

/// Each writer's windows, in listing order.
pub async fn observe(ssm: &Client, writers: usize) -> Result<Vec<Windows>, String> {
    let mut out = vec![Vec::new(); writers];
    for (id, fields) in windows(ssm, |_| {}).await? {
        let writer = (0..writers)
            .find(|&w| fields.name.starts_with(&Writer::prefix(w)))
            .ok_or_else(|| format!("window {id} ({fields:?}) was created by no writer"))?;
        let state = WindowState {
            targets: targets(ssm, &id).await?,
            tasks: tasks(ssm, &id).await?,
            tags: tags(ssm, &id).await?,
            fields,
        };
        out[writer].push((id, state));
    }
    Ok(out)
}

/// Follows NextToken from the first page to the last, failing on an item
/// seen twice or a listing that does not end.
async fn paged<T, F, Fut>(
    listing: &str,
    mut fetch: F,
    mut on_page: impl FnMut(&[(String, T)]),
) -> Result<Vec<(String, T)>, ListingError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<(String, T)>, Option<String>), String>>,
{
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    let mut token = None;
    for _ in 0..MAX_PAGES {
        let (page, next) = fetch(token)
            .await
            .map_err(|e| ListingError::Unanswered(format!("{listing}: {e}")))?;
        on_page(&page);
        if page.len() > PAGE as usize {
            return Err(ListingError::Broken(format!(
                "{listing}: a page of {} items for MaxResults {PAGE}",
                page.len()
            )));
        }
        for (id, item) in page {
            if !seen.insert(id.clone()) {
                return Err(ListingError::Broken(format!(
                    "{listing}: {id} listed twice"
                )));
            }
            items.push((id, item));
        }
        match next {
            Some(next) => token = Some(next),
            None => return Ok(items),
        }
    }
    Err(ListingError::Broken(format!(
        "{listing}: still a NextToken after {MAX_PAGES} pages"
    )))
}

fn failed<E: std::error::Error + Send + Sync + 'static>(
    error: aws_sdk_ssm::error::SdkError<E>,
) -> String {
    DisplayErrorContext(&error).to_string()
}

/// Every window; `on_page` sees each page as it arrives.
pub async fn windows(
    ssm: &Client,
    on_page: impl FnMut(&[(String, WindowFields)]),
) -> Result<Vec<(String, WindowFields)>, ListingError> {
    let fetch = |token| async move {
        let page = ssm
            .describe_maintenance_windows()
            .max_results(PAGE)
            .set_next_token(token)
            .send()
            .await
            .map_err(failed)?;
        let items = page
            .window_identities
            .unwrap_or_default()
            .into_iter()
            .map(|w| {
                (
                    w.window_id.unwrap_or_default(),
                    WindowFields {
                        name: w.name.unwrap_or_default(),
                        description: w.description.unwrap_or_default(),
                        duration: w.duration.unwrap_or_default(),
                        cutoff: w.cutoff,
                    },
                )
            })
            .collect();
        Ok((items, page.next_token))
    };
    paged("DescribeMaintenanceWindows", fetch, on_page).await
}

async fn targets(ssm: &Client, window: &str) -> Result<Vec<(String, TargetState)>, ListingError> {
    paged(
        &format!("DescribeMaintenanceWindowTargets {window}"),
        |token| async move {
            let page = ssm
                .describe_maintenance_window_targets()
                .window_id(window)
                .max_results(PAGE)
                .set_next_token(token)
                .send()
                .await
                .map_err(failed)?;
            let items = page
                .targets
                .unwrap_or_default()
                .into_iter()
                .map(|t| {
                    let instance = t
                        .targets()
                        .iter()
                        .flat_map(|target| target.values())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(",");
                    (
                        t.window_target_id.unwrap_or_default(),
                        TargetState {
                            name: t.name.unwrap_or_default(),
                            description: t.description.unwrap_or_default(),
                            owner: t.owner_information.unwrap_or_default(),
                            instance,
                        },
                    )
                })
                .collect();
            Ok((items, page.next_token))
        },
        |_| {},
    )
    .await
}

async fn tasks(ssm: &Client, window: &str) -> Result<Vec<(String, TaskState)>, ListingError> {
    paged(
        &format!("DescribeMaintenanceWindowTasks {window}"),
        |token| async move {
            let page = ssm
                .describe_maintenance_window_tasks()
                .window_id(window)
                .max_results(PAGE)
                .set_next_token(token)
                .send()
                .await
                .map_err(failed)?;
            let items = page
                .tasks
                .unwrap_or_default()
                .into_iter()
                .map(|t| {
                    (
                        t.window_task_id.unwrap_or_default(),
                        TaskState {
                            name: t.name.unwrap_or_default(),
                            description: t.description.unwrap_or_default(),
                            priority: t.priority,
                        },
                    )
                })
                .collect();
            Ok((items, page.next_token))
        },
        |_| {},
    )
    .await
}

async fn tags(ssm: &Client, window: &str) -> Result<BTreeMap<String, String>, String> {
    let listed = ssm
        .list_tags_for_resource()
        .resource_type(ResourceTypeForTagging::MaintenanceWindow)
        .resource_id(window)
        .send()
        .await
        .map_err(|e| format!("ListTagsForResource {window}: {}", failed(e)))?;
    let mut tags = BTreeMap::new();
    for tag in listed.tag_list.unwrap_or_default() {
        if tags.insert(tag.key.clone(), tag.value.clone()).is_some() {
            return Err(format!("window {window} has tag {} twice", tag.key));
        }
    }
    Ok(tags)
}
