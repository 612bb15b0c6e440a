//! Checking a session's names before it runs: every name an expression uses must be
//! defined by an earlier step (or be the session's `input`).

use std::collections::BTreeSet;

use super::{Data, Expr, Op, Step};
use crate::memory::names_used;

/// Why a session's names do not add up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameError {
    /// The step (0-based) where it shows.
    pub step: usize,
    /// What is wrong, naming the step (1-based) and the field.
    pub message: String,
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NameError {}

/// Checks `steps` in order, starting with the bytes named in `given` (usually
/// `input`). The error names the step (1-based) and the field.
pub fn check_names(steps: &[Step], given: &[&str]) -> Result<(), NameError> {
    let mut ints: BTreeSet<String> = BTreeSet::new();
    let mut bytes: BTreeSet<String> = given.iter().map(|s| (*s).to_owned()).collect();
    for (index, step) in steps.iter().enumerate() {
        let at = |field: &str| format!("step {} ({}), `{field}`", index + 1, step.op.kind());
        let fail = |message: String| NameError {
            step: index,
            message,
        };
        let expr = |field: &str, expr: &Expr| -> Result<(), NameError> {
            undefined(expr, &ints, &bytes).map_err(|why| fail(format!("{}: {why}", at(field))))
        };
        match &step.op {
            Op::Input(_) => {
                bytes.insert("input".to_owned());
            }
            Op::Alloc { size, name, .. } => {
                expr("size", size)?;
                ints.insert(name.clone());
            }
            Op::Write { at: offset, data } => {
                expr("at", offset)?;
                if let Data::Named(name) = data
                    && !bytes.contains(name)
                {
                    return Err(fail(format!(
                        "{}: no bytes are named `{name}` before this step",
                        at("data")
                    )));
                }
            }
            Op::Call { args, name, .. } => {
                for arg in args {
                    // Float literals (`1.5`) are arguments too, but not expressions.
                    if arg.as_str().trim().parse::<f64>().is_err() {
                        expr("args", arg)?;
                    }
                }
                ints.insert(name.clone());
            }
            Op::Invoke { .. } => {}
            Op::Read {
                at: offset,
                len,
                name,
            } => {
                expr("at", offset)?;
                expr("len", len)?;
                bytes.insert(name.clone());
            }
        }
        // Where a note points is looked up after its step ran.
        if let Some(show) = &step.show {
            let fields = std::iter::once(("show", &show.at))
                .chain(show.len.as_ref().map(|len| ("show_len", len)));
            for (field, shown) in fields {
                undefined(shown, &ints, &bytes)
                    .map_err(|why| fail(format!("{}: {why}", at(field))))?;
            }
        }
    }
    Ok(())
}

/// Fails when `expr` is not an expression, or uses a name no earlier step defined.
fn undefined(expr: &Expr, ints: &BTreeSet<String>, bytes: &BTreeSet<String>) -> Result<(), String> {
    let used = names_used(expr.as_str()).map_err(|err| format!("`{}`: {err:#}", expr.as_str()))?;
    for name in used {
        let known = match name.strip_prefix("len(").and_then(|n| n.strip_suffix(')')) {
            Some(inner) => bytes.contains(inner),
            None => ints.contains(&name),
        };
        if !known {
            return Err(format!("`{name}` is used before any step defines it"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipe::Returns;

    fn read(at: &str, len: &str) -> Step {
        Step::new(Op::Read {
            at: Expr::new(at),
            len: Expr::new(len),
            name: "output".into(),
        })
    }

    #[test]
    fn names_must_come_first() {
        let err = check_names(&[read("ptr", "4")], &["input"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "step 1 (read), `at`: `ptr` is used before any step defines it"
        );
        let err = check_names(&[read("0", "len(output)")], &[]).unwrap_err();
        assert!(err.to_string().contains("`len(output)` is used before"));
        check_names(&[read("0", "4"), read("0", "len(output)")], &[]).unwrap();
        let err = check_names(&[read("0 +", "4")], &[]).unwrap_err();
        assert!(err.to_string().starts_with("step 1 (read), `at`: `0 +`"));
        let write = Step::new(Op::Write {
            at: Expr::new("0"),
            data: Data::Named("input".into()),
        });
        let err = check_names(std::slice::from_ref(&write), &[]).unwrap_err();
        assert!(err.to_string().contains("no bytes are named `input`"));
        let call = Step::new(Op::Call {
            export: "f".into(),
            args: vec![Expr::new("1.5"), Expr::new("-1"), Expr::new("x")],
            name: "result".into(),
            returns: Returns::Value,
        });
        let err = check_names(&[call], &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "step 1 (call), `args`: `x` is used before any step defines it"
        );
        assert_eq!(err.step, 0);
    }
}
