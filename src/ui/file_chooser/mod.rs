//! Every "which file?" question the window asks (File ▸ Open…, Open session…, Save
//! session…, Export as, Save picture…) is one `FileRequest`. It goes to the system
//! dialog (rfd: the XDG portal, or zenity) or, where there is none or Settings say
//! so, to wasmscope's own chooser, which the app draws until it is answered.

mod listing;
mod panel;
mod probe;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use panel::{FileChooser, Outcome};
pub use probe::{Probe, SystemDialog};

use super::state::LogKind;
use super::{App, UiCommand};

/// What the log says, once, when Automatic finds no system dialog.
pub const NO_PORTAL: &str =
    "No desktop file dialog (XDG portal) found: wasmscope shows its own file chooser.";

/// How long a request waits for the probe that started with the app (it has
/// answered long before anyone clicks, unless the session bus hangs).
const PATIENCE: Duration = Duration::from_secs(1);

/// Which file chooser requests go to (Settings ▸ File chooser).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChooserChoice {
    /// The system dialog where there is one, else wasmscope's own.
    #[default]
    Automatic,
    /// Always the system dialog (rfd).
    System,
    /// Always wasmscope's own.
    Own,
}

impl ChooserChoice {
    /// Every choice, for the menu.
    pub const ALL: [Self; 3] = [Self::Automatic, Self::System, Self::Own];

    /// As Settings shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Automatic => "automatic",
            Self::System => "system",
            Self::Own => "wasmscope's own",
        }
    }

    /// Whether a request goes to wasmscope's own chooser, given what the system has.
    pub fn uses_own(self, system: SystemDialog) -> bool {
        match self {
            Self::Automatic => system == SystemDialog::Missing,
            Self::System => false,
            Self::Own => true,
        }
    }
}

/// Whether a request picks a file to read or names one to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileAction {
    /// An existing file.
    Open,
    /// A file to write (it may exist; the user agrees to replace it).
    Save,
}

/// Files of one kind, by extension (without the dot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Filter {
    /// As the dialog names it.
    pub name: &'static str,
    /// `["wasm", "wat"]`.
    pub extensions: &'static [&'static str],
}

/// One question for a file chooser, and what to do with the answer.
pub struct FileRequest {
    /// Open or save.
    pub action: FileAction,
    /// The dialog's title.
    pub title: String,
    /// The kinds of file offered (Open also offers any file).
    pub filters: Vec<Filter>,
    /// The name a save starts with.
    pub file_name: Option<String>,
    /// The command the chosen path becomes.
    then: Box<dyn FnOnce(PathBuf) -> UiCommand>,
}

impl FileRequest {
    /// Asks for an existing file; `then` makes the command for the chosen path.
    pub fn open(title: &str, then: impl FnOnce(PathBuf) -> UiCommand + 'static) -> Self {
        Self {
            action: FileAction::Open,
            title: title.to_owned(),
            filters: Vec::new(),
            file_name: None,
            then: Box::new(then),
        }
    }

    /// Asks where to save, starting with `file_name`.
    pub fn save(
        title: &str,
        file_name: &str,
        then: impl FnOnce(PathBuf) -> UiCommand + 'static,
    ) -> Self {
        Self {
            action: FileAction::Save,
            file_name: Some(file_name.to_owned()),
            ..Self::open(title, then)
        }
    }

    /// Offers files with these extensions, by this name.
    pub fn filter(mut self, name: &'static str, extensions: &'static [&'static str]) -> Self {
        self.filters.push(Filter { name, extensions });
        self
    }

    /// Every extension the filters name (empty: any file).
    pub fn extensions(&self) -> Vec<&'static str> {
        self.filters
            .iter()
            .flat_map(|f| f.extensions.iter().copied())
            .collect()
    }

    /// `path`, with the first filter's extension when it has none (a save typed as
    /// `walk` is `walk.toml`).
    pub fn with_extension(&self, mut path: PathBuf) -> PathBuf {
        if path.extension().is_none()
            && let Some(extension) = self.extensions().first()
        {
            path.set_extension(extension);
        }
        path
    }

    /// The command for the chosen `path`.
    pub fn command(self, path: PathBuf) -> UiCommand {
        (self.then)(path)
    }

    /// Shows the system dialog (blocking until it closes), starting in `folder`.
    fn system_dialog(&self, folder: &Path) -> Option<PathBuf> {
        let mut dialog = rfd::FileDialog::new()
            .set_title(&self.title)
            .set_directory(folder);
        for filter in &self.filters {
            dialog = dialog.add_filter(filter.name, filter.extensions);
        }
        if let Some(name) = &self.file_name {
            dialog = dialog.set_file_name(name);
        }
        match self.action {
            FileAction::Open => dialog.add_filter("Any file", &["*"]).pick_file(),
            FileAction::Save => dialog.save_file(),
        }
    }
}

/// The app's file choosers: what the system has, and wasmscope's own while open.
pub(super) struct Choosers {
    probe: Probe,
    /// wasmscope's own chooser, while it asks.
    open: Option<FileChooser>,
    /// The folder the last chooser ended in.
    last_folder: Option<PathBuf>,
    /// Whether the log has said that there is no system dialog.
    told: bool,
}

impl Choosers {
    /// Choosers over what the system has (`None`: ask the session bus, on a thread).
    pub(super) fn new(system: Option<SystemDialog>) -> Self {
        Self {
            probe: system.map_or_else(Probe::start, Probe::known),
            open: None,
            last_folder: None,
            told: false,
        }
    }

    /// What the system has, if the probe has answered (Settings shows it).
    pub(super) fn system(&mut self) -> Option<SystemDialog> {
        self.probe.peek()
    }

    /// Whether wasmscope's own chooser is asking.
    pub(super) fn is_open(&self) -> bool {
        self.open.is_some()
    }
}

impl App {
    /// Asks `request` with the chooser Settings pick, and applies the command it
    /// makes of the answer (at once for the system dialog, after the frame for ours).
    pub(super) fn choose_file(&mut self, request: FileRequest) {
        let folder = self.start_folder();
        let choice = self.settings.file_chooser;
        // Our own needs no answer from the probe.
        let system = (choice != ChooserChoice::Own).then(|| self.files.probe.answer(PATIENCE));
        if system.is_none_or(|system| choice.uses_own(system)) {
            if choice == ChooserChoice::Automatic && !self.files.told {
                self.files.told = true;
                self.state.push_log(LogKind::Info, NO_PORTAL);
            }
            self.files.open = Some(FileChooser::new(request, folder));
            return;
        }
        match request.system_dialog(&folder) {
            Some(path) => {
                self.files.last_folder = path.parent().map(Path::to_path_buf);
                self.apply(request.command(path));
            }
            None if system == Some(SystemDialog::Missing) => self.state.push_log(
                LogKind::Error,
                "There is no system file dialog here (no XDG portal, no zenity): \
                 set Settings ▸ File chooser to automatic or wasmscope's own.",
            ),
            // Cancelled.
            None => {}
        }
    }

    /// Draws wasmscope's own chooser while it asks; its answer becomes a command.
    pub(super) fn file_chooser_ui(&mut self, ctx: &egui::Context) {
        let Some(chooser) = &mut self.files.open else {
            return;
        };
        let Some(outcome) = chooser.ui(ctx) else {
            return;
        };
        let Some(chooser) = self.files.open.take() else {
            return;
        };
        self.files.last_folder = Some(chooser.folder().to_path_buf());
        if let Outcome::Chosen(path) = outcome {
            self.commands.push(chooser.into_request().command(path));
        }
    }

    /// Where a chooser starts: where the last one ended, else the folder of the
    /// module shown or the last one opened, else the current folder.
    fn start_folder(&self) -> PathBuf {
        let module_folder = self
            .state
            .doc
            .path
            .iter()
            .chain(self.settings.recent.first())
            .find_map(|path| path.parent().filter(|p| !p.as_os_str().is_empty()))
            .map(Path::to_path_buf);
        let folder = self.files.last_folder.clone().or(module_folder);
        let folder = folder.unwrap_or_else(|| PathBuf::from("."));
        std::path::absolute(&folder).unwrap_or(folder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_uses_our_own_only_without_a_system_dialog() {
        use ChooserChoice::{Automatic, Own, System};
        use SystemDialog::{Missing, Portal, Zenity};
        assert!(Automatic.uses_own(Missing));
        assert!(!Automatic.uses_own(Portal));
        assert!(!Automatic.uses_own(Zenity));
        assert!(!System.uses_own(Missing));
        assert!([Missing, Portal, Zenity].iter().all(|&s| Own.uses_own(s)));
    }

    #[test]
    fn a_save_gets_the_first_filters_extension_when_it_has_none() {
        let request = FileRequest::save("Save", "session.toml", UiCommand::SaveSession)
            .filter("wasmscope session", &["toml"]);
        assert_eq!(
            request.with_extension("/d/walk".into()),
            Path::new("/d/walk.toml")
        );
        assert_eq!(
            request.with_extension("/d/walk.txt".into()),
            Path::new("/d/walk.txt")
        );
        assert_eq!(request.extensions(), ["toml"]);
        let any = FileRequest::save("Export", "host.rs", UiCommand::SaveSession);
        assert_eq!(any.with_extension("/d/host".into()), Path::new("/d/host"));
        assert_eq!(
            request.command("/d/x.toml".into()),
            UiCommand::SaveSession("/d/x.toml".into())
        );
    }
}
