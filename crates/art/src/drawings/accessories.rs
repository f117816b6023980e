//! Accessories: scarf, beanie, baseball cap, handbag, backpack, belt.

use super::{ribs, zip, zip_pull, METAL, NO_ACCENT, SIDES};
use crate::geom::{arc, circle, cr, curve, mirrored, outline, pt, rounded_rect, sm, Path, Pt, MID};
use crate::scene::{Part, Scene, Shape, Sketch};
use std::f32::consts::PI;

/// A knitted scarf folded over a rail, with fringed ends and tonal stripes.
pub(crate) fn scarf() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    let back = [
        cr(128.0, 72.0),
        sm(168.0, 62.0),
        cr(206.0, 74.0),
        sm(207.0, 200.0),
        cr(212.0, 346.0),
        cr(134.0, 348.0),
        sm(130.0, 200.0),
    ];
    let front = [
        cr(94.0, 74.0),
        sm(130.0, 58.0),
        cr(178.0, 70.0),
        sm(179.0, 200.0),
        cr(184.0, 318.0),
        cr(100.0, 320.0),
        sm(95.0, 200.0),
    ];
    for (knots, tone, fringe_y, x0, x1) in [(back, -0.1, 347.0, 136.0, 210.0), (front, 0.0, 319.0, 102.0, 182.0)] {
        let fringe: Vec<Path> = (0..13)
            .map(|i| {
                let x = x0 + (x1 - x0) * i as f32 / 12.0;
                curve(&[
                    cr(x, fringe_y - 2.0),
                    sm(x + 0.8, fringe_y + 10.0),
                    cr(x - 0.5, fringe_y + 20.0 + (i % 3) as f32 * 2.0),
                ])
            })
            .collect();
        s.part(Part::main(Shape::Band(fringe, 3.0)).tone(tone).relief(1.5));
        let panel = outline(&knots);
        s.part(Part::fill(panel.clone()).tone(tone).relief(10.0));
        for i in 0..9 {
            let t = (i as f32 + 0.5) / 9.0;
            let top = knots[0].p.lerp(knots[2].p, t);
            let bottom = knots[5].p.lerp(knots[4].p, t);
            s.line(Path::line(pt(top.x, top.y + 6.0), bottom), 0.6, 0.22);
        }
        for (dy, w) in [(-34.0, 8.0), (-20.0, 4.0)] {
            let y = fringe_y + dy;
            s.line(Path::line(pt(x0 - 10.0, y), pt(x1 + 10.0, y)), w, -0.45);
        }
        s.drape(
            curve(&[
                cr(knots[2].p.x - 18.0, 120.0),
                sm(knots[2].p.x - 14.0, 220.0),
                cr(knots[2].p.x - 20.0, fringe_y - 10.0),
            ]),
            12.0,
            0.06,
        );
    }
    s.drape(curve(&[cr(100.0, 80.0), sm(134.0, 68.0), cr(174.0, 78.0)]), 8.0, 0.06);
    s.finish()
}

/// A cuffed rib-knit beanie with a pompom.
pub(crate) fn beanie() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    let crown = outline(&[
        cr(78.0, 246.0),
        sm(82.0, 180.0),
        sm(108.0, 130.0),
        sm(MID, 112.0),
        sm(192.0, 130.0),
        sm(218.0, 180.0),
        cr(222.0, 246.0),
    ]);
    s.part(Part::fill(crown).relief(22.0));
    for i in 0..15 {
        let t = (i as f32 + 0.5) / 15.0;
        let bottom = pt(80.0 + 140.0 * t, 244.0);
        let top = pt(MID + (bottom.x - MID) * 0.35, 122.0 + (2.0 * t - 1.0).powi(2) * 14.0);
        let rib = curve(&[
            cr(top.x, top.y),
            sm((top.x + bottom.x) / 2.0 + (bottom.x - MID) * 0.12, 190.0),
            cr(bottom.x, bottom.y),
        ]);
        s.fold(rib.translate(2.5, 0.0), 5.0, -0.05).line(rib, 0.6, 0.25);
    }
    let cuff = outline(&[
        cr(70.0, 232.0),
        sm(MID, 226.0),
        cr(230.0, 232.0),
        sm(233.0, 262.0),
        cr(231.0, 293.0),
        sm(MID, 299.0),
        cr(69.0, 293.0),
        sm(67.0, 262.0),
    ]);
    s.part(Part::fill(cuff).relief(8.0).tone(0.02));
    ribs(
        &mut s,
        &curve(&[cr(71.0, 233.0), sm(MID, 227.0), cr(229.0, 233.0)]),
        &curve(&[cr(70.0, 292.0), sm(MID, 298.0), cr(230.0, 292.0)]),
        32,
    );
    let label = rounded_rect(136.0, 252.0, 164.0, 270.0, 2.0);
    s.part(Part::fill(label.clone()).tone(-0.22).relief(2.0));
    s.stitch(label.inset(2.0));
    s.part(Part::main(pompom(pt(MID, 96.0), 30.0)).relief(12.0).tone(0.03));
    for k in 0..14 {
        let a = k as f32 * 0.9;
        let c = pt(MID + 16.0 * a.cos() * (k % 3) as f32 / 2.0, 96.0 + 16.0 * a.sin() * (k % 3) as f32 / 2.0);
        s.line(Path::line(c, pt(c.x + 4.0 * a.sin(), c.y + 4.0 * a.cos())), 0.8, 0.3);
    }
    s.finish()
}

/// A six-panel baseball cap, brim to the left.
pub(crate) fn cap() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    let crown = outline(&[
        cr(68.0, 250.0),
        sm(74.0, 190.0),
        sm(110.0, 138.0),
        sm(166.0, 122.0),
        sm(222.0, 140.0),
        sm(254.0, 192.0),
        cr(262.0, 252.0),
        sm(170.0, 264.0),
    ]);
    s.part(Part::fill(crown).relief(24.0));
    let top = pt(170.0, 124.0);
    for end in [pt(86.0, 254.0), pt(128.0, 262.0), pt(214.0, 262.0), pt(258.0, 250.0)] {
        let mid = top.lerp(end, 0.5);
        let bulge = if end.x < top.x { -8.0 } else { 8.0 };
        s.seam(curve(&[cr(top.x, top.y), sm(mid.x + bulge, mid.y), cr(end.x, end.y)]));
    }
    for c in [pt(122.0, 170.0), pt(214.0, 168.0)] {
        s.line(circle(c, 2.6), 1.2, 0.75);
    }
    s.part(Part::fill(circle(top, 6.5)).relief(3.0).tone(0.03));
    let under = outline(&[
        cr(70.0, 246.0),
        sm(40.0, 256.0),
        sm(22.0, 270.0),
        sm(38.0, 280.0),
        sm(90.0, 272.0),
        cr(134.0, 258.0),
    ]);
    s.part(Part::fill(under).tone(-0.3).relief(6.0));
    let brim = outline(&[
        cr(74.0, 240.0),
        sm(44.0, 248.0),
        sm(20.0, 264.0),
        sm(36.0, 272.0),
        sm(86.0, 264.0),
        cr(134.0, 252.0),
        sm(104.0, 240.0),
    ]);
    s.part(Part::fill(brim.clone()).relief(8.0).tone(0.02));
    for d in [3.0, 6.0, 9.0] {
        s.stitch(curve(&[
            cr(64.0 + d, 246.0 + d * 0.3),
            sm(40.0 + d, 256.0 + d * 0.2),
            sm(26.0 + d, 266.0),
            cr(40.0 + d, 271.0 - d * 0.3),
        ]));
    }
    s.stitch(curve(&[cr(70.0, 246.0), sm(170.0, 259.0), cr(258.0, 248.0)]));
    s.finish()
}

/// A structured handbag with two handles, a flap and a metal turn-lock.
pub(crate) fn bag() -> Scene {
    let mut s = Sketch::new(METAL);
    let handle = curve(&[cr(114.0, 176.0), sm(119.0, 112.0), sm(MID, 94.0), sm(181.0, 112.0), cr(186.0, 176.0)]);
    s.part(Part::band(handle.translate(10.0, -8.0), 9.0).tone(-0.14).relief(4.0));
    let body = mirrored(&[
        sm(MID, 170.0),
        cr(222.0, 170.0),
        sm(235.0, 298.0),
        sm(230.0, 321.0),
        cr(212.0, 326.0),
        sm(MID, 326.0),
    ]);
    s.part(Part::fill(body.clone()).relief(16.0));
    s.stitch(curve(&[cr(72.0, 300.0), sm(80.0, 318.0), sm(MID, 320.0), sm(220.0, 318.0), cr(228.0, 300.0)]));
    s.drape(curve(&[cr(86.0, 256.0), sm(90.0, 290.0), cr(96.0, 318.0)]), 12.0, 0.06);
    s.part(Part::band(handle.clone(), 9.0).relief(4.0));
    s.stitch(handle.offset(2.6).slice(6.0, 400.0));
    for x in [114.0, 186.0] {
        s.part(Part::main(Shape::Band(vec![circle(pt(x, 176.0), 6.0)], 2.6)).accent().relief(1.2));
        let tab = rounded_rect(x - 6.0, 178.0, x + 6.0, 196.0, 2.0);
        s.part(Part::fill(tab.clone()).relief(2.0).tone(0.02));
        s.stitch(tab.inset(1.8));
    }
    let flap = mirrored(&[sm(MID, 171.0), cr(221.0, 171.0), sm(218.0, 214.0), sm(196.0, 238.0), sm(MID, 248.0)]);
    s.part(Part::fill(flap.clone()).relief(8.0).tone(0.02));
    s.stitch(flap.inset(3.0).slice(0.0, 1000.0));
    s.part(Part::fill(rounded_rect(138.0, 232.0, 162.0, 250.0, 4.0)).accent().relief(3.0));
    s.part(Part::fill(rounded_rect(146.0, 236.0, 154.0, 246.0, 2.0)).accent().tone(0.08).relief(1.5).flat());
    s.finish()
}

/// A backpack with a zipped front pocket, mesh side pockets and a top handle.
pub(crate) fn backpack() -> Scene {
    let mut s = Sketch::new(METAL);
    s.part(Part::band(curve(&[cr(134.0, 88.0), sm(MID, 66.0), cr(166.0, 88.0)]), 7.0).relief(3.0));
    for side in SIDES {
        let pocket =
            outline(&[cr(214.0, 228.0), cr(236.0, 236.0), sm(240.0, 280.0), cr(236.0, 318.0), cr(218.0, 328.0)]);
        s.part(Part::fill(side.path(&pocket)).tone(-0.08).relief(5.0));
        s.line(side.path(&Path::line(pt(220.0, 240.0), pt(238.0, 246.0))), 1.2, 0.45);
    }
    let body = mirrored(&[
        sm(MID, 76.0),
        sm(198.0, 83.0),
        sm(221.0, 118.0),
        cr(225.0, 316.0),
        sm(212.0, 332.0),
        sm(MID, 334.0),
    ]);
    s.part(Part::fill(body).relief(18.0));
    let main_zip = curve(&[cr(84.0, 210.0), sm(88.0, 116.0), sm(MID, 88.0), sm(212.0, 116.0), cr(216.0, 210.0)]);
    zip(&mut s, &main_zip);
    zip_pull(&mut s, pt(124.0, 94.0), 14.0);
    zip_pull(&mut s, pt(176.0, 94.0), 14.0);
    for x in [130.0, 170.0] {
        let patch = outline(&[cr(x, 160.0), cr(x + 7.0, 170.0), cr(x, 180.0), cr(x - 7.0, 170.0)]);
        s.part(Part::fill(patch).tone(-0.25).relief(2.0));
        s.line(Path::line(pt(x - 3.0, 170.0), pt(x + 3.0, 170.0)), 1.4, 0.8);
    }
    let pocket = outline(&[
        cr(96.0, 214.0),
        cr(204.0, 214.0),
        sm(208.0, 300.0),
        sm(196.0, 318.0),
        cr(104.0, 318.0),
        sm(92.0, 300.0),
    ]);
    s.part(Part::fill(pocket.clone()).relief(10.0).tone(0.03));
    s.stitch(pocket.inset(3.0));
    zip(&mut s, &curve(&[cr(102.0, 228.0), sm(MID, 224.0), cr(198.0, 228.0)]));
    zip_pull(&mut s, pt(186.0, 228.0), 13.0);
    s.drape(curve(&[cr(110.0, 260.0), sm(MID, 270.0), cr(190.0, 260.0)]), 10.0, 0.04);
    s.finish()
}

/// A leather belt looped as if round a waist, its metal buckle in front.
pub(crate) fn belt() -> Scene {
    let mut s = Sketch::new(METAL);
    let (c, rx, ry, h) = (pt(MID, 190.0), 114.0, 46.0, 40.0);
    let lower = |a0: f32, a1: f32| arc(c, rx, ry, a0, a1);
    let back = band_between(&lower(PI, 2.0 * PI), &lower(2.0 * PI, PI).translate(0.0, h));
    s.part(Part::fill(back).tone(-0.24).relief(8.0));
    s.stitch(lower(PI + 0.1, 2.0 * PI - 0.1).translate(0.0, 3.5));
    let front = band_between(&lower(0.0, PI), &lower(PI, 0.0).translate(0.0, h));
    s.part(Part::fill(front).relief(9.0));
    s.stitch(lower(0.05, PI - 0.05).translate(0.0, 3.5));
    s.stitch(lower(0.05, PI - 0.05).translate(0.0, h - 3.5));
    let tail = band_between(&lower(0.55 * PI, 0.2 * PI), &lower(0.2 * PI, 0.55 * PI).translate(0.0, h));
    let tip = lower(0.2 * PI, 0.2 * PI + 0.001).pts[0];
    let mut tail = tail;
    tail.pts.insert(lower(0.55 * PI, 0.2 * PI).pts.len(), pt(tip.x + 10.0, tip.y + h / 2.0));
    s.part(Part::fill(tail.clone()).relief(6.0).tone(0.03));
    s.stitch(tail.inset(3.5));
    for k in 0..4 {
        let a = 0.43 * PI - k as f32 * 0.055 * PI;
        let p = pt(c.x + rx * a.cos(), c.y + ry * a.sin() + h / 2.0);
        s.line(Path::open(vec![p]), 3.6, 0.9);
        s.line(Path::open(vec![pt(p.x + 0.8, p.y + 1.2)]), 1.4, -0.4);
    }
    let keeper = rounded_rect(180.0, 226.0, 190.0, 284.0, 2.0);
    s.part(Part::fill(keeper.clone()).relief(2.0).tone(0.02));
    s.stitch(keeper.inset(1.8));
    let buckle = rounded_rect(130.0, 228.0, 166.0, 286.0, 6.0);
    s.part(Part::main(Shape::Band(vec![buckle], 5.0)).accent().relief(2.0));
    s.part(Part::band(Path::line(pt(133.0, 257.0), pt(158.0, 257.0)), 3.2).accent().relief(1.2));
    s.floor(pt(MID, c.y + ry + h + 4.0), rx * 1.0, 10.0);
    s.finish()
}

/// The closed strip between `top` and `bottom`, where `bottom` runs back the other way.
fn band_between(top: &Path, bottom: &Path) -> Path {
    let mut pts = top.pts.clone();
    pts.extend(bottom.pts.iter().copied());
    Path::closed(pts)
}

/// A fluffy ball of yarn centred on `c`.
fn pompom(c: Pt, r: f32) -> Shape {
    let n = 200;
    let pts = (0..n)
        .map(|i| {
            let a = std::f32::consts::TAU * i as f32 / n as f32;
            let fluff = 2.4 * (a * 17.0).sin().abs() + 1.2 * (a * 7.0 + 1.0).sin();
            pt(c.x + (r + fluff) * a.cos(), c.y + (r + fluff) * a.sin())
        })
        .collect();
    Shape::Fill(vec![Path::closed(pts)])
}
