//! Trousers and shorts seen from the front: tailored trousers, jeans, cargo trousers, joggers,
//! shorts.

use super::{button, stud, Side, BRASS, NO_ACCENT, SIDES};
use crate::geom::{cr, curve, mirrored, outline, pt, rounded_rect, sm, Knot, Path, MID};
use crate::scene::{Part, Scene, Sketch};

/// Top of the waistband of full-length trousers.
const WAIST: f32 = 50.0;
/// Bottom of the waistband of full-length trousers.
const BAND: f32 = 67.0;
/// Hem of full-length trousers.
const HEM: f32 = 378.0;

/// Tailored trousers with slanted pockets and pressed creases.
pub(crate) fn trousers() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    legs(
        &mut s,
        &[
            sm(MID, BAND - 2.0),
            cr(217.0, BAND - 2.0),
            sm(224.0, 150.0),
            sm(222.0, 262.0),
            cr(219.0, HEM),
            cr(159.0, HEM),
            cr(MID, 182.0),
        ],
    );
    for side in SIDES {
        s.seam(side.path(&curve(&[cr(196.0, BAND), sm(204.0, 96.0), cr(222.0, 116.0)])));
        s.stitch(side.path(&curve(&[cr(192.0, BAND), sm(200.0, 98.0), cr(221.0, 121.0)])));
        let crease = side.path(&curve(&[cr(190.0, 120.0), sm(189.5, 250.0), cr(189.0, HEM - 2.0)]));
        s.fold(crease.translate(-2.5, 0.0), 5.0, 0.06).fold(crease.translate(3.0, 0.0), 7.0, -0.05);
        s.line(crease, 0.5, 0.3);
        s.stitch(side.path(&Path::line(pt(160.0, HEM - 6.0), pt(218.5, HEM - 6.0))));
    }
    fly(&mut s, 148.0);
    waistband(&mut s, 83.0, WAIST, BAND, &[98.0, 128.0, 172.0, 202.0]);
    button(&mut s, pt(MID, (WAIST + BAND) / 2.0), 3.6);
    s.finish()
}

/// Five-pocket jeans with rivets and contrast topstitching.
pub(crate) fn jeans() -> Scene {
    let mut s = Sketch::new(BRASS);
    legs(
        &mut s,
        &[
            sm(MID, BAND - 2.0),
            cr(217.0, BAND - 2.0),
            sm(225.0, 146.0),
            sm(219.0, 262.0),
            cr(213.0, HEM),
            cr(160.0, HEM),
            cr(MID, 180.0),
        ],
    );
    for side in SIDES {
        let mouth = side.path(&curve(&[cr(174.0, BAND), sm(190.0, 100.0), cr(221.0, 108.0)]));
        s.seam(mouth.clone());
        s.stitch(mouth.offset(if side == Side::Right { -3.0 } else { 3.0 }));
        if side == Side::Left {
            let coin = side.path(&rounded_rect(194.0, 74.0, 208.0, 91.0, 1.0));
            s.part(Part::fill(coin.clone()).relief(2.0).tone(0.02));
            s.stitch(coin.inset(1.8));
        }
        stud(&mut s, side.pt(pt(176.0, BAND + 3.0)), 1.8);
        stud(&mut s, side.pt(pt(219.0, 106.0)), 1.8);
        s.stitch(side.path(&Path::line(pt(161.0, HEM - 6.0), pt(212.5, HEM - 6.0))));
        s.stitch(side.path(&Path::line(pt(161.0, HEM - 10.0), pt(212.5, HEM - 10.0))));
        for (i, y) in [196.0f32, 206.0, 216.0].into_iter().enumerate() {
            let l = side.path(&curve(&[
                cr(158.0, y),
                sm(168.0 + i as f32 * 2.0, y + 4.0),
                cr(178.0 + i as f32 * 4.0, y + 12.0),
            ]));
            s.drape(l, 4.0, 0.08);
        }
        s.drape(side.path(&curve(&[cr(170.0, 250.0), sm(184.0, 262.0), cr(198.0, 268.0)])), 8.0, 0.06);
        s.drape(side.path(&curve(&[cr(168.0, 330.0), sm(184.0, 340.0), cr(206.0, 344.0)])), 7.0, 0.06);
    }
    fly(&mut s, 147.0);
    s.stitch(curve(&[cr(159.0, BAND + 2.0), cr(159.0, 132.0), sm(155.0, 144.0), cr(MID, 148.0)]));
    waistband(&mut s, 83.0, WAIST, BAND, &[96.0, 126.0, 174.0, 204.0]);
    stud(&mut s, pt(MID, (WAIST + BAND) / 2.0), 4.0);
    s.finish()
}

/// Loose cargo trousers with flapped thigh pockets.
pub(crate) fn cargo_trousers() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    legs(
        &mut s,
        &[
            sm(MID, BAND - 2.0),
            cr(218.0, BAND - 2.0),
            sm(228.0, 150.0),
            sm(229.0, 262.0),
            cr(226.0, HEM),
            cr(158.0, HEM),
            cr(MID, 184.0),
        ],
    );
    for side in SIDES {
        s.seam(side.path(&curve(&[cr(194.0, BAND), sm(204.0, 98.0), cr(224.0, 118.0)])));
        let pocket = side.path(&rounded_rect(190.0, 206.0, 226.0, 262.0, 3.0));
        s.part(Part::fill(pocket.clone()).relief(4.0).tone(0.02));
        s.stitch(pocket.inset(2.2));
        s.seam(side.path(&Path::line(pt(208.0, 212.0), pt(208.0, 260.0))));
        let flap = side.path(&rounded_rect(188.0, 198.0, 228.0, 214.0, 2.0));
        s.part(Part::fill(flap.clone()).relief(3.0));
        s.stitch(flap.inset(2.0));
        button(&mut s, side.pt(pt(208.0, 208.0)), 2.8);
        s.drape(side.path(&curve(&[cr(166.0, 280.0), sm(180.0, 300.0), cr(196.0, 310.0)])), 9.0, 0.06);
        s.drape(side.path(&curve(&[cr(170.0, 150.0), sm(176.0, 180.0), cr(172.0, 200.0)])), 10.0, 0.05);
        s.stitch(side.path(&Path::line(pt(159.0, HEM - 7.0), pt(225.5, HEM - 7.0))));
    }
    fly(&mut s, 148.0);
    waistband(&mut s, 82.0, WAIST, BAND, &[96.0, 126.0, 174.0, 204.0]);
    button(&mut s, pt(MID, (WAIST + BAND) / 2.0), 3.6);
    s.finish()
}

/// Joggers: elastic drawstring waist, tapered legs and ribbed ankle cuffs.
pub(crate) fn joggers() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    let cuff_top = 346.0;
    legs(
        &mut s,
        &[
            sm(MID, 78.0),
            cr(216.0, 78.0),
            sm(228.0, 160.0),
            sm(222.0, 270.0),
            cr(206.0, cuff_top + 2.0),
            cr(164.0, cuff_top + 2.0),
            cr(MID, 188.0),
        ],
    );
    for side in SIDES {
        s.seam(side.path(&curve(&[cr(198.0, 80.0), sm(206.0, 104.0), cr(222.0, 132.0)])));
        s.drape(side.path(&curve(&[cr(168.0, 250.0), sm(184.0, 262.0), cr(200.0, 262.0)])), 9.0, 0.06);
        s.drape(side.path(&curve(&[cr(172.0, 300.0), sm(186.0, 316.0), cr(204.0, 318.0)])), 8.0, 0.06);
        let cuff = side.path(&outline(&[cr(164.0, cuff_top), cr(206.0, cuff_top), cr(204.0, 374.0), cr(166.0, 374.0)]));
        s.part(Part::fill(cuff).relief(3.0).tone(-0.02));
        super::ribs(
            &mut s,
            &side.path(&Path::line(pt(165.0, cuff_top + 1.0), pt(205.0, cuff_top + 1.0))),
            &side.path(&Path::line(pt(167.0, 373.0), pt(203.0, 373.0))),
            12,
        );
    }
    let band = outline(&[cr(84.0, 52.0), cr(216.0, 52.0), cr(217.0, 80.0), cr(83.0, 80.0)]);
    s.part(Part::fill(band).relief(5.0));
    for i in 0..26 {
        let x = 88.0 + i as f32 * 4.9;
        s.drape(Path::line(pt(x, 54.0), pt(x + 0.5, 78.0)), 2.6, 0.06);
    }
    for side in SIDES {
        let cord = side.path(&curve(&[cr(153.0, 66.0), sm(158.0, 86.0), cr(156.0, 108.0)]));
        s.part(Part::band(cord, 2.8).relief(1.2));
        s.part(Part::fill(side.path(&rounded_rect(153.6, 104.0, 158.4, 114.0, 2.0))).tone(-0.15).relief(1.5));
    }
    s.finish()
}

/// Shorts with turned-up hems.
pub(crate) fn shorts() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    let (band_top, band_bottom, hem) = (96.0, 113.0, 262.0);
    legs(
        &mut s,
        &[
            sm(MID, band_bottom - 2.0),
            cr(215.0, band_bottom - 2.0),
            sm(226.0, 180.0),
            cr(236.0, hem),
            cr(160.0, hem),
            cr(MID, 206.0),
        ],
    );
    for side in SIDES {
        s.seam(side.path(&curve(&[cr(194.0, band_bottom), sm(204.0, 140.0), cr(222.0, 160.0)])));
        let turn = side.path(&outline(&[
            cr(159.0, hem - 16.0),
            cr(233.0, hem - 20.0),
            cr(238.0, hem + 1.0),
            cr(160.0, hem + 1.0),
        ]));
        s.part(Part::fill(turn.clone()).relief(4.0));
        s.stitch(side.path(&Path::line(pt(162.0, hem - 12.0), pt(234.0, hem - 16.0))));
        s.drape(side.path(&curve(&[cr(162.0, 214.0), sm(176.0, 226.0), cr(190.0, 232.0)])), 8.0, 0.06);
    }
    fly(&mut s, 148.0);
    waistband(&mut s, 85.0, band_top, band_bottom, &[98.0, 128.0, 172.0, 202.0]);
    button(&mut s, pt(MID, (band_top + band_bottom) / 2.0), 3.4);
    s.finish()
}

/// Both legs as one outline from the right half's knots (waist at the axis, out and down the
/// side seam, across the hem and up the inseam to the crotch on the axis).
fn legs(s: &mut Sketch, half: &[Knot]) {
    s.part(Part::fill(mirrored(half)));
    // A soft shadow runs down each inseam from the crotch.
    let crotch = half[half.len() - 1].p;
    let hem = half[half.len() - 2].p;
    for side in SIDES {
        let middle = pt((crotch.x + hem.x) / 2.0 + 5.0, (crotch.y + hem.y) / 2.0);
        let inseam = curve(&[cr(crotch.x + 3.0, crotch.y + 4.0), sm(middle.x, middle.y), cr(hem.x + 6.0, hem.y - 6.0)]);
        s.fold(side.path(&inseam), 12.0, -0.06);
    }
}

/// The fly: a J-shaped row of stitching on the right of the centre seam.
fn fly(s: &mut Sketch, x: f32) {
    s.seam(Path::line(pt(x, BAND.min(100.0)), pt(x, 140.0)));
    s.stitch(curve(&[cr(x + 12.0, BAND + 2.0), cr(x + 12.0, 128.0), sm(x + 8.0, 140.0), cr(x + 1.0, 144.0)]));
}

/// A waistband between `top` and `bottom` from `x0` to its mirror, with belt loops at `loops`.
fn waistband(s: &mut Sketch, x0: f32, top: f32, bottom: f32, loops: &[f32]) {
    let band = outline(&[cr(x0, top), cr(2.0 * MID - x0, top), cr(2.0 * MID - x0 + 1.0, bottom), cr(x0 - 1.0, bottom)]);
    s.part(Part::fill(band.clone()).relief(4.0));
    s.stitch(band.inset(2.2));
    s.line(Path::line(pt(MID - 2.0, top), pt(MID - 2.0, bottom)), 0.8, 0.7);
    for &x in loops {
        let l = rounded_rect(x - 3.0, top - 2.0, x + 3.0, bottom + 3.0, 1.0);
        s.part(Part::fill(l.clone()).relief(1.5).tone(0.02));
        s.stitch(Path::line(pt(x - 1.4, top + 0.5), pt(x - 1.4, bottom + 1.0)));
    }
}
