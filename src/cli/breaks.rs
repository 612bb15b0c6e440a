//! `run … --break FILE:LINE` (repeatable): the module runs compiled for the debugger
//! with a breakpoint at each line's code; every time one is hit the frame is printed —
//! the function, its source location, the call stack, the paused frame's variables
//! with their types, values and addresses — and the call goes on (with `--json`, as
//! one line of JSON per pause). A breakpoint never hit is said at the end.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use anyhow::{Result, bail};

use crate::engine::{
    CompileCache, DebugCommand, Debugger, FrameView, HostConfig, Limits, Pause, Session,
    StopHandle, new_debug_engine,
};
use crate::inspect::Dwarf;

/// One `--break FILE:LINE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakAt {
    /// `poly.c`, or more of its path.
    pub file: String,
    /// From 1.
    pub line: u32,
}

impl std::fmt::Display for BreakAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// `poly.c:31` as a breakpoint (clap's parser for `--break`).
pub fn parse_break(text: &str) -> Result<BreakAt, String> {
    let bad = || format!("`{text}` is not FILE:LINE (like poly.c:31)");
    let (file, line) = text.rsplit_once(':').ok_or_else(bad)?;
    let line: u32 = line.parse().map_err(|_| bad())?;
    if file.is_empty() || line == 0 {
        return Err(bad());
    }
    Ok(BreakAt {
        file: file.to_owned(),
        line,
    })
}

/// The breakpoints of a run, and what their pauses printed.
pub struct Breaks {
    wanted: Vec<(BreakAt, Vec<u64>)>,
    /// Lines of the pauses not printed yet, and how often each breakpoint was hit.
    heard: Arc<Mutex<Heard>>,
}

#[derive(Default)]
struct Heard {
    lines: Vec<String>,
    hits: Vec<usize>,
}

impl Breaks {
    /// A session of `bytes` compiled for the debugger, pausing at `wanted` (each must
    /// have code, which `dwarf` says).
    pub fn open(
        bytes: &[u8],
        dwarf: Option<Arc<Dwarf>>,
        wanted: &[BreakAt],
        json: bool,
        host: &HostConfig,
        limits: Limits,
        cache: Option<&CompileCache>,
    ) -> Result<(Session, Self)> {
        let Some(dwarf) = dwarf else {
            bail!("--break needs the module's debug info (DWARF): it has none");
        };
        let mut found = Vec::new();
        for at in wanted {
            let pcs = dwarf.pcs_of_line(&at.file, at.line);
            if pcs.is_empty() {
                bail!("--break {at}: no code is at that line");
            }
            found.push((at.clone(), pcs));
        }
        let heard = Arc::new(Mutex::new(Heard {
            lines: Vec::new(),
            hits: vec![0; found.len()],
        }));
        let (continue_tx, continue_rx) = mpsc::channel();
        let on_pause = {
            let (heard, found, dwarf) = (heard.clone(), found.clone(), dwarf.clone());
            move |pause: crate::engine::Pause| {
                if let Ok(mut heard) = heard.lock() {
                    let hit = found
                        .iter()
                        .position(|(_, pcs)| pcs.contains(&pause.top.pc));
                    let at = hit.map(|index| {
                        heard.hits[index] += 1;
                        (found[index].0.clone(), heard.hits[index])
                    });
                    let lines = match json {
                        true => vec![pause_json(&pause, at.as_ref(), &dwarf)],
                        false => pause_lines(&pause, at.as_ref(), &dwarf),
                    };
                    heard.lines.extend(lines);
                }
                // Headless: the call goes on at once.
                let _ = continue_tx.send(DebugCommand::Continue);
            }
        };
        let debugger = Debugger::new(continue_rx, on_pause);
        let stop = StopHandle::new(new_debug_engine(cache)?);
        let traced =
            Session::traced_from_checked(&stop, bytes, limits, host, Some(debugger.clone()));
        let mut session = traced?;
        let pcs: Vec<u64> = found
            .iter()
            .flat_map(|(_, pcs)| pcs.iter().copied())
            .collect();
        session.edit_breakpoints(&pcs, &[])?;
        debugger.set_breakpoints(&pcs);
        debugger.arm(session.snapshot(), false, Some(dwarf));
        Ok((
            session,
            Self {
                wanted: found,
                heard,
            },
        ))
    }

    /// The lines the pauses since the last call printed.
    pub fn take_lines(&self) -> Vec<String> {
        self.heard
            .lock()
            .map(|mut h| std::mem::take(&mut h.lines))
            .unwrap_or_default()
    }

    /// `break poly.c:99 was never reached`, for each breakpoint that was not.
    pub fn never_reached(&self) -> Vec<String> {
        let hits = self
            .heard
            .lock()
            .map(|h| h.hits.clone())
            .unwrap_or_default();
        self.wanted
            .iter()
            .zip(hits)
            .filter(|(_, hits)| *hits == 0)
            .map(|((at, _), _)| format!("break {at} was never reached"))
            .collect()
    }
}

/// A pause as text: the breakpoint and hit (when it is one), the call stack, then
/// the paused frame's variables.
fn pause_lines(pause: &Pause, at: Option<&(BreakAt, usize)>, dwarf: &Dwarf) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some((at, count)) = at {
        lines.push(format!("break {at} (hit {count}):"));
    }
    for (depth, frame) in pause.frames().enumerate() {
        let how = if depth == 0 { "  in" } else { "  called from" };
        lines.push(format!("{how} {}", frame_line(frame, dwarf, depth)));
    }
    let variables = pause.variables(0, dwarf);
    if !variables.variables.is_empty() || variables.note.is_some() {
        lines.push("  variables:".to_owned());
        lines.extend(variables.lines().into_iter().map(|l| format!("    {l}")));
    }
    lines
}

/// A pause as one line of JSON: `{"break": "poly.c:47", "hit": 1, "frames": […],
/// "variables": […]}`.
fn pause_json(pause: &Pause, at: Option<&(BreakAt, usize)>, dwarf: &Dwarf) -> String {
    let frames: Vec<_> = pause
        .frames()
        .enumerate()
        .map(|(depth, frame)| {
            serde_json::json!({
                "place": frame.place,
                "location": dwarf.location_at(frame.line_pc(depth)).map(|l| l.to_string()),
            })
        })
        .collect();
    let variables = pause.variables(0, dwarf);
    let json = serde_json::json!({
        "break": at.map(|(at, _)| at.to_string()),
        "hit": at.map(|(_, count)| count),
        "frames": frames,
        "function": variables.function,
        "variables": variables.variables,
        "note": variables.note,
    });
    json.to_string()
}

/// `upper+0x013e at poly.c:31:16`: a frame's place and source location (a caller's is
/// its call's).
fn frame_line(frame: &FrameView, dwarf: &Dwarf, depth: usize) -> String {
    match dwarf.location_at(frame.line_pc(depth)) {
        Some(location) => format!("{} at {location}", frame.place),
        None => frame.place.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_and_line_read_and_bad_ones_say_so() {
        assert_eq!(
            parse_break("src/lib.rs:12"),
            Ok(BreakAt {
                file: "src/lib.rs".into(),
                line: 12
            })
        );
        for bad in ["poly.c", "poly.c:", ":3", "poly.c:0", "poly.c:x"] {
            assert!(
                parse_break(bad).unwrap_err().contains("is not FILE:LINE"),
                "{bad}"
            );
        }
    }
}
