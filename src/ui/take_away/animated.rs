//! An animation's frames as a file that plays forever: an APNG (full colour; any
//! browser, and GitHub, plays it in an `<img>`), or a GIF (256 colours, for the places
//! that take nothing else), picked by the file's extension. The last frame stays
//! longer; frames of different sizes are padded to the largest with the first
//! frame's corner colour.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use egui::{Color32, ColorImage};

/// How long the last frame stays, in milliseconds, before the animation starts over.
const LAST_FRAME_MS: u16 = 2_000;

/// Most colours a GIF frame has.
const GIF_COLOURS: usize = 256;

/// The file an animation is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnimationFormat {
    /// Animated PNG (`.png`, `.apng`).
    Apng,
    /// GIF (`.gif`).
    Gif,
}

impl AnimationFormat {
    /// The format a file named `path` is written in, by its extension.
    pub fn of(path: &Path) -> Result<Self> {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match extension.to_ascii_lowercase().as_str() {
            "png" | "apng" => Ok(Self::Apng),
            "gif" => Ok(Self::Gif),
            _ => bail!(
                "an animation is an animated PNG or a GIF: name the file .png, .apng or .gif \
                 (not {})",
                path.display()
            ),
        }
    }

    /// `frames`, `frame_ms` a frame, as a file of this format.
    pub fn encode(self, frames: &[ColorImage], frame_ms: u16) -> Result<Vec<u8>> {
        let canvas = Canvas::of(frames)?;
        match self {
            Self::Apng => encode_apng(frames, &canvas, frame_ms),
            Self::Gif => encode_gif(frames, &canvas, frame_ms),
        }
    }
}

/// The size every frame is drawn at, and what fills the rest of a smaller one.
struct Canvas {
    width: usize,
    height: usize,
    background: Color32,
}

impl Canvas {
    fn of(frames: &[ColorImage]) -> Result<Self> {
        let Some(first) = frames.first() else {
            bail!("an animation needs a frame");
        };
        Ok(Self {
            width: frames.iter().map(|f| f.size[0]).max().unwrap_or(0),
            height: frames.iter().map(|f| f.size[1]).max().unwrap_or(0),
            background: first.pixels.first().copied().unwrap_or(Color32::BLACK),
        })
    }

    /// The pixels of `frame`, row by row, padded to the canvas.
    fn pixels<'a>(&'a self, frame: &'a ColorImage) -> impl Iterator<Item = Color32> + 'a {
        (0..self.height).flat_map(move |y| {
            (0..self.width).map(move |x| {
                if x < frame.size[0] && y < frame.size[1] {
                    frame.pixels[y * frame.size[0] + x]
                } else {
                    self.background
                }
            })
        })
    }
}

/// How long frame `index` of `count` shows, in milliseconds.
fn delay_ms(index: usize, count: usize, frame_ms: u16) -> u16 {
    if index + 1 == count {
        LAST_FRAME_MS.max(frame_ms)
    } else {
        frame_ms
    }
}

fn encode_apng(frames: &[ColorImage], canvas: &Canvas, frame_ms: u16) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let (width, height) = (u32::try_from(canvas.width)?, u32::try_from(canvas.height)?);
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_animated(u32::try_from(frames.len())?, 0)?;
    let mut writer = encoder.write_header().context("writing the APNG header")?;
    for (index, frame) in frames.iter().enumerate() {
        writer.set_frame_delay(delay_ms(index, frames.len(), frame_ms), 1000)?;
        let data: Vec<u8> = canvas
            .pixels(frame)
            .flat_map(|pixel| pixel.to_srgba_unmultiplied())
            .collect();
        writer
            .write_image_data(&data)
            .with_context(|| format!("writing frame {}", index + 1))?;
    }
    writer.finish().context("finishing the APNG")?;
    Ok(bytes)
}

/// One palette for every frame (so a colour never flickers between frames): the
/// frames' own colours when there are at most 256, else 256 chosen by NeuQuant.
struct Palette {
    colours: Vec<u8>,
    index: HashMap<[u8; 3], u8>,
}

impl Palette {
    fn of(frames: &[ColorImage], canvas: &Canvas) -> Self {
        let rgb = |c: Color32| [c.r(), c.g(), c.b()];
        let mut seen: Vec<[u8; 3]> = Vec::new();
        let mut index: HashMap<[u8; 3], u8> = HashMap::new();
        let mut last = None;
        for pixel in frames.iter().flat_map(|f| canvas.pixels(f)) {
            let colour = rgb(pixel);
            if last == Some(colour) {
                continue;
            }
            last = Some(colour);
            if let std::collections::hash_map::Entry::Vacant(entry) = index.entry(colour) {
                entry.insert(0);
                seen.push(colour);
            }
        }
        if seen.len() <= GIF_COLOURS {
            for (i, colour) in seen.iter().enumerate() {
                index.insert(*colour, i as u8);
            }
            return Self {
                colours: seen.concat(),
                index,
            };
        }
        let rgba: Vec<u8> = seen.iter().flat_map(|&[r, g, b]| [r, g, b, 255]).collect();
        let quant = color_quant::NeuQuant::new(1, GIF_COLOURS, &rgba);
        for colour in &seen {
            let [r, g, b] = *colour;
            index.insert(*colour, quant.index_of(&[r, g, b, 255]) as u8);
        }
        Self {
            colours: quant.color_map_rgb(),
            index,
        }
    }

    fn index_of(&self, pixel: Color32) -> u8 {
        self.index
            .get(&[pixel.r(), pixel.g(), pixel.b()])
            .copied()
            .unwrap_or(0)
    }
}

fn encode_gif(frames: &[ColorImage], canvas: &Canvas, frame_ms: u16) -> Result<Vec<u8>> {
    let too_big = || {
        format!(
            "a GIF is at most 65535 pixels a side; this one would be {}x{}",
            canvas.width, canvas.height
        )
    };
    let width = u16::try_from(canvas.width).with_context(too_big)?;
    let height = u16::try_from(canvas.height).with_context(too_big)?;
    let palette = Palette::of(frames, canvas);
    let mut bytes = Vec::new();
    {
        let mut encoder = gif::Encoder::new(&mut bytes, width, height, &palette.colours)
            .context("writing the GIF header")?;
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .context("writing the GIF header")?;
        for (index, frame) in frames.iter().enumerate() {
            let pixels: Vec<u8> = canvas.pixels(frame).map(|p| palette.index_of(p)).collect();
            let mut gif_frame = gif::Frame::from_indexed_pixels(width, height, pixels, None);
            // GIF counts hundredths of a second; browsers slow anything under 2 down.
            gif_frame.delay = (delay_ms(index, frames.len(), frame_ms) / 10).max(2);
            encoder
                .write_frame(&gif_frame)
                .with_context(|| format!("writing frame {}", index + 1))?;
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(size: [usize; 2], colour: Color32) -> ColorImage {
        ColorImage::new(size, vec![colour; size[0] * size[1]])
    }

    #[test]
    fn the_extension_picks_the_format() {
        assert_eq!(
            AnimationFormat::of(Path::new("a.GIF")).ok(),
            Some(AnimationFormat::Gif)
        );
        assert_eq!(
            AnimationFormat::of(Path::new("a.apng")).ok(),
            Some(AnimationFormat::Apng)
        );
        let err = AnimationFormat::of(Path::new("a.jpg"))
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains(".gif")));
    }

    #[test]
    fn a_gif_has_every_frame_padded_and_its_colours_exactly() -> Result<()> {
        let frames = [
            frame([4, 2], Color32::from_rgb(10, 20, 30)),
            frame([3, 3], Color32::from_rgb(200, 0, 0)),
        ];
        let bytes = AnimationFormat::Gif.encode(&frames, 150)?;
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options.read_info(std::io::Cursor::new(bytes))?;
        assert_eq!((decoder.width(), decoder.height()), (4, 3));
        let mut decoded = Vec::new();
        while let Some(frame) = decoder.read_next_frame()? {
            decoded.push((frame.delay, frame.buffer.to_vec()));
        }
        assert_eq!(decoded.len(), 2);
        assert_eq!(decoded[0].0, 15);
        assert_eq!(decoded[1].0, LAST_FRAME_MS / 10);
        // The second frame's corner is red; its padding is the first frame's corner colour.
        assert_eq!(&decoded[1].1[..4], &[200, 0, 0, 255]);
        assert_eq!(&decoded[1].1[12..16], &[10, 20, 30, 255]);
        Ok(())
    }

    #[test]
    fn a_gif_of_many_colours_keeps_256() -> Result<()> {
        let pixels: Vec<Color32> = (0..64 * 64)
            .map(|i| Color32::from_rgb((i % 64 * 4) as u8, (i / 64 * 4) as u8, 128))
            .collect();
        let image = ColorImage::new([64, 64], pixels);
        let frames = std::slice::from_ref(&image);
        let palette = Palette::of(frames, &Canvas::of(frames)?);
        assert_eq!(palette.colours.len(), 3 * GIF_COLOURS);
        let bytes = AnimationFormat::Gif.encode(&[image], 100)?;
        let decoder = gif::DecodeOptions::new().read_info(std::io::Cursor::new(bytes))?;
        assert_eq!((decoder.width(), decoder.height()), (64, 64));
        Ok(())
    }
}
