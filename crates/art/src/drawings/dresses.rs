//! Dresses and skirts seen from the front: midi dress, tiered maxi dress, party dress, A-line
//! skirt, pleated mini skirt, pencil skirt.

use super::{bow, button, Side, NO_ACCENT, SIDES};
use crate::geom::{cr, curve, mirrored, outline, pt, sm, Path, Pt, MID};
use crate::scene::{Part, Scene, Sketch};

/// Midi dress: short sleeves, fitted bodice, tie belt and a flared skirt.
pub(crate) fn dress() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    for side in SIDES {
        let sleeve = outline(&[
            cr(194.0, 99.0),
            cr(211.0, 104.0),
            sm(228.0, 117.0),
            cr(238.0, 140.0),
            cr(216.0, 150.0),
            cr(206.0, 136.0),
        ]);
        s.part(Part::fill(side.path(&sleeve)).relief(8.0));
        s.stitch(side.path(&Path::line(pt(235.0, 137.0), pt(216.0, 146.0))));
    }
    let inside = outline(&[cr(130.0, 88.0), sm(MID, 95.0), cr(170.0, 88.0), cr(174.0, 124.0), cr(126.0, 124.0)]);
    s.part(Part::fill(inside).tone(-0.28).flat());
    let skirt = mirrored(&[
        sm(MID, 176.0),
        cr(196.0, 176.0),
        sm(214.0, 236.0),
        cr(252.0, 350.0),
        sm(204.0, 357.0),
        sm(MID, 360.0),
    ]);
    s.part(Part::fill(skirt));
    skirt_folds(&mut s, 186.0, 352.0, &[(170.0, 204.0), (186.0, 236.0), (158.0, 176.0), (196.0, 250.0)]);
    s.stitch(curve(&[cr(52.0, 343.0), sm(96.0, 350.0), sm(MID, 353.0), sm(204.0, 350.0), cr(248.0, 343.0)]));
    let bodice = mirrored(&[
        sm(MID, 116.0),
        sm(163.0, 110.0),
        cr(170.0, 88.0),
        cr(211.0, 104.0),
        sm(204.0, 128.0),
        cr(207.0, 150.0),
        sm(199.0, 168.0),
        cr(197.0, 186.0),
        sm(MID, 187.0),
    ]);
    s.part(Part::fill(bodice));
    for side in SIDES {
        s.seam(side.path(&Path::line(pt(176.0, 186.0), pt(174.0, 150.0))));
    }
    let neck = curve(&[cr(170.0, 89.0), sm(163.0, 110.0), sm(MID, 116.0), sm(137.0, 110.0), cr(130.0, 89.0)]);
    s.stitch(neck.offset(4.0).slice(3.0, 200.0));
    let belt = outline(&[cr(102.0, 178.0), cr(198.0, 178.0), cr(198.0, 189.0), cr(102.0, 189.0)]);
    s.part(Part::fill(belt).relief(3.0).tone(0.02));
    bow(&mut s, pt(MID, 184.0));
    s.finish()
}

/// Floor-length tiered maxi dress on thin straps.
pub(crate) fn maxi_dress() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    let back = outline(&[cr(118.0, 96.0), sm(MID, 92.0), cr(182.0, 96.0), cr(184.0, 126.0), cr(116.0, 126.0)]);
    s.part(Part::fill(back).tone(-0.3).flat());
    for side in SIDES {
        s.part(Part::band(side.path(&curve(&[cr(166.0, 100.0), sm(171.0, 72.0), cr(174.0, 48.0)])), 3.4).relief(1.5));
    }
    let lower = mirrored(&[
        sm(MID, 238.0),
        cr(211.0, 238.0),
        sm(222.0, 300.0),
        cr(240.0, 362.0),
        sm(196.0, 367.0),
        sm(MID, 369.0),
    ]);
    s.part(Part::fill(lower));
    skirt_folds(&mut s, 242.0, 364.0, &[(166.0, 192.0), (184.0, 218.0), (204.0, 236.0)]);
    s.stitch(curve(&[cr(63.0, 355.0), sm(MID, 362.0), cr(237.0, 355.0)]));
    let upper = mirrored(&[sm(MID, 146.0), cr(188.0, 146.0), sm(199.0, 194.0), cr(213.0, 242.0), sm(MID, 244.0)]);
    s.part(Part::fill(upper));
    skirt_folds(&mut s, 154.0, 240.0, &[(162.0, 176.0), (176.0, 196.0), (190.0, 208.0)]);
    let bodice = mirrored(&[
        cr(MID, 106.0),
        sm(165.0, 95.0),
        cr(183.0, 99.0),
        sm(191.0, 124.0),
        cr(189.0, 152.0),
        sm(MID, 154.0),
    ]);
    s.part(Part::fill(bodice));
    s.seam(Path::line(pt(MID, 108.0), pt(MID, 152.0)));
    for side in SIDES {
        s.drape(side.path(&curve(&[cr(160.0, 110.0), sm(170.0, 126.0), cr(176.0, 146.0)])), 6.0, 0.06);
    }
    s.finish()
}

/// Short sleeveless party dress: full skirt over a tulle petticoat, and a sash with a bow.
pub(crate) fn party_dress() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    let inside = outline(&[cr(128.0, 92.0), sm(MID, 100.0), cr(172.0, 92.0), cr(176.0, 130.0), cr(124.0, 130.0)]);
    s.part(Part::fill(inside).tone(-0.28).flat());
    s.part(Part::fill(scalloped_hem(MID, 196.0, 118.0, 314.0, 14)).tone(0.12).relief(6.0));
    for i in 0..14 {
        let x = 40.0 + i as f32 * 17.0;
        s.drape(Path::line(pt(MID + (x - MID) * 0.4, 250.0), pt(x, 316.0)), 4.0, 0.05);
    }
    s.part(Part::fill(scalloped_hem(MID, 190.0, 108.0, 302.0, 9)));
    skirt_folds(&mut s, 204.0, 298.0, &[(160.0, 176.0), (172.0, 204.0), (186.0, 230.0), (198.0, 250.0)]);
    let bodice = mirrored(&[
        sm(MID, 120.0),
        sm(162.0, 114.0),
        cr(170.0, 92.0),
        cr(194.0, 96.0),
        sm(194.0, 126.0),
        cr(206.0, 150.0),
        sm(198.0, 176.0),
        cr(196.0, 200.0),
        sm(MID, 201.0),
    ]);
    s.part(Part::fill(bodice));
    for side in SIDES {
        s.seam(side.path(&curve(&[cr(188.0, 110.0), sm(178.0, 150.0), cr(176.0, 194.0)])));
        let hole = side.path(&curve(&[cr(194.0, 97.0), sm(194.0, 126.0), cr(206.0, 150.0)]));
        s.stitch(hole.offset(if side == Side::Right { -3.0 } else { 3.0 }).slice(2.0, 200.0));
    }
    let neck = curve(&[cr(170.0, 93.0), sm(162.0, 114.0), sm(MID, 120.0), sm(138.0, 114.0), cr(130.0, 93.0)]);
    s.stitch(neck.offset(4.0).slice(3.0, 200.0));
    let sash = outline(&[cr(103.0, 188.0), cr(197.0, 188.0), cr(197.0, 204.0), cr(103.0, 204.0)]);
    s.part(Part::fill(sash).relief(4.0).tone(0.05));
    s.drape(Path::line(pt(106.0, 196.0), pt(194.0, 196.0)), 5.0, 0.05);
    bow_large(&mut s, pt(176.0, 196.0));
    s.finish()
}

/// Knee-length A-line skirt.
pub(crate) fn skirt() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    let body = mirrored(&[
        sm(MID, 86.0),
        cr(204.0, 86.0),
        sm(222.0, 180.0),
        cr(246.0, 330.0),
        sm(200.0, 338.0),
        sm(MID, 341.0),
    ]);
    s.part(Part::fill(body));
    skirt_folds(&mut s, 110.0, 332.0, &[(168.0, 176.0), (186.0, 214.0), (204.0, 232.0)]);
    s.seam(Path::line(pt(MID, 92.0), pt(MID, 338.0)));
    s.stitch(curve(&[cr(56.0, 322.0), sm(MID, 333.0), cr(244.0, 322.0)]));
    for side in SIDES {
        s.seam(side.path(&curve(&[cr(182.0, 90.0), sm(192.0, 112.0), cr(208.0, 124.0)])));
    }
    waistband(&mut s, 96.0, 72.0, 90.0);
    s.finish()
}

/// Short flared skirt with pressed pleats.
pub(crate) fn mini_skirt() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    let body = mirrored(&[
        sm(MID, 118.0),
        cr(201.0, 118.0),
        sm(224.0, 184.0),
        cr(252.0, 266.0),
        sm(202.0, 274.0),
        sm(MID, 276.0),
    ]);
    s.part(Part::fill(body));
    for i in 0..9 {
        let t = (i as f32 + 0.5) / 9.0;
        let top = pt(101.0 + 98.0 * t, 120.0);
        let bottom = pt(50.0 + 200.0 * t, 268.0 + 7.0 * (1.0 - (2.0 * t - 1.0).powi(2)));
        s.fold(Path::line(top, bottom).translate(3.0, 0.0), 8.0, -0.09);
        s.seam(Path::line(top, bottom));
    }
    s.stitch(curve(&[cr(54.0, 258.0), sm(MID, 268.0), cr(246.0, 258.0)]));
    waistband(&mut s, 99.0, 102.0, 120.0);
    s.finish()
}

/// Straight pencil skirt with darts and a front slit.
pub(crate) fn pencil_skirt() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    let body = mirrored(&[
        sm(MID, 84.0),
        cr(199.0, 84.0),
        sm(214.0, 140.0),
        sm(212.0, 240.0),
        cr(205.0, 336.0),
        sm(175.0, 338.0),
        cr(153.0, 338.0),
        cr(MID, 298.0),
    ]);
    s.part(Part::fill(body));
    for side in SIDES {
        s.seam(side.path(&Path::line(pt(176.0, 86.0), pt(177.0, 126.0))));
        s.drape(side.path(&curve(&[cr(200.0, 150.0), sm(196.0, 240.0), cr(194.0, 330.0)])), 14.0, 0.05);
    }
    s.drape(Path::line(pt(MID, 120.0), pt(MID, 290.0)), 10.0, 0.03);
    s.stitch(curve(&[cr(97.0, 330.0), sm(120.0, 331.0), cr(145.0, 331.0)]));
    s.stitch(curve(&[cr(155.0, 331.0), sm(180.0, 331.0), cr(203.0, 330.0)]));
    waistband(&mut s, 101.0, 70.0, 86.0);
    s.finish()
}

/// A waistband from `x0` to its mirror between `top` and `bottom`, with a button at the side.
fn waistband(s: &mut Sketch, x0: f32, top: f32, bottom: f32) {
    let band = outline(&[cr(x0, top), cr(2.0 * MID - x0, top), cr(2.0 * MID - x0 + 1.0, bottom), cr(x0 - 1.0, bottom)]);
    s.part(Part::fill(band.clone()).relief(4.0));
    s.stitch(band.inset(2.2));
    button(s, pt(2.0 * MID - x0 - 9.0, (top + bottom) / 2.0), 3.4);
}

/// Soft folds fanning out from the waist (`top`) to the hem (`bottom`); each pair gives the
/// x of a fold at the top and at the hem on the right, mirrored on the left.
fn skirt_folds(s: &mut Sketch, top: f32, bottom: f32, folds: &[(f32, f32)]) {
    for side in SIDES {
        for &(x0, x1) in folds {
            let fold = curve(&[cr(x0, top), sm((x0 + x1) / 2.0 + 2.0, (top + bottom) / 2.0), cr(x1, bottom)]);
            s.drape(side.path(&fold), 12.0, 0.07);
        }
    }
}

/// A full skirt from the waist at `waist` to a hem of `lobes` rounded scallops at height `hem`,
/// `half_width` wide each side of `cx`; the hem sags a little towards the middle.
fn scalloped_hem(cx: f32, waist: f32, half_width: f32, hem: f32, lobes: usize) -> Path {
    let mut knots =
        vec![cr(cx - 46.0, waist), cr(cx + 46.0, waist), sm(cx + half_width * 0.72, waist + (hem - waist) * 0.45)];
    let sag = |x: f32| 8.0 * (1.0 - ((x - cx) / half_width).powi(2));
    let lobe = 2.0 * half_width / lobes as f32;
    for i in 0..=lobes {
        let x = cx + half_width - lobe * i as f32;
        knots.push(cr(x, hem + sag(x) - 3.0));
        if i < lobes {
            let xm = x - lobe / 2.0;
            knots.push(sm(x - lobe * 0.2, hem + sag(xm) + 2.5));
            knots.push(sm(x - lobe * 0.8, hem + sag(xm) + 2.5));
        }
    }
    knots.push(sm(cx - half_width * 0.72, waist + (hem - waist) * 0.45));
    outline(&knots)
}

/// A big sash bow with long tails centred on `c`.
fn bow_large(s: &mut Sketch, c: Pt) {
    for side in [Side::Left, Side::Right] {
        let dx = if side == Side::Right { 1.0 } else { -1.0 };
        let tail =
            curve(&[cr(c.x + 3.0 * dx, c.y + 4.0), sm(c.x + 10.0 * dx, c.y + 26.0), cr(c.x + 16.0 * dx, c.y + 48.0)]);
        s.part(Part::band(tail, 8.0).relief(3.0).tone(0.05));
    }
    for dx in [-1.0, 1.0] {
        let lp = outline(&[
            cr(c.x + 2.0 * dx, c.y),
            sm(c.x + 16.0 * dx, c.y - 14.0),
            sm(c.x + 27.0 * dx, c.y - 8.0),
            sm(c.x + 25.0 * dx, c.y + 9.0),
            sm(c.x + 12.0 * dx, c.y + 7.0),
        ]);
        s.part(Part::fill(lp).relief(5.0).tone(0.05));
        s.drape(Path::line(pt(c.x + 7.0 * dx, c.y), pt(c.x + 20.0 * dx, c.y - 2.0)), 4.0, 0.08);
    }
    s.part(Part::fill(crate::geom::ellipse(c, 5.0, 7.0)).relief(3.0).tone(0.02));
}
