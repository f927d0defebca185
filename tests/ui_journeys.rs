//! The kiosk's journeys driven headless through Slint's testing backend, by
//! accessible labels, on the real catalog (embedded demo data in a temporary
//! folder) and the real controller and workers.

mod support;

use i_slint_backend_testing::{AccessibleRole, ElementQuery};
use slint::{ComponentHandle, Model};
use support::{NORDIC, TestKiosk, config, enrolled_outbox, seed};
use vitrine::ui::Page;
use vitrine::ui::generated::{
    App, BasketAdapter, CollectAdapter, CollectStep, HandoffAdapter, IdentifyAdapter, ProductAdapter, ScanAdapter,
    StaffAdapter, Theme,
};
use vitrine_core::Symbology;

fn demo_kiosk(extra: &[(&str, &str)]) -> (tempfile::TempDir, TestKiosk) {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let k = TestKiosk::new(config(dir.path(), extra));
    (dir, k)
}

#[test]
fn a_scan_shows_the_product_and_the_basket_total_applies_the_promotion() {
    let (_dir, k) = demo_kiosk(&[]);
    assert_eq!(k.kiosk.page(), Page::Attract);
    k.scan(NORDIC, Symbology::Ean13);
    assert_eq!(k.kiosk.page(), Page::Product);
    let p = k.ui().global::<ProductAdapter>();
    assert_eq!(p.get_name(), "Nordic must original");
    let promos: Vec<_> = p.get_promotions().iter().map(|l| l.badge.to_string()).collect();
    assert!(promos.contains(&"3 pour 2".to_string()), "{promos:?}");
    assert!(p.get_demo(), "demo prices are labelled as such");
    assert!(k.shows("Prix de démonstration : ce n'est pas un vrai prix."));
    // Price check: nothing is in the basket until the shopper adds it.
    assert!(k.kiosk.session().is_empty());
    let unit = p.get_price().to_string();

    for _ in 0..3 {
        k.press("Ajouter au panier");
    }
    let app = k.ui().global::<App>();
    assert_eq!(app.get_basket_count(), 3);
    let label = format!("Panier : 3 articles, {}", app.get_basket_total());
    assert_eq!(app.get_basket_long(), label);
    k.press(&label);
    assert_eq!(k.kiosk.page(), Page::Basket);
    let b = k.ui().global::<BasketAdapter>();
    // 3 for the price of 2, computed by vitrine_core's pricing engine.
    let unit_minor = parse_eur(&unit);
    assert_eq!(parse_eur(&b.get_total()), 2 * unit_minor, "total {}", b.get_total());
    assert_eq!(parse_eur(&b.get_subtotal()), 3 * unit_minor);
    let savings: Vec<String> = b.get_savings().iter().map(|s| s.to_string()).collect();
    assert!(
        savings
            .iter()
            .any(|s| s.starts_with("3 pour le prix de 2 : 1 article offert")),
        "{savings:?}"
    );
    let line = b.get_lines().row_data(0).unwrap();
    assert_eq!(line.quantity, 3);
    assert!(!line.was.is_empty(), "the line shows the price before the promotion");

    // One less: the promotion no longer applies and a hint says what is missing.
    k.press("Un de moins : Nordic must original");
    assert_eq!(parse_eur(&b.get_total()), 2 * unit_minor);
    let hints: Vec<String> = b.get_hints().iter().map(|s| s.to_string()).collect();
    assert!(hints.iter().any(|h| h.contains("Ajoutez-en 1")), "{hints:?}");

    // The language switches at any time, Rust texts and @tr texts alike;
    // the button goes through ui.languages in turn (fr, en, de).
    k.press("English: switch to English");
    assert_eq!(app.get_lang(), "en");
    assert!(b.get_total().starts_with('€'), "{}", b.get_total());
    assert!(k.has_button("Send to my phone"));
    assert!(k.has_button("Continue shopping"));
    k.press("Deutsch: auf Deutsch umschalten");
    assert_eq!(app.get_lang(), "de");
    assert!(b.get_total().ends_with(" €"), "{}", b.get_total());
    assert!(k.has_button("An mein Telefon senden"));
    k.press("Français : passer en français");
    assert!(k.has_button("Envoyer sur mon téléphone"));
}

/// A shopper in German (`ui.language = "de"`): the product's price, its
/// promotion, the stock words, the basket's total and the errors are German
/// (the message catalogue for what Rust writes, `ui/translations/de` for
/// the `.slint` texts), and a reset brings the next shopper back to German.
#[test]
fn a_journey_in_german() {
    let (_dir, k) = demo_kiosk(&[("VITRINE__UI__LANGUAGE", "de")]);
    let app = k.ui().global::<App>();
    assert_eq!(app.get_lang(), "de");
    assert!(k.shows("Scannen Sie ein Produkt"));
    assert!(k.has_button("Starten: Produkt scannen"));
    // The language button goes on to the next of ui.languages (after the
    // last, the first), named and labelled in that language.
    assert_eq!(app.get_next_language_name(), "Français");
    assert!(k.has_button("Français : passer en français"));
    let names: Vec<String> = app.get_languages().iter().map(|l| l.name.to_string()).collect();
    assert_eq!(names, ["Français", "English", "Deutsch"]);

    // A wrong check digit typed on the keypad, explained in German.
    k.press("Starten: Produkt scannen");
    k.type_keys("5449000039232");
    k.press("Produkt anzeigen");
    let s = k.ui().global::<ScanAdapter>();
    assert!(
        s.get_feedback()
            .starts_with("Dieser Code passt zu keinem Produkt: Prüfen Sie die Ziffern"),
        "{}",
        s.get_feedback()
    );
    // An unknown product.
    k.scan("4006381333931", Symbology::Ean13);
    assert_eq!(
        s.get_feedback(),
        "Unbekanntes Produkt (Code 4006381333931): Bitte fragen Sie das Personal."
    );

    k.scan(NORDIC, Symbology::Ean13);
    assert_eq!(k.kiosk.page(), Page::Product);
    let p = k.ui().global::<ProductAdapter>();
    assert_eq!(p.get_name(), "Nordic must original");
    let price = p.get_price().to_string();
    assert!(price.ends_with(" €") && price.contains(','), "a German price: {price}");
    let promos: Vec<(String, String)> = p
        .get_promotions()
        .iter()
        .map(|l| (l.badge.to_string(), l.text.to_string()))
        .collect();
    assert!(
        promos
            .iter()
            .any(|(badge, text)| badge == "3 für 2" && text.starts_with("3 zum Preis von 2: 3 kaufen, ")),
        "{promos:?}"
    );
    let here = p.get_stock_here();
    assert!(
        here.place.starts_with("Hier (") && here.place.ends_with("):"),
        "{}",
        here.place
    );
    assert!(
        ["vorrätig", "ausverkauft"].contains(&here.text.as_str()) || here.text.starts_with("nur noch "),
        "German stock words: {}",
        here.text
    );
    for row in p.get_stock_elsewhere().iter() {
        assert!(row.place.ends_with(':') && !row.place.ends_with(" :"), "{}", row.place);
    }
    assert!(k.shows("Demopreis: Das ist kein echter Preis."));

    for _ in 0..3 {
        k.press("In den Warenkorb");
    }
    assert_eq!(app.get_toast(), "In den Warenkorb gelegt: Nordic must original");
    let total = app.get_basket_total().to_string();
    assert_eq!(app.get_basket_long(), format!("Warenkorb: 3 Artikel, {total}"));
    k.press(&app.get_basket_long());
    assert_eq!(k.kiosk.page(), Page::Basket);
    let b = k.ui().global::<BasketAdapter>();
    let unit_minor = parse_eur(&price);
    assert_eq!(parse_eur(&b.get_total()), 2 * unit_minor);
    assert!(b.get_total().ends_with(" €"), "{}", b.get_total());
    let savings: Vec<String> = b.get_savings().iter().map(|s| s.to_string()).collect();
    assert!(
        savings
            .iter()
            .any(|s| s.starts_with("3 zum Preis von 2: 1 Artikel gratis, Sie sparen ")),
        "{savings:?}"
    );
    assert!(b.get_lines().row_data(0).unwrap().detail.ends_with(" pro Stück"));
    assert!(k.has_button("An mein Telefon senden"));
    // Not enrolled with HQ: said in German.
    k.press("An mein Telefon senden");
    assert!(
        app.get_toast()
            .starts_with("Dieses Terminal ist nicht mit der Zentrale verbunden"),
        "{}",
        app.get_toast()
    );
    // The on-screen keyboard is German (QWERTZ, with umlauts).
    k.go(Page::Identify);
    let row1: Vec<String> = app.get_keyboard_row1().iter().map(|k| k.to_string()).collect();
    assert_eq!(row1[..6], ["q", "w", "e", "r", "t", "z"]);
    assert!(k.has_button("ü") && k.has_button("ß"));
    k.type_keys("0612");
    k.press("OK");
    let id = k.ui().global::<IdentifyAdapter>();
    assert!(
        id.get_message().starts_with("Diese Nummer ist ungültig"),
        "{}",
        id.get_message()
    );

    // The accessibility panel offers every language, each by its name; the
    // next shopper starts in the kiosk's language, German, again.
    k.press("Barrierefreiheit: Textgröße und Anordnung");
    k.press("English");
    assert_eq!(app.get_lang(), "en");
    k.press("Close");
    k.kiosk.reset_session("test: next shopper");
    assert_eq!(app.get_lang(), "de");
    assert!(k.shows("Scannen Sie ein Produkt"));
}

/// The languages offered are the configuration's (`ui.languages`), in its
/// order: the button goes through them and wraps, the accessibility panel
/// and the staff screen list them, and a language not offered is refused.
#[test]
fn the_shopper_chooses_among_the_configured_languages() {
    let pin = vitrine::staff::hash_pin("2468").unwrap();
    let (_dir, k) = demo_kiosk(&[
        ("VITRINE__UI__LANGUAGES", "de, en"),
        ("VITRINE__UI__LANGUAGE", "en"),
        ("VITRINE__STAFF__PIN_HASH", &pin),
    ]);
    let app = k.ui().global::<App>();
    assert_eq!(app.get_lang(), "en");
    let names: Vec<String> = app.get_languages().iter().map(|l| l.name.to_string()).collect();
    assert_eq!(names, ["Deutsch", "English"]);
    k.press("Deutsch: auf Deutsch umschalten");
    assert_eq!(app.get_lang(), "de");
    assert!(k.has_button("Starten: Produkt scannen"));
    k.press("English: switch to English");
    assert_eq!(app.get_lang(), "en");
    assert!(k.has_button("Start: scan a product"));
    assert!(!k.has_button("Français : passer en français"));
    // French is not offered here: asking for it changes nothing.
    app.invoke_set_language("fr".into());
    assert_eq!(app.get_lang(), "en");
    // Staff choose the default among the same languages.
    k.press("Staff access (long press)");
    k.type_keys("2468");
    k.press("Enter");
    assert_eq!(k.kiosk.page(), Page::Staff);
    let langs: Vec<(String, bool)> = k
        .ui()
        .global::<StaffAdapter>()
        .get_languages()
        .iter()
        .map(|l| (l.label.to_string(), l.selected))
        .collect();
    assert_eq!(langs, [("Deutsch".to_string(), false), ("English".to_string(), true)]);
}

fn parse_eur(s: &str) -> i64 {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    digits.parse().unwrap_or_else(|_| panic!("not an amount: {s:?}"))
}

/// A photo the retailer put in `<data_dir>/images/` is shown; without one,
/// the placeholder.
#[test]
fn a_cached_product_photo_is_shown_and_the_placeholder_otherwise() {
    let (dir, k) = demo_kiosk(&[]);
    k.scan(NORDIC, Symbology::Ean13);
    let p = k.ui().global::<ProductAdapter>();
    assert!(!p.get_has_photo());
    std::fs::create_dir_all(dir.path().join("images")).unwrap();
    image::RgbImage::from_pixel(40, 30, image::Rgb([200, 30, 30]))
        .save(dir.path().join("images/05449000039231.png"))
        .unwrap();
    k.press("Scanner un autre produit");
    k.scan(NORDIC, Symbology::Ean13);
    assert!(p.get_has_photo(), "the photo in images/ is shown");
    let photo = p.get_photo().size();
    assert_eq!((photo.width, photo.height), (40, 30));
}

/// The picture HQ names for a product is shown from the kiosk's picture
/// cache once the background fetch put it there (the placeholder before:
/// the scan never waits for it), and showing it marks it as recently shown
/// (the cache evicts the least recently shown first).
#[test]
fn the_picture_hq_names_is_shown_once_it_is_in_the_picture_cache() {
    use std::time::{Duration, SystemTime};
    use vitrine::catalog::pictures::PictureCache;
    use vitrine::catalog::{Catalog, VersionMove};
    use vitrine_core::catalog::Change;
    use vitrine_core::picture::ImageId;

    let (dir, k) = demo_kiosk(&[]);
    let id = ImageId::of(b"the original file HQ imported");
    {
        let mut cat = Catalog::open(dir.path()).unwrap();
        let gtin = vitrine_core::Gtin::from_digits(NORDIC).unwrap();
        let mut p = cat.product(gtin).unwrap().unwrap();
        p.image = Some(id.clone());
        cat.apply(
            &[Change::UpsertProduct(p)],
            VersionMove::Increment,
            1_790_000_000,
            &mut |_| {},
        )
        .unwrap();
    }
    k.scan(NORDIC, Symbology::Ean13);
    let p = k.ui().global::<ProductAdapter>();
    assert!(!p.get_has_photo(), "not fetched yet: the placeholder");
    assert!(k.shows("Pas de photo pour ce produit"));

    let cache = PictureCache::new(dir.path(), 1 << 20);
    let long_ago = SystemTime::now() - Duration::from_secs(86_400);
    cache
        .store(&id, &vitrine_testkit::pictures::jpeg(64, 48, 7), long_ago)
        .unwrap();
    let file = cache.get(&id).unwrap();
    std::fs::File::options()
        .append(true)
        .open(&file)
        .unwrap()
        .set_modified(long_ago)
        .unwrap();
    k.press("Scanner un autre produit");
    k.scan(NORDIC, Symbology::Ean13);
    assert!(p.get_has_photo(), "the cached picture is shown");
    let photo = p.get_photo().size();
    assert_eq!((photo.width, photo.height), (64, 48));
    assert!(k.shows("Photo de Nordic must original"));
    let shown = std::fs::metadata(&file).unwrap().modified().unwrap();
    assert!(shown > long_ago + Duration::from_secs(3600), "marked as shown");

    // The basket's line shows it too.
    k.press("Ajouter au panier");
    k.go(Page::Basket);
    let line = k.ui().global::<BasketAdapter>().get_lines().row_data(0).unwrap();
    assert_eq!(line.name, "Nordic must original");
    assert!(line.has_photo);
    assert_eq!((line.photo.size().width, line.photo.size().height), (64, 48));
}

/// The product page's details from the catalog: other sellers' offers,
/// allergens with the nutrition table, the member price.
#[test]
fn the_product_page_shows_offers_allergens_and_the_member_price() {
    let (dir, k) = demo_kiosk(&[]);
    let cat = vitrine::catalog::Catalog::open(dir.path()).unwrap();
    let products = cat.all_products().unwrap();
    let with_offers = products
        .iter()
        .find(|p| cat.offers(p.gtin).unwrap().len() >= 2)
        .expect("a product sold by several sellers in the demo data");
    let with_allergens = products
        .iter()
        .find(|p| {
            p.food
                .as_ref()
                .is_some_and(|f| f.allergens.iter().any(|a| a == "en:milk"))
        })
        .expect("a food with milk in the demo data");
    let member = cat
        .active_promotions("paris-01", vitrine::clock::now())
        .unwrap()
        .into_iter()
        .find_map(|p| match (&p.audience, &p.target) {
            (vitrine_core::pricing::Audience::Members { .. }, vitrine_core::pricing::Target::Gtins(g)) => {
                g.first().copied()
            }
            _ => None,
        })
        .expect("a member price in the demo data");
    drop(cat);
    let p = k.ui().global::<ProductAdapter>();

    k.scan(&with_offers.gtin.short_form(), Symbology::Ean13);
    assert_eq!(p.get_name(), with_offers.name.as_str());
    let offers: Vec<String> = p.get_offers().iter().map(|o| o.seller.to_string()).collect();
    assert!(offers.len() >= 2, "{offers:?}");

    k.scan(&with_allergens.gtin.short_form(), Symbology::Ean13);
    let allergens: Vec<String> = p.get_allergens().iter().map(|a| a.to_string()).collect();
    assert!(
        allergens.iter().any(|a| a.to_lowercase().contains("lait")),
        "{allergens:?}"
    );
    k.press("English: switch to English");
    let allergens: Vec<String> = p.get_allergens().iter().map(|a| a.to_string()).collect();
    assert!(
        allergens.iter().any(|a| a.to_lowercase().contains("milk")),
        "{allergens:?}"
    );
    k.press("Deutsch: auf Deutsch umschalten");
    let allergens: Vec<String> = p.get_allergens().iter().map(|a| a.to_string()).collect();
    assert!(allergens.iter().any(|a| a.contains("Milch")), "{allergens:?}");
    k.press("Français : passer en français");

    k.scan(&member.short_form(), Symbology::Ean13);
    assert!(!p.get_member_price().is_empty(), "the member price is shown");
}

/// A GS1 label that carries its own price (AI 3922) beside the pack's
/// weight, on the demo's weighed Comté: the product page and the basket
/// charge that price, not the catalog's price per kg. (On a fixed-price
/// can the same label is refused since issue 19: tests/gs1_codes.rs.)
#[test]
fn a_gs1_label_price_is_what_the_basket_charges() {
    let (_dir, k) = demo_kiosk(&[]);
    k.scan("(01)02500100000002(3103)000750(3922)1234", Symbology::Code128);
    assert_eq!(k.kiosk.page(), Page::Product);
    assert_eq!(k.ui().global::<ProductAdapter>().get_price(), "12,34 €");
    k.press("Ajouter au panier");
    let items = k.kiosk.session();
    let line = items.items().first().expect("one line").clone();
    assert_eq!(line.measured.map(|m| m.price.amount_minor), Some(1234));
    assert_eq!(k.ui().global::<App>().get_basket_total(), "12,34 €");
}

#[test]
fn the_keypad_and_the_search_find_products_without_a_barcode() {
    let (_dir, k) = demo_kiosk(&[]);
    k.press("Commencer : scanner un produit");
    assert_eq!(k.kiosk.page(), Page::Scan);
    k.type_keys("5449000039232");
    k.press("Voir le produit");
    // A wrong check digit is explained, in words.
    let s = k.ui().global::<ScanAdapter>();
    assert!(
        s.get_feedback().contains("vérifiez les chiffres"),
        "{}",
        s.get_feedback()
    );
    assert_eq!(k.kiosk.page(), Page::Scan);
    k.press("Effacer le dernier chiffre"); // the field was emptied on submit: nothing happens
    k.type_keys(NORDIC);
    assert_eq!(s.get_keypad_text(), NORDIC);
    k.press("Voir le produit");
    assert_eq!(k.kiosk.page(), Page::Product);

    k.press("Scanner un autre produit");
    k.press("Chercher par nom");
    k.type_keys("nordic");
    let names: Vec<String> = s.get_results().iter().map(|r| r.name.to_string()).collect();
    assert!(names.iter().any(|n| n == "Nordic must original"), "{names:?}");
    let first = s.get_results().row_data(0).unwrap();
    k.press(&format!("{}, {}, {}", first.name, first.detail, first.price));
    assert_eq!(k.kiosk.page(), Page::Product);
    assert_eq!(k.ui().global::<ProductAdapter>().get_name(), first.name);
}

#[test]
fn an_unknown_or_unreadable_code_is_said_in_words() {
    let (_dir, k) = demo_kiosk(&[]);
    k.scan("4006381333931", Symbology::Ean13); // a valid EAN-13 not in the catalog
    let s = k.ui().global::<ScanAdapter>();
    assert_eq!(k.kiosk.page(), Page::Scan);
    assert!(
        s.get_feedback().starts_with("Produit inconnu (code 4006381333931)"),
        "{}",
        s.get_feedback()
    );
    k.scan("https://example.com/promo", Symbology::Qr);
    assert!(
        s.get_feedback().contains("ouvrez-le avec votre téléphone"),
        "{}",
        s.get_feedback()
    );
}

#[test]
fn idle_reset_wipes_everything() {
    let (_dir, k) = demo_kiosk(&[
        ("VITRINE__UI__IDLE_TIMEOUT_S", "20"),
        ("VITRINE__UI__IDLE_WARNING_S", "5"),
    ]);
    k.scan(NORDIC, Symbology::Ean13);
    k.press("Ajouter au panier");
    k.press("English: switch to English");
    k.press("Accessibility: text size and layout");
    k.press("Larger text");
    k.press("Close");
    k.press("Scan a product");
    k.press("Search by name");
    k.type_keys("lindt");
    k.go(Page::Identify);
    k.type_keys("camille@example.fr");
    assert_eq!(k.ui().global::<IdentifyAdapter>().get_typed(), "camille@example.fr");

    // A touch puts the countdown back.
    k.wait_seconds(19);
    assert!(!k.ui().global::<App>().get_idle_warning());
    k.wait_seconds(1);
    let app = k.ui().global::<App>();
    assert!(app.get_idle_warning());
    assert!(k.shows("Your session will be erased in 5 s."));
    k.press("I'm here");
    assert!(!app.get_idle_warning());
    assert_eq!(k.kiosk.page(), Page::Identify);

    k.wait_seconds(20);
    assert!(app.get_idle_warning());
    k.wait_seconds(4);
    assert_eq!(k.kiosk.page(), Page::Identify, "still counting down");
    k.wait_seconds(1);

    // Nothing of that shopper is left, in the session or on screen.
    assert_eq!(k.kiosk.page(), Page::Attract);
    assert!(k.kiosk.session().is_blank());
    assert!(!app.get_idle_warning());
    assert_eq!(app.get_basket_count(), 0);
    assert_eq!(app.get_lang(), "fr", "back to the kiosk's language");
    assert!(!k.ui().global::<Theme>().get_large_text());
    assert_eq!(k.ui().global::<BasketAdapter>().get_lines().row_count(), 0);
    assert_eq!(k.ui().global::<ProductAdapter>().get_name(), "");
    let s = k.ui().global::<ScanAdapter>();
    assert_eq!(s.get_search_text(), "");
    assert_eq!(s.get_results().row_count(), 0);
    assert_eq!(s.get_keypad_text(), "");
    assert_eq!(s.get_feedback(), "");
    assert_eq!(k.ui().global::<IdentifyAdapter>().get_typed(), "");
    assert_eq!(app.get_toast(), "");
}

#[test]
fn identification_validates_input_and_says_when_the_kiosk_is_not_connected() {
    let (_dir, k) = demo_kiosk(&[]);
    k.scan(NORDIC, Symbology::Ean13);
    k.press("Ajouter au panier");
    k.go(Page::Basket);
    k.press("M'identifier pour mes prix personnels");
    assert_eq!(k.kiosk.page(), Page::Identify);
    let id = k.ui().global::<IdentifyAdapter>();
    k.type_keys("0612");
    k.press("Valider");
    assert!(
        id.get_message().starts_with("Ce numéro n'est pas valide"),
        "{}",
        id.get_message()
    );
    k.type_keys("345678");
    k.press("Valider");
    assert!(
        id.get_message()
            .starts_with("L'identification est indisponible pour le moment"),
        "{}",
        id.get_message()
    );
    assert_eq!(id.get_typed(), "", "the number does not stay on screen");
    assert!(!id.get_identified());
}

#[test]
fn an_answer_that_arrives_after_the_session_ended_does_not_reach_the_next_shopper() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    // An HQ that accepts the connection and never answers: the lookup of a
    // typed phone number waits for its timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let outbox = enrolled_outbox(dir.path(), "https://shop.example");
    let mut ident = outbox.identity().unwrap().unwrap();
    ident.hq_url = format!("http://{}", silent.local_addr().unwrap());
    outbox.save_identity(&ident).unwrap();
    let k = TestKiosk::with_outbox(config(dir.path(), &[]), Some(outbox));
    k.scan(NORDIC, Symbology::Ean13);
    k.press("Ajouter au panier");
    k.go(Page::Basket);
    k.press("M'identifier pour mes prix personnels");
    k.type_keys("0612345678");
    // Pressed without waiting for the answer; the shopper walks away.
    k.button("Valider").invoke_accessible_default_action();
    let id = k.ui().global::<IdentifyAdapter>();
    assert_eq!(id.get_message(), "Recherche de votre compte…");
    k.kiosk.reset_session("test: end of session");
    k.settle();
    // The first shopper's answer (here HQ's silence) was dropped: the next
    // session starts clean.
    assert_eq!(k.kiosk.page(), Page::Attract);
    assert_eq!(id.get_message(), "");
    assert!(!id.get_identified());
    assert!(k.kiosk.session().customer.is_none());
    assert!(k.kiosk.session().is_empty());
}

/// A loyalty card held to the camera, then a phone number typed: both
/// recognised through a real HQ (enrolled kiosk), first name and a masked
/// identifier only; "Not you?" clears it. The phone number takes the code
/// HQ sends there (an HTTP stand-in for the SMS provider): nothing
/// personal shows before it is typed.
#[test]
fn a_scanned_loyalty_card_and_a_typed_phone_number_identify_the_shopper_through_hq() {
    i_slint_backend_testing::init_no_event_loop();
    let (dir, hq_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    seed(dir.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (sms_url, mut sms) = rt.block_on(vitrine_testkit::sms_server());
    let mut hq_cfg = vitrine_hq::HqConfig::new(hq_dir.path());
    hq_cfg.public_base_url = url.clone();
    hq_cfg.sms_webhook = Some(sms_url);
    let hq = vitrine_hq::Hq::open(hq_cfg).unwrap();
    rt.spawn(vitrine_hq::serve(listener, hq.clone(), std::future::pending::<()>()));
    let card = vitrine_core::loyalty::card_number("0450", 4242);
    vitrine_hq::customers::add(
        &hq,
        &vitrine_hq::customers::NewCustomer {
            first_name: "Camille".into(),
            email: Some("camille.zebulon@example.fr".into()),
            phone: Some("06 12 34 56 78".into()),
            card: Some(card.clone()),
            tier: Some(vitrine_core::pricing::Tier::Gold),
            consent: true,
        },
    )
    .unwrap();
    let (_, code) = vitrine_hq::admin::device_add(&hq, "paris-01").unwrap();
    rt.block_on(vitrine::sync::enroll(
        dir.path(),
        &url,
        &code,
        vitrine::config::HqTransport::LoopbackHttp,
        std::time::Duration::from_secs(5),
        vitrine::clock::now(),
    ))
    .unwrap();
    let outbox = vitrine::sync::Outbox::open(dir.path()).unwrap();
    let k = TestKiosk::with_outbox(config(dir.path(), &[]), Some(outbox));
    k.scan(NORDIC, Symbology::Ean13);
    k.press("Ajouter au panier");
    k.go(Page::Basket);
    k.press("M'identifier pour mes prix personnels");
    let id = k.ui().global::<IdentifyAdapter>();
    // The card, as the camera reads it: never looked up as a product.
    k.scan(&card[card.len() - 13..], Symbology::Ean13);
    assert_eq!(k.kiosk.page(), Page::Identify);
    assert!(id.get_identified(), "{}", id.get_message());
    assert_eq!(id.get_first_name(), "Camille");
    assert!(
        !id.get_masked().contains(&card[card.len() - 8..]),
        "{}",
        id.get_masked()
    );
    assert!(k.kiosk.session().customer.is_some());
    k.press("Pas vous ?");
    assert!(!id.get_identified());
    assert!(k.kiosk.session().customer.is_none());
    // A phone number typed on the keypad: a code is sent there, and the
    // screen asks for it without naming anyone.
    k.type_keys("0612345678");
    k.press("Valider");
    assert!(!id.get_identified() && id.get_code_step(), "{}", id.get_message());
    assert!(
        id.get_message().contains("envoyé un code à •••• 78"),
        "{}",
        id.get_message()
    );
    assert!(id.get_code_prompt().contains("•••• 78"), "{}", id.get_code_prompt());
    assert!(!k.shows("Camille") && id.get_first_name().is_empty());
    let text = rt.block_on(vitrine_testkit::next_sms(&mut sms))["text"]
        .as_str()
        .unwrap()
        .to_string();
    let code = vitrine_testkit::code_in(&text);
    // A wrong code: told so, still nobody on screen.
    k.type_keys(if code == "000000" { "111111" } else { "000000" });
    k.press("Valider");
    assert!(!id.get_identified() && id.get_code_step());
    assert!(id.get_message().contains("encore 4 essais"), "{}", id.get_message());
    k.type_keys(&code);
    k.press("Valider");
    assert!(id.get_identified(), "{}", id.get_message());
    assert!(!id.get_code_step());
    assert_eq!(id.get_first_name(), "Camille");
    let masked = id.get_masked().to_string();
    assert!(!masked.contains("12 34 56") && !masked.contains("123456"), "{masked}");
    assert!(!k.shows("Zébulon") && !k.shows("camille.zebulon@example.fr"));
    k.kiosk.reset_session("test: end");
    assert!(!id.get_identified());
    assert_eq!(id.get_first_name(), "");
}

#[test]
fn send_to_phone_and_click_and_collect_say_when_the_outbox_is_missing() {
    let (_dir, k) = demo_kiosk(&[]);
    k.scan(NORDIC, Symbology::Ean13);
    k.press("Ajouter au panier");
    k.go(Page::Basket);
    k.press("Envoyer sur mon téléphone");
    assert_eq!(k.kiosk.page(), Page::Basket);
    assert!(
        k.ui().global::<App>().get_toast().contains("pas reliée au siège"),
        "{}",
        k.ui().global::<App>().get_toast()
    );

    // Click & collect: store (this one by default when it has everything),
    // slot, name and validated contact, summary.
    k.press("Click & collect : réserver");
    assert_eq!(k.kiosk.page(), Page::Collect);
    let c = k.ui().global::<CollectAdapter>();
    let stores: Vec<_> = c.get_stores().iter().collect();
    assert!(stores.len() >= 2, "this store and others with stock");
    assert!(stores[0].label.ends_with("(ce magasin)") && stores[0].selected);
    assert!(stores.iter().skip(1).all(|s| s.note.starts_with('✓')));
    k.press("Suivant");
    assert_eq!(c.get_step(), CollectStep::Slot);
    k.press("Suivant");
    assert_eq!(c.get_message(), "Choisissez un créneau.");
    let slot = c.get_slots().row_data(0).unwrap().label.to_string();
    k.press(&slot);
    k.press("Suivant");
    assert_eq!(c.get_step(), CollectStep::Contact);
    k.type_keys("camille");
    k.press("Suivant");
    k.type_keys("camille@example");
    k.press("Suivant");
    assert!(
        c.get_message().starts_with("Cette adresse email n'est pas complète"),
        "{}",
        c.get_message()
    );
    k.type_keys(".fr");
    k.press("Suivant");
    assert_eq!(c.get_step(), CollectStep::Summary);
    let summary: Vec<String> = c
        .get_summary()
        .iter()
        .map(|r| format!("{}: {}", r.label, r.value))
        .collect();
    assert!(summary.contains(&"Contact: c•••@e•••.fr".to_string()), "{summary:?}");
    assert!(summary.contains(&"Nom: camille".to_string()), "{summary:?}");
    assert!(summary.contains(&format!("Créneau: {slot}")), "{summary:?}");
    assert!(
        !summary.iter().any(|r| r.contains("camille@example.fr")),
        "no full email on screen"
    );
    k.press("Confirmer la commande");
    assert!(c.get_message().contains("pas reliée au siège"), "{}", c.get_message());
}

#[test]
fn staff_pin_locks_after_the_allowed_failures_and_stays_locked_after_a_restart() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let extra = [
        ("VITRINE__STAFF__MAX_ATTEMPTS", "3"),
        ("VITRINE__STAFF__LOCKOUT_BASE_S", "600"),
    ];
    {
        let k = TestKiosk::new(config(dir.path(), &extra));
        k.press("Accès personnel (appui long)");
        assert_eq!(k.kiosk.page(), Page::StaffPin);
        let s = k.ui().global::<StaffAdapter>();
        for left in [2, 1] {
            k.type_keys("1357");
            assert_eq!(s.get_pin_length(), 4);
            k.press("Entrer");
            assert_eq!(s.get_pin_length(), 0, "the PIN does not stay typed");
            assert_eq!(
                s.get_pin_message(),
                format!("Code incorrect. Essais restants avant blocage : {left}")
            );
        }
        k.type_keys("1357");
        k.press("Entrer");
        assert!(s.get_locked());
        assert!(
            s.get_pin_message().starts_with("Trop d'essais : réessayez dans 10 min"),
            "{}",
            s.get_pin_message()
        );
        // Even the right PIN cannot be submitted while locked.
        k.type_keys("2468");
        assert_eq!(k.button("Entrer").accessible_enabled(), Some(false));
        k.press("Annuler");
        assert_eq!(k.kiosk.page(), Page::Attract);
    }
    // A restart does not lift the lockout.
    let k = TestKiosk::new(config(dir.path(), &extra));
    k.press("Accès personnel (appui long)");
    let s = k.ui().global::<StaffAdapter>();
    assert!(s.get_locked());
    assert!(
        s.get_pin_message().starts_with("Trop d'essais"),
        "{}",
        s.get_pin_message()
    );
    let audit = std::fs::read_to_string(dir.path().join("staff-audit.jsonl")).unwrap();
    assert_eq!(audit.matches("\"pin_wrong\"").count(), 2);
    assert_eq!(audit.matches("\"staff_locked\"").count(), 1);
}

/// Holds a finger on an element for `ms` (real pointer events, Slint's mock
/// clock), then lifts it.
fn hold(k: &TestKiosk, e: &i_slint_backend_testing::ElementHandle, ms: u64) {
    use slint::platform::{PointerEventButton, WindowEvent};
    let (p, sz) = (e.absolute_position(), e.size());
    let position = slint::LogicalPosition::new(p.x + sz.width / 2.0, p.y + sz.height / 2.0);
    let w = k.ui().window();
    w.dispatch_event(WindowEvent::PointerPressed {
        position,
        button: PointerEventButton::Left,
    });
    for _ in 0..ms / 100 {
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(100));
    }
    w.dispatch_event(WindowEvent::PointerReleased {
        position,
        button: PointerEventButton::Left,
    });
    k.settle();
}

#[test]
fn the_staff_corner_opens_on_a_long_press_every_time_and_not_on_a_tap() {
    let (_dir, k) = demo_kiosk(&[]);
    let corner = || k.button("Accès personnel (appui long)");
    // A tap is not a long press.
    hold(&k, &corner(), 300);
    assert_eq!(k.kiosk.page(), Page::Attract);
    for round in 0..3 {
        hold(&k, &corner(), 2_500);
        assert_eq!(k.kiosk.page(), Page::StaffPin, "long press {round}");
        k.press("Annuler");
        assert_eq!(k.kiosk.page(), Page::Attract);
    }
    // From another page too.
    k.press("Commencer : scanner un produit");
    hold(&k, &corner(), 2_500);
    assert_eq!(k.kiosk.page(), Page::StaffPin);
}

/// "Added to the basket" is closed by a touch on it, and does not follow the
/// shopper to the next page, where it would hide the basket's first line.
#[test]
fn the_added_message_closes_on_a_touch_and_stays_on_its_page() {
    let (_dir, k) = demo_kiosk(&[]);
    let app = k.ui().global::<App>();
    k.scan(NORDIC, Symbology::Ean13);
    k.press("Ajouter au panier");
    let toast = app.get_toast().to_string();
    assert_eq!(toast, "Ajouté au panier : Nordic must original");
    // A tap on the message (real pointer events at its place on screen).
    let shown = i_slint_backend_testing::ElementHandle::find_by_accessible_label(k.ui(), &toast)
        .next()
        .expect("the message is on screen");
    hold(&k, &shown, 0);
    assert_eq!(app.get_toast(), "", "a touch closes it");
    assert_eq!(k.kiosk.page(), Page::Product, "and does nothing else");

    k.press("Ajouter au panier");
    assert!(app.get_toast().starts_with("Ajouté au panier"));
    k.press(&app.get_basket_long());
    assert_eq!(k.kiosk.page(), Page::Basket);
    assert_eq!(app.get_toast(), "", "the confirmation stayed on the product page");

    // A warning is not a confirmation: it keeps its time on screen.
    k.press("Vider le panier");
    k.go(Page::Collect);
    assert_eq!(app.get_toast(), "Votre panier est vide.");
    k.go(Page::Scan);
    assert_eq!(app.get_toast(), "Votre panier est vide.");
    k.wait_seconds(5);
    assert_eq!(app.get_toast(), "");
}

/// Staff enroll the kiosk on the spot: HQ address (here from the config)
/// and the one-time code from `vitrine-hq device add`, against a real HQ.
#[test]
fn staff_enroll_the_kiosk_with_hq_from_the_staff_screen() {
    i_slint_backend_testing::init_no_event_loop();
    let (dir, hq_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    seed(dir.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut hq_cfg = vitrine_hq::HqConfig::new(hq_dir.path());
    hq_cfg.public_base_url = format!("http://{addr}");
    let hq = vitrine_hq::Hq::open(hq_cfg).unwrap();
    rt.spawn(vitrine_hq::serve(listener, hq.clone(), std::future::pending::<()>()));
    let (_, code) = vitrine_hq::admin::device_add(&hq, "paris-01").unwrap();

    let url = format!("http://{addr}");
    let outbox = vitrine::sync::Outbox::open(dir.path()).unwrap();
    // A PIN of the store's own (the factory PIN only allows setting one),
    // and HQ on this machine over plain HTTP, allowed when told so.
    let pin = vitrine::staff::hash_pin("2468").unwrap();
    let k = TestKiosk::with_outbox(
        config(
            dir.path(),
            &[
                ("VITRINE__HQ__URL", &url),
                ("VITRINE__HQ__TRANSPORT", "loopback-http"),
                ("VITRINE__STAFF__PIN_HASH", &pin),
            ],
        ),
        Some(outbox.clone()),
    );
    k.press("Accès personnel (appui long)");
    k.type_keys("2468");
    k.press("Entrer");
    assert_eq!(k.kiosk.page(), Page::Staff);
    let s = k.ui().global::<StaffAdapter>();
    // A wrong code first: refused, in words, nothing stored.
    k.press("Taper le code d'enrôlement");
    k.type_keys("zzzz2222");
    k.press("OK");
    k.press("Relier la borne au siège avec ce code");
    assert!(s.get_message().starts_with("Enrôlement refusé"), "{}", s.get_message());
    assert!(outbox.identity().unwrap().is_none());
    // The real code (typed as staff would, without the dash, in lower case).
    k.press("Taper le code d'enrôlement");
    k.type_keys(&code.replace('-', "").to_lowercase());
    k.press("OK");
    k.press("Relier la borne au siège avec ce code");
    assert!(
        s.get_message().starts_with("Borne reliée au siège") && s.get_message().contains("paris-01"),
        "{}",
        s.get_message()
    );
    let ident = outbox.identity().unwrap().expect("enrolled");
    assert_eq!(ident.store, "paris-01");
    assert_eq!(ident.hq_url, url);
    assert_eq!(s.get_enroll_code(), "", "the code does not stay on screen");
    // The status tab shows the address the kiosk is enrolled with.
    // (The status reaches the screen through the sync status channel: on a
    // loaded machine that takes a moment.)
    outbox.refresh_status().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        k.settle();
        k.press("État");
        let rows: Vec<String> = s
            .get_status()
            .iter()
            .map(|r| format!("{}={}", r.label, r.value))
            .collect();
        if rows.iter().any(|r| r == &format!("Siège (HQ)={url}")) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{rows:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let audit = std::fs::read_to_string(dir.path().join("staff-audit.jsonl")).unwrap();
    assert!(audit.contains("\"kiosk_enrolled\""), "{audit}");
}

/// The factory PIN (in every manual) only lets staff set a new PIN:
/// nothing else is offered (settings, enrollment, status and camera test
/// tabs), a crafted event for a setting changes nothing, and saving without
/// a new PIN is refused. Once the new PIN is saved, staff mode is whole:
/// settings change and the status shows.
#[test]
fn the_factory_pin_only_sets_a_new_pin_then_staff_change_settings_and_see_the_status() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let file = dir.path().join("kiosk.toml");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml"), &file).unwrap();
    let mut cfg = vitrine::config::load(Some(&file), Vec::new()).unwrap();
    cfg.config.kiosk.data_dir = dir.path().to_path_buf();
    let k = TestKiosk::new(cfg);
    k.press("Accès personnel (appui long)");
    k.type_keys("2468");
    k.press("Entrer");
    assert_eq!(k.kiosk.page(), Page::Staff);
    let s = k.ui().global::<StaffAdapter>();
    assert!(s.get_default_pin(), "the factory PIN is flagged");
    for hidden in [
        "Dix secondes de plus",
        "Lyon",
        "Taper le code d'enrôlement",
        "Modifier l'adresse du siège",
        "État",
        "Test caméra",
    ] {
        assert!(!k.has_button(hidden), "{hidden} offered under the factory PIN");
    }
    assert!(k.has_button("Nouveau code") && k.has_button("Quitter le mode personnel"));
    // Events the screen does not offer change nothing.
    s.invoke_idle_step(10);
    s.invoke_pick_store(1);
    s.invoke_edit(vitrine::ui::generated::StaffField::Hq);
    s.invoke_enroll();
    s.set_tab(vitrine::ui::generated::StaffTab::Status);
    k.settle();
    assert_eq!(s.get_idle_timeout(), 60);
    assert_eq!(s.get_editing(), vitrine::ui::generated::StaffField::None);
    assert!(!s.get_enrolling());
    // Saving without a new PIN: refused, nothing written.
    let before = std::fs::read_to_string(&file).unwrap();
    k.press("Enregistrer");
    assert!(
        s.get_message().starts_with("Choisissez d'abord un nouveau code"),
        "{}",
        s.get_message()
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    // A new PIN, typed twice: saved, and only it.
    k.press("Nouveau code");
    k.type_keys("9731");
    k.press("OK");
    k.press("Confirmer le code");
    k.type_keys("9731");
    k.press("OK");
    k.press("Enregistrer");
    assert!(
        s.get_message().starts_with("Enregistré : staff.pin_hash."),
        "{}",
        s.get_message()
    );
    assert!(!s.get_default_pin());
    let saved = vitrine::config::load(Some(&file), Vec::new()).unwrap();
    assert!(saved.config.staff.pin_hash.starts_with("$argon2id$"));
    assert_eq!(saved.config.ui.idle_timeout_s, 60);
    assert!(!std::fs::read_to_string(&file).unwrap().contains("9731"));
    // Now the whole staff mode.
    k.press("Dix secondes de plus");
    assert_eq!(s.get_idle_timeout(), 70);
    k.press("Lyon");
    k.press("Enregistrer");
    assert!(
        s.get_message()
            .starts_with("Enregistré : kiosk.store, ui.idle_timeout_s."),
        "{}",
        s.get_message()
    );
    let saved = vitrine::config::load(Some(&file), Vec::new()).unwrap();
    assert_eq!(saved.config.kiosk.store, "lyon-02");
    assert_eq!(saved.config.ui.idle_timeout_s, 70);
    // The status tab shows the catalog version and the outbox depth.
    k.press("État");
    let rows: Vec<String> = s
        .get_status()
        .iter()
        .map(|r| format!("{}: {}", r.label, r.value))
        .collect();
    assert!(
        rows.iter().any(|r| r.starts_with("Version du catalogue: 1 ")),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|r| r.starts_with("Envois en attente (file): 0")),
        "{rows:?}"
    );
    k.press("Quitter le mode personnel");
    assert_eq!(k.kiosk.page(), Page::Attract);
    // The new PIN is the one now.
    k.press("Accès personnel (appui long)");
    k.type_keys("2468");
    k.press("Entrer");
    assert_eq!(k.kiosk.page(), Page::StaffPin);
    k.type_keys("9731");
    k.press("Entrer");
    assert_eq!(k.kiosk.page(), Page::Staff);
}

/// Every control has an accessible label and is at least 44 × 44 px at
/// 1080p, on every page, in both orientations, in French and in German
/// (the longest words, and an 11-key keyboard row).
#[test]
fn every_control_is_labelled_and_large_enough() {
    use vitrine::ui::generated::StaffTab;
    let (_dir, k) = demo_kiosk(&[]);
    k.scan(NORDIC, Symbology::Ean13);
    k.press("Ajouter au panier");
    let app = k.ui().global::<App>();
    // Every page (the staff screen's three tabs too), in both orientations,
    // with normal text, large text and the low-reach layout.
    let mut screens: Vec<(Page, Option<StaffTab>)> = [
        Page::Attract,
        Page::Scan,
        Page::Product,
        Page::Basket,
        Page::Identify,
        Page::Handoff,
        Page::Collect,
        Page::StaffPin,
    ]
    .into_iter()
    .map(|p| (p, None))
    .collect();
    for tab in [StaffTab::Settings, StaffTab::Status, StaffTab::Camera] {
        screens.push((Page::Staff, Some(tab)));
    }
    for (lang, large, low) in [
        ("fr", false, false),
        ("fr", true, false),
        ("fr", false, true),
        ("de", false, false),
        ("de", true, false),
    ] {
        app.invoke_set_language(lang.into());
        app.invoke_set_large_text(large);
        app.invoke_set_low_reach(low);
        for (w, h) in [(1920, 1080), (1080, 1920)] {
            k.ui().window().set_size(slint::PhysicalSize::new(w, h));
            // The low-reach layout keeps the upper part of the screen for
            // information: every control is below it.
            let reach_top = if !low {
                0.0
            } else if w < h {
                h as f32 * 0.42
            } else {
                h as f32 * 0.22
            };
            for (page, tab) in &screens {
                app.set_page(*page);
                if let Some(t) = tab {
                    k.ui().global::<StaffAdapter>().set_tab(*t);
                }
                k.settle();
                let buttons = ElementQuery::from_root(k.ui())
                    .match_accessible_role(AccessibleRole::Button)
                    .find_all();
                assert!(buttons.len() >= 3, "{page:?}: {} buttons", buttons.len());
                let at = format!("{page:?} {tab:?} at {w}x{h} ({lang}, large text {large}, low reach {low})");
                for b in buttons {
                    let label = b.accessible_label().unwrap_or_default();
                    assert!(!label.trim().is_empty(), "{at}: a button has no label");
                    let size = b.size();
                    assert!(
                        size.width >= 44.0 && size.height >= 44.0,
                        "{at}: {label:?} is {}x{}",
                        size.width,
                        size.height
                    );
                    let y = b.absolute_position().y;
                    assert!(y + 1.0 >= reach_top, "{at}: {label:?} is at y = {y}, above {reach_top}");
                }
            }
        }
    }
}

/// Text colours against their backgrounds reach 4.5:1 (WCAG 2.2 AA).
#[test]
fn theme_contrast_is_at_least_4_5_to_1() {
    i_slint_backend_testing::init_no_event_loop();
    let ui = vitrine::ui::KioskWindow::new().unwrap();
    let t = ui.global::<Theme>();
    let pairs = [
        ("text/bg", t.get_text(), t.get_bg()),
        ("text/surface", t.get_text(), t.get_surface()),
        ("text/surface-alt", t.get_text(), t.get_surface_alt()),
        ("text/selected", t.get_text(), t.get_selected_bg()),
        ("muted/bg", t.get_text_muted(), t.get_bg()),
        ("muted/surface", t.get_text_muted(), t.get_surface()),
        ("muted/surface-alt", t.get_text_muted(), t.get_surface_alt()),
        ("on-primary", t.get_on_primary(), t.get_primary()),
        ("on-accent", t.get_on_accent(), t.get_accent()),
        ("accent/surface", t.get_accent(), t.get_surface()),
        ("accent/bg", t.get_accent(), t.get_bg()),
        ("ok/surface", t.get_ok(), t.get_surface()),
        ("ok/bg", t.get_ok(), t.get_bg()),
        ("warn/surface", t.get_warn(), t.get_surface()),
        ("warn/bg", t.get_warn(), t.get_bg()),
        ("bad/surface", t.get_bad(), t.get_surface()),
        ("on-header", t.get_on_header(), t.get_header_bg()),
        ("on-preview", t.get_on_preview(), t.get_preview_bg()),
    ];
    for (name, fg, bg) in pairs {
        let r = contrast(fg, bg);
        assert!(r >= 4.5, "{name}: {r:.2}:1");
    }
    // Component edges (WCAG 1.4.11) need 3:1.
    assert!(contrast(t.get_border(), t.get_surface()) >= 3.0);
    assert!(t.get_target() >= 2.0 * t.get_min_target() - 0.5);
}

fn contrast(a: slint::Color, b: slint::Color) -> f64 {
    fn lum(c: slint::Color) -> f64 {
        let ch = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c.red()) + 0.7152 * ch(c.green()) + 0.0722 * ch(c.blue())
    }
    let (x, y) = (lum(a), lum(b));
    let (hi, lo) = if x > y { (x, y) } else { (y, x) };
    (hi + 0.05) / (lo + 0.05)
}

/// Every `@tr` string of ui/*.slint has its translation in every language
/// of `ui/translations/`, and every language of the message catalogue but
/// the `.slint` files' own (French) has a `.po` there: choosing a language
/// never leaves the screen half in French.
#[test]
fn every_screen_text_has_a_translation_in_every_language() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut strings = Vec::new();
    let mut stack = vec![root.join("ui")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "slint") {
                let text = std::fs::read_to_string(&p).unwrap();
                strings.extend(tr_strings(&text).into_iter().map(|s| (p.clone(), s)));
            }
        }
    }
    assert!(strings.len() > 100, "only {} @tr strings found", strings.len());
    let mut langs: Vec<String> = std::fs::read_dir(root.join("ui/translations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    langs.sort();
    for lang in vitrine_i18n::available() {
        assert!(
            *lang == vitrine_core::Lang::FR || langs.iter().any(|l| l == lang.code()),
            "no ui/translations/{lang}/LC_MESSAGES/vitrine.po for the catalogue's language {lang}"
        );
    }
    assert!(
        langs.contains(&"en".to_string()) && langs.contains(&"de".to_string()),
        "{langs:?}"
    );
    for lang in &langs {
        let po = std::fs::read_to_string(root.join(format!("ui/translations/{lang}/LC_MESSAGES/vitrine.po"))).unwrap();
        let mut translated = std::collections::HashMap::new();
        let mut id: Option<String> = None;
        for line in po.lines() {
            if let Some(rest) = line.strip_prefix("msgid \"") {
                id = Some(rest.trim_end_matches('"').to_string());
            } else if let Some(rest) = line.strip_prefix("msgstr \"")
                && let Some(i) = id.take()
            {
                translated.insert(i, rest.trim_end_matches('"').to_string());
            }
        }
        let missing: Vec<String> = strings
            .iter()
            .filter(|(_, s)| translated.get(s).is_none_or(|t| t.is_empty()))
            .map(|(p, s)| format!("{}: {s}", p.display()))
            .collect();
        assert!(missing.is_empty(), "no {lang} translation for:\n{}", missing.join("\n"));
    }
}

/// The string literals of `@tr("…"` calls, escapes kept as written.
fn tr_strings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("@tr(\"") {
        rest = &rest[i + 5..];
        let mut s = String::new();
        let mut chars = rest.char_indices();
        while let Some((j, c)) = chars.next() {
            match c {
                '\\' => {
                    s.push('\\');
                    if let Some((_, n)) = chars.next() {
                        s.push(n);
                    }
                }
                '"' => {
                    rest = &rest[j + 1..];
                    break;
                }
                c => s.push(c),
            }
        }
        out.push(s);
    }
    out
}

#[test]
fn send_to_my_phone_draws_the_qr_code_of_the_queued_handoff_then_resets() {
    let (dir, _) = (tempfile::tempdir().unwrap(), ());
    i_slint_backend_testing::init_no_event_loop();
    seed(dir.path());
    let outbox = enrolled_outbox(dir.path(), "https://shop.example/");
    let k = TestKiosk::with_outbox(
        config(dir.path(), &[("VITRINE__UI__HANDOFF_COUNTDOWN_S", "30")]),
        Some(outbox),
    );
    k.scan(NORDIC, Symbology::Ean13);
    k.press("Ajouter au panier");
    k.press("Ajouter au panier");
    k.go(Page::Basket);
    k.press("Envoyer sur mon téléphone");
    assert_eq!(k.kiosk.page(), Page::Handoff);
    let h = k.ui().global::<HandoffAdapter>();
    assert!(h.get_has_qr());
    // The URL the outbox queued (with the signed basket in its fragment).
    let conn = rusqlite::Connection::open(dir.path().join("kiosk.sqlite")).unwrap();
    let url: String = conn.query_row("SELECT url FROM handoffs", [], |r| r.get(0)).unwrap();
    assert!(url.starts_with("https://shop.example/h/") && url.contains('#'), "{url}");
    assert_eq!(k.kiosk.session().handoff_url.as_deref(), Some(url.as_str()));
    // The picture on screen is the QR code of exactly that URL.
    let shown = h.get_qr().to_rgb8().expect("an RGB picture");
    let expected = vitrine::ui::qr::render(&url, 720).unwrap();
    assert_eq!((shown.width(), shown.height()), (expected.width(), expected.height()));
    assert!(
        shown.as_slice() == expected.as_slice(),
        "the QR code on screen is the URL's"
    );
    // And the project's own decoder reads it back from the screen's pixels.
    let luma: Vec<u8> = shown
        .as_slice()
        .iter()
        .map(|p| ((u32::from(p.r) * 299 + u32::from(p.g) * 587 + u32::from(p.b) * 114) / 1000) as u8)
        .collect();
    let mut decoder = vitrine::scan::decoder::ZxingDecoder::new();
    let read = vitrine::scan::decoder::decode_still(
        &mut decoder,
        vitrine::scan::decoder::LumaImage {
            data: &luma,
            width: shown.width(),
            height: shown.height(),
        },
    )
    .expect("decode the QR code on screen");
    assert_eq!(
        read.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(),
        vec![url.as_str()],
        "the decoder reads the URL back"
    );
    // Not delivered yet: said on screen.
    assert!(
        h.get_status()
            .starts_with("Il sera envoyé dès que la borne sera en ligne"),
        "{}",
        h.get_status()
    );
    assert!(k.shows("Cet écran s'efface dans 30 s."));
    k.wait_seconds(29);
    assert_eq!(k.kiosk.page(), Page::Handoff);
    k.wait_seconds(1);
    assert_eq!(k.kiosk.page(), Page::Attract);
    assert!(k.kiosk.session().is_blank());
    assert!(!h.get_has_qr(), "the code left the screen");
}

#[test]
fn click_and_collect_confirms_with_the_order_number_from_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    i_slint_backend_testing::init_no_event_loop();
    seed(dir.path());
    let outbox = enrolled_outbox(dir.path(), "https://shop.example");
    let k = TestKiosk::with_outbox(config(dir.path(), &[]), Some(outbox));
    k.scan(NORDIC, Symbology::Ean13);
    k.press("Ajouter au panier");
    k.go(Page::Collect);
    let c = k.ui().global::<CollectAdapter>();
    k.press("Suivant");
    let slot = c.get_slots().row_data(2).unwrap().label.to_string();
    k.press(&slot);
    k.press("Suivant");
    k.type_keys("camille");
    k.press("Suivant");
    k.type_keys("06 12 34 56 78");
    k.press("Suivant");
    assert_eq!(c.get_step(), CollectStep::Summary);
    k.press("Confirmer la commande");
    assert_eq!(c.get_step(), CollectStep::Done);
    let conn = rusqlite::Connection::open(dir.path().join("kiosk.sqlite")).unwrap();
    let number: String = conn.query_row("SELECT number FROM orders", [], |r| r.get(0)).unwrap();
    assert_eq!(c.get_order_number(), number);
    assert!(k.shows(&format!("Numéro de commande : {number}")));
    let note = c.get_done_note().to_string();
    assert!(
        note.contains("dès que la borne sera en ligne") && note.ends_with("•• •• •• •• 78."),
        "{note}"
    );
    let body: String = conn
        .query_row("SELECT body FROM outbox WHERE kind = 'order'", [], |r| r.get(0))
        .unwrap();
    assert!(
        body.contains("+33612345678") && body.contains("camille"),
        "the order carries the contact"
    );
    k.press("J'ai terminé");
    assert_eq!(k.kiosk.page(), Page::Attract);
    assert!(k.kiosk.session().is_blank());
    // Nothing of that shopper stays in the screen's state (issue 7): name,
    // phone (even masked), order number.
    assert_eq!(c.get_name_typed(), "");
    assert_eq!(c.get_contact_typed(), "");
    assert_eq!(c.get_done_note(), "");
    assert_eq!(c.get_order_number(), "");
    assert_eq!(k.ui().global::<App>().get_customer_name(), "");
    assert!(!k.shows("camille") && !k.shows(&format!("Numéro de commande : {number}")));
}

/// The app's loyalty QR scanned on the identify page, with HQ unreachable:
/// checked offline, first name and tier on screen (never the id), member
/// prices in the basket; a coupon QR adds its 10 %; "Not you?" and the
/// session reset forget everything.
#[test]
fn loyalty_qr_identifies_offline_shows_the_first_name_and_member_prices_and_a_coupon_qr_applies() {
    use vitrine_core::loyalty::{LoyaltyToken, SignedCoupon, issuer_id};
    use vitrine_core::pricing::Tier;
    use vitrine_core::sign::SecretKey;
    let dir = tempfile::tempdir().unwrap();
    i_slint_backend_testing::init_no_event_loop();
    seed(dir.path());
    // enrolled_outbox trusts the HQ key of seed [4; 32].
    let hq_key = SecretKey::from_seed([4; 32]);
    let outbox = enrolled_outbox(dir.path(), "https://shop.example");
    let cfg = config(dir.path(), &[]);
    let store = cfg.config.kiosk.store.clone();
    // A product with a member price in the demo catalog.
    let member_item = vitrine::catalog::Catalog::open(dir.path())
        .unwrap()
        .active_promotions(&store, vitrine::clock::now())
        .unwrap()
        .into_iter()
        .find_map(|p| match (&p.audience, &p.target) {
            (vitrine_core::pricing::Audience::Members { .. }, vitrine_core::pricing::Target::Gtins(g)) => {
                g.first().copied()
            }
            _ => None,
        })
        .expect("a member price in the demo catalog");
    let k = TestKiosk::with_outbox(cfg, Some(outbox));
    k.scan(&member_item.short_form(), Symbology::Ean13);
    k.press("Ajouter au panier");
    k.go(Page::Basket);
    let b = k.ui().global::<BasketAdapter>();
    let anonymous_total = b.get_total().to_string();
    k.press("M'identifier pour mes prix personnels");
    let now = vitrine::clock::now();
    // The app's QR code carries a personal 5 % coupon (HQ unreachable here).
    let token = LoyaltyToken::new(
        &hq_key.public(),
        "cus-TESTCAMILLE",
        "Camille",
        Some(Tier::Gold),
        true,
        now,
    )
    .with_offers(vec![vitrine_core::loyalty::TokenOffer {
        code: "MERCI-UITOKEN".into(),
        basis_points: 500,
        min_spend_minor: 0,
        valid_from: None,
        valid_until: now + 86_400,
    }])
    .sign(&hq_key);
    k.scan(&token, Symbology::Qr);
    let id = k.ui().global::<IdentifyAdapter>();
    assert!(id.get_identified(), "{}", id.get_message());
    assert_eq!(id.get_first_name(), "Camille");
    assert_eq!(id.get_coupons(), "Votre bon de réduction personnel s'applique aussi.");
    assert!(id.get_masked().contains("Or"), "{}", id.get_masked());
    assert!(!id.get_masked().contains("TESTCAMILLE"));
    assert!(k.shows("Bonjour Camille !"));
    k.press("Retour au panier");
    assert!(
        b.get_customer_line().starts_with("Camille · "),
        "{}",
        b.get_customer_line()
    );
    // The demo catalog's member promotions now count (gold: every tier).
    let member_total = b.get_total().to_string();
    let savings: Vec<String> = b.get_savings().iter().map(|s| s.to_string()).collect();
    assert_ne!(member_total, anonymous_total);
    assert!(savings.iter().any(|s| s.starts_with("Prix membre")), "{savings:?}");
    assert!(
        savings.iter().any(|s| s.contains("5 %")),
        "the token's coupon: {savings:?}"
    );

    // A coupon QR (signed by HQ): 10 % off the basket.
    let coupon = SignedCoupon {
        iss: issuer_id(&hq_key.public()),
        code: "MERCI-UI0001".into(),
        basis_points: 1000,
        min_spend_minor: 0,
        valid_from: None,
        valid_until: now + 86_400,
    }
    .sign(&hq_key);
    k.scan(&coupon, Symbology::Qr);
    assert!(k.ui().global::<App>().get_toast().contains("Bon de réduction ajouté"));
    let savings: Vec<String> = b.get_savings().iter().map(|s| s.to_string()).collect();
    assert!(savings.iter().any(|s| s.contains("10 %")), "{savings:?}");
    // A forged one is refused in words.
    let forged = LoyaltyToken::new(&hq_key.public(), "cus-X", "Eve", Some(Tier::Gold), true, now)
        .sign(&SecretKey::from_seed([5; 32]));
    k.go(Page::Identify);
    k.press("Pas vous ?");
    assert!(!id.get_identified());
    k.scan(&forged, Symbology::Qr);
    assert!(!id.get_identified());
    assert!(id.get_message().contains("pas authentique"), "{}", id.get_message());

    // Identified again, then the session reset forgets everything.
    k.scan(&token, Symbology::Qr);
    assert!(id.get_identified());
    k.kiosk.reset_session("test");
    assert!(k.kiosk.session().is_blank());
    assert!(!id.get_identified());
    assert_eq!(id.get_first_name(), "");
    assert_eq!(id.get_coupons(), "");
}

/// The screen prices for the store HQ enrolled the kiosk for, not for
/// `kiosk.store` (issue 13).
#[test]
fn the_screen_serves_the_store_hq_enrolled_the_kiosk_for() {
    use vitrine_core::catalog::Change;
    use vitrine_core::product::PriceEntry;
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    {
        let mut cat = vitrine::catalog::Catalog::open(dir.path()).unwrap();
        cat.apply(
            &[Change::SetPrice(PriceEntry {
                gtin: vitrine_core::Gtin::from_digits(NORDIC).unwrap(),
                store: Some("lyon-02".into()),
                price: vitrine_core::Money::eur(123),
            })],
            vitrine::catalog::VersionMove::Increment,
            0,
            &mut |_| {},
        )
        .unwrap();
    }
    let outbox = vitrine::sync::Outbox::open(dir.path()).unwrap();
    outbox
        .save_identity(&vitrine::sync::store::DeviceIdentity {
            device_id: "kiosk-lyon".into(),
            store: "lyon-02".into(),
            hq_url: "http://127.0.0.1:9".into(),
            token: "t".into(),
            hq_public_key: vitrine_core::sign::SecretKey::from_seed([4; 32]).public(),
            device_key: vitrine_core::sign::SecretKey::from_seed([3; 32]),
            public_base_url: "https://shop.example".into(),
            enrolled_at: vitrine::clock::now(),
        })
        .unwrap();
    // The configuration still says paris-01 (the default).
    let k = TestKiosk::with_outbox(config(dir.path(), &[]), Some(outbox));
    k.scan(NORDIC, Symbology::Ean13);
    assert_eq!(k.kiosk.page(), Page::Product);
    assert_eq!(k.ui().global::<ProductAdapter>().get_price(), "1,23 €");
}
