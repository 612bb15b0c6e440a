//! What a toolchain's own loader calls right after instantiation, done for it so that
//! the module behaves as it does in its usual host.

use anyhow::Result;

use super::session::Session;
use super::values::Value;

impl Session {
    /// Calls the setup exports the module has (each taking and returning nothing): a
    /// WASI reactor's `_initialize`; else emscripten's `emscripten_stack_init`, its
    /// stack-check limits (`__set_stack_limits(base, end)`), and `__wasm_call_ctors`.
    /// Without the emscripten ones, builds with stack checks report an overflow on
    /// every call. A failure is noted, not fatal: the module can still be explored.
    pub(super) fn run_setup_exports(&mut self) {
        if self.has_func("_initialize") {
            self.setup_call("_initialize", "a WASI reactor sets itself up there");
            return;
        }
        self.setup_call(
            "emscripten_stack_init",
            "emscripten's loader calls it first",
        );
        self.emscripten_stack_limits();
        self.setup_call("__wasm_call_ctors", "runs the module's static constructors");
    }

    /// Calls `name()` if the module exports it with no parameters and no results.
    fn setup_call(&mut self, name: &str, why: &str) {
        let takes_nothing = self
            .func_type(name)
            .is_ok_and(|ty| ty.params().len() == 0 && ty.results().len() == 0);
        if !takes_nothing {
            return;
        }
        let note = match self.call(name, &[]) {
            Ok(_) => format!("called `{name}` ({why})"),
            Err(err) => format!("called `{name}` ({why}), which failed: {err:#}"),
        };
        self.note(note);
    }

    /// Emscripten's loader passes the stack's bounds to the stack checks it compiled
    /// in: `__set_stack_limits(emscripten_stack_get_base(), emscripten_stack_get_end())`.
    fn emscripten_stack_limits(&mut self) {
        const SET: &str = "__set_stack_limits";
        if !self.has_func(SET) || !self.has_func("emscripten_stack_get_base") {
            return;
        }
        let outcome = (|| -> Result<(Value, Value)> {
            let base = self.call("emscripten_stack_get_base", &[])?;
            let end = self.call("emscripten_stack_get_end", &[])?;
            let (Some(&base), Some(&end)) = (base.first(), end.first()) else {
                anyhow::bail!("the stack bounds are not numbers");
            };
            self.call(SET, &[base, end])?;
            Ok((base, end))
        })();
        let note = match outcome {
            Ok((base, end)) => format!(
                "called `{SET}({}, {})` (the bounds emscripten's stack checks use)",
                super::steps::arg_text(&base),
                super::steps::arg_text(&end)
            ),
            Err(err) => format!("calling `{SET}` failed: {err:#}"),
        };
        self.note(note);
    }
}
