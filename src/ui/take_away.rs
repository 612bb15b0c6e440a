//! What leaves the window: the session as a host program (File ▸ Export as), saved
//! or copied.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::state::LogKind;
use super::{App, DEMO_FILE_NAME, DEMO_NAME};
use crate::hostgen::{Lang, host_program};
use crate::recipe::write_atomically;

impl App {
    /// The session shown as a `lang` host program for the module shown.
    fn host_program(&self, lang: Lang) -> Result<String> {
        let module = self
            .state
            .module
            .as_ref()
            .context("open a module and run some steps first")?;
        let mut session = self.state.session.clone();
        session.module.path = match &self.state.module_path {
            Some(path) => path.clone(),
            None if module.name == DEMO_NAME => PathBuf::from(DEMO_FILE_NAME),
            None => PathBuf::from(&module.name),
        };
        host_program(lang, &session, &module.info, &[], "made in the window")
    }

    /// Asks where to save the `lang` program, then saves it.
    pub(super) fn export_dialog(&mut self, lang: Lang) {
        let picked = rfd::FileDialog::new()
            .set_title(format!("Export the session as {}", lang.label()))
            .set_file_name(lang.file_name())
            .save_file();
        if let Some(path) = picked {
            self.export_to(lang, &path);
        }
    }

    /// Saves the `lang` program to `path` (atomically), and says so in the log.
    pub(super) fn export_to(&mut self, lang: Lang, path: &std::path::Path) {
        let saved = self
            .host_program(lang)
            .and_then(|program| write_atomically(path, program.as_bytes()));
        match saved {
            Ok(()) => self.state.push_log(
                LogKind::Info,
                format!(
                    "Exported the session as a {} program to {}.",
                    lang.label(),
                    path.display()
                ),
            ),
            Err(err) => self.state.push_log(
                LogKind::Error,
                format!("cannot export the session: {err:#}"),
            ),
        }
    }

    /// Copies the `lang` program to the clipboard.
    pub(super) fn copy_export(&mut self, lang: Lang) {
        match self.host_program(lang) {
            Ok(program) => {
                self.engine_setup.ctx.copy_text(program);
                self.state.push_log(
                    LogKind::Info,
                    format!("Copied the session as a {} program.", lang.label()),
                );
            }
            Err(err) => self.state.push_log(
                LogKind::Error,
                format!("cannot export the session: {err:#}"),
            ),
        }
    }
}
