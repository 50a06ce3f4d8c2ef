//! Tags on maintenance windows, the one taggable resource type served here.

use ssm_api::types::{
    AddTagsToResourceRequest, AddTagsToResourceResult, ListTagsForResourceRequest,
    ListTagsForResourceResult, RemoveTagsFromResourceRequest, RemoveTagsFromResourceResult,
    ResourceTypeForTagging,
};

use super::{ids, Domain, Fault, Scope};
use crate::store::Change;

/// The most tags one resource may carry.
const MAX_TAGS: usize = 1000;

impl Domain {
    pub fn add_tags(
        &self,
        scope: &Scope,
        input: AddTagsToResourceRequest,
    ) -> Result<AddTagsToResourceResult, Fault> {
        check_resource_type(&input.resource_type)?;
        self.write(scope, |data, _| {
            let mut window = data
                .window(ids::window_id_of(
                    &scope.region,
                    &scope.account,
                    &input.resource_id,
                ))
                .ok_or(Fault::InvalidResourceId)?
                .clone();
            for tag in input.tags {
                match window.tags.iter_mut().find(|t| t.key == tag.key) {
                    Some(existing) => existing.value = tag.value,
                    None => window.tags.push(tag),
                }
            }
            if window.tags.len() > MAX_TAGS {
                return Err(Fault::TooManyTags);
            }
            Ok((AddTagsToResourceResult {}, vec![Change::PutWindow(window)]))
        })
    }

    pub fn remove_tags(
        &self,
        scope: &Scope,
        input: RemoveTagsFromResourceRequest,
    ) -> Result<RemoveTagsFromResourceResult, Fault> {
        check_resource_type(&input.resource_type)?;
        self.write(scope, |data, _| {
            let mut window = data
                .window(ids::window_id_of(
                    &scope.region,
                    &scope.account,
                    &input.resource_id,
                ))
                .ok_or(Fault::InvalidResourceId)?
                .clone();
            window.tags.retain(|t| !input.tag_keys.contains(&t.key));
            Ok((
                RemoveTagsFromResourceResult {},
                vec![Change::PutWindow(window)],
            ))
        })
    }

    pub fn list_tags(
        &self,
        scope: &Scope,
        input: ListTagsForResourceRequest,
    ) -> Result<ListTagsForResourceResult, Fault> {
        check_resource_type(&input.resource_type)?;
        self.read(scope, |data| {
            let window = data
                .window(ids::window_id_of(
                    &scope.region,
                    &scope.account,
                    &input.resource_id,
                ))
                .ok_or(Fault::InvalidResourceId)?;
            Ok(ListTagsForResourceResult {
                tag_list: Some(window.tags.clone()),
            })
        })
    }
}

fn check_resource_type(resource_type: &ResourceTypeForTagging) -> Result<(), Fault> {
    match resource_type {
        ResourceTypeForTagging::MaintenanceWindow => Ok(()),
        _ => Err(Fault::InvalidResourceType),
    }
}
