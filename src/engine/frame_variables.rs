//! A paused frame's source-level variables: its locals, operand stack and the
//! instance's globals handed to the DWARF evaluator, over the pause's memory.

use super::debugger::Pause;
use super::values::Value;
use crate::inspect::{Dwarf, FrameState, FrameVariables, Slot, VariableLimits};

impl Pause {
    /// The variables of frame `index` (0: the paused one) as DWARF describes them.
    pub fn variables(&self, index: usize, dwarf: &Dwarf) -> FrameVariables {
        let Some(frame) = self.frame(index) else {
            return FrameVariables::default();
        };
        let locals = slots(&frame.locals);
        let stack = slots(&frame.stack);
        let globals = slots(&self.globals);
        let state = FrameState {
            pc: frame.line_pc(index),
            locals: &locals,
            stack: &stack,
            globals: &globals,
        };
        dwarf.frame_variables(&state, self.snapshot.as_ref(), VariableLimits::default())
    }
}

fn slots(values: &[Option<Value>]) -> Vec<Option<Slot>> {
    values.iter().map(|v| v.map(Value::slot)).collect()
}
