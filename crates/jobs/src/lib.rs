#![doc = include_str!("../README.md")]

pub mod deliver;
pub mod index;
pub mod mail;
pub mod sessions;
