//! One controller per page adapter of `ui/pages/*.slint`. Each module
//! keeps its screen's state, wires its adapter's callbacks in `setup`
//! (which returns the screen's handle and adds it to the shell), draws its
//! adapter in the session's language, and receives the answers to the work
//! it asked for (see `super::shell`, "Answers").
//!
//! A screen reaches another only where the journey goes from one to the
//! other (the scan screen hands a found product to the product page, a
//! loyalty card to identification, a coupon to the basket; the basket and
//! the product page start a handoff); everything else goes through the
//! shell (navigation, toasts, session changes). The arrows run one way:
//! `attract → scan → {product, identify, basket}`, `{product, basket} →
//! handoff`.

pub mod attract;
pub mod basket;
pub mod collect;
pub mod handoff;
pub mod identify;
pub mod product;
pub mod scan;
pub mod staff;
