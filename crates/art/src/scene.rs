//! What a drawing is made of: shaded parts stacked in painter's order, each followed by the
//! details (seams, stitching, folds) drawn on it.

use crate::geom::{Path, Pt, Rect};

/// Which colour a part is painted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Material {
    /// The product's colour.
    Main,
    /// The drawing's fixed secondary colour (a rubber sole, a metal buckle, a jute rope sole).
    Accent,
}

/// The outline of a part.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// The area enclosed by closed paths (a hole must run opposite to its outline).
    Fill(Vec<Path>),
    /// A band of the given width (design units) along open or closed paths.
    Band(Vec<Path>, f32),
}

impl Shape {
    /// Bounds in design units.
    pub fn bounds(&self) -> Rect {
        match self {
            Shape::Fill(paths) => paths.iter().fold(Rect::EMPTY, |r, p| r.union(p.bounds())),
            Shape::Band(paths, w) => paths.iter().fold(Rect::EMPTY, |r, p| r.union(p.bounds())).expand(w / 2.0),
        }
    }
}

/// A shaded piece of the drawing with an outline, e.g. a sleeve, a collar, a sole.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Part {
    pub shape: Shape,
    pub material: Material,
    /// Added to the part's shading: negative for insides and far-away pieces.
    pub tone: f32,
    /// Width of the soft bevel of the shading, in design units.
    pub relief: f32,
    /// Whether the part casts a soft shadow on what lies beneath it.
    pub casts_shadow: bool,
}

impl Part {
    /// A part in the product colour with default shading.
    pub fn main(shape: Shape) -> Part {
        Part { shape, material: Material::Main, tone: 0.0, relief: 12.0, casts_shadow: true }
    }

    /// A filled part in the product colour.
    pub fn fill(path: Path) -> Part {
        Part::main(Shape::Fill(vec![path]))
    }

    /// A band-shaped part in the product colour.
    pub fn band(path: Path, width: f32) -> Part {
        Part { relief: (width * 0.45).clamp(1.0, 12.0), ..Part::main(Shape::Band(vec![path], width)) }
    }

    /// The same part in the accent colour.
    pub fn accent(self) -> Part {
        Part { material: Material::Accent, ..self }
    }

    /// The same part with its shading shifted by `tone`.
    pub fn tone(self, tone: f32) -> Part {
        Part { tone, ..self }
    }

    /// The same part with a bevel `relief` units wide.
    pub fn relief(self, relief: f32) -> Part {
        Part { relief, ..self }
    }

    /// The same part without a cast shadow.
    pub fn flat(self) -> Part {
        Part { casts_shadow: false, ..self }
    }
}

/// Something drawn on the part just before it in the layer list, clipped to that part.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Detail {
    /// A line of `width` design units in ink: positive darkens (up to the outline colour at 1),
    /// negative lightens.
    Line { paths: Vec<Path>, width: f32, ink: f32 },
    /// A soft change of shading `width` units wide around the paths: a fold or a crease.
    Fold { paths: Vec<Path>, width: f32, amount: f32 },
}

/// One entry of a drawing, in painter's order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Layer {
    Part(Part),
    Detail(Detail),
}

/// A complete drawing of a product.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scene {
    pub layers: Vec<Layer>,
    /// The accent colour as sRGB.
    pub accent: [u8; 3],
    /// Centre and radii of the floor shadow, in design units.
    pub floor: Option<(Pt, f32, f32)>,
}

/// Collects the layers of a drawing with a small vocabulary of garment details.
#[derive(Debug, Clone)]
pub(crate) struct Sketch {
    layers: Vec<Layer>,
    accent: [u8; 3],
    floor: Option<(Pt, f32, f32)>,
}

/// Ink strength of a seam's dark line.
const SEAM_DARK: f32 = 0.55;
/// Ink strength of a seam's light line.
const SEAM_LIGHT: f32 = -0.45;

impl Sketch {
    /// An empty drawing whose accent colour is `accent` (sRGB).
    pub fn new(accent: [u8; 3]) -> Sketch {
        Sketch { layers: Vec::new(), accent, floor: None }
    }

    /// Adds a part; the details that follow are drawn on it.
    pub fn part(&mut self, part: Part) -> &mut Sketch {
        self.layers.push(Layer::Part(part));
        self
    }

    /// Adds a line of ink (see [`Detail::Line`]).
    pub fn line(&mut self, path: Path, width: f32, ink: f32) -> &mut Sketch {
        self.layers.push(Layer::Detail(Detail::Line { paths: vec![path], width, ink }));
        self
    }

    /// Adds several lines of ink at once.
    pub fn lines(&mut self, paths: Vec<Path>, width: f32, ink: f32) -> &mut Sketch {
        self.layers.push(Layer::Detail(Detail::Line { paths, width, ink }));
        self
    }

    /// A sewn seam: a groove drawn as a dark line with a highlight beside it.
    pub fn seam(&mut self, path: Path) -> &mut Sketch {
        let light = path.translate(0.5, 0.7);
        self.line(light, 0.7, SEAM_LIGHT).line(path, 0.7, SEAM_DARK)
    }

    /// A row of topstitching: short dashes.
    pub fn stitch(&mut self, path: Path) -> &mut Sketch {
        let dashes = path.dashes(3.2, 2.2);
        let lights = dashes.iter().map(|d| d.translate(0.35, 0.45)).collect();
        self.lines(lights, 0.55, -0.5).lines(dashes, 0.55, 0.5)
    }

    /// A soft fold: shading `amount` (negative darkens) spread `width` units around the path.
    pub fn fold(&mut self, path: Path, width: f32, amount: f32) -> &mut Sketch {
        self.layers.push(Layer::Detail(Detail::Fold { paths: vec![path], width, amount }));
        self
    }

    /// A drape fold: a shadow with a highlight on its lit side.
    pub fn drape(&mut self, path: Path, width: f32, depth: f32) -> &mut Sketch {
        let lit = path.translate(-width * 0.45, -width * 0.2);
        self.fold(lit, width * 0.8, depth * 0.3).fold(path, width, -depth)
    }

    /// Sets the floor shadow; by default it sits under the drawing's bounding box.
    pub fn floor(&mut self, centre: Pt, rx: f32, ry: f32) -> &mut Sketch {
        self.floor = Some((centre, rx, ry));
        self
    }

    /// The finished drawing.
    pub fn finish(&self) -> Scene {
        Scene { layers: self.layers.clone(), accent: self.accent, floor: self.floor }
    }
}
