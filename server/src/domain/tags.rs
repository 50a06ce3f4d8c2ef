//! Tags on maintenance windows, the one taggable resource type served here.

use ssm_api::types::{
    AddTagsToResourceRequest, AddTagsToResourceResult, ListTagsForResourceRequest,
    ListTagsForResourceResult, RemoveTagsFromResourceRequest, RemoveTagsFromResourceResult,
    ResourceTypeForTagging, Tag,
};

use super::{ids, Domain, Fault, Scope};
use crate::store::{Change, ScopeData, Window};

/// The most tags one resource may carry.
const MAX_TAGS: usize = 1000;

impl Domain {
    pub fn add_tags(
        &self,
        scope: &Scope,
        input: AddTagsToResourceRequest,
    ) -> Result<AddTagsToResourceResult, Fault> {
        self.edit_tags(scope, &input.resource_type, &input.resource_id, |tags| {
            for tag in input.tags {
                match tags.iter_mut().find(|t| t.key == tag.key) {
                    Some(existing) => existing.value = tag.value,
                    None => tags.push(tag),
                }
            }
            if tags.len() > MAX_TAGS {
                return Err(Fault::TooManyTags);
            }
            Ok(())
        })?;
        Ok(AddTagsToResourceResult {})
    }

    pub fn remove_tags(
        &self,
        scope: &Scope,
        input: RemoveTagsFromResourceRequest,
    ) -> Result<RemoveTagsFromResourceResult, Fault> {
        self.edit_tags(scope, &input.resource_type, &input.resource_id, |tags| {
            tags.retain(|t| !input.tag_keys.contains(&t.key));
            Ok(())
        })?;
        Ok(RemoveTagsFromResourceResult {})
    }

    pub fn list_tags(
        &self,
        scope: &Scope,
        input: ListTagsForResourceRequest,
    ) -> Result<ListTagsForResourceResult, Fault> {
        check_resource_type(&input.resource_type)?;
        self.read(scope, |data| {
            let window = tagged_window(data, scope, &input.resource_id)?;
            Ok(ListTagsForResourceResult {
                tag_list: Some(window.tags.clone()),
            })
        })
    }

    /// Applies `edit` to the tags of a tagged resource and saves it.
    fn edit_tags(
        &self,
        scope: &Scope,
        resource_type: &ResourceTypeForTagging,
        resource_id: &str,
        edit: impl FnOnce(&mut Vec<Tag>) -> Result<(), Fault>,
    ) -> Result<(), Fault> {
        check_resource_type(resource_type)?;
        self.write(scope, |data, _| {
            let mut window = tagged_window(data, scope, resource_id)?.clone();
            edit(&mut window.tags)?;
            Ok(((), vec![Change::PutWindow(window)]))
        })
    }
}

/// The window a tagging `ResourceId` (an id or an ARN) names, or AWS's
/// `InvalidResourceId`.
fn tagged_window<'d>(
    data: &'d ScopeData,
    scope: &Scope,
    resource_id: &str,
) -> Result<&'d Window, Fault> {
    data.window(ids::window_id_of(
        &scope.region,
        &scope.account,
        resource_id,
    ))
    .ok_or(Fault::InvalidResourceId)
}

fn check_resource_type(resource_type: &ResourceTypeForTagging) -> Result<(), Fault> {
    match resource_type {
        ResourceTypeForTagging::MaintenanceWindow => Ok(()),
        _ => Err(Fault::InvalidResourceType),
    }
}
