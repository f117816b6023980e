//! Knits and sweats seen from the front: sweater, cardigan, sweatshirt, hoodie, sweater vest.

use super::{button, patch_pocket, ribs, stud, Side, METAL, NO_ACCENT, SIDES};
use crate::geom::{cr, curve, mirrored, outline, pt, rounded_rect, sm, Knot, Path, MID};
use crate::scene::{Part, Scene, Sketch};

/// Top of the ribbed hem band.
const HEM_TOP: f32 = 282.0;
/// Bottom of the ribbed hem band.
const HEM_BOTTOM: f32 = 307.0;

/// Crew-neck cable-knit sweater.
pub(crate) fn sweater() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    sleeves(&mut s);
    back_neck(&mut s);
    s.part(Part::fill(body(&[sm(MID, 104.0), sm(165.0, 99.0), cr(172.0, 86.0)])));
    for x in [116.0, MID, 184.0] {
        cable(&mut s, x, 122.0, HEM_TOP - 4.0);
    }
    hem_band(&mut s);
    crew_rib(&mut s);
    s.finish()
}

/// Buttoned V-neck cardigan with patch pockets.
pub(crate) fn cardigan() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    sleeves(&mut s);
    let inside = outline(&[cr(128.0, 86.0), sm(MID, 93.0), cr(172.0, 86.0), cr(170.0, 200.0), cr(130.0, 200.0)]);
    s.part(Part::fill(inside).tone(-0.28).flat());
    s.part(Part::fill(body(&[cr(MID, 196.0), sm(160.0, 150.0), cr(172.0, 86.0)])));
    hem_band(&mut s);
    for side in SIDES {
        patch_pocket(&mut s, side.path(&rounded_rect(176.0, 214.0, 208.0, 262.0, 3.0)));
        let top = side.path(&rounded_rect(176.0, 214.0, 208.0, 222.0, 1.0));
        s.part(Part::fill(top).relief(2.0).tone(-0.02));
        ribs(
            &mut s,
            &side.path(&Path::line(pt(176.0, 214.0), pt(208.0, 214.0))),
            &side.path(&Path::line(pt(176.0, 222.0), pt(208.0, 222.0))),
            10,
        );
    }
    for side in [Side::Left, Side::Right] {
        let edge =
            side.path(&curve(&[cr(172.0, 86.0), sm(160.0, 150.0), cr(MID + 0.5, 196.0), cr(MID + 0.5, HEM_BOTTOM)]));
        s.part(Part::fill(edge.ribbon(if side == Side::Right { 9.0 } else { -9.0 })).relief(3.0));
        let inner = edge.offset(if side == Side::Right { 9.0 } else { -9.0 });
        ribs(&mut s, &edge, &inner, 46);
    }
    for y in [206.0, 230.0, 254.0, 278.0, 298.0] {
        button(&mut s, pt(MID + 4.5, y), 3.6);
    }
    s.finish()
}

/// Raglan crew-neck sweatshirt with ribbed cuffs and hem.
pub(crate) fn sweatshirt() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    back_neck(&mut s);
    s.part(Part::fill(body(&[sm(MID, 104.0), sm(165.0, 99.0), cr(172.0, 86.0)])));
    hem_band(&mut s);
    for side in SIDES {
        let sleeve = outline(&[
            cr(162.0, 92.0),
            cr(172.0, 86.0),
            sm(212.0, 100.0),
            cr(228.0, 112.0),
            sm(250.0, 182.0),
            cr(266.0, 258.0),
            cr(242.0, 264.0),
            sm(234.0, 220.0),
            cr(222.0, 178.0),
            sm(190.0, 130.0),
        ]);
        s.part(Part::fill(side.path(&sleeve)));
        s.stitch(side.path(&curve(&[cr(166.0, 99.0), sm(192.0, 134.0), cr(219.0, 177.0)]).offset(-2.5)));
        s.drape(side.path(&curve(&[cr(236.0, 190.0), sm(246.0, 214.0), cr(252.0, 236.0)])), 10.0, 0.05);
        cuff(&mut s, side);
    }
    crew_rib(&mut s);
    let vee = Path::open(vec![pt(143.0, 112.0), pt(MID, 122.0), pt(157.0, 112.0)]);
    s.stitch(vee);
    s.finish()
}

/// Hoodie with drawstrings and a kangaroo pocket.
pub(crate) fn hoodie() -> Scene {
    let mut s = Sketch::new(METAL);
    let hood = outline(&[cr(100.0, 124.0), sm(101.0, 86.0), sm(MID, 50.0), sm(199.0, 86.0), cr(200.0, 124.0)]);
    s.part(Part::fill(hood).tone(-0.06).relief(14.0));
    let opening = outline(&[cr(119.0, 140.0), sm(121.0, 96.0), sm(MID, 70.0), sm(179.0, 96.0), cr(181.0, 140.0)]);
    s.part(Part::fill(opening).tone(-0.32).relief(10.0).flat());
    let rim = curve(&[cr(118.0, 140.0), sm(120.0, 96.0), sm(MID, 69.0), sm(180.0, 96.0), cr(182.0, 140.0)]);
    s.part(Part::fill(rim.ribbon(-6.0)).relief(3.0).tone(-0.02));
    sleeves(&mut s);
    s.part(Part::fill(body(&[sm(MID, 130.0), sm(164.0, 122.0), cr(178.0, 100.0)])));
    hem_band(&mut s);
    for side in SIDES {
        let flap = outline(&[
            cr(178.0, 98.0),
            cr(184.0, 101.0),
            sm(172.0, 124.0),
            cr(MID, 136.0),
            cr(MID, 128.0),
            sm(164.0, 120.0),
        ]);
        s.part(Part::fill(side.path(&flap)).relief(3.0));
    }
    let pocket = outline(&[
        cr(108.0, 214.0),
        cr(192.0, 214.0),
        sm(200.0, 248.0),
        cr(212.0, 280.0),
        cr(88.0, 280.0),
        sm(100.0, 248.0),
    ]);
    s.part(Part::fill(pocket.clone()).tone(0.02).relief(5.0));
    s.stitch(Path::line(pt(110.0, 218.0), pt(190.0, 218.0)));
    for side in SIDES {
        let mouth = side.path(&curve(&[cr(190.0, 216.0), sm(197.0, 248.0), cr(209.0, 278.0)]));
        s.line(mouth.offset(if side == Side::Right { 2.0 } else { -2.0 }), 1.0, 0.45);
    }
    s.drape(curve(&[cr(126.0, 236.0), sm(MID, 244.0), cr(174.0, 236.0)]), 10.0, 0.04);
    for side in SIDES {
        let cord = side.path(&curve(&[cr(157.0, 128.0), sm(159.0, 160.0), cr(161.0, 198.0)]));
        stud(&mut s, side.pt(pt(157.0, 128.0)), 2.6);
        s.part(Part::band(cord, 3.2).relief(1.5));
        let tip = side.path(&rounded_rect(158.6, 194.0, 163.4, 206.0, 2.0));
        s.part(Part::fill(tip).accent().relief(1.5));
    }
    s.finish()
}

/// Sleeveless V-neck sweater vest.
pub(crate) fn vest() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    let inside = outline(&[cr(128.0, 86.0), sm(MID, 94.0), cr(172.0, 86.0), cr(176.0, 178.0), cr(124.0, 178.0)]);
    s.part(Part::fill(inside).tone(-0.28).flat());
    let vest = mirrored(&[
        cr(MID, 172.0),
        sm(161.0, 130.0),
        cr(172.0, 86.0),
        cr(198.0, 94.0),
        sm(199.0, 140.0),
        cr(217.0, 174.0),
        sm(219.0, 232.0),
        cr(221.0, HEM_TOP),
        sm(MID, HEM_TOP + 1.0),
    ]);
    s.part(Part::fill(vest));
    for x in [117.0, 183.0] {
        cable(&mut s, x, 150.0, HEM_TOP - 4.0);
    }
    hem_band(&mut s);
    for side in SIDES {
        let hole = side.path(&curve(&[cr(198.0, 94.0), sm(199.0, 140.0), cr(217.0, 174.0)]));
        let inner = hole.offset(if side == Side::Right { 7.0 } else { -7.0 });
        s.part(Part::fill(hole.ribbon(if side == Side::Right { 7.0 } else { -7.0 })).relief(3.0));
        ribs(&mut s, &hole, &inner, 22);
    }
    let vee = curve(&[cr(172.0, 86.0), sm(161.0, 130.0), cr(MID, 172.0), sm(139.0, 130.0), cr(128.0, 86.0)]);
    s.part(Part::fill(vee.ribbon(8.0)).relief(3.0));
    ribs(&mut s, &vee, &vee.offset(8.0), 40);
    s.finish()
}

/// A knit body from the neckline `neck` (right half, from the axis to the neck side point) down
/// to the top of the hem band, with dropped shoulders.
fn body(neck: &[Knot]) -> Path {
    let mut half = neck.to_vec();
    half.extend([
        cr(228.0, 110.0),
        sm(223.0, 146.0),
        cr(222.0, 178.0),
        sm(223.0, 236.0),
        cr(222.0, HEM_TOP + 1.0),
        sm(MID, HEM_TOP + 1.0),
    ]);
    mirrored(&half)
}

/// Dropped-shoulder sleeves with ribbed cuffs.
fn sleeves(s: &mut Sketch) {
    for side in SIDES {
        let sleeve = outline(&[
            cr(210.0, 113.0),
            cr(228.0, 110.0),
            sm(250.0, 182.0),
            cr(266.0, 258.0),
            cr(242.0, 264.0),
            sm(234.0, 220.0),
            cr(221.0, 178.0),
        ]);
        s.part(Part::fill(side.path(&sleeve)));
        s.drape(side.path(&curve(&[cr(236.0, 190.0), sm(246.0, 214.0), cr(252.0, 236.0)])), 10.0, 0.05);
        cuff(s, side);
    }
}

/// A ribbed cuff at the end of a sleeve.
fn cuff(s: &mut Sketch, side: Side) {
    let band = side.path(&outline(&[cr(241.0, 261.0), cr(266.0, 255.0), cr(269.0, 284.0), cr(246.0, 290.0)]));
    s.part(Part::fill(band).relief(3.0).tone(-0.02));
    ribs(
        s,
        &side.path(&Path::line(pt(242.0, 263.0), pt(266.0, 257.0))),
        &side.path(&Path::line(pt(246.5, 288.0), pt(268.5, 282.0))),
        8,
    );
}

/// The inside of the back neck with its rib, seen above a crew neck.
fn back_neck(s: &mut Sketch) {
    let inside = outline(&[cr(128.0, 86.0), sm(MID, 92.0), cr(172.0, 86.0), cr(176.0, 118.0), cr(124.0, 118.0)]);
    s.part(Part::fill(inside).tone(-0.28).flat());
    let back = curve(&[cr(172.0, 86.0), sm(MID, 92.0), cr(128.0, 86.0)]);
    s.part(Part::fill(back.ribbon(6.0)).tone(-0.14).relief(3.0));
}

/// The ribbed crew neckline.
fn crew_rib(s: &mut Sketch) {
    let neck = curve(&[cr(173.0, 86.0), sm(165.0, 99.0), sm(MID, 104.0), sm(135.0, 99.0), cr(127.0, 86.0)]);
    s.part(Part::fill(neck.ribbon(8.0)).relief(3.0));
    ribs(s, &neck, &neck.offset(8.0), 30);
}

/// The ribbed band at the hem.
fn hem_band(s: &mut Sketch) {
    let band =
        outline(&[cr(78.0, HEM_TOP - 1.0), cr(222.0, HEM_TOP - 1.0), cr(219.0, HEM_BOTTOM), cr(81.0, HEM_BOTTOM)]);
    s.part(Part::fill(band).relief(4.0).tone(-0.02));
    ribs(
        s,
        &Path::line(pt(79.0, HEM_TOP), pt(221.0, HEM_TOP)),
        &Path::line(pt(82.0, HEM_BOTTOM), pt(218.0, HEM_BOTTOM)),
        40,
    );
}

/// A vertical cable-knit column centred on `x` from `y0` to `y1`: two crossing strands
/// between purl borders.
fn cable(s: &mut Sketch, x: f32, y0: f32, y1: f32) {
    let period = 24.0;
    let strand = |phase: f32| {
        let steps = ((y1 - y0) / 1.5) as usize;
        let pts = (0..=steps)
            .map(|i| {
                let y = y0 + (y1 - y0) * i as f32 / steps as f32;
                let a = std::f32::consts::TAU * (y - y0) / period + phase;
                pt(x + 5.0 * a.sin(), y)
            })
            .collect();
        Path::open(pts)
    };
    s.fold(Path::line(pt(x + 3.0, y0 + 6.0), pt(x + 3.0, y1 - 6.0)), 12.0, -0.04);
    for phase in [0.0, std::f32::consts::PI] {
        s.seam(strand(phase));
    }
    for dx in [-10.0, 10.0] {
        s.line(Path::line(pt(x + dx, y0), pt(x + dx, y1)), 0.6, 0.3);
        s.line(Path::line(pt(x + dx + 0.8, y0), pt(x + dx + 0.8, y1)), 0.6, -0.3);
    }
}
