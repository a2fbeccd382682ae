//! Integration tests: the real app on a loopback port, a fresh SQLite file per test.

mod accounts;
mod address;
mod admin;
mod codes;
mod contract;
mod files;
mod login;
mod merchant;
mod site;
mod storage;
mod support;
mod tools;
