//! wasmscope: a WebAssembly linear-memory inspector.
//!
//! Layers (see `ARCHITECTURE.md`): `inspect` and `memory` are pure,
//! `engine` owns wasmtime, `cli` and `ui` sit on top.
#![forbid(unsafe_code)]

pub mod cli;
pub mod engine;
pub mod hostgen;
pub mod inspect;
pub mod memory;
pub mod recipe;
pub mod record;
pub mod text;
pub mod ui;
