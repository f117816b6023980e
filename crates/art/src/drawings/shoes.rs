//! Footwear. Shoes are pairs seen from the side, toes to the left, the far shoe set back and
//! slightly darker; sandals are a pair seen from above.

use super::{CORK, DARK_SOLE, JUTE, WHITE_SOLE};
use crate::geom::{circle, cr, curve, outline, pt, rounded_rect, sm, Knot, Path, Pt};
use crate::scene::{Part, Scene, Sketch};

/// Where one shoe of a pair sits. Shoes are drawn in a common frame (toe near x = 40, heel near
/// x = 262, sole on y = 294), scaled by [`SCALE`] about [`PIVOT`], then moved by `(dx, dy)`.
#[derive(Debug, Clone, Copy)]
struct Place {
    dx: f32,
    dy: f32,
    /// Shading shift: the far shoe sits in a little shadow.
    tone: f32,
}

/// Enlargement of the shoe frame, so that a pair fills the picture.
const SCALE: f32 = 1.1;
/// The point of the shoe frame that scaling keeps in place.
const PIVOT: Pt = pt(150.0, 294.0);
/// The near shoe.
const NEAR: Place = Place { dx: -15.0, dy: 4.0, tone: 0.0 };
/// The far shoe: up, to the right and in a little shadow.
const FAR: Place = Place { dx: 4.0, dy: -38.0, tone: -0.1 };

impl Place {
    fn path(&self, p: &Path) -> Path {
        p.map(|q| self.pt(q))
    }

    fn pt(&self, p: Pt) -> Pt {
        pt(PIVOT.x + (p.x - PIVOT.x) * SCALE + self.dx, PIVOT.y + (p.y - PIVOT.y) * SCALE + self.dy)
    }

    /// A part in the product colour from outline knots.
    fn part(&self, knots: &[Knot]) -> Part {
        Part::fill(self.path(&outline(knots))).tone(self.tone)
    }
}

/// Lace-up sneakers on a white cupsole.
pub(crate) fn sneakers() -> Scene {
    let mut s = Sketch::new(WHITE_SOLE);
    for at in [FAR, NEAR] {
        sneaker(&mut s, at);
    }
    s.finish()
}

fn sneaker(s: &mut Sketch, at: Place) {
    s.part(
        at.part(&[cr(160.0, 198.0), sm(166.0, 180.0), cr(185.0, 172.0), cr(192.0, 184.0), cr(178.0, 198.0)])
            .relief(4.0),
    );
    s.part(
        at.part(&[cr(174.0, 192.0), sm(204.0, 184.0), cr(246.0, 181.0), cr(246.0, 206.0), cr(174.0, 206.0)])
            .tone(at.tone - 0.3)
            .flat(),
    );
    let upper = [
        cr(52.0, 268.0),
        sm(42.0, 256.0),
        sm(50.0, 242.0),
        sm(78.0, 230.0),
        sm(116.0, 219.0),
        sm(148.0, 204.0),
        cr(174.0, 186.0),
        sm(196.0, 197.0),
        sm(222.0, 200.0),
        cr(246.0, 182.0),
        sm(257.0, 198.0),
        sm(262.0, 232.0),
        cr(262.0, 266.0),
    ];
    s.part(at.part(&upper));
    s.drape(at.path(&curve(&[cr(150.0, 214.0), sm(168.0, 236.0), cr(176.0, 262.0)])), 10.0, 0.05);
    s.seam(at.path(&curve(&[cr(196.0, 204.0), sm(200.0, 236.0), cr(206.0, 264.0)])));
    let cap = [
        cr(52.0, 268.0),
        sm(42.0, 256.0),
        sm(50.0, 242.0),
        sm(72.0, 233.0),
        cr(94.0, 229.0),
        sm(99.0, 250.0),
        cr(96.0, 268.0),
    ];
    s.part(at.part(&cap).relief(8.0));
    s.stitch(at.path(&curve(&[cr(90.0, 232.0), sm(94.0, 250.0), cr(91.0, 266.0)])));
    for (x, y) in [(58.0, 244.0), (66.0, 240.0), (62.0, 250.0), (70.0, 246.0), (74.0, 238.0)] {
        s.line(Path::open(vec![at.pt(pt(x, y))]), 1.6, 0.5);
    }
    let counter =
        [cr(222.0, 266.0), sm(224.0, 238.0), sm(236.0, 214.0), cr(259.0, 208.0), sm(262.0, 236.0), cr(262.0, 266.0)];
    s.part(at.part(&counter).relief(8.0));
    s.stitch(at.path(&curve(&[cr(226.0, 264.0), sm(228.0, 238.0), sm(238.0, 218.0), cr(257.0, 213.0)])));
    s.part(at.part(&[cr(243.0, 186.0), cr(250.0, 172.0), cr(260.0, 178.0), cr(258.0, 196.0)]).relief(3.0));
    let stay = at.path(&curve(&[cr(104.0, 223.0), sm(140.0, 208.0), cr(173.0, 188.0)]));
    s.part(Part::fill(stay.ribbon(-13.0)).tone(at.tone + 0.03).relief(4.0));
    s.stitch(stay.offset(-11.0));
    for i in 0..5 {
        let p = stay.offset(-6.5).point_at(0.1 + 0.2 * i as f32);
        s.line(circle(p, 1.7), 0.9, 0.8);
        let lace = Path::line(p, pt(p.x - 7.0, p.y - 8.0));
        s.part(Part::band(lace, 3.4).accent().tone(at.tone).relief(1.5));
    }
    let sole = [
        cr(50.0, 265.0),
        sm(39.0, 272.0),
        sm(38.0, 282.0),
        sm(48.0, 291.0),
        sm(92.0, 294.0),
        sm(190.0, 294.0),
        sm(252.0, 294.0),
        sm(265.0, 285.0),
        cr(264.0, 264.0),
        sm(200.0, 267.0),
        sm(120.0, 268.0),
    ];
    s.part(Part::fill(at.path(&outline(&sole))).accent().tone(at.tone).relief(5.0));
    s.seam(at.path(&curve(&[cr(42.0, 283.0), sm(150.0, 284.0), cr(264.0, 282.0)])));
    s.stitch(at.path(&curve(&[cr(48.0, 270.0), sm(150.0, 272.0), cr(262.0, 269.0)])));
}

/// Chelsea ankle boots with elastic side panels on block heels.
pub(crate) fn boots() -> Scene {
    let mut s = Sketch::new(DARK_SOLE);
    for at in [FAR, NEAR] {
        boot(&mut s, at);
    }
    s.finish()
}

fn boot(s: &mut Sketch, at: Place) {
    s.part(at.part(&[cr(226.0, 150.0), cr(229.0, 124.0), cr(243.0, 126.0), cr(242.0, 150.0)]).relief(3.0));
    s.stitch(at.path(&Path::line(pt(232.0, 129.0), pt(231.0, 146.0))));
    s.part(
        at.part(&[cr(148.0, 150.0), sm(190.0, 137.0), cr(234.0, 142.0), cr(234.0, 156.0), cr(148.0, 156.0)])
            .tone(at.tone - 0.3)
            .flat(),
    );
    let upper = [
        cr(54.0, 280.0),
        sm(44.0, 270.0),
        sm(50.0, 252.0),
        sm(80.0, 237.0),
        sm(118.0, 224.0),
        sm(138.0, 204.0),
        cr(144.0, 170.0),
        cr(146.0, 148.0),
        cr(234.0, 144.0),
        sm(238.0, 180.0),
        sm(244.0, 220.0),
        sm(261.0, 256.0),
        cr(262.0, 280.0),
    ];
    s.part(at.part(&upper).relief(14.0));
    s.drape(at.path(&curve(&[cr(150.0, 206.0), sm(166.0, 214.0), cr(184.0, 212.0)])), 8.0, 0.07);
    s.drape(at.path(&curve(&[cr(146.0, 226.0), sm(160.0, 234.0), cr(178.0, 232.0)])), 7.0, 0.06);
    let gore = [cr(176.0, 146.0), cr(214.0, 144.5), sm(207.0, 180.0), cr(195.0, 208.0), sm(184.0, 180.0)];
    s.part(at.part(&gore).tone(at.tone - 0.22).relief(5.0));
    let ribs: Vec<Path> = (0..7)
        .map(|i| {
            let x = 180.0 + i as f32 * 5.2;
            let bottom = 204.0 - (x - 195.0).abs() * 1.9;
            at.path(&Path::line(pt(x, 148.0), pt(x + (195.0 - x) * 0.1, bottom)))
        })
        .collect();
    s.lines(ribs, 0.8, 0.35);
    s.seam(at.path(&curve(&[cr(195.0, 210.0), sm(198.0, 244.0), cr(204.0, 276.0)])));
    s.stitch(at.path(&Path::line(pt(148.0, 153.0), pt(232.0, 149.0))));
    let sole = [
        cr(54.0, 279.0),
        sm(42.0, 283.0),
        sm(42.0, 291.0),
        sm(60.0, 294.0),
        cr(196.0, 294.0),
        cr(204.0, 302.0),
        cr(258.0, 302.0),
        cr(262.0, 279.0),
    ];
    s.part(Part::fill(at.path(&outline(&sole))).accent().tone(at.tone).relief(4.0));
    s.seam(at.path(&Path::line(pt(200.0, 286.0), pt(262.0, 286.0))));
    s.stitch(at.path(&curve(&[cr(52.0, 276.0), sm(150.0, 277.0), cr(260.0, 276.0)])));
}

/// Penny loafers with a moc-toe seam.
pub(crate) fn loafers() -> Scene {
    let mut s = Sketch::new(DARK_SOLE);
    for at in [FAR, NEAR] {
        low_shoe(&mut s, at, 226.0);
        let apron = at.path(&curve(&[cr(134.0, 228.0), sm(100.0, 231.0), sm(68.0, 240.0), cr(54.0, 258.0)]));
        s.seam(apron.clone());
        s.stitch(apron.offset(3.0));
        let strap = [cr(110.0, 227.0), cr(140.0, 223.0), cr(146.0, 240.0), cr(116.0, 247.0)];
        s.part(at.part(&strap).relief(3.0).tone(at.tone + 0.03));
        s.stitch(at.path(&outline(&strap).inset(2.0)));
        let slot = outline(&[cr(122.0, 235.0), sm(129.0, 231.0), cr(136.0, 233.0), sm(129.0, 237.0)]);
        s.line(at.path(&slot), 1.6, 0.85);
        s.seam(at.path(&curve(&[cr(222.0, 238.0), sm(226.0, 256.0), cr(230.0, 274.0)])));
    }
    s.finish()
}

/// Lace-up derby shoes.
pub(crate) fn derbies() -> Scene {
    let mut s = Sketch::new(DARK_SOLE);
    for at in [FAR, NEAR] {
        s.part(
            at.part(&[cr(136.0, 214.0), sm(146.0, 196.0), cr(168.0, 186.0), cr(176.0, 198.0), cr(160.0, 216.0)])
                .relief(4.0),
        );
        low_shoe(&mut s, at, 204.0);
        let quarter = [
            cr(126.0, 223.0),
            sm(152.0, 207.0),
            cr(172.0, 197.0),
            sm(200.0, 210.0),
            sm(226.0, 211.0),
            cr(250.0, 201.0),
            sm(259.0, 228.0),
            cr(261.0, 276.0),
            cr(146.0, 276.0),
            sm(134.0, 250.0),
        ];
        s.part(at.part(&quarter).relief(10.0).tone(at.tone + 0.02));
        s.stitch(at.path(&curve(&[cr(131.0, 225.0), sm(138.0, 250.0), cr(149.0, 274.0)])));
        s.seam(at.path(&curve(&[cr(224.0, 214.0), sm(228.0, 244.0), cr(232.0, 274.0)])));
        let edge = at.path(&curve(&[cr(128.0, 222.0), sm(152.0, 207.0), cr(171.0, 198.0)]));
        for i in 0..4 {
            let p = edge.offset(-5.0).point_at(0.12 + 0.25 * i as f32);
            s.line(circle(p, 1.6), 0.8, 0.8);
            s.part(Part::band(Path::line(p, pt(p.x - 6.0, p.y - 7.0)), 2.6).tone(at.tone - 0.15).relief(1.2));
        }
        let bow = at.pt(pt(150.0, 200.0));
        s.part(
            Part::band(curve(&[cr(bow.x, bow.y), sm(bow.x + 8.0, bow.y + 12.0), cr(bow.x + 4.0, bow.y + 24.0)]), 2.4)
                .tone(at.tone - 0.15)
                .relief(1.0),
        );
    }
    s.finish()
}

/// Upper, lining, sole and heel shared by loafers and derbies; `throat` is the height of the
/// front of the opening.
fn low_shoe(s: &mut Sketch, at: Place, throat: f32) {
    let opening_front = if throat > 215.0 { 136.0 } else { 170.0 };
    s.part(
        at.part(&[
            cr(opening_front, throat - 2.0),
            sm(196.0, throat - 10.0),
            cr(250.0, throat - 2.0),
            cr(250.0, throat + 16.0),
            cr(opening_front, throat + 16.0),
        ])
        .tone(at.tone - 0.3)
        .flat(),
    );
    let upper = [
        cr(54.0, 278.0),
        sm(44.0, 266.0),
        sm(52.0, 250.0),
        sm(84.0, 236.0),
        sm(118.0, 226.0),
        cr(opening_front, throat),
        sm(196.0, throat + 8.0),
        sm(226.0, throat + 10.0),
        cr(250.0, throat + 2.0),
        sm(260.0, 232.0),
        cr(261.0, 278.0),
    ];
    s.part(at.part(&upper).relief(12.0));
    s.stitch(at.path(&curve(&[
        cr(opening_front + 4.0, throat + 4.0),
        sm(196.0, throat + 11.0),
        sm(226.0, throat + 13.0),
        cr(248.0, throat + 6.0),
    ])));
    let sole = [
        cr(54.0, 276.0),
        sm(42.0, 281.0),
        sm(44.0, 289.0),
        sm(70.0, 292.0),
        cr(204.0, 292.0),
        cr(208.0, 298.0),
        cr(254.0, 298.0),
        cr(260.0, 276.0),
    ];
    s.part(Part::fill(at.path(&outline(&sole))).accent().tone(at.tone).relief(3.0));
    s.seam(at.path(&Path::line(pt(206.0, 291.0), pt(256.0, 291.0))));
    s.stitch(at.path(&curve(&[cr(50.0, 279.0), sm(150.0, 280.0), cr(258.0, 279.0)])));
}

/// Two-strap cork-footbed sandals, seen from above.
pub(crate) fn sandals() -> Scene {
    let mut s = Sketch::new(CORK);
    let foot = [
        sm(186.0, 68.0),
        sm(207.0, 75.0),
        sm(223.0, 90.0),
        sm(233.0, 114.0),
        sm(236.0, 152.0),
        sm(229.0, 222.0),
        sm(227.0, 292.0),
        sm(212.0, 331.0),
        sm(190.0, 330.0),
        sm(176.0, 294.0),
        sm(173.0, 222.0),
        sm(166.0, 142.0),
        sm(168.0, 96.0),
    ];
    let footbed = outline(&foot);
    for mirrored in [true, false] {
        let place = |p: &Path| if mirrored { p.mirrored() } else { p.clone() };
        s.part(Part::fill(place(&footbed.inset(-3.5).translate(1.5, 4.0))).accent().tone(-0.28).relief(3.0));
        s.part(Part::fill(place(&footbed)).accent().relief(10.0));
        s.fold(place(&curve(&[cr(180.0, 104.0), sm(200.0, 112.0), cr(224.0, 118.0)])), 8.0, 0.05);
        s.drape(place(&curve(&[cr(182.0, 280.0), sm(200.0, 300.0), cr(220.0, 282.0)])), 14.0, 0.05);
        s.stitch(place(&footbed.inset(4.0)));
        for (y0, y1, w) in [(150.0, 132.0, 30.0), (216.0, 204.0, 27.0)] {
            let (x0, x1) = (163.0, 241.0);
            let strap = outline(&[
                cr(x0, y0 - w / 2.0),
                cr(x1, y1 - w / 2.0),
                sm(x1 + 2.0, (y0 + y1) / 2.0 - 2.0),
                cr(x1, y1 + w / 2.0),
                cr(x0, y0 + w / 2.0),
                sm(x0 - 2.0, y0),
            ]);
            s.part(Part::fill(place(&strap)).relief(8.0));
            let centre = Path::line(pt(x0, y0), pt(x1, y1));
            s.stitch(place(&centre.offset(w / 2.0 - 3.0).slice(2.0, 76.0)));
            s.stitch(place(&centre.offset(-w / 2.0 + 3.0).slice(2.0, 76.0)));
            let c = pt(224.0, y0 + (y1 - y0) * 0.78);
            let frame = rounded_rect(c.x - 5.0, c.y - w / 2.0 - 2.0, c.x + 5.0, c.y + w / 2.0 + 2.0, 2.0);
            s.line(place(&frame), 1.8, 0.9);
            s.line(place(&Path::line(pt(c.x - 5.0, c.y), pt(c.x + 8.0, c.y - 1.0))), 1.6, 0.9);
            for k in 0..3 {
                s.line(place(&Path::open(vec![pt(c.x - 14.0 - 7.0 * k as f32, c.y + 1.5 + 1.5 * k as f32)])), 2.2, 0.8);
            }
        }
    }
    s.finish()
}

/// Canvas espadrilles on braided jute soles.
pub(crate) fn espadrilles() -> Scene {
    let mut s = Sketch::new(JUTE);
    for at in [FAR, NEAR] {
        s.part(
            at.part(&[cr(138.0, 214.0), sm(190.0, 206.0), cr(250.0, 214.0), cr(250.0, 232.0), cr(138.0, 232.0)])
                .tone(at.tone - 0.3)
                .flat(),
        );
        let upper = [
            cr(54.0, 266.0),
            sm(44.0, 256.0),
            sm(52.0, 242.0),
            sm(86.0, 228.0),
            sm(122.0, 216.0),
            cr(140.0, 213.0),
            sm(180.0, 222.0),
            sm(220.0, 226.0),
            cr(250.0, 217.0),
            sm(257.0, 238.0),
            cr(257.0, 266.0),
        ];
        s.part(at.part(&upper).relief(10.0));
        s.drape(at.path(&curve(&[cr(96.0, 232.0), sm(110.0, 246.0), cr(116.0, 262.0)])), 8.0, 0.05);
        s.stitch(at.path(&curve(&[cr(142.0, 217.0), sm(180.0, 226.0), sm(220.0, 230.0), cr(248.0, 222.0)])));
        s.part(at.part(&[cr(134.0, 215.0), cr(146.0, 214.0), cr(141.0, 228.0)]).tone(at.tone - 0.2).relief(2.0));
        let sole = [
            cr(52.0, 262.0),
            sm(40.0, 270.0),
            sm(40.0, 282.0),
            sm(56.0, 292.0),
            sm(120.0, 294.0),
            cr(254.0, 293.0),
            sm(263.0, 283.0),
            sm(262.0, 269.0),
            cr(255.0, 262.0),
        ];
        s.part(Part::fill(at.path(&outline(&sole))).accent().tone(at.tone).relief(6.0));
        for (row, y) in [270.0f32, 281.0].into_iter().enumerate() {
            let braid: Vec<Path> = (0..44)
                .map(|i| {
                    let x = 48.0 + i as f32 * 4.9 + row as f32 * 2.4;
                    let lean = if row == 0 { 3.0 } else { -3.0 };
                    at.path(&Path::line(pt(x, y - 4.0), pt(x + lean, y + 4.0)))
                })
                .collect();
            s.lines(braid, 1.0, 0.35);
        }
        s.seam(at.path(&curve(&[cr(46.0, 276.0), sm(150.0, 276.5), cr(262.0, 276.0)])));
        s.line(at.path(&curve(&[cr(52.0, 291.0), sm(150.0, 293.0), cr(254.0, 292.0)])), 1.6, 0.75);
        s.stitch(at.path(&curve(&[cr(50.0, 258.0), sm(150.0, 260.0), cr(255.0, 259.0)])));
    }
    s.finish()
}
