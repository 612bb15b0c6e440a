//! The newsletter's flow, written once: alloc `len(input) + extra` → write the input
//! at `ptr` → call `f(ptr, len(input))` → read the result. `wasmscope run` takes all
//! of it; the window's walkthrough buttons take it one stage at a time.

use super::{Data, Expr, Op, Step};

/// What the called function returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Returns {
    /// The new length of the data at the input pointer (the seed's `append`).
    Len,
    /// A pointer to a new buffer, whose length another export returns.
    Ptr,
    /// Just a value: nothing to read.
    #[default]
    Value,
}

impl Returns {
    /// As files and the CLI spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Len => "len",
            Self::Ptr => "ptr",
            Self::Value => "value",
        }
    }

    /// From its name.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Len, Self::Ptr, Self::Value]
            .into_iter()
            .find(|r| r.name() == name)
    }
}

/// The choices the flow is built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedChoice {
    /// The allocator export.
    pub allocator: String,
    /// Bytes asked for: an expression, `len(input) + 30` in the seed.
    pub size: Expr,
    /// The function called with `(ptr, len)`; `None`: alloc and write only.
    pub call: Option<String>,
    /// What it returns.
    pub returns: Returns,
    /// With `Returns::Ptr`: the export that returns the new buffer's length.
    pub len_from: String,
}

/// The stages of the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeedStage {
    /// Ask the allocator for memory.
    Alloc,
    /// Copy the input in.
    Write,
    /// Call the function with (ptr, len).
    Call,
    /// Read the result back.
    Read,
}

impl SeedStage {
    /// All stages, in order.
    pub const ALL: [SeedStage; 4] = [Self::Alloc, Self::Write, Self::Call, Self::Read];
}

/// The steps of one `stage` (a read after `Returns::Ptr` asks for the length first;
/// a call returning a value has nothing to read).
pub fn seed_step(stage: SeedStage, choice: &SeedChoice) -> Vec<Step> {
    let step = |op| Step::new(op);
    match stage {
        SeedStage::Alloc => vec![step(Op::Alloc {
            export: choice.allocator.clone(),
            size: choice.size.clone(),
            name: "ptr".to_owned(),
        })],
        SeedStage::Write => vec![step(Op::Write {
            at: Expr::new("ptr"),
            data: Data::Named("input".to_owned()),
        })],
        SeedStage::Call => match &choice.call {
            Some(export) => vec![step(Op::Call {
                export: export.clone(),
                args: vec![Expr::new("ptr"), Expr::new("len(input)")],
                name: "result".to_owned(),
                returns: choice.returns,
            })],
            None => Vec::new(),
        },
        SeedStage::Read => match (&choice.call, choice.returns) {
            (None, _) | (_, Returns::Value) => Vec::new(),
            (Some(_), Returns::Len) => vec![step(Op::Read {
                at: Expr::new("ptr"),
                len: Expr::new("result"),
                name: "output".to_owned(),
            })],
            (Some(_), Returns::Ptr) => vec![
                step(Op::Call {
                    export: choice.len_from.clone(),
                    args: Vec::new(),
                    name: "new_len".to_owned(),
                    returns: Returns::Len,
                }),
                step(Op::Read {
                    at: Expr::new("result"),
                    len: Expr::new("new_len"),
                    name: "output".to_owned(),
                }),
            ],
        },
    }
}

/// The whole flow.
pub fn seed_steps(choice: &SeedChoice) -> Vec<Step> {
    SeedStage::ALL
        .iter()
        .flat_map(|&stage| seed_step(stage, choice))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipe::check_names;

    fn choice(returns: Returns) -> SeedChoice {
        SeedChoice {
            allocator: "alloc".into(),
            size: Expr::new("len(input) + 30"),
            call: Some("append".into()),
            returns,
            len_from: "last_len".into(),
        }
    }

    #[test]
    fn each_flow_uses_only_names_it_defined() {
        let kinds = |steps: &[Step]| steps.iter().map(|s| s.op.kind()).collect::<Vec<_>>();
        let len = seed_steps(&choice(Returns::Len));
        assert_eq!(kinds(&len), ["alloc", "write", "call", "read"]);
        let ptr = seed_steps(&choice(Returns::Ptr));
        assert_eq!(kinds(&ptr), ["alloc", "write", "call", "call", "read"]);
        let value = seed_steps(&choice(Returns::Value));
        assert_eq!(kinds(&value), ["alloc", "write", "call"]);
        let no_call = seed_steps(&SeedChoice {
            call: None,
            ..choice(Returns::Len)
        });
        assert_eq!(kinds(&no_call), ["alloc", "write"]);
        for steps in [len, ptr, value, no_call] {
            check_names(&steps, &["input"]).unwrap();
        }
        assert_eq!(Returns::from_name("ptr"), Some(Returns::Ptr));
        assert_eq!(Returns::from_name("nope"), None);
    }
}
