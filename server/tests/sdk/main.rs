//! Every operation driven through the official AWS SDK for Rust against a
//! server in this process: what a user of `aws-sdk-ssm` would see.

mod accounts;
mod auth;
mod caps;
mod common;
mod console;
mod executions;
mod restart;
mod targets;
mod tasks;
mod windows;
