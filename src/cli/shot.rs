//! `wasmscope shot SESSION -o out.png`: replays a session in the app, headless (no
//! window, no display, no GPU), and writes the picture File ▸ Save picture makes —
//! or with `--animate`, the animation of a step's writes File ▸ Save animation makes.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::ShotArgs;
use crate::engine::default_cache_dir;
use crate::memory::RegionKind;
use crate::recipe::write_atomically;
use crate::ui::{
    Animation, AnimationFormat, App, AppOptions, LogKind, PictureRows, Presentation, Settings,
    SystemDialog, UiCommand, encode_png, resolve_offset,
};

/// How long the module may take to load and the session to replay.
const PATIENCE: Duration = Duration::from_secs(300);

/// Replays the session and writes the picture.
pub fn shot(args: &ShotArgs) -> Result<()> {
    if ![8, 16, 32].contains(&args.bytes_per_row) {
        bail!("--bytes-per-row is 8, 16 or 32, not {}", args.bytes_per_row);
    }
    if !(0.5..=4.0).contains(&args.scale) {
        bail!("--scale is between 0.5 and 4, not {}", args.scale);
    }
    let options = AppOptions {
        module: Some(args.session.clone()),
        presentation: Presentation {
            fixed_host_base: args.host_base,
            hide_durations: true,
        },
        compile_cache: if args.no_cache {
            None
        } else {
            default_cache_dir()
        },
        compiler: Some(args.compiler),
        // A picture opens no file dialog: no need to look for one.
        system_dialog: Some(SystemDialog::Missing),
        source_dir: None,
    };
    let mut app = App::with_context(egui::Context::default(), Settings::default(), options)?;
    settle(&mut app, args.allow_host_settings)?;
    // A lesson runs its steps as Next does, one at a time.
    while let Some(lesson) = &app.state().doc.lesson {
        if app.state().doc.lesson_page() >= lesson.steps.len() {
            break;
        }
        app.apply(UiCommand::LessonNext);
        settle(&mut app, args.allow_host_settings)?;
    }
    if let Some(step) = args.step {
        let steps = app.state().doc.instance.timeline.len();
        if step == 0 || step > steps {
            bail!("--step {step}: the session has steps 1 to {steps}");
        }
        app.apply(UiCommand::ViewStep(Some(step - 1)));
    }
    let format = match args.animate {
        true => Some(AnimationFormat::of(&args.output).context("--animate")?),
        false => None,
    };
    let animation = match args.animate {
        true => Some(Animation {
            entry: app.animated_entry().with_context(|| match args.step {
                Some(step) => format!("--animate: step {step} kept no writes of its own"),
                None => "--animate: no step of the session kept writes of its own".to_owned(),
            })?,
            every: args.every,
            frame_ms: args.frame_ms,
        }),
        false => None,
    };
    let state = app.state();
    for entry in state.log.iter().filter(|e| e.kind == LogKind::Error) {
        eprintln!("note: {}", entry.text);
    }
    let at = match &args.at {
        Some(text) => resolve_offset(text, state).with_context(|| format!("--at {text}"))?,
        None => default_offset(&app),
    };
    let rows = PictureRows::at(
        at,
        args.rows,
        args.bytes_per_row,
        app.state().snapshot().len_bytes(),
    );
    let bytes = match animation.zip(format) {
        Some((animation, format)) => format.encode(
            &app.animation_frames(animation, &rows, args.scale)?,
            animation.frame_ms,
        )?,
        None => encode_png(&app.picture(&rows, args.scale))?,
    };
    write_atomically(&args.output, &bytes)?;
    Ok(())
}

/// Applies the app's events until the session has replayed; answers its request for
/// folders and environment variables with `allow`.
fn settle(app: &mut App, allow: bool) -> Result<()> {
    let started = Instant::now();
    loop {
        let state = app.state();
        if state.offer.is_some() {
            app.apply(UiCommand::AnswerSession(Some(allow)));
            continue;
        }
        let idle = state.loading.is_none() && state.running().is_none();
        if idle && state.ready() {
            return Ok(());
        }
        if idle
            && !state.ready()
            && let Some(error) = state.log.iter().rev().find(|e| e.kind == LogKind::Error)
        {
            bail!("{}", error.text);
        }
        if started.elapsed() > PATIENCE {
            bail!(
                "the session did not finish replaying in {} s",
                PATIENCE.as_secs()
            );
        }
        app.wait_for_event(Duration::from_millis(100));
    }
}

/// Where the picture starts without `--at`: the allocation, else the input or output,
/// else offset 0.
fn default_offset(app: &App) -> u64 {
    let regions = app.state().regions();
    [
        RegionKind::Allocation,
        RegionKind::Input,
        RegionKind::Output,
    ]
    .iter()
    .find_map(|kind| regions.iter().find(|r| r.kind == *kind))
    .map_or(0, |r| r.range.start)
}
