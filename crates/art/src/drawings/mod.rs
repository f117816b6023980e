//! The drawings, one function per silhouette, grouped by garment family, and the small
//! vocabulary of garment details they share (buttons, ribbing, zips, pockets...).
//!
//! Coordinates are design units on the 300 × 400 canvas. Symmetric pieces are written for the
//! right-hand side of the picture and mirrored with [`Side`].

mod accessories;
mod bottoms;
mod dresses;
mod knits;
mod outerwear;
mod shoes;
mod tops;

use crate::geom::{circle, cr, curve, outline, pt, sm, Path, Pt};
use crate::scene::{Part, Scene, Sketch};
use crate::silhouette::Silhouette;

/// Accent for drawings that have no second material.
pub(crate) const NO_ACCENT: [u8; 3] = [128, 128, 128];
/// Silver hardware: buckles, zip pulls, eyelets.
pub(crate) const METAL: [u8; 3] = [192, 194, 199];
/// Brass hardware and jeans rivets.
pub(crate) const BRASS: [u8; 3] = [201, 163, 92];
/// White rubber sneaker sole.
pub(crate) const WHITE_SOLE: [u8; 3] = [242, 240, 235];
/// Dark rubber or leather sole.
pub(crate) const DARK_SOLE: [u8; 3] = [62, 55, 50];
/// Braided jute rope sole.
pub(crate) const JUTE: [u8; 3] = [207, 178, 128];
/// Cork footbed.
pub(crate) const CORK: [u8; 3] = [198, 160, 114];
/// Faux-fur trim.
pub(crate) const FUR: [u8; 3] = [216, 206, 190];

/// The drawing of a silhouette.
pub(crate) fn scene(s: Silhouette) -> Scene {
    use Silhouette::*;
    match s {
        Tee => tops::tee(),
        Polo => tops::polo(),
        Top => tops::tank_top(),
        Shirt => tops::shirt(),
        Blouse => tops::blouse(),
        Sweater => knits::sweater(),
        Cardigan => knits::cardigan(),
        Sweatshirt => knits::sweatshirt(),
        Hoodie => knits::hoodie(),
        Vest => knits::vest(),
        Jacket => outerwear::jacket(),
        Blazer => outerwear::blazer(),
        Parka => outerwear::parka(),
        Windbreaker => outerwear::windbreaker(),
        Coat => outerwear::coat(),
        Dress => dresses::dress(),
        MaxiDress => dresses::maxi_dress(),
        PartyDress => dresses::party_dress(),
        Skirt => dresses::skirt(),
        MiniSkirt => dresses::mini_skirt(),
        PencilSkirt => dresses::pencil_skirt(),
        Trousers => bottoms::trousers(),
        Jeans => bottoms::jeans(),
        CargoTrousers => bottoms::cargo_trousers(),
        Joggers => bottoms::joggers(),
        Shorts => bottoms::shorts(),
        Sneaker => shoes::sneakers(),
        Boot => shoes::boots(),
        Loafer => shoes::loafers(),
        Derby => shoes::derbies(),
        Sandal => shoes::sandals(),
        Espadrille => shoes::espadrilles(),
        Scarf => accessories::scarf(),
        Beanie => accessories::beanie(),
        Cap => accessories::cap(),
        Bag => accessories::bag(),
        Backpack => accessories::backpack(),
        Belt => accessories::belt(),
    }
}

/// Which half of a symmetric garment a piece belongs to; pieces are written for the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Left,
    Right,
}

/// Both sides, left first so the right-hand pieces overlap where they meet.
pub(crate) const SIDES: [Side; 2] = [Side::Left, Side::Right];

impl Side {
    /// A right-hand path placed on this side.
    pub fn path(self, p: &Path) -> Path {
        match self {
            Side::Left => p.mirrored(),
            Side::Right => p.clone(),
        }
    }

    /// A right-hand point placed on this side.
    pub fn pt(self, p: Pt) -> Pt {
        match self {
            Side::Left => p.mirrored(),
            Side::Right => p,
        }
    }
}

/// A sewn-on button of radius `r` with two thread holes.
pub(crate) fn button(s: &mut Sketch, c: Pt, r: f32) {
    s.part(Part::fill(circle(c, r)).tone(0.04).relief(r * 0.6).flat());
    let hole = r * 0.3;
    for dx in [-hole, hole] {
        s.line(Path::open(vec![pt(c.x + dx, c.y)]), r * 0.28, 0.8);
    }
}

/// A metal stud, rivet or snap of radius `r` in the accent colour.
pub(crate) fn stud(s: &mut Sketch, c: Pt, r: f32) {
    s.part(Part::fill(circle(c, r)).accent().relief(r * 0.7).flat());
}

/// `count` rib lines across a band, from evenly spaced points of `from` to those of `to`.
pub(crate) fn ribs(s: &mut Sketch, from: &Path, to: &Path, count: usize) {
    let lines: Vec<Path> = (0..count)
        .map(|i| {
            let t = (i as f32 + 0.5) / count as f32;
            Path::line(from.point_at(t), to.point_at(t))
        })
        .collect();
    let lights = lines.iter().map(|l| l.translate(0.6, 0.3)).collect();
    s.lines(lights, 0.6, -0.35).lines(lines, 0.6, 0.4);
}

/// A zip along `path`: a dark chain with teeth and a stitch line on either side.
pub(crate) fn zip(s: &mut Sketch, path: &Path) {
    let teeth = path.dashes(0.9, 0.9);
    s.line(path.offset(2.2), 0.5, 0.35).line(path.offset(-2.2), 0.5, 0.35);
    s.lines(teeth, 2.6, 0.55).line(path.clone(), 0.5, 0.8);
}

/// A metal zip pull hanging from `top`.
pub(crate) fn zip_pull(s: &mut Sketch, top: Pt, length: f32) {
    let tab = crate::geom::rounded_rect(top.x - 2.6, top.y, top.x + 2.6, top.y + length, 2.4);
    s.part(Part::fill(tab).accent().relief(1.5));
    s.line(Path::line(pt(top.x, top.y + length * 0.45), pt(top.x, top.y + length * 0.8)), 1.4, 0.6);
}

/// A patch pocket: a slightly raised panel with topstitching inside its edge.
pub(crate) fn patch_pocket(s: &mut Sketch, outline: Path) {
    let stitch = outline.inset(2.2);
    s.part(Part::fill(outline).tone(0.02).relief(4.0));
    s.stitch(stitch);
}

/// A small tied bow centred on `c`.
pub(crate) fn bow(s: &mut Sketch, c: Pt) {
    for dx in [-1.0, 1.0] {
        let tail =
            curve(&[cr(c.x + 2.0 * dx, c.y + 2.0), sm(c.x + 6.0 * dx, c.y + 14.0), cr(c.x + 9.0 * dx, c.y + 26.0)]);
        s.part(Part::band(tail, 4.0).relief(2.0));
    }
    for dx in [-1.0, 1.0] {
        let lp = outline(&[
            cr(c.x + dx, c.y),
            sm(c.x + 10.0 * dx, c.y - 8.0),
            sm(c.x + 17.0 * dx, c.y - 4.0),
            sm(c.x + 15.0 * dx, c.y + 5.0),
            sm(c.x + 8.0 * dx, c.y + 4.0),
        ]);
        s.part(Part::fill(lp).relief(3.0));
        s.drape(Path::line(pt(c.x + 5.0 * dx, c.y), pt(c.x + 12.0 * dx, c.y - 1.0)), 3.0, 0.08);
    }
    s.part(Part::fill(circle(c, 3.6)).relief(2.0).tone(-0.03));
}
