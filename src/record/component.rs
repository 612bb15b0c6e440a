//! Components recorded: each core module section of a component instrumented as
//! [`instrument`] does a module, every other section copied as it is. A core module
//! only gains exports, which the component's instantiations ignore, so the component
//! links and runs as before. Modules of nested components are left as they are.

use std::sync::Arc;

use anyhow::{Context, Result, bail, ensure};
use wasm_encoder::Encode;

use super::rewrite::leading_count;
use super::{Recording, instrument};

/// The component preamble: `\0asm`, version 0x0d, layer 1.
const PREAMBLE: [u8; 8] = [0, b'a', b's', b'm', 0x0d, 0, 1, 0];

/// The binary format's id of a core module section.
const CORE_MODULE: u8 = 1;

/// An instrumented component and its instrumented core modules.
#[derive(Clone, Debug)]
pub struct ComponentRecording {
    /// The instrumented component.
    pub bytes: Vec<u8>,
    /// Its core modules that write memory, instrumented (in section order).
    pub modules: Vec<Arc<Recording>>,
}

impl ComponentRecording {
    /// The recording whose instrumented module is `module` (bytes of the instrumented
    /// component's core module section).
    pub fn of_module(&self, module: &[u8]) -> Option<&Arc<Recording>> {
        self.modules.iter().find(|r| r.bytes == module)
    }
}

/// Rewrites the component `bytes` so that its core modules record their writes, or
/// `None` when none of them writes memory.
pub fn instrument_component(bytes: &[u8]) -> Result<Option<ComponentRecording>> {
    ensure!(
        bytes.get(..PREAMBLE.len()) == Some(&PREAMBLE[..]),
        "not a component (its first 8 bytes are not a component's preamble)"
    );
    let mut out = PREAMBLE.to_vec();
    let mut modules = Vec::new();
    let mut rest = &bytes[PREAMBLE.len()..];
    while let Some((&id, after_id)) = rest.split_first() {
        let (size, after_size) = leading_count(after_id).context("a section size")?;
        let Some(content) = after_size.get(..size as usize) else {
            bail!("a section of the component runs past its end");
        };
        rest = &after_size[size as usize..];
        let recording = match id {
            CORE_MODULE => {
                instrument(content).with_context(|| format!("core module {}", modules.len()))?
            }
            _ => None,
        };
        let content = match &recording {
            Some(recording) => recording.bytes.as_slice(),
            None => content,
        };
        out.push(id);
        content.len().encode(&mut out);
        out.extend_from_slice(content);
        modules.extend(recording.map(Arc::new));
    }
    Ok((!modules.is_empty()).then_some(ComponentRecording {
        bytes: out,
        modules,
    }))
}
