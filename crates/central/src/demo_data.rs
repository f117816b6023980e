//! Deterministic demo data for Vitrina: a fictional apparel chain with stores,
//! distribution centres and online channels in Chile, Colombia and Mexico.
//!
//! Everything here is plain data derived from a seed, so demos, screenshots and
//! tests see exactly the same catalogue and stock picture every time.
//!
//! Invariants:
//! - `chain(seed, n)` is a pure function of its arguments. The module uses its own
//!   splitmix64 generator and never the clock, the environment or randomly seeded hashing.
//! - Locations come in a fixed order: stores grouped by country (CL, CO, MX), then one
//!   warehouse per country, then one online channel per country. An online channel
//!   shares its country's warehouse address and coordinates, because online orders are
//!   picked there.
//! - Every product has 3 to 8 distinct colours and one variant per colour and size.
//!   SKUs read `<style_code>-<colour code>-<size>`; style codes and SKUs are unique.
//! - GTIN-13 codes are `780` + a 9-digit running number + the GS1 check digit, so they
//!   are valid and unique across the chain.
//! - Every product is priced in CLP, COP and MXN (minor units), at roughly the same
//!   real value in each currency.
//! - `for_each_stock` emits exactly one row per SKU and location, always with
//!   `reserved <= on_hand`. For every product and country, one colour is sold out at
//!   the country's first store while every other store of that country holds it.

use std::collections::{HashMap, HashSet};

/// What a location is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoLocationKind {
    Store,
    Warehouse,
    Online,
}

/// A store, warehouse or online channel of the demo chain.
#[derive(Debug, Clone)]
pub struct DemoLocation {
    pub id: String,
    pub kind: DemoLocationKind,
    pub name: String,
    pub country: String,
    pub city: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub time_zone: String,
    pub currency: String,
}

/// A colour in which a product is offered.
#[derive(Debug, Clone)]
pub struct DemoColor {
    pub code: String,
    pub name_es: String,
    pub name_en: String,
    pub hex: String,
}

/// One sellable colour and size of a product.
#[derive(Debug, Clone)]
pub struct DemoVariant {
    pub sku: String,
    pub color_code: String,
    pub size: String,
    pub gtin: String,
}

/// A style with its colours, sizes, variants and prices.
#[derive(Debug, Clone)]
pub struct DemoProduct {
    pub id: String,
    pub style_code: String,
    pub name_es: String,
    pub name_en: String,
    pub description_es: String,
    pub description_en: String,
    pub category_es: String,
    pub category_en: String,
    pub product_class: String,
    pub colors: Vec<DemoColor>,
    pub sizes: Vec<String>,
    pub variants: Vec<DemoVariant>,
    pub prices: Vec<(String, i64)>,
}

/// Stock of one SKU at one location.
#[derive(Debug, Clone)]
pub struct DemoStock {
    pub sku: String,
    pub location_id: String,
    pub on_hand: i64,
    pub reserved: i64,
    pub in_transit: i64,
    pub transit_eta_days: Option<u32>,
}

/// Minimum units to keep at a location for products of a class.
#[derive(Debug, Clone)]
pub struct DemoSafetyRule {
    pub location_id: String,
    pub product_class: String,
    pub units: i64,
}

/// The whole demo chain, except stock, which is streamed by [`for_each_stock`].
#[derive(Debug, Clone)]
pub struct DemoChain {
    pub locations: Vec<DemoLocation>,
    pub products: Vec<DemoProduct>,
    pub safety_rules: Vec<DemoSafetyRule>,
}

/// Builds the demo chain; the same `seed` always gives identical output.
pub fn chain(seed: u64, product_count: usize) -> DemoChain {
    let locations = build_locations();
    let safety_rules = build_safety_rules(&locations);
    let mut catalogue = Catalogue {
        rng: SplitMix64::new(seed, STREAM_PRODUCTS),
        style_numbers: [1000; CATEGORY_COUNT],
        used_names: HashSet::new(),
        gtin_serial: FIRST_GTIN_SERIAL,
    };
    let products = (0..product_count).map(|index| catalogue.product(index)).collect();
    DemoChain { locations, products, safety_rules }
}

/// How many stores the demo chain has of its own.
pub fn own_store_count() -> usize {
    STORES.len()
}

/// A chain of `store_count` stores for measuring at scale: the demo's stores first
/// (fewer when fewer are asked for), then more in the same cities, numbered on
/// (`CL-SCL-05`, …), a few hundred metres apart; the same warehouses and online
/// locations, and `product_count` products.
pub fn chain_of(seed: u64, product_count: usize, store_count: usize) -> DemoChain {
    let mut chain = chain(seed, product_count);
    let own_stores = STORES.len().min(store_count);
    let mut locations: Vec<DemoLocation> = chain.locations.iter().take(own_stores).cloned().collect();
    let mut next_number: HashMap<&str, u32> = HashMap::new();
    for k in own_stores..store_count {
        let site = &STORES[k % STORES.len()];
        let prefix = &site.id[..site.id.len() - 3];
        let number = next_number
            .entry(prefix)
            .or_insert_with(|| STORES.iter().filter(|s| s.id.starts_with(prefix)).count() as u32);
        *number += 1;
        let mut store = location(
            site,
            DemoLocationKind::Store,
            format!("{prefix}-{:02}", *number),
            format!("Vitrina {} {}", site.city, *number),
        );
        // About 400 m apart per step, so "nearest store" stays meaningful.
        let step = f64::from(*number) * 0.004;
        store.lat += step * if k % 2 == 0 { 1.0 } else { -1.0 };
        store.lon += step * if k % 3 == 0 { 1.0 } else { -1.0 };
        locations.push(store);
    }
    locations.extend(chain.locations.iter().skip(STORES.len()).cloned());
    chain.safety_rules = build_safety_rules(&locations);
    chain.locations = locations;
    chain
}

/// Stock for every SKU of `chain` at every location, in a deterministic order.
/// Calls `sink` once per row (the caller streams rows into a database; do not build one giant Vec).
///
/// Rows come product by product and variant by variant; for each variant, location by
/// location in `chain.locations` order.
pub fn for_each_stock(chain: &DemoChain, seed: u64, sink: impl FnMut(DemoStock)) {
    for_each_stock_carried(chain, seed, |_, _| true, sink)
}

/// Stock of `chain` where `carries(product_index, location_index)`: a store's
/// assortment. Rows not carried cost no random draws, so with everything carried
/// the rows are exactly [`for_each_stock`]'s.
pub fn for_each_stock_carried(
    chain: &DemoChain,
    seed: u64,
    carries: impl Fn(usize, usize) -> bool,
    mut sink: impl FnMut(DemoStock),
) {
    let (roles, country_count) = location_roles(&chain.locations);
    let mut rng = SplitMix64::new(seed, STREAM_STOCK);
    for (product_index, product) in chain.products.iter().enumerate() {
        let profile = ClassProfile::of(&product.product_class);
        let sold_out: Vec<Option<&str>> =
            (0..country_count).map(|country| sold_out_color(seed, product_index, country, product)).collect();
        for variant in &product.variants {
            for (location_index, (location, role)) in chain.locations.iter().zip(&roles).enumerate() {
                if !carries(product_index, location_index) {
                    continue;
                }
                let featured = sold_out[role.country] == Some(variant.color_code.as_str());
                let q = stock_quantities(&mut rng, role, featured, &profile);
                sink(DemoStock {
                    sku: variant.sku.clone(),
                    location_id: location.id.clone(),
                    on_hand: q.on_hand,
                    reserved: q.reserved,
                    in_transit: q.in_transit,
                    transit_eta_days: q.eta_days,
                });
            }
        }
    }
}

/// GS1 check digit for the given digits (without the check digit).
///
/// Works for GTIN-8, GTIN-12, GTIN-13 and GTIN-14 bodies: weights 3 and 1 alternate
/// from the rightmost digit. Digits may be given as values (`0..=9`) or as ASCII
/// characters (`b'0'..=b'9'`); any other byte gives a meaningless result.
pub fn gs1_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .zip([3_u32, 1].iter().cycle())
        .map(|(&digit, &weight)| u32::from(if digit >= b'0' { digit - b'0' } else { digit }) * weight)
        .sum();
    ((10 - sum % 10) % 10) as u8
}

// --- Deterministic randomness --------------------------------------------------------------------

const STREAM_PRODUCTS: u64 = 0x5052_4F44;
const STREAM_STOCK: u64 = 0x5354_4F43;
const STREAM_SOLD_OUT: u64 = 0x534F_4C44;

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// splitmix64: tiny, fast and good enough for demo data.
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        Self { state: mix64(seed ^ mix64(stream)) }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.state)
    }

    /// Uniform in `0..n`; `n` must be positive.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "empty range");
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `low..=high`.
    pub(crate) fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as usize) as i64
    }

    pub(crate) fn percent(&mut self, chance: usize) -> bool {
        self.below(100) < chance
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

// --- Locations -----------------------------------------------------------------------------------

struct Country {
    code: &'static str,
    name_es: &'static str,
    time_zone: &'static str,
    currency: &'static str,
}

#[rustfmt::skip]
static CHILE: Country = Country { code: "CL", name_es: "Chile", time_zone: "America/Santiago", currency: "CLP" };
#[rustfmt::skip]
static COLOMBIA: Country = Country { code: "CO", name_es: "Colombia", time_zone: "America/Bogota", currency: "COP" };
#[rustfmt::skip]
static MEXICO: Country = Country { code: "MX", name_es: "México", time_zone: "America/Mexico_City", currency: "MXN" };

struct Site {
    country: &'static Country,
    id: &'static str,
    name: &'static str,
    city: &'static str,
    address: &'static str,
    lat_lon: (f64, f64),
}

#[rustfmt::skip]
static STORES: [Site; 12] = [
    Site { country: &CHILE, id: "CL-SCL-01", name: "Vitrina Costanera Center", city: "Santiago",
        address: "Av. Andrés Bello 2425, Providencia", lat_lon: (-33.4175, -70.6063) },
    Site { country: &CHILE, id: "CL-SCL-02", name: "Vitrina Parque Arauco", city: "Santiago",
        address: "Av. Presidente Kennedy 5413, Las Condes", lat_lon: (-33.4021, -70.5785) },
    Site { country: &CHILE, id: "CL-SCL-03", name: "Vitrina Mall Plaza Egaña", city: "Santiago",
        address: "Av. Larraín 5862, La Reina", lat_lon: (-33.4530, -70.5705) },
    Site { country: &CHILE, id: "CL-SCL-04", name: "Vitrina Providencia", city: "Santiago",
        address: "Av. Providencia 2124, Providencia", lat_lon: (-33.4219, -70.6082) },
    Site { country: &COLOMBIA, id: "CO-BOG-01", name: "Vitrina Andino", city: "Bogotá",
        address: "Carrera 11 # 82-71, Chapinero", lat_lon: (4.6668, -74.0526) },
    Site { country: &COLOMBIA, id: "CO-BOG-02", name: "Vitrina Unicentro", city: "Bogotá",
        address: "Avenida Carrera 15 # 124-30, Usaquén", lat_lon: (4.7024, -74.0415) },
    Site { country: &COLOMBIA, id: "CO-BOG-03", name: "Vitrina Santafé", city: "Bogotá",
        address: "Calle 185 # 45-03, Usaquén", lat_lon: (4.7628, -74.0461) },
    Site { country: &COLOMBIA, id: "CO-BOG-04", name: "Vitrina Titán Plaza", city: "Bogotá",
        address: "Avenida Boyacá # 80-94, Engativá", lat_lon: (4.6948, -74.0862) },
    Site { country: &MEXICO, id: "MX-MEX-01", name: "Vitrina Polanco", city: "Ciudad de México",
        address: "Av. Presidente Masaryk 360, Polanco, Miguel Hidalgo", lat_lon: (19.4318, -99.1962) },
    Site { country: &MEXICO, id: "MX-MEX-02", name: "Vitrina Centro Santa Fe", city: "Ciudad de México",
        address: "Av. Vasco de Quiroga 3800, Santa Fe, Cuajimalpa", lat_lon: (19.3617, -99.2739) },
    Site { country: &MEXICO, id: "MX-MEX-03", name: "Vitrina Coyoacán", city: "Ciudad de México",
        address: "Ignacio Allende 36, Del Carmen, Coyoacán", lat_lon: (19.3512, -99.1621) },
    Site { country: &MEXICO, id: "MX-MEX-04", name: "Vitrina Roma Norte", city: "Ciudad de México",
        address: "Av. Álvaro Obregón 130, Roma Norte, Cuauhtémoc", lat_lon: (19.4172, -99.1602) },
];

#[rustfmt::skip]
static WAREHOUSES: [Site; 3] = [
    Site { country: &CHILE, id: "CL-WH-01", name: "Centro de distribución Pudahuel", city: "Santiago",
        address: "Av. Américo Vespucio 1501, Parque de Negocios Enea, Pudahuel", lat_lon: (-33.4290, -70.7740) },
    Site { country: &COLOMBIA, id: "CO-WH-01", name: "Centro de distribución Funza", city: "Funza",
        address: "Autopista Medellín km 7, Celta Trade Park, Funza, Cundinamarca", lat_lon: (4.7360, -74.1750) },
    Site { country: &MEXICO, id: "MX-WH-01", name: "Centro de distribución Tepotzotlán", city: "Tepotzotlán",
        address: "Autopista México–Querétaro km 42.5, Tepotzotlán, Estado de México", lat_lon: (19.7120, -99.2020) },
];

fn location(site: &Site, kind: DemoLocationKind, id: String, name: String) -> DemoLocation {
    DemoLocation {
        id,
        kind,
        name,
        country: site.country.code.to_owned(),
        city: site.city.to_owned(),
        address: site.address.to_owned(),
        lat: site.lat_lon.0,
        lon: site.lat_lon.1,
        time_zone: site.country.time_zone.to_owned(),
        currency: site.country.currency.to_owned(),
    }
}

fn build_locations() -> Vec<DemoLocation> {
    let own = |kind| move |s: &Site| location(s, kind, s.id.to_owned(), s.name.to_owned());
    let stores = STORES.iter().map(own(DemoLocationKind::Store));
    let warehouses = WAREHOUSES.iter().map(own(DemoLocationKind::Warehouse));
    let online = WAREHOUSES.iter().map(|s| {
        let (id, name) = (format!("{}-ONLINE", s.country.code), format!("Tienda online {}", s.country.name_es));
        location(s, DemoLocationKind::Online, id, name)
    });
    stores.chain(warehouses).chain(online).collect()
}

fn build_safety_rules(locations: &[DemoLocation]) -> Vec<DemoSafetyRule> {
    let mut rules = Vec::new();
    for loc in locations {
        let units: &[(&str, i64)] = match loc.kind {
            DemoLocationKind::Store => &[("bestseller", 2), ("core", 1), ("seasonal", 0)],
            DemoLocationKind::Online => &[("bestseller", 0)],
            DemoLocationKind::Warehouse => &[],
        };
        let location_id = &loc.id;
        rules.extend(units.iter().map(|&(class, units)| DemoSafetyRule {
            location_id: location_id.clone(),
            product_class: class.to_owned(),
            units,
        }));
    }
    rules
}

// --- Catalogue vocabulary ------------------------------------------------------------------------

/// (Spanish, English)
type Phrase = (&'static str, &'static str);

/// Grammatical gender and number of a garment noun, for adjective agreement.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gender {
    Masc,
    Fem,
    MascPl,
    FemPl,
}
use Gender::{Fem, FemPl, Masc, MascPl};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Audience {
    Adult,
    Boy,
    Girl,
    AnyKid,
}

#[derive(Clone, Copy)]
enum SizeRun {
    Apparel,
    Waist,
    Shoes,
    Kids,
    OneSize,
}

struct Garment {
    es: &'static str,
    en: &'static str,
    gender: Gender,
    audience: Audience,
    /// Materials that make sense for this garment; empty means the name never mentions one.
    materials: &'static [Phrase],
}

const fn adult(es: &'static str, en: &'static str, gender: Gender, materials: &'static [Phrase]) -> Garment {
    Garment { es, en, gender, audience: Audience::Adult, materials }
}

const fn kids(
    es: &'static str,
    en: &'static str,
    gender: Gender,
    audience: Audience,
    materials: &'static [Phrase],
) -> Garment {
    Garment { es, en, gender, audience, materials }
}

struct Category {
    prefix: &'static str,
    es: &'static str,
    en: &'static str,
    sizes: SizeRun,
    garments: &'static [Garment],
    /// Masculine singular forms; they are inflected to agree with the garment.
    adjectives: &'static [Phrase],
    /// Invariable phrases: cut, neckline, sleeves...
    details: &'static [Phrase],
    prices_clp: &'static [i64],
    blurb: Phrase,
    care: Phrase,
    /// Whether some products are named after a colour family ("Blazer de lino café").
    toned: bool,
}

const LINEN: Phrase = ("de lino", "linen");
const COTTON: Phrase = ("de algodón", "cotton");
const ORGANIC: Phrase = ("de algodón orgánico", "organic cotton");
const PIMA: Phrase = ("de algodón pima", "Pima cotton");
const STRETCH: Phrase = ("de algodón elástico", "stretch cotton");
const POPLIN: Phrase = ("de popelina", "poplin");
const FLANNEL: Phrase = ("de franela", "flannel");
const DENIM: Phrase = ("de mezclilla", "denim");
const VISCOSE: Phrase = ("de viscosa", "viscose");
const SILK: Phrase = ("de seda", "silk");
const CORDUROY: Phrase = ("de pana", "corduroy");
const GABARDINE: Phrase = ("de gabardina", "gabardine");
const CHIFFON: Phrase = ("de gasa", "chiffon");
const KNIT: Phrase = ("de punto", "knit");
const LEATHER: Phrase = ("de cuero", "leather");
const FAUX: Phrase = ("de cuero sintético", "faux leather");
const SUEDE: Phrase = ("de gamuza", "suede");
const WOOL: Phrase = ("de lana", "wool");
const MERINO: Phrase = ("de lana merino", "merino wool");
const ALPACA: Phrase = ("de alpaca", "alpaca");
const CASHMERE: Phrase = ("de cachemira", "cashmere");
const CANVAS: Phrase = ("de lona", "canvas");
const PIQUE: Phrase = ("de piqué", "piqué");
const FLEECE: Phrase = ("de polar", "fleece");

const MACHINE_WASH: Phrase = ("Lavar a máquina en agua fría.", "Machine wash cold.");

const CATEGORY_COUNT: usize = 10;

#[rustfmt::skip]
static CATEGORIES: [Category; CATEGORY_COUNT] = [
    Category {
        prefix: "CAM", es: "Camisas", en: "Shirts", sizes: SizeRun::Apparel, toned: false,
        garments: &[adult("Camisa", "shirt", Fem, &[LINEN, COTTON, POPLIN, FLANNEL, DENIM]),
            adult("Camisa Oxford", "Oxford shirt", Fem, &[COTTON]), adult("Blusa", "blouse", Fem, &[LINEN, VISCOSE, SILK]),
            adult("Guayabera", "guayabera", Fem, &[LINEN, COTTON])],
        adjectives: &[("clásico", "classic"), ("estampado", "printed"), ("ligero", "lightweight"), ("esencial", "essential")],
        details: &[("manga larga", "long-sleeve"), ("manga corta", "short-sleeve"), ("slim", "slim-fit"),
            ("cuello mao", "mandarin-collar"), ("a rayas", "striped"), ("a cuadros", "checked")],
        prices_clp: &[19_990, 24_990, 29_990, 34_990, 39_990],
        blurb: ("Corte cómodo que funciona tanto en la oficina como el fin de semana.",
            "A comfortable cut that works at the office and at the weekend."),
        care: MACHINE_WASH,
    },
    Category {
        prefix: "PAN", es: "Pantalones", en: "Trousers", sizes: SizeRun::Waist, toned: true,
        garments: &[adult("Pantalón", "trousers", Masc, &[LINEN, COTTON, CORDUROY, GABARDINE]),
            adult("Pantalón chino", "chinos", Masc, &[COTTON, STRETCH]), adult("Jeans", "jeans", MascPl, &[]),
            adult("Pantalón cargo", "cargo trousers", Masc, &[COTTON, CANVAS]),
            adult("Jogger", "joggers", Masc, &[COTTON, FLEECE])],
        adjectives: &[("clásico", "classic"), ("ligero", "lightweight"), ("básico", "basic")],
        details: &[("slim", "slim-fit"), ("tiro alto", "high-rise"), ("pierna ancha", "wide-leg"),
            ("de corte recto", "straight-leg"), ("con cintura elástica", "elastic-waist")],
        prices_clp: &[24_990, 29_990, 34_990, 39_990, 44_990],
        blurb: ("Confeccionado para el uso diario, con bolsillos funcionales.",
            "Made for everyday wear, with functional pockets."),
        care: ("Lavar del revés en agua fría.", "Wash inside out in cold water."),
    },
    Category {
        prefix: "VES", es: "Vestidos", en: "Dresses", sizes: SizeRun::Apparel, toned: false,
        garments: &[adult("Vestido midi", "midi dress", Masc, &[LINEN, COTTON, VISCOSE, CHIFFON, KNIT]),
            adult("Vestido largo", "maxi dress", Masc, &[LINEN, COTTON, VISCOSE, CHIFFON]),
            adult("Vestido corto", "short dress", Masc, &[COTTON, VISCOSE, KNIT]),
            adult("Vestido camisero", "shirt dress", Masc, &[LINEN, COTTON, POPLIN]),
            adult("Vestido cruzado", "wrap dress", Masc, &[VISCOSE, CHIFFON, KNIT])],
        adjectives: &[("floral", "floral"), ("estampado", "printed"), ("liso", "plain"), ("plisado", "pleated"),
            ("elegante", "elegant")],
        details: &[("manga corta", "short-sleeve"), ("manga larga", "long-sleeve"), ("con tirantes", "strappy"),
            ("con cinturón", "belted"), ("sin mangas", "sleeveless")],
        prices_clp: &[29_990, 34_990, 39_990, 49_990, 59_990],
        blurb: ("Caída fluida y silueta favorecedora para cualquier ocasión.",
            "A fluid drape and a flattering silhouette for any occasion."),
        care: ("Lavar a mano en agua fría.", "Hand wash cold."),
    },
    Category {
        prefix: "CHA", es: "Chaquetas", en: "Jackets", sizes: SizeRun::Apparel, toned: true,
        garments: &[adult("Chaqueta", "jacket", Fem, &[DENIM, LEATHER, SUEDE, CORDUROY]),
            adult("Blazer", "blazer", Masc, &[LINEN, WOOL, CORDUROY, COTTON]), adult("Parka", "parka", Fem, &[]),
            adult("Cortaviento", "windbreaker", Masc, &[]), adult("Abrigo", "coat", Masc, &[WOOL, ALPACA])],
        adjectives: &[("clásico", "classic"), ("ligero", "lightweight"), ("entallado", "tailored"), ("acolchado", "quilted")],
        details: &[("oversize", "oversized"), ("de corte recto", "straight-cut")],
        prices_clp: &[44_990, 59_990, 69_990, 79_990, 99_990],
        blurb: ("Una capa versátil para los días frescos en la ciudad.", "A versatile layer for cool days in the city."),
        care: ("Limpieza en seco recomendada.", "Dry cleaning recommended."),
    },
    Category {
        prefix: "POL", es: "Poleras", en: "T-shirts", sizes: SizeRun::Apparel, toned: false,
        garments: &[adult("Polera", "T-shirt", Fem, &[ORGANIC, COTTON, PIMA, LINEN]),
            adult("Polo", "polo shirt", Masc, &[PIQUE, PIMA]), adult("Top", "top", Masc, &[COTTON, LINEN, KNIT])],
        adjectives: &[("básico", "basic"), ("estampado", "printed"), ("esencial", "essential")],
        details: &[("cuello redondo", "crew-neck"), ("cuello en V", "V-neck"), ("manga larga", "long-sleeve"),
            ("oversize", "oversized"), ("a rayas", "striped")],
        prices_clp: &[7_990, 9_990, 12_990, 14_990, 17_990],
        blurb: ("Tejido suave y transpirable, fácil de combinar.", "Soft, breathable fabric that is easy to pair."),
        care: MACHINE_WASH,
    },
    Category {
        prefix: "SUE", es: "Suéteres", en: "Sweaters", sizes: SizeRun::Apparel, toned: true,
        garments: &[adult("Suéter", "sweater", Masc, &[MERINO, ALPACA, COTTON, CASHMERE]),
            adult("Cárdigan", "cardigan", Masc, &[MERINO, ALPACA, COTTON]),
            adult("Polerón", "sweatshirt", Masc, &[COTTON, FLEECE]),
            adult("Chaleco", "sweater vest", Masc, &[MERINO, ALPACA])],
        adjectives: &[("trenzado", "cable-knit"), ("grueso", "chunky"), ("ligero", "lightweight"), ("clásico", "classic")],
        details: &[("cuello alto", "turtleneck"), ("cuello redondo", "crew-neck"), ("cuello en V", "V-neck"),
            ("oversize", "oversized")],
        prices_clp: &[24_990, 29_990, 34_990, 44_990, 54_990],
        blurb: ("Tejido abrigador que mantiene su forma lavado tras lavado.",
            "A warm knit that keeps its shape wash after wash."),
        care: ("Lavar a mano y secar en plano.", "Hand wash and dry flat."),
    },
    Category {
        prefix: "FAL", es: "Faldas", en: "Skirts", sizes: SizeRun::Apparel, toned: false,
        garments: &[adult("Falda", "skirt", Fem, &[LINEN, DENIM, FAUX, VISCOSE, CORDUROY]),
            adult("Falda midi", "midi skirt", Fem, &[LINEN, VISCOSE, CHIFFON]),
            adult("Minifalda", "miniskirt", Fem, &[DENIM, CORDUROY, FAUX]),
            adult("Falda lápiz", "pencil skirt", Fem, &[WOOL, FAUX])],
        adjectives: &[("plisado", "pleated"), ("floral", "floral"), ("estampado", "printed"), ("acampanado", "flared")],
        details: &[("tiro alto", "high-waisted"), ("con botones", "button-front"), ("con abertura", "slit")],
        prices_clp: &[17_990, 19_990, 24_990, 29_990],
        blurb: ("Pretina cómoda y un largo pensado para el día a día.",
            "A comfortable waistband and a length made for everyday wear."),
        care: ("Lavar a máquina en ciclo delicado.", "Machine wash on a delicate cycle."),
    },
    Category {
        prefix: "ZAP", es: "Zapatos", en: "Shoes", sizes: SizeRun::Shoes, toned: true,
        garments: &[adult("Zapatillas", "sneakers", FemPl, &[LEATHER, CANVAS, SUEDE]),
            adult("Botines", "ankle boots", MascPl, &[LEATHER, SUEDE]),
            adult("Mocasines", "loafers", MascPl, &[LEATHER, SUEDE]), adult("Sandalias", "sandals", FemPl, &[LEATHER, FAUX]),
            adult("Zapatos derby", "derby shoes", MascPl, &[LEATHER]), adult("Alpargatas", "espadrilles", FemPl, &[CANVAS])],
        adjectives: &[("urbano", "urban"), ("clásico", "classic"), ("ligero", "lightweight"), ("casual", "casual")],
        details: &[("de plataforma", "platform"), ("con suela de goma", "rubber-soled"), ("con cierre lateral", "side-zip")],
        prices_clp: &[34_990, 39_990, 49_990, 59_990, 69_990],
        blurb: ("Plantilla acolchada y suela antideslizante para caminar todo el día.",
            "A cushioned insole and a non-slip sole for walking all day."),
        care: ("Limpiar con un paño húmedo.", "Wipe clean with a damp cloth."),
    },
    Category {
        prefix: "NIN", es: "Niños", en: "Kids", sizes: SizeRun::Kids, toned: false,
        garments: &[kids("Polerón con capucha", "hoodie", Masc, Audience::AnyKid, &[COTTON, FLEECE]),
            kids("Vestido de fiesta", "party dress", Masc, Audience::Girl, &[]),
            kids("Polera", "T-shirt", Fem, Audience::AnyKid, &[ORGANIC, COTTON]),
            kids("Jeans", "jeans", MascPl, Audience::AnyKid, &[]), kids("Parka", "parka", Fem, Audience::AnyKid, &[]),
            kids("Falda", "skirt", Fem, Audience::Girl, &[DENIM, CORDUROY]),
            kids("Camisa", "shirt", Fem, Audience::Boy, &[COTTON, LINEN]),
            kids("Pantalón de buzo", "tracksuit bottoms", Masc, Audience::AnyKid, &[])],
        adjectives: &[("estampado", "printed"), ("básico", "basic"), ("colorido", "colourful")],
        details: &[],
        prices_clp: &[8_990, 9_990, 12_990, 14_990, 19_990],
        blurb: ("Resistente y fácil de lavar, pensado para jugar.", "Durable and easy to wash, made for play."),
        care: MACHINE_WASH,
    },
    Category {
        prefix: "ACC", es: "Accesorios", en: "Accessories", sizes: SizeRun::OneSize, toned: true,
        garments: &[adult("Bufanda", "scarf", Fem, &[WOOL, ALPACA, COTTON]), adult("Gorro", "beanie", Masc, &[WOOL, ALPACA]),
            adult("Cinturón", "belt", Masc, &[LEATHER, CANVAS]), adult("Bolso", "bag", Masc, &[LEATHER, CANVAS]),
            adult("Mochila", "backpack", Fem, &[CANVAS, LEATHER]), adult("Gorra", "cap", Fem, &[COTTON, DENIM])],
        adjectives: &[("clásico", "classic"), ("urbano", "urban"), ("reversible", "reversible")],
        details: &[],
        prices_clp: &[5_990, 7_990, 9_990, 14_990, 19_990, 29_990],
        blurb: ("El detalle justo para completar cualquier look.", "The finishing touch for any outfit."),
        care: ("Seguir las indicaciones de la etiqueta.", "Follow the care label."),
    },
];

/// (code, Spanish, English, hex)
#[rustfmt::skip]
static PALETTE: [(&str, &str, &str, &str); 33] = [
    ("NEG", "Negro", "Black", "#111111"),                ("BLA", "Blanco", "White", "#FFFFFF"),
    ("MAR", "Marfil", "Ivory", "#FFFFF0"),               ("CRU", "Crudo", "Ecru", "#F0EAD6"),
    ("BEI", "Beige", "Beige", "#D9C7A7"),                ("ARE", "Arena", "Sand", "#C2B280"),
    ("CML", "Camel", "Camel", "#C19A6B"),                ("CAF", "Café", "Brown", "#6F4E37"),
    ("CHO", "Chocolate", "Chocolate", "#4E2A1E"),        ("CAQ", "Caqui", "Khaki", "#A39A6B"),
    ("AZM", "Azul marino", "Navy", "#1F2A44"),           ("AZR", "Azul rey", "Royal blue", "#2D5DA8"),
    ("AIN", "Azul índigo", "Indigo", "#3F4A8A"),         ("CEL", "Celeste", "Sky blue", "#8EC9E8"),
    ("APE", "Azul petróleo", "Teal", "#1D5C63"),         ("TUR", "Turquesa", "Turquoise", "#30B5B0"),
    ("VOL", "Verde oliva", "Olive green", "#6B7135"),    ("VBO", "Verde botella", "Bottle green", "#0E4D3A"),
    ("VME", "Verde menta", "Mint green", "#A8DCC5"),     ("BUR", "Burdeos", "Burgundy", "#7A1F2B"),
    ("ROJ", "Rojo", "Red", "#C0282D"),                   ("COR", "Coral", "Coral", "#F27C60"),
    ("TER", "Terracota", "Terracotta", "#C0603B"),       ("NAR", "Naranja", "Orange", "#E8792B"),
    ("MOS", "Mostaza", "Mustard", "#CC9A2E"),            ("AMA", "Amarillo", "Yellow", "#F2D24B"),
    ("RPA", "Rosa palo", "Blush pink", "#E8BFC0"),       ("FUC", "Fucsia", "Fuchsia", "#C8287A"),
    ("LIL", "Lila", "Lilac", "#B7A1C9"),                 ("MOR", "Morado", "Purple", "#5E3A7E"),
    ("GPE", "Gris perla", "Pearl grey", "#D3D4D6"),      ("GME", "Gris melange", "Heather grey", "#A6A8AB"),
    ("GCA", "Gris carbón", "Charcoal grey", "#3A3D40"),
];

/// A colour family named in some product names. Such a product only comes in colours of
/// the family, and always in the first one, which the name refers to.
struct Tone {
    es: &'static str,
    en: &'static str,
    family: &'static [&'static str],
}

static TONES: [Tone; 2] = [
    Tone { es: "café", en: "brown", family: &["CAF", "CHO", "CML", "ARE", "BEI", "CAQ"] },
    Tone { es: "gris", en: "grey", family: &["GME", "GCA", "GPE"] },
];

static APPAREL_SIZES: [&str; 5] = ["XS", "S", "M", "L", "XL"];
static WAIST_SIZES: [&str; 6] = ["38", "40", "42", "44", "46", "48"];
static SHOE_SIZES: [&str; 9] = ["36", "37", "38", "39", "40", "41", "42", "43", "44"];
static KIDS_SIZES: [&str; 5] = ["4", "6", "8", "10", "12"];
/// "Talla única": one size.
static ONE_SIZE: [&str; 1] = ["TU"];

const GTIN_PREFIX: &str = "780";
const FIRST_GTIN_SERIAL: u64 = 10_001;

// --- Products ------------------------------------------------------------------------------------

/// State threaded through product generation.
struct Catalogue {
    rng: SplitMix64,
    style_numbers: [u32; CATEGORY_COUNT],
    used_names: HashSet<String>,
    gtin_serial: u64,
}

impl Catalogue {
    fn product(&mut self, index: usize) -> DemoProduct {
        // Categories take turns, so every category is present even in small catalogues.
        let slot = index % CATEGORIES.len();
        let category = &CATEGORIES[slot];
        self.style_numbers[slot] += 1 + self.rng.below(9) as u32;
        let style_code = format!("{}-{}", category.prefix, self.style_numbers[slot]);

        // One block of ten products in every eight is named after a colour family,
        // alternating between the families.
        let tone = (category.toned && (index / 10) % 8 == 1).then(|| &TONES[(index / 80) % TONES.len()]);
        // Retry a few times for an unused name; past that, a repeated name is acceptable.
        let (name_es, name_en) = (0..24)
            .map(|_| compose_name(category, tone, &mut self.rng))
            .find(|(es, _)| !self.used_names.contains(es))
            .unwrap_or_else(|| compose_name(category, tone, &mut self.rng));
        self.used_names.insert(name_es.clone());

        let colors = pick_colors(tone, &mut self.rng);
        let sizes = pick_sizes(category.sizes, &mut self.rng);
        let product_class = match self.rng.below(100) {
            0..=14 => "bestseller",
            15..=39 => "seasonal",
            _ => "core",
        };
        let mut variants = Vec::with_capacity(colors.len() * sizes.len());
        for color in &colors {
            for size in &sizes {
                variants.push(DemoVariant {
                    sku: format!("{style_code}-{}-{size}", color.code),
                    color_code: color.code.clone(),
                    size: size.clone(),
                    gtin: gtin_for(self.gtin_serial),
                });
                self.gtin_serial += 1;
            }
        }
        let clp = *self.rng.pick(category.prices_clp);
        let prices =
            vec![("CLP".to_owned(), clp), ("COP".to_owned(), cop_from_clp(clp)), ("MXN".to_owned(), mxn_from_clp(clp))];
        let (class_es, class_en) = class_blurb(product_class);
        DemoProduct {
            id: format!("P{:06}", index + 1),
            style_code,
            description_es: format!("{name_es}. {} {class_es} {}", category.blurb.0, category.care.0),
            description_en: format!("{name_en}. {} {class_en} {}", category.blurb.1, category.care.1),
            name_es,
            name_en,
            category_es: category.es.to_owned(),
            category_en: category.en.to_owned(),
            product_class: product_class.to_owned(),
            colors,
            sizes,
            variants,
            prices,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Adjective,
    Material,
    Detail,
}

/// Returns (Spanish, English) names. Word order:
/// Spanish: garment, adjective, material, detail, tone, audience ("Polera básica de algodón orgánico").
/// English: audience, adjective, detail, tone, material, garment ("Boys' printed cotton hoodie").
fn compose_name(category: &'static Category, tone: Option<&'static Tone>, rng: &mut SplitMix64) -> (String, String) {
    let garment = rng.pick(category.garments);
    let audience = match garment.audience {
        Audience::AnyKid if rng.percent(50) => Audience::Boy,
        Audience::AnyKid => Audience::Girl,
        other => other,
    };
    let mut slots = Vec::with_capacity(3);
    if !category.adjectives.is_empty() {
        slots.push(Slot::Adjective);
    }
    if !garment.materials.is_empty() {
        slots.push(Slot::Material);
    }
    if !category.details.is_empty() && tone.is_none() {
        slots.push(Slot::Detail);
    }
    rng.shuffle(&mut slots);
    // Adults get one or two modifiers, kids zero to two; a tone counts as one.
    let wanted = match (audience, tone) {
        (Audience::Adult, Some(_)) => 1,
        (Audience::Adult, None) => 1 + rng.below(2),
        _ => rng.below(3),
    };
    slots.truncate(wanted);
    let adjective = slots.contains(&Slot::Adjective).then(|| rng.pick(category.adjectives));
    let material = slots.contains(&Slot::Material).then(|| rng.pick(garment.materials));
    let detail = slots.contains(&Slot::Detail).then(|| rng.pick(category.details));

    let mut es = vec![garment.es.to_owned()];
    es.extend(adjective.map(|a| agree(a.0, garment.gender)));
    es.extend(material.map(|m| m.0.to_owned()));
    es.extend(detail.map(|d| d.0.to_owned()));
    es.extend(tone.map(|t| agree(t.es, garment.gender)));
    let mut en: Vec<&str> = Vec::new();
    match audience {
        Audience::Boy => {
            es.push("niño".to_owned());
            en.push("Boys'");
        }
        Audience::Girl => {
            es.push("niña".to_owned());
            en.push("Girls'");
        }
        Audience::Adult | Audience::AnyKid => {}
    }
    en.extend(adjective.map(|a| a.1));
    en.extend(detail.map(|d| d.1));
    en.extend(tone.map(|t| t.en));
    en.extend(material.map(|m| m.1));
    en.push(garment.en);
    (es.join(" "), capitalize(&en.join(" ")))
}

/// Inflects a Spanish adjective given in masculine singular ("básico", "floral", "café")
/// to agree with a noun.
fn agree(adjective: &str, gender: Gender) -> String {
    if let Some(stem) = adjective.strip_suffix('o') {
        let ending = match gender {
            Masc => "o",
            Fem => "a",
            MascPl => "os",
            FemPl => "as",
        };
        format!("{stem}{ending}")
    } else if matches!(gender, Masc | Fem) {
        adjective.to_owned()
    } else if adjective.ends_with(['a', 'e', 'é', 'i']) {
        format!("{adjective}s")
    } else {
        format!("{adjective}es")
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn pick_colors(tone: Option<&Tone>, rng: &mut SplitMix64) -> Vec<DemoColor> {
    let mut pool: Vec<_> = match tone {
        Some(t) => PALETTE.iter().filter(|c| t.family.contains(&c.0)).collect(),
        None => PALETTE.iter().collect(),
    };
    rng.shuffle(&mut pool);
    if let Some(named) = tone.and_then(|t| pool.iter().position(|c| c.0 == t.family[0])) {
        pool.swap(0, named);
    }
    let most = pool.len().min(8);
    let count = if most <= 3 { most } else { 3 + rng.below(most - 2) };
    pool.truncate(count);
    pool.into_iter()
        .map(|&(code, es, en, hex)| DemoColor {
            code: code.to_owned(),
            name_es: es.to_owned(),
            name_en: en.to_owned(),
            hex: hex.to_owned(),
        })
        .collect()
}

/// A contiguous run of the category's size scale.
fn pick_sizes(run: SizeRun, rng: &mut SplitMix64) -> Vec<String> {
    let (scale, shortest): (&[&str], usize) = match run {
        SizeRun::Apparel => (&APPAREL_SIZES, 3),
        SizeRun::Waist => (&WAIST_SIZES, 4),
        SizeRun::Shoes => (&SHOE_SIZES, 5),
        SizeRun::Kids => (&KIDS_SIZES, 4),
        SizeRun::OneSize => (&ONE_SIZE, 1),
    };
    let len = shortest + rng.below(scale.len() - shortest + 1);
    let start = rng.below(scale.len() - len + 1);
    scale[start..start + len].iter().map(|s| (*s).to_owned()).collect()
}

fn class_blurb(class: &str) -> Phrase {
    match class {
        "bestseller" => ("Uno de los favoritos de nuestros clientes.", "One of our customers' favourites."),
        "seasonal" => {
            ("Edición de temporada, disponible por tiempo limitado.", "Seasonal edition, available for a limited time.")
        }
        _ => ("Parte de nuestra colección permanente.", "Part of our permanent collection."),
    }
}

fn gtin_for(serial: u64) -> String {
    assert!(serial < 1_000_000_000, "GTIN serial space exhausted");
    let body = format!("{GTIN_PREFIX}{serial:09}");
    let check = gs1_check_digit(body.as_bytes());
    format!("{body}{check}")
}

fn round_up(value: i64, step: i64) -> i64 {
    (value + step - 1) / step * step
}

/// About 4.3 COP per CLP, rounded up to a price ending in 900 ("$119.900").
fn cop_from_clp(clp: i64) -> i64 {
    let raw = clp * 43 / 10;
    round_up(raw, if raw < 50_000 { 1_000 } else { 10_000 }) - 100
}

/// About 0.019 MXN per CLP, rounded up to whole pesos ending in 9 ("$599.00"), in centavos.
fn mxn_from_clp(clp: i64) -> i64 {
    let pesos = clp * 19 / 1000;
    (round_up(pesos, if pesos < 300 { 10 } else { 50 }) - 1) * 100
}

// --- Stock ---------------------------------------------------------------------------------------

struct Role {
    kind: DemoLocationKind,
    country: usize,
    first_store: bool,
}

/// Numbers countries in order of appearance and marks the first store of each.
fn location_roles(locations: &[DemoLocation]) -> (Vec<Role>, usize) {
    let mut countries: Vec<&str> = Vec::new();
    let mut with_store: Vec<&str> = Vec::new();
    let mut roles = Vec::with_capacity(locations.len());
    for loc in locations {
        let code = loc.country.as_str();
        let country = countries.iter().position(|c| *c == code).unwrap_or_else(|| {
            countries.push(code);
            countries.len() - 1
        });
        let first_store = loc.kind == DemoLocationKind::Store && !with_store.contains(&code);
        if first_store {
            with_store.push(code);
        }
        roles.push(Role { kind: loc.kind, country, first_store });
    }
    (roles, countries.len())
}

/// The colour of `product` that is sold out at the first store of `country`.
fn sold_out_color(seed: u64, product_index: usize, country: usize, product: &DemoProduct) -> Option<&str> {
    if product.colors.is_empty() {
        return None;
    }
    let key = ((product_index as u64) << 8) ^ country as u64;
    let hash = mix64(seed ^ mix64(STREAM_SOLD_OUT ^ mix64(key)));
    Some(product.colors[(hash % product.colors.len() as u64) as usize].code.as_str())
}

struct ClassProfile {
    store_empty_percent: usize,
    store_max: i64,
    warehouse_min: i64,
}

impl ClassProfile {
    fn of(class: &str) -> Self {
        let (store_empty_percent, store_max, warehouse_min) = match class {
            "bestseller" => (8, 12, 80),
            "seasonal" => (18, 6, 20),
            _ => (12, 9, 40),
        };
        Self { store_empty_percent, store_max, warehouse_min }
    }
}

struct Quantities {
    on_hand: i64,
    reserved: i64,
    in_transit: i64,
    eta_days: Option<u32>,
}

/// `featured` marks the colour chosen to be sold out at the country's first store.
fn stock_quantities(rng: &mut SplitMix64, role: &Role, featured: bool, profile: &ClassProfile) -> Quantities {
    let (on_hand, transit_percent) = match role.kind {
        DemoLocationKind::Warehouse => (rng.between(profile.warehouse_min, 200), 12),
        DemoLocationKind::Online => (if rng.percent(20) { 0 } else { rng.between(1, 30) }, 4),
        DemoLocationKind::Store => {
            let units = if rng.percent(profile.store_empty_percent) { 0 } else { rng.between(1, profile.store_max) };
            match (featured, role.first_store) {
                // Sold out here, often with a replenishment on its way.
                (true, true) => (0, 35),
                // Guaranteed elsewhere in the country, so associates can send the customer there.
                (true, false) => (units.max(1), 6),
                (false, _) => (units, 6),
            }
        }
    };
    let reserved = match rng.below(10) {
        0..=6 => 0,
        7 | 8 => 1,
        _ => 2,
    }
    .min(on_hand);
    let in_transit = if rng.percent(transit_percent) { rng.between(5, 20) } else { 0 };
    let eta_days = (in_transit > 0).then(|| rng.between(1, 7) as u32);
    Quantities { on_hand, reserved, in_transit, eta_days }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const COUNTRIES: [&str; 3] = ["CL", "CO", "MX"];

    fn demo() -> DemoChain {
        chain(42, 320)
    }

    fn stock_rows(chain: &DemoChain) -> Vec<DemoStock> {
        let mut rows = Vec::new();
        for_each_stock(chain, 42, |row| rows.push(row));
        rows
    }

    /// On hand by "sku@location".
    fn on_hand(chain: &DemoChain) -> HashMap<String, i64> {
        let rows = stock_rows(chain).into_iter();
        rows.map(|r| (format!("{}@{}", r.sku, r.location_id), r.on_hand)).collect()
    }

    fn stores(chain: &DemoChain, country: &str) -> Vec<String> {
        let is_store = |l: &&DemoLocation| l.kind == DemoLocationKind::Store && l.country == country;
        chain.locations.iter().filter(is_store).map(|l| l.id.clone()).collect()
    }

    fn at(on_hand: &HashMap<String, i64>, variant: &DemoVariant, location: &str) -> i64 {
        on_hand[&format!("{}@{location}", variant.sku)]
    }

    #[test]
    fn gs1_check_digit_matches_known_barcodes() {
        // 4006381333931: 4+0+0+18+3+24+1+9+3+9+9+9 = 89, so the check digit is 1.
        // 7801610001196: 7+24+0+3+6+3+0+0+0+3+1+27 = 74, so the check digit is 6.
        // 5901234123457: 5+27+0+3+2+9+4+3+2+9+4+15 = 83, so the check digit is 7.
        // 036000291452 (UPC-A, weights counted from the right): sum 58, check digit 2.
        for code in ["4006381333931", "7801610001196", "5901234123457", "036000291452"] {
            let (body, check) = code.as_bytes().split_at(code.len() - 1);
            let values: Vec<u8> = body.iter().map(|b| b - b'0').collect();
            assert_eq!(gs1_check_digit(&values), check[0] - b'0', "{code}");
            assert_eq!(gs1_check_digit(body), check[0] - b'0', "ASCII {code}");
        }
    }

    #[test]
    fn every_gtin_has_a_valid_check_digit_and_is_unique() {
        let mut seen = HashSet::new();
        for variant in demo().products.iter().flat_map(|p| &p.variants) {
            let gtin = variant.gtin.as_bytes();
            assert!(gtin.len() == 13 && gtin.iter().all(u8::is_ascii_digit));
            assert!(gtin.starts_with(b"780"));
            assert_eq!(gs1_check_digit(&gtin[..12]), gtin[12] - b'0');
            assert!(seen.insert(variant.gtin.clone()), "{}", variant.gtin);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_chain() {
        let debug = |value: &dyn std::fmt::Debug| format!("{value:?}");
        assert_eq!(debug(&demo()), debug(&chain(42, 320)));
        assert_eq!(debug(&stock_rows(&demo())), debug(&stock_rows(&demo())));
        assert_ne!(debug(&demo().products), debug(&chain(43, 320).products));
        assert_eq!(demo().products.len(), 320);
        assert!(chain(7, 0).products.is_empty());
    }

    #[test]
    fn every_product_has_three_to_eight_colors() {
        for product in demo().products {
            let codes: HashSet<_> = product.colors.iter().map(|c| &c.code).collect();
            assert!((3..=8).contains(&codes.len()), "{}", product.style_code);
            assert_eq!(codes.len(), product.colors.len(), "{}", product.style_code);
            for color in &product.colors {
                let hex = color.hex.strip_prefix('#').expect("hex colour");
                assert!(hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
            }
        }
        assert!(PALETTE.len() >= 30);
    }

    #[test]
    fn variants_cover_every_color_and_size_with_unique_identifiers() {
        let chain = demo();
        let (mut skus, mut styles, mut ids) = (HashSet::new(), HashSet::new(), HashSet::new());
        for p in &chain.products {
            assert!(styles.insert(&p.style_code) && ids.insert(&p.id));
            let sku = |c: &DemoColor, s: &String| format!("{}-{}-{s}", p.style_code, c.code);
            let colors_by_sizes = p.colors.iter().flat_map(|c| p.sizes.iter().map(move |s| sku(c, s)));
            let expected: Vec<_> = colors_by_sizes.collect();
            let actual: Vec<_> = p.variants.iter().map(|v| v.sku.clone()).collect();
            assert_eq!(actual, expected);
            assert!(p.variants.iter().all(|v| skus.insert(&v.sku)));
        }
        assert_eq!(chain.products[0].id, "P000001");
    }

    #[test]
    fn there_are_at_least_twelve_stores_in_three_countries() {
        let chain = demo();
        let expected = [
            ("CL", "Santiago", "America/Santiago", "CLP"),
            ("CO", "Bogotá", "America/Bogota", "COP"),
            ("MX", "Ciudad de México", "America/Mexico_City", "MXN"),
        ];
        for (country, city, zone, currency) in expected {
            let here = |kind| {
                let all = chain.locations.iter();
                all.filter(move |l| l.kind == kind && l.country == country)
            };
            let stores: Vec<_> = here(DemoLocationKind::Store).collect();
            assert!(stores.len() >= 4, "{country}");
            assert!(stores.iter().all(|s| s.city == city && s.time_zone == zone));
            assert!(stores.iter().all(|s| s.currency == currency));
            let warehouses: Vec<_> = here(DemoLocationKind::Warehouse).collect();
            let online: Vec<_> = here(DemoLocationKind::Online).collect();
            assert!(warehouses.len() == 1 && online.len() == 1, "{country}");
            assert_eq!(warehouses[0].id, format!("{country}-WH-01"));
            assert!(warehouses[0].name.starts_with("Centro de distribución "));
            assert_eq!(online[0].id, format!("{country}-ONLINE"));
            assert!(online[0].name.starts_with("Tienda online "));
            assert_eq!(online[0].address, warehouses[0].address);
            assert!((online[0].lat - warehouses[0].lat).abs() < 1e-9);
            assert!((online[0].lon - warehouses[0].lon).abs() < 1e-9);
        }
        // Stores grouped by country, then warehouses, then online channels.
        let rank = |l: &DemoLocation| (l.kind as u8, COUNTRIES.iter().position(|c| *c == l.country));
        assert!(chain.locations.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])));
        let ids: HashSet<_> = chain.locations.iter().map(|l| &l.id).collect();
        assert_eq!(ids.len(), chain.locations.len());
    }

    #[test]
    fn reserved_never_exceeds_on_hand() {
        for row in stock_rows(&demo()) {
            assert!((0..=2).contains(&row.reserved), "{row:?}");
            assert!(row.reserved <= row.on_hand, "{row:?}");
        }
    }

    #[test]
    fn every_sku_has_one_stock_row_per_location_with_realistic_quantities() {
        let chain = demo();
        let kinds: HashMap<_, _> = chain.locations.iter().map(|l| (&l.id, l.kind)).collect();
        let rows = stock_rows(&chain);
        let skus: usize = chain.products.iter().map(|p| p.variants.len()).sum();
        assert_eq!(rows.len(), skus * chain.locations.len());
        assert_eq!(on_hand(&chain).len(), rows.len());
        for row in &rows {
            let range = match kinds[&row.location_id] {
                DemoLocationKind::Warehouse => 20..=200,
                DemoLocationKind::Store => 0..=12,
                DemoLocationKind::Online => 0..=30,
            };
            assert!(range.contains(&row.on_hand), "{row:?}");
            match row.transit_eta_days {
                Some(days) => {
                    assert!((1..=7).contains(&days) && (5..=20).contains(&row.in_transit))
                }
                None => assert_eq!(row.in_transit, 0),
            }
        }
        let in_transit = rows.iter().filter(|r| r.in_transit > 0).count();
        assert!(in_transit > 0 && in_transit * 5 < rows.len(), "{in_transit}");
    }

    #[test]
    fn some_sku_is_sold_out_at_a_store_but_available_at_another_store() {
        let chain = demo();
        let (on_hand, stores) = (on_hand(&chain), stores(&chain, "CL"));
        let found = chain
            .products
            .iter()
            .flat_map(|p| &p.variants)
            .any(|v| at(&on_hand, v, &stores[0]) == 0 && stores[1..].iter().any(|s| at(&on_hand, v, s) > 0));
        assert!(found);
    }

    #[test]
    fn every_product_has_a_color_sold_out_only_at_the_first_store_of_each_country() {
        let chain = demo();
        let on_hand = on_hand(&chain);
        for country in COUNTRIES {
            let stores = stores(&chain, country);
            let sold_out_only_at_first = |v: &DemoVariant| {
                at(&on_hand, v, &stores[0]) == 0 && stores[1..].iter().all(|s| at(&on_hand, v, s) > 0)
            };
            for product in &chain.products {
                let found = product.colors.iter().any(|color| {
                    let mut variants = product.variants.iter().filter(|v| v.color_code == color.code);
                    variants.all(sold_out_only_at_first)
                });
                assert!(found, "{} in {country}", product.style_code);
            }
        }
    }

    #[test]
    fn every_camisa_is_in_stock_at_another_store_of_its_country() {
        let chain = demo();
        let on_hand = on_hand(&chain);
        let camisas: Vec<_> = chain.products.iter().filter(|p| p.name_es.contains("Camisa")).collect();
        assert!(!camisas.is_empty());
        for country in COUNTRIES {
            let stores = stores(&chain, country);
            for product in &camisas {
                let in_stock = |v: &DemoVariant| stores[1..].iter().any(|s| at(&on_hand, v, s) > 0);
                assert!(product.variants.iter().any(in_stock), "{}", product.name_es);
            }
        }
    }

    #[test]
    fn safety_rules_cover_every_store_and_online_channel() {
        let chain = demo();
        for loc in &chain.locations {
            let units = |class: &str| {
                let mut rules = chain.safety_rules.iter();
                let rule = rules.find(|r| r.location_id == loc.id && r.product_class == class);
                rule.map(|r| r.units)
            };
            let expected = match loc.kind {
                DemoLocationKind::Store => [Some(2), Some(1), Some(0)],
                DemoLocationKind::Online => [Some(0), None, None],
                DemoLocationKind::Warehouse => [None, None, None],
            };
            let actual = [units("bestseller"), units("core"), units("seasonal")];
            assert_eq!(actual, expected, "{}", loc.id);
        }
    }

    #[test]
    fn classes_and_prices_are_realistic() {
        let chain = demo();
        let count = |class: &str| chain.products.iter().filter(|p| p.product_class == class).count();
        let bestsellers = count("bestseller");
        assert!((25..=70).contains(&bestsellers), "about 15% expected, got {bestsellers}");
        assert_eq!(bestsellers + count("core") + count("seasonal"), chain.products.len());
        for product in &chain.products {
            let currencies: Vec<_> = product.prices.iter().map(|(c, _)| c.as_str()).collect();
            assert_eq!(currencies, ["CLP", "COP", "MXN"]);
            let [clp, cop, mxn] = [0, 1, 2].map(|i| product.prices[i].1);
            assert_eq!([clp % 1000, cop % 1000, mxn % 1000], [990, 900, 900]);
            // 1 CLP is roughly 4.3 COP and 0.019 MXN (1.9 centavos).
            assert!(cop * 10 > clp * 38 && cop * 10 < clp * 52, "{clp} vs {cop}");
            assert!(mxn * 10 > clp * 15 && mxn * 10 < clp * 28, "{clp} vs {mxn}");
        }
    }

    #[test]
    fn names_are_varied_and_use_correct_spanish() {
        let chain = demo();
        let names: HashSet<_> = chain.products.iter().map(|p| p.name_es.as_str()).collect();
        assert!(names.len() * 100 >= chain.products.len() * 95, "{}", names.len());
        for word in ["café", "algodón", "niño", "niña", "Pantalón", "Suéter", "gris"] {
            assert!(names.iter().any(|n| n.contains(word)), "no name with {word}");
        }
        for p in &chain.products {
            assert!(!p.name_es.contains("  ") && !p.name_en.contains("  "));
            assert!(p.name_en.starts_with(char::is_uppercase), "{}", p.name_en);
            assert!(p.description_es.starts_with(&p.name_es));
            if p.name_es.ends_with(" café") || p.name_es.ends_with(" cafés") {
                assert_eq!(p.colors[0].name_es, "Café", "{}", p.name_es);
            }
            if p.category_en == "Kids" {
                let es = [" niño", " niña"].iter().any(|w| p.name_es.ends_with(w));
                let en = ["Boys' ", "Girls' "].iter().any(|w| p.name_en.starts_with(w));
                assert!(es && en, "{} / {}", p.name_es, p.name_en);
            }
        }
        assert_eq!(agree("básico", Fem), "básica");
        assert_eq!(agree("urbano", FemPl), "urbanas");
        assert_eq!(agree("floral", MascPl), "florales");
        assert_eq!(agree("café", MascPl), "cafés");
        assert_eq!(agree("gris", Fem), "gris");
    }
}
