//! Evaluation of constant expressions (global initializers, segment offsets).
//!
//! Handles `*.const`, `ref.null`, `ref.func`, `global.get` and the extended-const
//! integer `add`/`sub`/`mul`. A `global.get` of a global with a known value (a defined
//! global initialized earlier) is replaced by that value; of an import, it stays
//! `ConstValue::GlobalGet` when alone and makes arithmetic unknown.

use super::types::ConstValue;
use wasmparser::{ConstExpr, Operator};

/// Evaluates `expr`; `globals[i]` is the known initial value of global `i`, if any.
/// Returns `None` for anything not understood.
pub(crate) fn eval(expr: &ConstExpr<'_>, globals: &[Option<ConstValue>]) -> Option<ConstValue> {
    let mut stack: Vec<ConstValue> = Vec::new();
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        let op = reader.read().ok()?;
        let value = match op {
            Operator::End => break,
            Operator::I32Const { value } => ConstValue::I32(value),
            Operator::I64Const { value } => ConstValue::I64(value),
            Operator::F32Const { value } => ConstValue::F32(f32::from_bits(value.bits())),
            Operator::F64Const { value } => ConstValue::F64(f64::from_bits(value.bits())),
            Operator::V128Const { value } => ConstValue::V128(u128::from_le_bytes(*value.bytes())),
            Operator::RefNull { .. } => ConstValue::RefNull,
            Operator::RefFunc { function_index } => ConstValue::RefFunc(function_index),
            Operator::GlobalGet { global_index } => globals
                .get(global_index as usize)
                .copied()
                .flatten()
                .filter(|v| !matches!(v, ConstValue::GlobalGet(_)))
                .unwrap_or(ConstValue::GlobalGet(global_index)),
            Operator::I32Add | Operator::I32Sub | Operator::I32Mul => {
                let (b, a) = (stack.pop()?, stack.pop()?);
                let (ConstValue::I32(a), ConstValue::I32(b)) = (a, b) else {
                    return None;
                };
                ConstValue::I32(match op {
                    Operator::I32Add => a.wrapping_add(b),
                    Operator::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                })
            }
            Operator::I64Add | Operator::I64Sub | Operator::I64Mul => {
                let (b, a) = (stack.pop()?, stack.pop()?);
                let (ConstValue::I64(a), ConstValue::I64(b)) = (a, b) else {
                    return None;
                };
                ConstValue::I64(match op {
                    Operator::I64Add => a.wrapping_add(b),
                    Operator::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                })
            }
            _ => return None,
        };
        stack.push(value);
    }
    match stack.as_slice() {
        [single] => Some(*single),
        _ => None,
    }
}
