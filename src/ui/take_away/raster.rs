//! Headless CPU rendering of egui: no GPU, no display, no window.
//!
//! [`render`] runs a few egui frames, tessellates the last one and hands the
//! triangles to [`paint`], a small software rasterizer that does what `egui-wgpu`
//! and `egui_glow` do on a gamma-space framebuffer: vertex colour times texture
//! sample, premultiplied-alpha blending, scissor clipping, pixel-centre sampling.
//! [`encode_png`] and [`decode_png`] turn pictures into PNG bytes and back.

use std::collections::HashMap;
use std::io::Cursor;

use anyhow::{Context as _, bail};
use egui::epaint::{ImageDelta, Primitive, Vertex};
use egui::{
    CentralPanel, ClippedPrimitive, Color32, ColorImage, Context, Frame, FullOutput, ImageData,
    Pos2, RawInput, Rect, TextureFilter, TextureId, TextureOptions, TextureWrapMode, TexturesDelta,
    Ui, Vec2, ViewportId,
};

/// Frames [`render`] runs so that layout settles (sizing passes, grids, wrapping).
const FRAMES: usize = 3;
/// Sub-pixel steps per pixel of the fixed-point vertex positions.
const SUB: i64 = 256;
/// Vertex coordinates are clamped to ±this many pixels so edge products fit in `i64`.
const MAX_COORD: f32 = (1 << 20) as f32;

/// A texture kept on the CPU: its texels and how to sample them.
struct Texture {
    image: ColorImage,
    options: TextureOptions,
}

/// The egui-managed textures (font atlas, loaded images), kept on the CPU.
#[derive(Default)]
pub struct Textures {
    map: HashMap<TextureId, Texture>,
}

impl Textures {
    /// Applies a frame's texture changes: whole and partial (`pos`) `set`s, then `free`s.
    ///
    /// egui debug-asserts that a [`TexturesDelta`] is empty when dropped, so the
    /// caller still has to `clear()` it (or use `FullOutput::drop_without_applying_deltas`).
    #[cfg(test)]
    pub fn apply(&mut self, delta: &TexturesDelta) {
        self.set(delta);
        self.free(delta);
    }

    fn set(&mut self, delta: &TexturesDelta) {
        for (&id, deltas) in &delta.set {
            for one in deltas {
                self.set_one(id, one);
            }
        }
    }

    fn free(&mut self, delta: &TexturesDelta) {
        for id in &delta.free {
            self.map.remove(id);
        }
    }

    /// Stores a whole image, or copies a patch into an existing one (clipped to it).
    fn set_one(&mut self, id: TextureId, delta: &ImageDelta) {
        let ImageData::Color(patch) = &delta.image;
        let [patch_w, patch_h] = patch.size;
        if patch.pixels.len() != patch_w * patch_h || patch.pixels.is_empty() {
            return; // Malformed or empty: nothing that could be sampled.
        }
        let options = delta.options;
        let Some([x, y]) = delta.pos else {
            let image = ColorImage::clone(patch);
            self.map.insert(id, Texture { image, options });
            return;
        };
        if let Some(texture) = self.map.get_mut(&id) {
            texture.options = options;
            let [tex_w, tex_h] = texture.image.size;
            let width = patch_w.min(tex_w.saturating_sub(x));
            for row in 0..patch_h.min(tex_h.saturating_sub(y)) {
                let (src, dst) = (row * patch_w, (y + row) * tex_w + x);
                let src = &patch.pixels[src..src + width];
                texture.image.pixels[dst..dst + width].copy_from_slice(src);
            }
        }
    }
}

/// Rasterizes egui's tessellated `primitives` into an opaque image of `size` (w, h) pixels.
///
/// Colours blend as premultiplied alpha in gamma space (as in `egui_glow`). A texture
/// is sampled bilinearly when its `magnification` filter is `Linear`, else nearest.
/// Paint callbacks, and meshes whose texture `textures` lacks, are skipped.
/// `background` is drawn first; its alpha is ignored.
pub fn paint(
    primitives: &[ClippedPrimitive],
    textures: &Textures,
    size: [usize; 2],
    pixels_per_point: f32,
    background: Color32,
) -> ColorImage {
    let [width, height] = size;
    let [r, g, b, _] = background.to_array();
    let pixels = vec![Color32::from_rgb(r, g, b); width * height];
    let mut canvas = Canvas { width, pixels };
    for primitive in primitives {
        let (Primitive::Mesh(mesh), rect) = (&primitive.primitive, primitive.clip_rect) else {
            continue;
        };
        let Some(texture) = textures.map.get(&mesh.texture_id) else {
            continue;
        };
        // Points to pixels, rounded and clamped like the GPU painters' scissor rect.
        let px = |v: f32, max: usize| (v * pixels_per_point).clamp(0.0, max as f32).round();
        let [x0, y0] = [px(rect.min.x, width), px(rect.min.y, height)].map(|v| v as i64);
        let [x1, y1] = [px(rect.max.x, width), px(rect.max.y, height)].map(|v| v as i64);
        if x0 >= x1 || y0 >= y1 {
            continue;
        }
        for tri in mesh.indices.chunks_exact(3) {
            let vertex = |i: u32| mesh.vertices.get(i as usize);
            if let (Some(a), Some(b), Some(c)) = (vertex(tri[0]), vertex(tri[1]), vertex(tri[2])) {
                let clip = [x0, y0, x1, y1];
                canvas.triangle([a, b, c], pixels_per_point, clip, texture);
            }
        }
    }
    ColorImage::new(size, canvas.pixels)
}

/// The opaque picture being painted, row by row.
struct Canvas {
    width: usize,
    pixels: Vec<Color32>,
}

impl Canvas {
    /// Draws one triangle inside `clip` ([x0, y0, x1, y1] pixels, end exclusive).
    fn triangle(&mut self, vertices: [&Vertex; 3], ppp: f32, clip: [i64; 4], texture: &Texture) {
        let fixed = |v: f32| ((v * ppp).clamp(-MAX_COORD, MAX_COORD) * SUB as f32).round() as i64;
        let mut v = vertices;
        let mut p = v.map(|v| [fixed(v.pos.x), fixed(v.pos.y)]);
        let mut area = edge(p[0], p[1], p[2]);
        if area < 0 {
            // egui's winding order is not consistent: make every triangle positive.
            p.swap(1, 2);
            v.swap(1, 2);
            area = -area;
        }
        if area == 0 {
            return;
        }
        // Pixels whose centre (x * SUB + SUB / 2) is in the bounding box and the clip rect.
        let span = |i: usize| {
            let lo = p.iter().map(|q| q[i]).min().unwrap_or(0) - SUB / 2;
            let hi = p.iter().map(|q| q[i]).max().unwrap_or(0) - SUB / 2;
            let first = (lo + SUB - 1).div_euclid(SUB).max(clip[i]);
            (first, hi.div_euclid(SUB).min(clip[i + 2] - 1))
        };
        let ((x0, x1), (y0, y1)) = (span(0), span(1));
        if x0 > x1 || y0 > y1 {
            return;
        }
        // Edge `i` is opposite vertex `i`; its value over `area` is that vertex's weight.
        let edges = [(p[1], p[2]), (p[2], p[0]), (p[0], p[1])];
        // A centre exactly on an edge belongs to just one of the two triangles sharing it.
        let min = edges.map(|(a, b)| i64::from(!(b[1] < a[1] || (b[1] == a[1] && b[0] > a[0]))));
        let step_x = edges.map(|(a, b)| (a[1] - b[1]) * SUB);
        let step_y = edges.map(|(a, b)| (b[0] - a[0]) * SUB);
        let mut row = edges.map(|(a, b)| edge(a, b, [x0 * SUB + SUB / 2, y0 * SUB + SUB / 2]));

        let sampler = Sampler {
            texture,
            linear: texture.options.magnification == TextureFilter::Linear,
        };
        let colors = v.map(|v| v.color.to_array().map(|c| f32::from(c) / 255.0));
        let uvs = v.map(|v| sampler.texel_space(v.uv));
        let flat_color = (colors[0] == colors[1] && colors[1] == colors[2]).then_some(colors[0]);
        let flat_tex = (uvs[0] == uvs[1] && uvs[1] == uvs[2]).then(|| sampler.sample(uvs[0]));
        // Fast path: one colour for the whole triangle (solid fills sample the white uv).
        let flat = flat_color.zip(flat_tex).map(|(c, t)| multiply(c, t));
        let opaque = flat.filter(|src| src[3] >= 1.0).map(|src| {
            let [r, g, b] = [0, 1, 2].map(|c| (src[c] * 255.0).round() as u8);
            Color32::from_rgb(r, g, b)
        });
        let inv_area = 1.0 / area as f32;

        for y in y0..=y1 {
            let mut e = row;
            let line = y as usize * self.width;
            for x in x0..=x1 {
                if e[0] >= min[0] && e[1] >= min[1] && e[2] >= min[2] {
                    let dst = &mut self.pixels[line + x as usize];
                    if let Some(color) = opaque {
                        *dst = color;
                    } else {
                        let src = flat.unwrap_or_else(|| {
                            let w = e.map(|e| e as f32 * inv_area);
                            let color = flat_color.unwrap_or_else(|| interpolate(w, colors));
                            let uv = interpolate(w, uvs);
                            multiply(color, flat_tex.unwrap_or_else(|| sampler.sample(uv)))
                        });
                        blend(dst, src);
                    }
                }
                (0..3).for_each(|i| e[i] += step_x[i]);
            }
            (0..3).for_each(|i| row[i] += step_y[i]);
        }
    }
}

/// Twice the signed area of (a, b, q): positive when q is on the inner side of a → b.
fn edge(a: [i64; 2], b: [i64; 2], q: [i64; 2]) -> i64 {
    (b[0] - a[0]) * (q[1] - a[1]) - (b[1] - a[1]) * (q[0] - a[0])
}

/// Barycentric interpolation of a per-vertex attribute.
fn interpolate<const N: usize>(w: [f32; 3], a: [[f32; N]; 3]) -> [f32; N] {
    std::array::from_fn(|c| w[0] * a[0][c] + w[1] * a[1][c] + w[2] * a[2][c])
}

/// Vertex colour times texture sample, channel by channel.
fn multiply(a: [f32; 4], b: [f32; 4]) -> [f32; 4] {
    std::array::from_fn(|c| a[c] * b[c])
}

/// `dst = src + dst * (1 - src.a)`, with `src` premultiplied and in 0..=1, `dst` opaque.
fn blend(dst: &mut Color32, src: [f32; 4]) {
    if src == [0.0; 4] {
        return;
    }
    let keep = 1.0 - src[3];
    let out = |s: f32, d: u8| (s * 255.0 + f32::from(d) * keep).round().clamp(0.0, 255.0) as u8;
    let [r, g, b, _] = dst.to_array();
    *dst = Color32::from_rgb(out(src[0], r), out(src[1], g), out(src[2], b));
}

/// Samples a texture like egui-wgpu's "predictable" filtering: texels at their centres.
struct Sampler<'a> {
    texture: &'a Texture,
    linear: bool,
}

impl Sampler<'_> {
    /// Maps a uv to texel coordinates (shifted by half a texel for bilinear filtering).
    fn texel_space(&self, uv: Pos2) -> [f32; 2] {
        let shift = if self.linear { 0.5 } else { 0.0 };
        let [w, h] = self.texture.image.size.map(|n| n as f32);
        // The clamp keeps `floor() as i64 + 1` from overflowing on absurd uvs.
        [uv.x * w - shift, uv.y * h - shift].map(|t| t.clamp(-1e9, 1e9))
    }

    /// The premultiplied colour (0..=1) at texel coordinates `t`.
    fn sample(&self, t: [f32; 2]) -> [f32; 4] {
        let [x, y] = t.map(f32::floor);
        let (ix, iy) = (x as i64, y as i64);
        if !self.linear {
            return self.texel(ix, iy);
        }
        let lerp = |a: [f32; 4], b: [f32; 4], f: f32| -> [f32; 4] {
            std::array::from_fn(|c| a[c] + (b[c] - a[c]) * f)
        };
        let top = lerp(self.texel(ix, iy), self.texel(ix + 1, iy), t[0] - x);
        let bottom = lerp(self.texel(ix, iy + 1), self.texel(ix + 1, iy + 1), t[0] - x);
        lerp(top, bottom, t[1] - y)
    }

    fn texel(&self, x: i64, y: i64) -> [f32; 4] {
        let [w, h] = self.texture.image.size;
        let index = self.wrap(y, h) * w + self.wrap(x, w);
        self.texture.image.pixels[index]
            .to_array()
            .map(|c| f32::from(c) / 255.0)
    }

    fn wrap(&self, i: i64, n: usize) -> usize {
        let n = n as i64;
        let i = match self.texture.options.wrap_mode {
            TextureWrapMode::ClampToEdge => i.clamp(0, n - 1),
            TextureWrapMode::Repeat => i.rem_euclid(n),
            TextureWrapMode::MirroredRepeat => {
                let phase = i.rem_euclid(2 * n);
                phase.min(2 * n - 1 - phase)
            }
        };
        i as usize
    }
}

/// Runs `ui` in a fresh egui context and paints the result on the CPU.
///
/// `setup` runs once before the first frame (style, fonts, theme). `ui` is shown in a
/// margin-less `CentralPanel` filled with the style's panel colour and covering
/// `size_points`; it runs once per frame for a few frames so that layout settles.
/// The picture is `size_points * pixels_per_point` pixels (rounded).
pub fn render(
    size_points: Vec2,
    pixels_per_point: f32,
    setup: impl FnOnce(&Context),
    mut ui: impl FnMut(&mut Ui),
) -> ColorImage {
    let ctx = Context::default();
    setup(&ctx);
    let screen_rect = Some(Rect::from_min_size(Pos2::ZERO, size_points));
    let mut input = RawInput {
        screen_rect,
        ..RawInput::default()
    };
    if let Some(viewport) = input.viewports.get_mut(&ViewportId::ROOT) {
        viewport.native_pixels_per_point = Some(pixels_per_point);
    }
    let mut textures = Textures::default();
    let mut output = FullOutput::default();
    for _ in 0..FRAMES {
        // Textures are freed once the frame that freed them is done with.
        textures.free(&output.textures_delta);
        output.textures_delta.clear();
        output = ctx.run_ui(input.clone(), |root| {
            let frame = Frame::central_panel(root.style()).inner_margin(0);
            CentralPanel::default()
                .frame(frame)
                .show(root, |inner| ui(inner));
        });
        textures.set(&output.textures_delta);
    }
    output.textures_delta.clear();
    let ppp = output.pixels_per_point;
    let primitives = ctx.tessellate(std::mem::take(&mut output.shapes), ppp);
    let size = [size_points.x, size_points.y].map(|v| (v * pixels_per_point).round() as usize);
    let background = ctx.global_style().visuals.panel_fill;
    paint(&primitives, &textures, size, ppp, background)
}

/// Runs one frame of a fresh context set up by `setup` and returns what `f` measured
/// there (font metrics, a layout's size), for sizing a [`render`].
pub fn measure<T>(setup: impl FnOnce(&Context), mut f: impl FnMut(&mut Ui) -> T) -> Option<T> {
    let ctx = Context::default();
    setup(&ctx);
    let mut out = None;
    let mut output = ctx.run_ui(RawInput::default(), |ui| out = Some(f(ui)));
    output.textures_delta.clear();
    out
}

/// Encodes `image` as an 8-bit RGBA PNG (colours un-premultiplied, as PNG wants).
///
/// Fails only if the image is too large for PNG or the encoder reports an error.
pub fn encode_png(image: &ColorImage) -> anyhow::Result<Vec<u8>> {
    let [w, h] = image.size;
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, u32::try_from(w)?, u32::try_from(h)?);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().context("writing PNG header")?;
    let data: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(Color32::to_srgba_unmultiplied)
        .collect();
    writer.write_image_data(&data).context("writing PNG data")?;
    writer.finish().context("finishing PNG")?;
    Ok(bytes)
}

/// Decodes PNG bytes (any colour type and depth) into a [`ColorImage`].
///
/// Fails if the bytes are not a valid PNG.
pub fn decode_png(bytes: &[u8]) -> anyhow::Result<ColorImage> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    // Everything becomes 8-bit RGBA or grey + alpha.
    let to_rgba8 = png::Transformations::normalize_to_color8() | png::Transformations::ALPHA;
    decoder.set_transformations(to_rgba8);
    let mut reader = decoder.read_info().context("reading PNG header")?;
    let mut data = vec![0; reader.output_buffer_size().context("PNG too large")?];
    let info = reader.next_frame(&mut data).context("decoding PNG")?;
    let size = [info.width as usize, info.height as usize];
    let data = &data[..info.buffer_size()];
    let rgba: Vec<u8> = match info.color_type {
        png::ColorType::Rgba => data.to_vec(),
        png::ColorType::GrayscaleAlpha => data
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        other => bail!("unexpected decoded PNG colour type {other:?}"),
    };
    if rgba.len() != size[0] * size[1] * 4 {
        bail!("PNG data does not fill its {}x{} size", size[0], size[1]);
    }
    Ok(ColorImage::from_rgba_unmultiplied(size, &rgba))
}

#[cfg(test)]
#[path = "raster_tests.rs"]
mod tests;
