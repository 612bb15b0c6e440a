//! Lessons in the window: a session whose steps carry notes, run one step at a time
//! with Next and rewound with Back, each note filled in with the values after its
//! step. The bundled ones (`assets/lessons/`) are in Help ▸ Lessons; a lesson file
//! opened like any session starts one too.

pub(super) mod panel;

use std::ops::Range;
use std::path::PathBuf;

use crate::engine::StepReport;
use crate::engine::worker::Command;
use crate::recipe::{self, Lesson, Recipe, fill_note};
use crate::ui::App;
use crate::ui::state::{AppState, Document, LogKind};

/// A lesson shipped inside wasmscope, with the module it runs on.
pub struct BundledLesson {
    /// The lesson file's text.
    pub text: &'static str,
    /// The module's file name, as the lesson names it.
    pub module_name: &'static str,
    /// The module's bytes.
    pub module: &'static [u8],
}

/// The lessons of Help ▸ Lessons, in order.
pub const BUNDLED: [BundledLesson; 4] = [
    BundledLesson {
        text: include_str!("../../../assets/lessons/newsletter.toml"),
        module_name: "append.wasm",
        module: crate::ui::DEMO_MODULE,
    },
    BundledLesson {
        text: include_str!("../../../assets/lessons/who_frees_what.toml"),
        module_name: "strings.wasm",
        module: include_bytes!("../../../assets/strings.wasm"),
    },
    BundledLesson {
        text: include_str!("../../../assets/lessons/guest_vs_host.toml"),
        module_name: "append.wasm",
        module: crate::ui::DEMO_MODULE,
    },
    BundledLesson {
        text: include_str!("../../../assets/lessons/wasm_bindgen.toml"),
        module_name: "wasm_bindgen.wasm",
        module: include_bytes!("../../../assets/wasm_bindgen.wasm"),
    },
];

/// The titles of the bundled lessons (a lesson that does not parse has none).
pub fn bundled_titles() -> Vec<String> {
    BUNDLED
        .iter()
        .map(|b| {
            recipe::parse(b.text)
                .ok()
                .and_then(|r| r.lesson)
                .map_or_else(|| b.module_name.to_owned(), |l| l.title)
        })
        .collect()
}

/// The lesson being followed.
#[derive(Clone, Debug)]
pub struct LessonState {
    /// Its title and introduction.
    pub lesson: Lesson,
    /// All its steps (the session holds those run so far).
    pub steps: Vec<recipe::Step>,
}

impl Document {
    /// How many of the lesson's steps have run: the page shown (0: the introduction).
    pub fn lesson_page(&self) -> usize {
        let total = self.lesson.as_ref().map_or(0, |l| l.steps.len());
        self.instance.session.steps.len().min(total)
    }

    /// The text of the page shown: the introduction, or the last step's note with
    /// its values filled in (host addresses from `host_base`).
    pub fn lesson_text(&self, host_base: u64) -> String {
        let Some(lesson) = &self.lesson else {
            return String::new();
        };
        match self.lesson_page().checked_sub(1) {
            None => lesson.lesson.intro.clone().unwrap_or_default(),
            Some(last) => {
                let note = lesson.steps[last].note.clone().unwrap_or_default();
                let values = self.instance.bindings.note_values(host_base);
                fill_note(&note, &values).unwrap_or_else(|(text, _)| text)
            }
        }
    }
}

impl AppState {
    /// The text of the lesson's page shown, with the host addresses shown.
    pub fn lesson_text(&self) -> String {
        self.doc.lesson_text(self.host_base())
    }
}

/// The bytes a step's note points at, after the step (`show`, `show_len`).
pub fn shown_range(report: &StepReport) -> Option<Range<u64>> {
    let show = report.step.show.as_ref()?;
    let start = report.bindings.eval(&show.at).ok()?;
    let len = match &show.len {
        Some(len) => report.bindings.eval(len).ok()?,
        None => 1,
    };
    Some(start..start.saturating_add(len.max(1)))
}

impl App {
    /// Starts bundled lesson `index`: its module, its input and host, no steps yet.
    pub(in crate::ui) fn start_bundled_lesson(&mut self, index: usize) {
        let Some(bundled) = BUNDLED.get(index) else {
            return;
        };
        match recipe::parse(bundled.text) {
            Ok(mut lesson) => {
                lesson.module.path = PathBuf::from(bundled.module_name);
                self.start_lesson(lesson, Some(bundled.module));
            }
            Err(err) => self
                .state
                .push_log(LogKind::Error, format!("cannot open the lesson: {err}")),
        }
    }

    /// Starts `session` as a lesson: loads its module (`bytes`, else the file it
    /// names) with its input and host settings, and runs none of its steps.
    pub(in crate::ui) fn start_lesson(&mut self, mut session: Recipe, bytes: Option<&[u8]>) {
        let Some(lesson) = session.lesson.clone() else {
            return;
        };
        let steps = std::mem::take(&mut session.steps);
        // The lesson comes with its load, in the document the load makes.
        let lesson = Some(LessonState { lesson, steps });
        self.tab = crate::ui::SideTab::Lesson;
        self.settings.show_side = true;
        self.state.view_step(None);
        let path = session.module.path.clone();
        let name = recipe::file_name(&path);
        match bytes {
            Some(bytes) => {
                let generation = self.state.begin_load(name.clone(), None, lesson);
                self.worker.send(Command::Load {
                    generation,
                    name,
                    bytes: bytes.into(),
                    path: None,
                    session: Some(Box::new(session)),
                    compiler: None,
                });
            }
            None => {
                let generation = self.state.begin_load(name, Some(path), lesson);
                self.worker.send(Command::OpenSession {
                    generation,
                    session: Box::new(session),
                });
            }
        }
    }

    /// Next: runs the lesson's next step.
    pub(in crate::ui) fn lesson_next(&mut self) {
        let page = self.state.doc.lesson_page();
        let next = self
            .state
            .doc
            .lesson
            .as_ref()
            .and_then(|l| l.steps.get(page).cloned());
        if let Some(step) = next {
            self.send_steps(vec![step], Vec::new(), false);
        }
    }

    /// Back: instantiates again and replays the lesson up to the page before.
    pub(in crate::ui) fn lesson_back(&mut self) {
        if let Some(keep) = self.state.doc.lesson_page().checked_sub(1) {
            self.rewind(keep);
        }
    }
}
