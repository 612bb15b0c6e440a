use egui::epaint::ImageDelta;
use egui::{
    Align2, ClippedPrimitive, Color32, ColorImage, Context, FontId, Mesh, Rect, TextureId,
    TextureOptions, TexturesDelta, Ui, Visuals, pos2, vec2,
};

use super::{Textures, decode_png, encode_png, paint, render};

fn dark(ctx: &Context) {
    ctx.set_theme(egui::Theme::Dark);
}

fn panel() -> Color32 {
    Visuals::dark().panel_fill
}

fn at(image: &ColorImage, x: usize, y: usize) -> Color32 {
    image.pixels[y * image.size[0] + x]
}

/// Pixels in `[x0, x1) × [y0, y1)` that differ from `color`.
fn count_not(image: &ColorImage, color: Color32, [x0, y0, x1, y1]: [usize; 4]) -> usize {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| at(image, x, y) != color)
        .count()
}

/// Textures holding one texture `id` set to `image`; the delta is consumed.
fn textures_with(id: TextureId, image: ColorImage, options: TextureOptions) -> Textures {
    let mut textures = Textures::default();
    let mut delta = TexturesDelta::default();
    delta.push(id, ImageDelta::full(image, options));
    textures.apply(&delta);
    delta.clear();
    textures
}

fn mesh_primitive(clip_rect: Rect, mesh: Mesh) -> ClippedPrimitive {
    ClippedPrimitive {
        clip_rect,
        primitive: egui::epaint::Primitive::Mesh(mesh),
    }
}

#[test]
fn filled_rect_has_its_colour_and_background_outside() {
    let red = Color32::from_rgb(200, 30, 40);
    for ppp in [1.0, 2.0] {
        let image = render(vec2(100.0, 80.0), ppp, dark, |ui: &mut Ui| {
            ui.painter().rect_filled(
                Rect::from_min_max(pos2(20.0, 20.0), pos2(60.0, 50.0)),
                0,
                red,
            );
        });
        assert_eq!(image.size, [(100.0 * ppp) as usize, (80.0 * ppp) as usize]);
        let px = |x: f32, y: f32| at(&image, (x * ppp) as usize, (y * ppp) as usize);
        assert_eq!(px(40.0, 35.0), red);
        assert_eq!(px(21.0, 21.0), red);
        assert_eq!(px(90.0, 70.0), panel());
        assert_eq!(px(10.0, 35.0), panel());
        assert!(
            image.pixels.iter().all(|p| p.a() == 255),
            "output must be opaque"
        );
    }
}

#[test]
fn translucent_colour_blends_premultiplied() {
    let textures = textures_with(
        TextureId::default(),
        ColorImage::filled([1, 1], Color32::WHITE),
        TextureOptions::LINEAR,
    );
    let mut mesh = Mesh::default();
    let half_red = Color32::from_rgba_unmultiplied(255, 0, 0, 128);
    mesh.add_colored_rect(Rect::from_min_max(pos2(0.0, 0.0), pos2(4.0, 4.0)), half_red);
    let everything = Rect::from_min_max(pos2(0.0, 0.0), pos2(4.0, 4.0));
    let image = paint(
        &[mesh_primitive(everything, mesh)],
        &textures,
        [4, 4],
        1.0,
        Color32::from_rgb(0, 0, 200),
    );
    // dst = src + dst * (1 - a): red 128, blue 200 * 127/255 ≈ 100.
    assert_eq!(at(&image, 1, 1), Color32::from_rgb(half_red.r(), 0, 100));
}

#[test]
fn shared_edges_are_painted_exactly_once() {
    let white = ColorImage::filled([1, 1], Color32::WHITE);
    let textures = textures_with(TextureId::default(), white, TextureOptions::LINEAR);
    // Half-transparent, so a pixel painted twice (or not at all) shows.
    let faint = Color32::from_rgba_premultiplied(0, 100, 0, 100);
    let clip = Rect::from_min_max(pos2(0.0, 0.0), pos2(32.0, 32.0));
    // The square's diagonal and the x = 16.5 seam run exactly through pixel centres.
    let rects = [
        vec![clip],
        vec![
            Rect::from_min_max(pos2(0.0, 0.0), pos2(16.5, 32.0)),
            Rect::from_min_max(pos2(16.5, 0.0), pos2(32.0, 32.0)),
        ],
    ];
    for rects in rects {
        let mut mesh = Mesh::default();
        rects
            .iter()
            .for_each(|&rect| mesh.add_colored_rect(rect, faint));
        let primitives = [mesh_primitive(clip, mesh)];
        let image = paint(&primitives, &textures, [32, 32], 1.0, Color32::BLACK);
        let once = Color32::from_rgb(0, 100, 0);
        assert_eq!(count_not(&image, once, [0, 0, 32, 32]), 0, "{rects:?}");
    }
}

#[test]
fn label_draws_glyphs_only_where_it_is() {
    let image = render(vec2(300.0, 100.0), 1.0, dark, |ui: &mut Ui| {
        ui.label("Hello, raster! 0123456789");
    });
    let glyphs = count_not(&image, panel(), [0, 0, 300, 30]);
    assert!(glyphs > 150, "only {glyphs} text pixels");
    assert_eq!(count_not(&image, panel(), [0, 40, 300, 100]), 0);
    assert_eq!(count_not(&image, panel(), [250, 0, 300, 100]), 0);
    // Grey text on the dark panel: glyph cores reach the text colour, nothing is brighter.
    let text = Visuals::dark().text_color();
    assert!(
        image.pixels.iter().any(|p| p.r() + 15 >= text.r()),
        "text too dark"
    );
    assert!(
        image
            .pixels
            .iter()
            .all(|p| p.r() <= text.r() && p.r() == p.g() && p.g() == p.b())
    );
}

#[test]
fn clip_rect_limits_painting() {
    let green = Color32::from_rgb(10, 220, 30);
    let clip = Rect::from_min_max(pos2(10.0, 10.0), pos2(30.0, 25.0));
    let image = render(vec2(60.0, 40.0), 2.0, dark, |ui: &mut Ui| {
        ui.painter().with_clip_rect(clip).rect_filled(
            Rect::from_min_max(pos2(0.0, 0.0), pos2(60.0, 40.0)),
            0,
            green,
        );
    });
    let (w, h) = (120, 80);
    let inside = |x: usize, y: usize| (20..60).contains(&x) && (20..50).contains(&y);
    for y in 0..h {
        for x in 0..w {
            let expected = if inside(x, y) { green } else { panel() };
            assert_eq!(at(&image, x, y), expected, "pixel ({x}, {y})");
        }
    }
}

#[test]
fn rendering_is_deterministic() {
    let ui = |ui: &mut Ui| {
        ui.heading("Heading");
        ui.label("Some text that wraps maybe, with numbers 0x1234_5678.");
        let _ = ui.button("A button");
        ui.painter()
            .circle_filled(pos2(150.0, 100.0), 20.0, Color32::from_rgb(40, 120, 220));
    };
    let a = render(vec2(240.0, 140.0), 1.5, dark, ui);
    let b = render(vec2(240.0, 140.0), 1.5, dark, ui);
    assert!(a.pixels == b.pixels);
    assert_eq!(encode_png(&a).ok(), encode_png(&b).ok());
}

#[test]
fn png_round_trips_exactly() -> anyhow::Result<()> {
    let image = render(vec2(120.0, 50.0), 1.0, dark, |ui: &mut Ui| {
        ui.label("round trip");
        ui.painter().rect_filled(
            Rect::from_min_max(pos2(60.0, 20.0), pos2(100.0, 40.0)),
            4,
            Color32::GOLD,
        );
    });
    let decoded = decode_png(&encode_png(&image)?)?;
    assert_eq!(decoded.size, image.size);
    assert!(decoded.pixels == image.pixels);
    assert!(decode_png(b"not a png").is_err());
    Ok(())
}

#[test]
fn partial_texture_update_is_applied_and_free_removes() {
    let id = TextureId::Managed(7);
    let (red, blue) = (Color32::from_rgb(255, 0, 0), Color32::from_rgb(0, 0, 255));
    let mut textures = textures_with(id, ColorImage::filled([4, 4], red), TextureOptions::NEAREST);
    let mut delta = TexturesDelta::default();
    delta.push(
        id,
        ImageDelta::partial(
            [2, 1],
            ColorImage::filled([2, 2], blue),
            TextureOptions::NEAREST,
        ),
    );
    textures.apply(&delta);
    delta.clear();

    let quad = || {
        let mut mesh = Mesh::with_texture(id);
        let full = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
        mesh.add_rect_with_uv(
            Rect::from_min_max(pos2(0.0, 0.0), pos2(4.0, 4.0)),
            full,
            Color32::WHITE,
        );
        [mesh_primitive(
            Rect::from_min_max(pos2(0.0, 0.0), pos2(4.0, 4.0)),
            mesh,
        )]
    };
    let image = paint(&quad(), &textures, [4, 4], 1.0, Color32::BLACK);
    for y in 0..4 {
        for x in 0..4 {
            let expected = if x >= 2 && (1..3).contains(&y) {
                blue
            } else {
                red
            };
            assert_eq!(at(&image, x, y), expected, "texel ({x}, {y})");
        }
    }

    delta.free(id);
    textures.apply(&delta);
    delta.clear();
    let image = paint(&quad(), &textures, [4, 4], 1.0, Color32::BLACK);
    assert!(image.pixels.iter().all(|&p| p == Color32::BLACK));
}

#[test]
fn linear_texture_is_bilinear_at_pixel_centres() {
    // 2x1 texture, black | white, stretched over 4 pixels: centres at u = 1/8, 3/8, 5/8, 7/8.
    let tex = ColorImage::new([2, 1], vec![Color32::BLACK, Color32::WHITE]);
    let id = TextureId::Managed(3);
    let textures = textures_with(id, tex, TextureOptions::LINEAR);
    let mut mesh = Mesh::with_texture(id);
    let rect = Rect::from_min_max(pos2(0.0, 0.0), pos2(4.0, 1.0));
    mesh.add_rect_with_uv(
        rect,
        Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
        Color32::WHITE,
    );
    let image = paint(
        &[mesh_primitive(rect, mesh)],
        &textures,
        [4, 1],
        1.0,
        Color32::BLACK,
    );
    let reds: Vec<u8> = image.pixels.iter().map(|p| p.r()).collect();
    assert_eq!(reds, [0, 64, 191, 255]);
}

/// Writes a sample picture to look at: `$TMPDIR/raster/sample.png`.
#[test]
fn write_sample_png() -> anyhow::Result<()> {
    let image = render(vec2(800.0, 300.0), 1.0, dark, |ui: &mut Ui| {
        ui.heading("wasmscope raster: CPU-rendered egui");
        ui.label("The quick brown fox jumps over the lazy dog. 0123456789 (){}[]<>!?");
        ui.monospace(
            "0000_1000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 00  |Hello, world!...|",
        );
        ui.horizontal(|ui| {
            let _ = ui.button("Step");
            let _ = ui.button("Run");
            let mut on = true;
            ui.checkbox(&mut on, "Follow writes");
            ui.hyperlink_to("a link", "https://example.com");
        });
        ui.separator();
        ui.colored_label(Color32::from_rgb(255, 100, 100), "Red-ish warning text");
        let painter = ui.painter();
        painter.rect_filled(
            Rect::from_min_size(pos2(500.0, 180.0), vec2(80.0, 60.0)),
            8,
            Color32::from_rgb(40, 120, 220),
        );
        painter.circle_stroke(pos2(680.0, 210.0), 40.0, (3.0, Color32::YELLOW));
        painter.text(
            pos2(20.0, 280.0),
            Align2::LEFT_BOTTOM,
            "bottom-left anchored",
            FontId::proportional(20.0),
            Color32::WHITE,
        );
    });
    let dir = std::env::temp_dir().join("raster");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("sample.png"), encode_png(&image)?)?;
    Ok(())
}

#[test]
fn decodes_rgb_and_grey_pngs() -> anyhow::Result<()> {
    let encode = |color: png::ColorType, data: &[u8]| -> anyhow::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, 2, 1);
        encoder.set_color(color);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(data)?;
        writer.finish()?;
        Ok(bytes)
    };
    let rgb = decode_png(&encode(png::ColorType::Rgb, &[1, 2, 3, 250, 251, 252])?)?;
    assert_eq!(
        rgb.pixels,
        [Color32::from_rgb(1, 2, 3), Color32::from_rgb(250, 251, 252)]
    );
    let grey = decode_png(&encode(png::ColorType::Grayscale, &[7, 200])?)?;
    assert_eq!(grey.size, [2, 1]);
    assert_eq!(
        grey.pixels,
        [Color32::from_gray(7), Color32::from_gray(200)]
    );
    Ok(())
}
