//! Integration tests: the real app on a loopback port, a fresh SQLite file per test.

mod address;
mod admin;
mod admin_users;
mod catalog;
mod contract;
mod files;
mod login;
mod merchant;
mod site;
mod storage;
mod support;
mod tools;
