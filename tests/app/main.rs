//! Integration tests: the real app on a loopback port, a fresh SQLite file per test.

mod accounts;
mod address;
mod admin;
mod admin_users;
mod attention;
mod catalog;
mod catalogue_cache;
mod cms;
mod codes;
mod contract;
mod files;
mod friends;
mod goods_admin;
mod ledger;
mod levels;
mod levels_console;
mod login;
mod merchant;
mod messages;
mod shopfront;
mod site;
mod storage;
mod support;
mod tools;
mod verify;
