//! `vitrine-hq status`: the catalog version, the fleet's size, HQ's public
//! key (what kiosks trust).

use vitrine_hq::Hq;

pub fn run(hq: &Hq) -> anyhow::Result<()> {
    println!("catalog version  {}", hq.storage.current_version()?);
    println!("devices          {}", hq.storage.devices()?.len());
    println!("public key       {}", hq.key.public().to_text());
    Ok(())
}
