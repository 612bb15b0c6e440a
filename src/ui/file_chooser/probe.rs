//! Which system file dialog rfd can show on this desktop. rfd is built with only its
//! XDG portal backend, which falls back to zenity; with neither it returns at once and
//! shows nothing. The session bus is asked once, on a thread of its own.

use std::ffi::OsStr;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

/// The XDG desktop portal's name on the session bus.
const PORTAL: &str = "org.freedesktop.portal.Desktop";

/// What rfd's dialogs go through here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemDialog {
    /// The XDG desktop portal runs, or the bus can start it.
    Portal,
    /// No portal, but zenity is on `PATH` (rfd falls back to it).
    Zenity,
    /// Neither: rfd would return at once without a dialog.
    Missing,
}

impl SystemDialog {
    /// As Settings shows it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Portal => "the desktop's file dialog (XDG portal)",
            Self::Zenity => "zenity's file dialog (no XDG portal)",
            Self::Missing => "wasmscope's own (no XDG portal or zenity found)",
        }
    }
}

/// The answer to "which system dialog?", asked on a thread when made.
pub struct Probe {
    pending: Option<Receiver<SystemDialog>>,
    answer: Option<SystemDialog>,
}

impl Probe {
    /// Starts asking the session bus (and `PATH`) on a thread.
    pub fn start() -> Self {
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("portal probe".to_owned())
            .spawn(move || {
                // The app may be gone by now; nobody is left to tell.
                let _ = tx.send(detect());
            });
        match spawned {
            Ok(_) => Self {
                pending: Some(rx),
                answer: None,
            },
            Err(_) => Self::known(SystemDialog::Missing),
        }
    }

    /// A probe that already knows (for tests, and when no thread could start).
    pub fn known(answer: SystemDialog) -> Self {
        Self {
            pending: None,
            answer: Some(answer),
        }
    }

    /// The answer if it has come.
    pub fn peek(&mut self) -> Option<SystemDialog> {
        self.wait(Duration::ZERO)
    }

    /// The answer, waiting up to `patience` for it. A bus that has not answered by
    /// then counts as none (its dialog would not answer either); a later call asks again.
    pub fn answer(&mut self, patience: Duration) -> SystemDialog {
        self.wait(patience).unwrap_or(SystemDialog::Missing)
    }

    fn wait(&mut self, patience: Duration) -> Option<SystemDialog> {
        if let Some(rx) = &self.pending {
            match rx.recv_timeout(patience) {
                Ok(answer) => self.answer = Some(answer),
                Err(RecvTimeoutError::Disconnected) => self.answer = Some(SystemDialog::Missing),
                Err(RecvTimeoutError::Timeout) => return None,
            }
            self.pending = None;
        }
        self.answer
    }
}

/// Asks the session bus for the portal, then `PATH` for zenity.
fn detect() -> SystemDialog {
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS");
    if bus.is_some() && pollster::block_on(portal_on_bus()).unwrap_or(false) {
        SystemDialog::Portal
    } else if on_path("zenity", std::env::var_os("PATH").as_deref()) {
        SystemDialog::Zenity
    } else {
        SystemDialog::Missing
    }
}

/// Whether the portal owns its name on the session bus, or the bus can start it.
async fn portal_on_bus() -> zbus::Result<bool> {
    let connection = zbus::Connection::session().await?;
    let bus = zbus::fdo::DBusProxy::new(&connection).await?;
    let name = zbus::names::BusName::try_from(PORTAL)?;
    if bus.name_has_owner(name).await? {
        return Ok(true);
    }
    let activatable = bus.list_activatable_names().await?;
    Ok(activatable.iter().any(|n| n.as_str() == PORTAL))
}

/// Whether a file `program` is in one of the folders of `path` (a `PATH` value).
fn on_path(program: &str, path: Option<&OsStr>) -> bool {
    path.is_some_and(|path| {
        std::env::split_paths(path).any(|folder| Path::new(&folder).join(program).is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_is_found_only_in_the_folders_of_path() {
        let dir = std::env::temp_dir().join(format!("wasmscope-probe-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        std::fs::write(dir.join("bin/zenity"), b"").unwrap();
        let path = std::env::join_paths([dir.join("empty"), dir.join("bin")]).unwrap();
        assert!(on_path("zenity", Some(&path)));
        assert!(!on_path("kdialog", Some(&path)));
        assert!(!on_path("zenity", Some(OsStr::new(""))));
        assert!(!on_path("zenity", None));
        // A folder of that name is not the program.
        let path = std::env::join_paths([dir.clone()]).unwrap();
        assert!(!on_path("bin", Some(&path)));
    }

    #[test]
    fn a_known_answer_needs_no_thread_and_a_started_probe_answers() {
        let mut probe = Probe::known(SystemDialog::Zenity);
        assert_eq!(probe.peek(), Some(SystemDialog::Zenity));
        assert_eq!(probe.answer(Duration::ZERO), SystemDialog::Zenity);
        // Whatever this machine has, the real probe answers well within a minute.
        let mut probe = Probe::start();
        let answer = probe.answer(Duration::from_secs(60));
        assert_eq!(probe.peek(), Some(answer));
    }
}
